#!/bin/bash
# Benchmark: Debian's Linux as PV dom0, from QEMU start to the initramfs
# shell marker, on Keel and on Debian's Xen 4.17 in the same QEMU.
#   - wall time (plain TCG), median of REPS (default 3) boots each;
#   - under -icount shift=0 (1 ns of guest time per instruction), with one
#     vCPU, Linux's uptime at the marker: dom0's instructions, independent
#     of the host's load.
# Usage: bench/linux-boot.sh <build-dir>
set -u
mkdir -p "$1"
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
REPS=${REPS:-3}
TIMEOUT=${TIMEOUT:-300}
KEEL_CMDLINE="console=com1 loglvl=info guest_loglvl=warning noreboot dom0_mem=512M"
XEN_CMDLINE="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot dom0_mem=512M,max:512M"
MARKER=DOM0-SHELL-READY

# boot_once <log> <iso> <smp> [qemu args]: seconds from QEMU start to the marker.
boot_once() {
    local log=$1 iso=$2 smp=$3 t0 now pid
    shift 3
    rm -f "$log"
    t0=$(date +%s.%N)
    qemu-system-x86_64 -accel tcg "$@" -cpu max,-smap -m 1024 -smp "$smp" -display none \
        -monitor none -serial "file:$log" -no-reboot -cdrom "$iso" -boot d >/dev/null 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        now=$(date +%s.%N)
        if grep -qa "$MARKER" "$log" 2>/dev/null; then
            echo "$now - $t0" | bc
            sleep 3; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
            return 0
        fi
        if [ "$(echo "$now - $t0 > $TIMEOUT" | bc)" = 1 ]; then break; fi
        sleep 0.05
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    echo FAIL
}

median() { sort -n | awk '{a[NR]=$1} END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.2f", a[(NR+1)/2]; else printf "%.2f", (a[NR/2]+a[NR/2+1])/2 }'; }

declare -A WALL ICOUNT
for HV in keel xen; do
    OUT=$BUILD/bench/linux/$HV
    mkdir -p "$OUT"
    # shellcheck source=tests/linux/lib.sh
    . "$TOP/tests/linux/lib.sh"
    linux_setup || exit 1
    linux_iso "$OUT/boot.iso" "console=hvc0 keel.mode=test keel.cpus=2 keel.devices=0" || exit 1
    linux_iso "$OUT/boot1.iso" "console=hvc0 keel.mode=test keel.cpus=1 keel.devices=0" || exit 1
    : > "$OUT/wall.txt"
    for i in $(seq 1 "$REPS"); do
        t=$(boot_once "$OUT/wall-$i.log" "$OUT/boot.iso" 2)
        echo "  $HV run $i: $t s" >&2
        [ "$t" != FAIL ] && echo "$t" >> "$OUT/wall.txt"
    done
    WALL[$HV]=$(median < "$OUT/wall.txt")
    # One vCPU: -icount runs vCPUs in turn anyway, and Keel's boot timer
    # self-test can starve under -icount with two (QEMU runs vCPUs in turn; docs/performance.md).
    boot_once "$OUT/icount.log" "$OUT/boot1.iso" 1 -icount shift=0 >/dev/null
    ICOUNT[$HV]=$(tr -d "\r" < "$OUT/icount.log" | grep -a "^LINUX-CHECKS-DONE" | sed "s/.*uptime=//")
done
echo
echo "Debian Linux PV dom0 to the shell marker (QEMU TCG, -smp 2, -m 1024)"
printf '%-34s %12s %12s %8s\n' "" "Keel" "Xen 4.17" "ratio"
printf '%-34s %12s %12s %8s\n' "wall time, median of $REPS (s)" "${WALL[keel]}" "${WALL[xen]}" \
    "$(echo "scale=2; ${WALL[keel]:-0} / ${WALL[xen]:-1}" | bc 2>/dev/null)"
printf '%-34s %12s %12s %8s\n' "dom0 uptime, -icount, -smp 1 (s)" "${ICOUNT[keel]:-n/a}" "${ICOUNT[xen]:-n/a}" \
    "$(echo "scale=2; ${ICOUNT[keel]:-0} / ${ICOUNT[xen]:-1}" | bc 2>/dev/null)"
echo "(-icount shift=0: 1 s of guest time = 10^9 instructions)"
