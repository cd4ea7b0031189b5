#!/bin/bash
# QEMU boot tests of Keel alone (no dom0).  Usage: run-tests.sh <build dir>
# Prints PASS/FAIL per case and writes $O/boot/results.txt.
set -u
O=$1
HERE=$(cd "$(dirname "$0")" && pwd)
LOGDIR=$O/boot
mkdir -p "$LOGDIR"
. "$HERE/lib.sh"

KEEL_GZ=$O/keel.gz
KEEL_BIN=$O/keel.bin
ISO=$LOGDIR/keel.iso
ISO_CMDLINE=$LOGDIR/keel-cmdline.iso
sh "$HERE/mkiso.sh" "$ISO" "$KEEL_GZ" "console=com1 loglvl=all noreboot"
sh "$HERE/mkiso.sh" "$ISO_CMDLINE" "$KEEL_GZ" \
    "console=com1 loglvl=warning bogus_opt=1 dom0_max_vcpus=x sched=credit com1=115200,8n1"
DONE='Boot complete'
BAD='Panic|FATAL|unexpected|APIC error|did not start|self-test failed'

common_checks() {
    must "$1" 'Keel hypervisor 4\.17-keel' "banner"
    must "$1" 'Memory: [0-9]+ MiB RAM .* MiB free in the heap' "memory line"
    must "$1" 'Exception self-test passed' "exception self-test"
    must "$1" 'Debug self-test passed: #DB on an unmapped ring-0 stack handled' "#DB IST self-test"
    must "$1" 'Time: TSC [0-9.]+ MHz' "TSC calibration"
    must "$1" 'Domain self-test passed: .* no leak' "domain lifecycle without leaks"
    must "$1" 'Grant table self-test passed: .* no leak' "grant table lifecycle without leaks"
    must "$1" 'no dom0 kernel given' "no-dom0 message"
    must "$1" "$DONE" "boot completion"
    mustnot "$1" "$BAD" "error"
}

# 1. GRUB2 + multiboot2, one CPU.
boot_case smp1 90 "$DONE" -- -cpu max -smp 1 -m 512 -cdrom "$ISO" -boot d
common_checks smp1
must smp1 'Boot loader: GRUB 2.* \(multiboot2\)' "GRUB multiboot2"
must smp1 'SMP: 1 CPU\(s\) online' "one CPU online"
must smp1 'Timer self-test passed: ticks on all 1 CPUs: CPU0:5' "timer ticks"
must smp1 'SMAP self-test passed: a user-page read outside a guest-access window faulted and was fixed up, .*\(SMEP on\)' "SMAP/SMEP on, user access outside a window faults"
verdict smp1

# 2. Four CPUs: every AP reports in and gets timer ticks.
boot_case smp4 120 "$DONE" -- -cpu max -smp 4 -m 512 -cdrom "$ISO" -boot d
common_checks smp4
for c in 1 2 3; do must smp4 "CPU$c: APIC ID $c online" "CPU$c online"; done
must smp4 'SMP: 4 CPU\(s\) online' "four CPUs online"
must smp4 'ticks on all 4 CPUs: CPU0:5 CPU1:5 CPU2:5 CPU3:5' "ticks on every CPU"
verdict smp4

# 3. Multiboot1 through qemu -kernel (the quick path), two CPUs.
boot_case mb1 60 "$DONE" -- -cpu max -smp 2 -m 256 -kernel "$KEEL_BIN" -append "loglvl=all"
common_checks mb1
must mb1 'Boot loader: qemu \(multiboot1\)' "multiboot1 loader"
must mb1 'Command line: loglvl=all$' "image name dropped from the command line"
must mb1 'SMP: 2 CPU\(s\) online' "two CPUs online"
verdict mb1

# 4. RAM above 4 GiB joins the direct map and the heap.
boot_case highmem 90 "$DONE" -- -cpu max -smp 2 -m 5G -cdrom "$ISO" -boot d
common_checks highmem
must highmem 'Memory: 51[0-9][0-9] MiB RAM' "5 GiB of RAM"
must highmem 'MiB free in the heap' "heap line"
must highmem '0000000100000000 - 0000000180000000 \(RAM\)' "RAM above 4 GiB in the map"
verdict highmem

# 5. Command line: unknown and bad options are reported, loglvl filters.
#    The boot goes on to the end: Boot complete shows at loglvl=warning.
boot_case cmdline 60 "$DONE" -- -cpu max -smp 1 -m 256 -cdrom "$ISO_CMDLINE" -boot d
must cmdline "'bogus_opt=1' ignored \(unknown option\)" "unknown option reported"
must cmdline "'dom0_max_vcpus=x' ignored \(bad value\)" "bad value reported"
must cmdline "$DONE" "boot completion"
mustnot cmdline 'Memory: ' "info line despite loglvl=warning"
mustnot cmdline "$BAD" "error"
verdict cmdline

# 6. Debug keys: 'h' lists them, 't' and 'm' answer, 'd' dumps every CPU.
boot_case keys 90 "CPU1 state" --keys "htmd" "$DONE" -- -cpu max -smp 2 -m 256 -kernel "$KEEL_BIN" -append "loglvl=all"
must keys "key 'C' .* => trigger a hypervisor crash" "help lists keys"
must keys "'t' pressed -> Keel 4\.17-keel, up [0-9.]+ s" "time key"
must keys "'m' pressed -> memory: heap [0-9]+ of [0-9]+ pages free" "memory key"
must keys '\*\*\* CPU0 state' "CPU0 dump"
must keys '\*\*\* CPU1 state' "CPU1 dump"
mustnot keys "$BAD" "error"
verdict keys

# 7. panic(): reason, CPU, symbolised backtrace, halt under noreboot.
boot_case panic 90 "Keel halted" --keys "C" "$DONE" -- -cpu max -smp 2 -m 512 -cdrom "$ISO" -boot d
must panic 'Panic on CPU 0:' "panic header"
must panic "debug key 'C' pressed: manual crash" "panic reason"
must panic 'Call trace:' "call trace"
must panic '\] crash_now\+0x[0-9a-f]+/0x[0-9a-f]+' "symbolised frame"
must panic 'Keel halted \(noreboot\)' "noreboot halts"
verdict panic

# 8. Without noreboot a panic reboots 5 s later: the machine really resets
#    (QEMU -no-reboot then exits by itself), not before the delay.
boot_case reboot 90 "Rebooting in 5 seconds" --keys "C" "$DONE" --until-exit -- -cpu max -smp 1 -m 256 -kernel "$KEEL_BIN" -append "loglvl=all"
must reboot 'Panic on CPU 0:' "panic header"
must reboot 'Rebooting in 5 seconds' "reboot announced"
must_exit reboot 4
verdict reboot

# 9. CPU checks in the 32-bit entry: a clear message and a halt.
boot_case nolm 30 "Keel cannot start" -- -cpu qemu32 -m 128 -kernel "$KEEL_BIN"
must nolm 'Keel cannot start: this CPU has no 64-bit long mode' "long-mode check"
verdict nolm
boot_case nonx 30 "Keel cannot start" -- -cpu qemu64,-nx -m 128 -kernel "$KEEL_BIN"
must nonx 'Keel cannot start: this CPU has no NX' "NX check"
verdict nonx

echo "boot: $BOOT_PASSED passed, $BOOT_FAILED failed" > "$LOGDIR/summary.txt"
[ "$BOOT_FAILED" -eq 0 ]
