#!/bin/bash
# fetch.sh <top>: Debian's Linux kernel (the package linux-image-amd64
# depends on) and busybox-static, fetched with `apt-get download` into
# <top>/ext/debs and unpacked once:
#   <top>/ext/linux/vmlinuz        the bzImage as Debian ships it
#   <top>/ext/linux/root/          the whole package (modules, config)
#   <top>/ext/busybox/busybox      a static busybox
# Idempotent; prints nothing on success but what apt prints.
set -euo pipefail
top=$1
debs=$top/ext/debs
mkdir -p "$debs" "$top/ext/linux" "$top/ext/busybox"

download() {
    (cd "$debs" && apt-get download "$1" >&2) ||
        { apt-get update >&2 && (cd "$debs" && apt-get download "$1" >&2); } ||
        { echo "fetch: cannot download Debian package $1" >&2; exit 1; }
}

kernel_package() {
    local p
    p=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    if [ -z "$p" ]; then
        apt-get update >&2
        p=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    fi
    [ -n "$p" ] || { echo "fetch: no linux-image-amd64 in the package lists" >&2; exit 1; }
    echo "$p"
}

if [ ! -f "$top/ext/linux/vmlinuz" ]; then
    kpkg=$(kernel_package)
    ls "$debs/${kpkg}"_*.deb >/dev/null 2>&1 || download "$kpkg"
    rm -rf "$top/ext/linux/root"
    dpkg -x "$(ls "$debs/${kpkg}"_*.deb | head -1)" "$top/ext/linux/root"
    cp "$(ls "$top"/ext/linux/root/boot/vmlinuz-* | head -1)" "$top/ext/linux/vmlinuz.tmp"
    mv "$top/ext/linux/vmlinuz.tmp" "$top/ext/linux/vmlinuz"
fi
if [ ! -x "$top/ext/busybox/busybox" ]; then
    ls "$debs"/busybox-static_*.deb >/dev/null 2>&1 || download busybox-static
    rm -rf "$top/ext/busybox/root"
    dpkg -x "$(ls "$debs"/busybox-static_*.deb | head -1)" "$top/ext/busybox/root"
    cp "$top/ext/busybox/root/bin/busybox" "$top/ext/busybox/busybox"
fi
