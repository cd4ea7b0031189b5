#!/bin/bash
# mkinitrd.sh <top> <out.cpio.gz>: the dom0 initramfs (busybox + init.sh).
set -euo pipefail
top=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,proc,sys,dev,etc}
cp "$top/ext/busybox/busybox" "$tmp/bin/busybox"
cp "$here/init.sh" "$tmp/init"
chmod +x "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -9) > "$out.tmp"
mv "$out.tmp" "$out"
