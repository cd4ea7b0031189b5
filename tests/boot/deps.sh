#!/bin/sh
# Make sure the Debian packages that build, boot and test Keel are installed.
# As root: install what is missing.  Otherwise: print the exact command.
set -eu
PKGS="gcc make binutils gzip bc cpio fdisk e2fsprogs qemu-system-x86 grub-pc-bin grub-common xorriso mtools liblzma-dev zlib1g-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 ||
        { apt-get update >/dev/null && apt-get install -y --no-install-recommends $missing; }
else
    echo "deps: missing Debian packages:$missing"
    echo "deps: run as root:  apt-get install -y$missing"
    exit 1
fi
