#!/bin/bash
# Runs the PV64 benchmark guest on Keel and on Debian's Xen 4.17 in the same
# QEMU (TCG, -icount shift=0: the guest TSC counts instructions, so the
# figures are deterministic instruction counts) and prints both side by side.
# One vCPU: the benchmark guest uses one, and under -icount with two CPUs
# Keel's boot timer self-test can be starved (docs/performance.md).
# Usage: bench/run.sh <build-dir> [keel|xen|both]   (default both)
# Logs: <build-dir>/bench/runs/<hv>.log.  TIMEOUT (s per boot, default 300).
set -u
[ $# -ge 1 ] || { echo "usage: $0 <build-dir> [keel|xen|both]" >&2; exit 2; }
mkdir -p "$1"
BUILD=$(cd "$1" && pwd)
WHICH=${2:-both}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
TIMEOUT=${TIMEOUT:-300}
QEMU_CPU=${QEMU_CPU:-max,-smap}
KEEL_CMDLINE=${KEEL_CMDLINE:-"console=com1 loglvl=all noreboot dom0_mem=64M"}
XEN_CMDLINE=${XEN_CMDLINE:-"console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot dom0_mem=64M"}
# shellcheck source=tests/guests/hv.sh
. "$TOP/tests/guests/hv.sh"
guest_deps || exit 1
make -s -C "$HERE" O="$BUILD/bench" || exit 1
ELF=$BUILD/bench/pv64/bench.elf
RUNDIR=$BUILD/bench/runs
mkdir -p "$RUNDIR"

boot() {
    local hv=$1 gz=$2 cmdline=$3 log=$RUNDIR/$1.log iso=$RUNDIR/$1.iso
    make_iso "$iso" "$gz" "$cmdline" "$ELF" "$hv" || return 1
    rm -f "$log"
    qemu-system-x86_64 -accel tcg -icount shift=0 -cpu "$QEMU_CPU" -m 512 -smp 1 \
        -display none -monitor none -serial "file:$log" -no-reboot \
        -cdrom "$iso" -boot d >"$RUNDIR/$hv.qemu" 2>&1 &
    local pid=$! start=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
        grep -qa 'Test result: ' "$log" 2>/dev/null && { sleep 1; break; }
        [ $((SECONDS - start)) -ge "$TIMEOUT" ] && break
        sleep 0.5
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    sed -i 's/\r$//' "$log"
    grep -qa 'Test result: SUCCESS' "$log"
}

declare -A FIG
for hv in keel xen; do
    [ "$WHICH" = both ] || [ "$WHICH" = "$hv" ] || continue
    if [ "$hv" = keel ]; then
        gz=$BUILD/keel.gz; cmdline=$KEEL_CMDLINE
        [ -f "$gz" ] || { echo "keel: no $gz (run make first)"; continue; }
    else
        gz=$(fetch_xen "$TOP") || continue; cmdline=$XEN_CMDLINE
    fi
    if ! boot "$hv" "$gz" "$cmdline"; then
        echo "$hv: benchmark run failed; last lines of $RUNDIR/$hv.log:"
        tail -n 15 "$RUNDIR/$hv.log" | sed 's/^/  | /'
    fi
    while read -r _ name kv _; do
        FIG[$hv.$name]=${kv#cycles_per_op=}
    done < <(grep -a '^BENCH ' "$RUNDIR/$hv.log" 2>/dev/null)
done

echo "PV64 benchmarks: QEMU TCG with -icount shift=0 (guest TSC = 1 tick per"
echo "instruction), -cpu $QEMU_CPU -smp 1; figures are TSC ticks per operation."
printf '%-20s %12s %12s %10s\n' benchmark keel xen-4.17 keel/xen
for name in null_hypercall console_io_write0 syscall_bounce; do
    k=${FIG[keel.$name]:-n/a} x=${FIG[xen.$name]:-n/a} r=n/a
    if [ "$k" != n/a ] && [ "$x" != n/a ] && [ "$x" -gt 0 ]; then
        r=$(awk -v k="$k" -v x="$x" 'BEGIN { printf "%.2f", k / x }')
    fi
    printf '%-20s %12s %12s %10s\n' "$name" "$k" "$x" "$r"
    echo "BENCH-RESULT $name keel=$k xen=$x ratio=$r"
done
