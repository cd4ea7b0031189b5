#!/bin/bash
# fetch-libxen.sh <top>: Debian's libxen-dev (Xen 4.17's control libraries,
# static archives and headers) into <top>/ext/libxen/root, with
# `apt-get download` (no root needed).  kl links libxenctrl and its
# companions statically so that it runs in the busybox initramfs as is.
set -euo pipefail
top=$1
root=$top/ext/libxen/root
[ -f "$root/usr/include/xenctrl.h" ] && exit 0
mkdir -p "$top/ext/debs" "$root"
(cd "$top/ext/debs" && ls libxen-dev_*.deb >/dev/null 2>&1 || apt-get download libxen-dev >&2) ||
    { echo "fetch-libxen: apt-get download libxen-dev failed" >&2; exit 1; }
dpkg-deb -x "$(ls "$top"/ext/debs/libxen-dev_*.deb | head -1)" "$root"
