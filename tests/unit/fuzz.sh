#!/bin/bash
# `make fuzz`: every libFuzzer target of Keel's host-built parsers, each for
# a fixed number of executions (clang, -fsanitize=fuzzer,address,undefined).
# Usage: fuzz.sh <build dir> [target...].  FUZZ_SCALE multiplies every
# count (e.g. 0.01 for a quick look).  Per target: build/fuzz/<target>/
# holds the log, the corpus and any crash reproducer (crash-*, leak-*,
# timeout-*, oom-*).  Prints one line per target and a summary; exits 1 if
# any target crashed or did not run.
set -u
O=${1:-build}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
mkdir -p "$O"
ABS_O=$(cd "$O" && pwd)
SCALE=${FUZZ_SCALE:-1}

# name  directory (under tests/unit)  executions  make arguments
TARGETS="
libelf        libelf       250000
x86emu        x86_emulate  300000
decompress    decompress   150000
cmdline       parsers      250000  TARGET=cmdline
kernel_image  parsers      100000  TARGET=kernel_image
"

want() {
    [ $# -eq 0 ] && return 0
    local t
    for t in "${PICK[@]}"; do [ "$t" = "$1" ] && return 0; done
    return 1
}
PICK=("$@")

total_runs=0 total_crashes=0 failed=0 ran=0 t_start=$(date +%s.%N)
while read -r name dir runs args; do
    [ -n "$name" ] || continue
    if [ ${#PICK[@]} -gt 0 ] && ! want "$name"; then continue; fi
    runs=$(awk -v r="$runs" -v s="$SCALE" 'BEGIN { n = int(r * s); print n < 1 ? 1 : n }')
    dirout=$ABS_O/fuzz/$name
    rm -rf "$dirout"
    mkdir -p "$dirout"
    t0=$(date +%s.%N)
    make -s -C "$TOP/tests/unit/$dir" fuzz $args OUT="$ABS_O/fuzz/obj/$dir" \
        FUZZ_DIR="$dirout" FUZZ_RUNS="$runs" > "$dirout/log" 2>&1
    rc=$?
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dirout/log" | tail -n 1)
    repro=$(ls "$dirout" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -n 1)
    ran=$((ran + 1))
    if [ -n "$repro" ] || [ $rc -ne 0 ]; then
        crashes=1
        failed=1
        if [ -n "$repro" ]; then repro=$dirout/$repro; else repro="none, see $dirout/log"; fi
        echo "FAIL fuzz/$name: ${execs:-?} executions, $crashes crash, $secs s (reproducer: $repro)"
        grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error' "$dirout/log" | head -n 3 | sed 's/^/    /'
    else
        crashes=0
        echo "PASS fuzz/$name: $execs executions, 0 crashes, $secs s"
    fi
    total_runs=$((total_runs + ${execs:-0}))
    total_crashes=$((total_crashes + crashes))
done <<< "$TARGETS"

secs=$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "fuzz: $ran targets, $total_runs executions, $total_crashes crashes, $secs s"
[ $ran -gt 0 ] && [ $failed -eq 0 ]
