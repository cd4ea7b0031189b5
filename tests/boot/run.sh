#!/bin/sh
# Boot a Keel ISO under QEMU, serial console on this terminal (Ctrl-A X quits).
set -eu
iso=$1
echo "Booting $iso under QEMU (TCG, -cpu max, 2 CPUs, 512 MiB); Ctrl-A X quits."
exec qemu-system-x86_64 -accel tcg -cpu max -smp "${SMP:-2}" -m "${MEM:-512}" \
    -nographic -no-reboot -cdrom "$iso" -boot d
