#!/bin/bash
# Debian's Linux 6.1 (the bzImage as shipped) as a PVH domU that Keel
# starts at boot, with no dom0: 2 vCPUs, 256 MiB, a busybox initramfs
# (pvh-init.sh) as its ramdisk module, its console hvc0 on the console
# ring Keel serves ("(d1) ..." lines on the serial line).  Passes when the
# domU's init prints the shell marker and "Test result: SUCCESS" (2 CPUs
# in /proc/cpuinfo, /sys/hypervisor/type xen) and then powers off through
# ACPI S5 (the sleep control register of Keel's FADT), with no crash line.
# Keel only (Xen needs its toolstack for a domU).
# Usage: tests/linux/pvh-domu.sh <build-dir>
# Output: PASS|FAIL linux-pvh/keel/pvh-2cpu (...); log in <build>/linux-pvh/.
set -u
[ $# -ge 1 ] || { echo "usage: $0 <build-dir>" >&2; exit 2; }
mkdir -p "$1"
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
HV=keel
TIMEOUT=${TIMEOUT:-300}
KEEL_CMDLINE=${KEEL_CMDLINE:-"console=com1 loglvl=info guest_loglvl=warning noreboot"}
OUT=$BUILD/linux-pvh
mkdir -p "$OUT"
# shellcheck source=tests/linux/lib.sh
. "$HERE/lib.sh"
linux_setup || { echo "FAIL linux-pvh/keel/setup (see above)"; exit 1; }

# The domU's initramfs: busybox and pvh-init.sh, nothing else.
ramdisk=$OUT/pvh-initrd.gz
tmp=$(mktemp -d)
mkdir -p "$tmp"/{bin,proc,sys,dev}
cp "$TOP/ext/busybox/busybox" "$tmp/bin/busybox"
cp "$HERE/pvh-init.sh" "$tmp/init"
chmod +x "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -9) > "$ramdisk"
rm -rf "$tmp"

name=pvh-2cpu
log=$OUT/$name.log
iso=$OUT/$name.iso
largs="type=pvh mem=256M vcpus=2 console=hvc0 keel.cpus=2 panic=-1 loglevel=4"
tmp=$(mktemp -d)
mkdir -p "$tmp/boot/grub"
cp "$HVGZ" "$tmp/boot/keel.gz"
cp "$TOP/ext/linux/vmlinuz" "$ramdisk" "$tmp/boot/"
{ grub_serial_header; cat <<CFG; } > "$tmp/boot/grub/grub.cfg"
menuentry 'Keel + Debian Linux as a PVH domU' {
    multiboot2 /boot/keel.gz $KEEL_CMDLINE
    module2 /boot/vmlinuz $largs
    module2 --nounzip /boot/pvh-initrd.gz ramdisk
}
CFG
grub_mkiso "$iso" "$tmp" || { rm -rf "$tmp"; echo "FAIL linux-pvh/keel/$name (grub-mkrescue failed)"; exit 1; }
rm -rf "$tmp"

END='\] Domain 1 shutdown: reason 0 \(poweroff\)|\(d1\) \[ *[0-9.]+\] reboot: System halted'
BAD='Panic on CPU|Keel halted|domain_crash|Kernel panic|BUG: |Oops|general protection fault'
rm -f "$log"
start=$SECONDS
qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -display none -monitor none \
    -serial "file:$log" -no-reboot -cdrom "$iso" -boot d > "$OUT/$name.qemu" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    grep -qaE "$END|$BAD" "$log" 2>/dev/null && { sleep 1; break; }
    [ $((SECONDS - start)) -ge "$TIMEOUT" ] && break
    sleep 0.5
done
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
sed -i 's/\r$//' "$log"
bad=$(grep -m1 -aE "$BAD" "$log")
marker=$(grep -a -m1 '(d1) PVH-SHELL-READY' "$log" | sed 's/.*PVH-SHELL-READY //')
if [ -n "$bad" ]; then
    echo "FAIL linux-pvh/keel/$name (the log shows: $bad)"
elif [ -z "$marker" ]; then
    echo "FAIL linux-pvh/keel/$name (no shell marker from d1 in ${TIMEOUT}s)"
elif ! grep -qa '(d1) Test result: SUCCESS' "$log"; then
    echo "FAIL linux-pvh/keel/$name ($(grep -a -m1 '(d1) Test result' "$log" | sed 's/.*(d1) //'))"
elif ! grep -qaE "$END" "$log"; then
    echo "FAIL linux-pvh/keel/$name (the domU did not power off$(grep -qa 'System halted' "$log" && echo ': it halted'))"
else
    echo "PASS linux-pvh/keel/$name ($marker, $((SECONDS - start)) s)"
    exit 0
fi
echo "  --- last 20 lines of $log ---"
tail -n 20 "$log" | sed 's/^/  | /'
exit 1
