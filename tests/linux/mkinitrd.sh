#!/bin/bash
# mkinitrd.sh <top> <out.cpio.gz> [kl]: the dom0 initramfs (busybox +
# init.sh, and the kl toolstack binary when given).
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
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
         virtio_blk failover net_failover virtio_net e1000 crc16 mbcache jbd2 \
         crc32c_generic ext4 xen-privcmd; do
    f=$(find "$mods/kernel" -name "$m.ko" | head -1)
    [ -n "$f" ] || { echo "mkinitrd: module $m not in $mods" >&2; exit 1; }
    cp "$f" "$tmp/lib/modules/"
    echo "$m" >> "$tmp/lib/modules/order"
done
# Grant devices for kl-gnt, loaded by init itself (not in the device order).
for m in xen-gntdev xen-gntalloc; do
    f=$(find "$mods/kernel" -name "$m.ko" | head -1)
    [ -n "$f" ] || { echo "mkinitrd: module $m not in $mods" >&2; exit 1; }
    cp "$f" "$tmp/lib/modules/"
done
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -9) > "$out.tmp"
mv "$out.tmp" "$out"
