#!/bin/bash
# fetch-xenutils.sh <top>: Debian 12's Xen 4.17 user space for the
# end-to-end dom0 image, fetched with `apt-get download` into
# <top>/ext/debs and unpacked once into <top>/ext/xenutils/root:
#   usr/lib/xen-4.17/bin/{xenstored,xenconsoled,xl}   (xen-utils-4.17)
#   usr/bin/xenstore-*                                 (xenstore-utils)
#   the shared libraries they load, and Debian's own libc6 with its
#   dynamic loader (the image must not carry the build host's libc).
# The package list is what `readelf -d` of those binaries and of each
# library they pull in names; a NEEDED library found in no package here
# fails the fetch, so a Debian update that adds one is seen at once.
# Idempotent: prints nothing on success but what apt prints.
set -euo pipefail
top=$1
debs=$top/ext/debs
dest=$top/ext/xenutils
pkgs="xen-utils-4.17 xenstore-utils libxenmisc4.17 libxenstore4 libxencall1
      libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxentoollog1
      libxentoolcore1 libxendevicemodel1 libxenhypfs1 libyajl2 libuuid1
      liblzma5 libzstd1 zlib1g libgcc-s1 libc6"
# The binaries the dom0 image carries (mkinitrd.sh reads this list too).
bins="usr/lib/xen-4.17/bin/xenstored usr/lib/xen-4.17/bin/xenconsoled
      usr/lib/xen-4.17/bin/xl usr/bin/xenstore"

[ -f "$dest/root/.complete" ] && exit 0
mkdir -p "$debs"

download() {
    (cd "$debs" && apt-get download "$1" >&2) ||
        { apt-get update >&2 && (cd "$debs" && apt-get download "$1" >&2); } ||
        { echo "fetch-xenutils: cannot download Debian package $1" >&2; exit 1; }
}

rm -rf "$dest/root"
mkdir -p "$dest/root"
for p in $pkgs; do
    ls "$debs/${p}"_*.deb >/dev/null 2>&1 || download "$p"
    dpkg -x "$(ls "$debs/${p}"_*.deb | head -1)" "$dest/root"
done

# Every NEEDED entry of the binaries, transitively, must be in the tree.
libdirs="lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu"
find_lib() {
    local d
    for d in $libdirs; do
        [ -e "$dest/root/$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    return 1
}
seen=" "
todo=$bins
while [ -n "$todo" ]; do
    next=""
    for f in $todo; do
        for n in $(readelf -d "$dest/root/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            case $seen in *" $n "*) continue ;; esac
            seen="$seen$n "
            l=$(find_lib "$n") ||
                { echo "fetch-xenutils: $f needs $n, in none of: $pkgs" >&2; exit 1; }
            next="$next $l"
        done
    done
    todo=$next
done
touch "$dest/root/.complete"
