#!/bin/bash
# make run: Keel with Debian's Linux as dom0 and the busybox initramfs, to
# an interactive shell on the serial console (this terminal).  Ctrl-A X
# quits QEMU.  Usage: tests/linux/shell.sh <build-dir> [smp]
set -u
mkdir -p "$1"
BUILD=$(cd "$1" && pwd)
SMP=${2:-${SMP:-2}}
HV=keel
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=$BUILD/linux/shell
mkdir -p "$OUT"
KEEL_CMDLINE=${KEEL_CMDLINE:-"console=com1 loglvl=info guest_loglvl=warning dom0_mem=512M"}
# shellcheck source=tests/linux/lib.sh
. "$HERE/lib.sh"
linux_setup || exit 1
linux_iso "$OUT/keel-linux.iso" "console=hvc0 keel.mode=shell keel.cpus=$SMP keel.devices=0" || exit 1
echo "Booting Keel + Debian's Linux dom0 ($SMP CPUs); Ctrl-A X quits."
exec qemu-system-x86_64 -accel tcg -cpu max,-smap -m 1024 -smp "$SMP" -display none \
    -serial mon:stdio -no-reboot -cdrom "$OUT/keel-linux.iso" -boot d
