#!/bin/bash
# mkdisk.sh <out.img>: a 16 MiB disk with an MBR partition table and one
# ext2 partition holding hello.txt, for dom0's virtio-blk check.  Built as
# an ordinary user would (sfdisk on the file, mke2fs -d at the partition's
# offset): nothing is mounted on the host.
set -euo pipefail
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "hello from the keel dom0 disk" > "$tmp/hello.txt"
rm -f "$out.tmp"
truncate -s 16M "$out.tmp"
echo 'start=2048, type=83' | sfdisk -q "$out.tmp" >/dev/null
mke2fs -q -F -t ext2 -d "$tmp" -E offset=$((2048 * 512)) "$out.tmp" 14M
mv "$out.tmp" "$out"
