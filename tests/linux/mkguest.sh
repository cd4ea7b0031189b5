#!/bin/bash
# mkguest.sh <top> <out.cpio.gz>: the initramfs of the end-to-end domUs
# (busybox, guest-init.sh as /init, and the blkfront and ext4 modules from
# Debian's kernel package, in load order).
set -euo pipefail
top=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,proc,sys,dev,mnt,lib/modules}
cp "$top/ext/busybox/busybox" "$tmp/bin/busybox"
cp "$here/guest-init.sh" "$tmp/init"
chmod +x "$tmp/init"
mods=$(ls -d "$top"/ext/linux/root/lib/modules/* | head -1)
: > "$tmp/lib/modules/order"
for m in xen-blkfront crc16 mbcache jbd2 crc32c_generic ext4; do
    f=$(find "$mods/kernel" -name "$m.ko" | head -1)
    [ -n "$f" ] || { echo "mkguest: module $m not in $mods" >&2; exit 1; }
    cp "$f" "$tmp/lib/modules/"
    echo "$m" >> "$tmp/lib/modules/order"
done
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -9) > "$out.tmp"
mv "$out.tmp" "$out"
