#!/bin/bash
# Benchmark: Debian's Linux 6.1 (the same bzImage and busybox initramfs,
# tests/linux/domu-init.sh) to its shell marker, three ways in the same
# QEMU (TCG, -cpu max, -smp 2, -m 1024), 2 vCPUs / CPUs and 256 MiB each:
#   - as a PVH domU that Keel starts at boot (console hvc0, Keel's ring);
#   - as an unmodified HVM guest on Keel (nopv, console ttyS0);
#   - directly on QEMU's machine (-kernel/-initrd, console ttyS0).
# Figures, median of REPS (default 3): wall seconds from QEMU's start to
# the marker; for Keel, seconds from Keel's start (its own clock) to the
# marker; Linux's uptime at the marker.  Xen 4.17 starts no domUs at boot
# (it needs xl in a dom0: tests/linux/e2e.sh measures xl create), so the
# comparison is with Linux on the bare emulated PC.
# Usage: bench/domu-boot.sh <build-dir>
set -u
mkdir -p "$1"
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
REPS=${REPS:-3}
TIMEOUT=${TIMEOUT:-300}
OUT=$BUILD/linux-domu
MARKER=DOMU-SHELL-READY

ISO_ONLY=1 bash "$TOP/tests/linux/boot-domu.sh" "$BUILD" pvh hvm >/dev/null || {
    echo "bench/domu-boot.sh: building the ISOs failed (run tests/linux/boot-domu.sh)" >&2; exit 1; }

# boot_once <log> <qemu args...>: "wall keel uptime" at the marker, or FAIL.
boot_once() {
    local log=$1 t0 now pid line
    shift
    rm -f "$log"
    t0=$(date +%s.%N)
    qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -display none -monitor none \
        -serial "file:$log" -no-reboot "$@" >/dev/null 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        now=$(date +%s.%N)
        line=$(grep -a -m1 "$MARKER" "$log" 2>/dev/null)
        if [ -n "$line" ]; then
            kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
            echo "$(echo "$now - $t0" | bc) $(echo "$line" | sed -n 's/^(KEEL) \[ *\([0-9.]*\)\].*/\1/p' | grep . || echo -) $(echo "$line" | sed 's/.*uptime=//' | tr -d '\r')"
            return 0
        fi
        [ "$(echo "$now - $t0 > $TIMEOUT" | bc)" = 1 ] && break
        sleep 0.05
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    echo FAIL
}

median() { sort -n | awk '{a[NR]=$1} END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.2f", a[(NR+1)/2]; else printf "%.2f", (a[NR/2]+a[NR/2+1])/2 }'; }

declare -A WALL KEEL UP
for kind in pvh hvm direct; do
    : > "$OUT/bench-$kind.txt"
    for i in $(seq 1 "$REPS"); do
        case $kind in
        direct) r=$(boot_once "$OUT/bench-$kind-$i.log" -kernel "$TOP/ext/linux/vmlinuz" \
                    -initrd "$OUT/domu-initrd.gz" \
                    -append "console=ttyS0 keel.cpus=2 keel.hyp=none panic=-1 loglevel=4") ;;
        *) r=$(boot_once "$OUT/bench-$kind-$i.log" -cdrom "$OUT/$kind.iso" -boot d) ;;
        esac
        echo "  $kind run $i: $r (wall, keel, uptime)" >&2
        [ "$r" != FAIL ] && echo "$r" >> "$OUT/bench-$kind.txt"
    done
    WALL[$kind]=$(awk '{print $1}' "$OUT/bench-$kind.txt" | median)
    KEEL[$kind]=$(awk '$2 != "-" {print $2}' "$OUT/bench-$kind.txt" | median)
    UP[$kind]=$(awk '{print $3}' "$OUT/bench-$kind.txt" | median)
done
echo
echo "Debian Linux 6.1 to its shell marker, 2 vCPUs, 256 MiB (QEMU TCG -cpu max -smp 2), median of $REPS"
printf '%-40s %10s %10s %10s\n' "" "Keel PVH" "Keel HVM" "direct"
printf '%-40s %10s %10s %10s\n' "QEMU start -> marker, wall (s)" "${WALL[pvh]}" "${WALL[hvm]}" "${WALL[direct]}"
printf '%-40s %10s %10s %10s\n' "Keel start -> marker, Keel's clock (s)" "${KEEL[pvh]}" "${KEEL[hvm]}" "-"
printf '%-40s %10s %10s %10s\n' "Linux uptime at the marker (s)" "${UP[pvh]}" "${UP[hvm]}" "${UP[direct]}"
