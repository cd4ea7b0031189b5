#!/bin/bash
# mkinitrd.sh <top> <out.cpio.gz> [kl]: the dom0 initramfs (busybox +
# init.sh, and the kl toolstack binary when given).
# With DOM0_E2E=1 it also carries what the end-to-end case (e2e.sh) needs,
# left out of the default image to keep it small: Debian's xenstored,
# xenconsoled, xl and xenstore-* with their libraries and Debian's dynamic
# loader (fetch-xenutils.sh), the backend modules, Debian's vmlinuz and a
# guest initramfs (mkguest.sh) for the domUs, and the block hotplug script.
set -euo pipefail
top=$1 out=$2 kl=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,proc,sys,dev,etc}
cp "$top/ext/busybox/busybox" "$tmp/bin/busybox"
cp "$here/init.sh" "$tmp/init"
[ -n "$kl" ] && cp "$kl" "$tmp/bin/kl"
# kl-gnt (built beside kl): the grant check.
[ -n "$kl" ] && [ -x "$(dirname "$kl")/kl-gnt" ] && cp "$(dirname "$kl")/kl-gnt" "$tmp/bin/kl-gnt"
chmod +x "$tmp/init"
# The drivers dom0's checks need, from Debian's package, in load order.
mods=$(ls -d "$top"/ext/linux/root/lib/modules/* | head -1)
mkdir -p "$tmp/lib/modules"
: > "$tmp/lib/modules/order"
copy_mod() {
    local f
    f=$(find "$mods/kernel" -name "$1.ko" | head -1)
    [ -n "$f" ] || { echo "mkinitrd: module $1 not in $mods" >&2; exit 1; }
    cp "$f" "$tmp/lib/modules/"
}
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
         virtio_blk failover net_failover virtio_net e1000 crc16 mbcache jbd2 \
         crc32c_generic ext4 xen-privcmd; do
    copy_mod "$m"
    echo "$m" >> "$tmp/lib/modules/order"
done
# Grant devices for kl-gnt, loaded by init itself (not in the device order).
for m in xen-gntdev xen-gntalloc; do copy_mod "$m"; done

if [ "${DOM0_E2E:-0}" = 1 ]; then
    bash "$here/fetch-xenutils.sh" "$top"
    xu=$top/ext/xenutils/root
    # Backends, loaded by e2e.sh (xenfs after xen-privcmd, its one dependency).
    for m in xen-evtchn xenfs xen-blkback loop; do copy_mod "$m"; done
    # The binaries at Debian's paths, then every library they need, by
    # soname, into Debian's library directory (ldd's closure, from readelf
    # so that nothing of the build host is consulted).
    for f in usr/lib/xen-4.17/bin/xenstored usr/lib/xen-4.17/bin/xenconsoled \
             usr/lib/xen-4.17/bin/xl usr/bin/xenstore; do
        mkdir -p "$tmp/$(dirname "$f")"
        cp "$xu/$f" "$tmp/$f"
    done
    for c in read write rm ls list exists chmod watch; do ln -s xenstore "$tmp/usr/bin/xenstore-$c"; done
    mkdir -p "$tmp/lib/x86_64-linux-gnu" "$tmp/lib64"
    todo="$tmp/usr/lib/xen-4.17/bin/xenstored $tmp/usr/lib/xen-4.17/bin/xenconsoled
          $tmp/usr/lib/xen-4.17/bin/xl $tmp/usr/bin/xenstore"
    while [ -n "$todo" ]; do
        next=""
        for f in $todo; do
            for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
                [ -e "$tmp/lib/x86_64-linux-gnu/$n" ] && continue
                src=$(ls "$xu/lib/x86_64-linux-gnu/$n" "$xu/usr/lib/x86_64-linux-gnu/$n" 2>/dev/null | head -1 || true)
                [ -n "$src" ] || { echo "mkinitrd: $n (needed by $f) not in $xu" >&2; exit 1; }
                cp -L "$src" "$tmp/lib/x86_64-linux-gnu/$n"
                next="$next $tmp/lib/x86_64-linux-gnu/$n"
            done
        done
        todo=$next
    done
    # The loader, and libgcc_s, which glibc dlopens for pthread_cancel (xl).
    cp -L "$xu/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$xu/lib/x86_64-linux-gnu/libgcc_s.so.1" \
        "$tmp/lib/x86_64-linux-gnu/"
    ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$tmp/lib64/ld-linux-x86-64.so.2"
    mkdir -p "$tmp/etc/xen/scripts" "$tmp/e2e"
    : > "$tmp/etc/xen/xl.conf"      # xl's defaults, without its warning
    cp "$here/e2e.sh" "$tmp/e2e/e2e.sh"
    cp "$here/e2e-block.sh" "$tmp/etc/xen/scripts/block"
    chmod +x "$tmp/e2e/e2e.sh" "$tmp/etc/xen/scripts/block"
    cp "$top/ext/linux/vmlinuz" "$tmp/e2e/vmlinuz"
    bash "$here/mkguest.sh" "$top" "$tmp/e2e/guest.cpio.gz"
fi
mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -9) > "$out.tmp"
mv "$out.tmp" "$out"
