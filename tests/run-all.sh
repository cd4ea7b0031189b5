#!/bin/bash
# Every test of Keel: host unit tests, then QEMU boot tests.
# Usage: run-all.sh <build dir>.  Ends with "N passed, N failed"; exit 1 on failure.
set -u
O=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
RESULTS=$O/test-results.txt
: > "$RESULTS"

# run_suite NAME CMD...: the suite's PASS/FAIL lines join $RESULTS.  Judged
# on its own lines only: a suite that reports nothing, or exits with an
# error without a FAIL line of its own, adds a FAIL line for itself.
run_suite() {
    local what=$1 out rc
    shift
    echo "=== $what ==="
    out=$(mktemp)
    "$@" 2>&1 | tee -a "$RESULTS.log" | grep -E '^(PASS|FAIL) |^  ' | tee "$out"
    rc=${PIPESTATUS[0]}
    cat "$out" >> "$RESULTS"
    if ! grep -qE '^(PASS|FAIL) ' "$out"; then
        echo "FAIL $what (reported no test, exit $rc; see $RESULTS.log)" | tee -a "$RESULTS"
    elif [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
        echo "FAIL $what (exited with status $rc, see $RESULTS.log)" | tee -a "$RESULTS"
    fi
    rm -f "$out"
}

: > "$RESULTS.log"
ABS_O=$(cd "$O" && pwd)
run_suite unit make -s -C "$TOP/tests/unit" check OUT="$ABS_O/unit"
run_suite libelf make -s -C "$TOP/tests/unit/libelf" check OUT="$ABS_O/unit/libelf"
run_suite x86emu make -s -C "$TOP/tests/unit/x86_emulate" check OUT="$ABS_O/unit/x86_emulate"
run_suite tools make -s -C "$TOP/tools" O="$ABS_O/tools" test
check_docs() {
    if sh "$TOP/tools/build/gen-hypercall-doc.sh" "$TOP/arch/x86/include/asm/pv_hypercalls.h" |
        cmp -s - "$TOP/docs/hypercalls.md"; then
        echo "PASS docs/hypercalls (docs/hypercalls.md matches the hypercall table)"
    else
        echo "FAIL docs/hypercalls (run 'make docs': docs/hypercalls.md is stale)"
    fi
}
run_suite docs check_docs
run_suite boot bash "$TOP/tests/boot/run-tests.sh" "$O"
run_suite guests bash "$TOP/tests/guests/run.sh" "$O" keel
run_suite linux bash "$TOP/tests/linux/run.sh" "$O" keel ${LINUX_CASES:-}
run_suite linux-domu bash "$TOP/tests/linux/boot-domu.sh" "$O"
# kl create/list/console/destroy of a PV and a PVH Linux domU with a disk,
# beside Debian's xenstored/xenconsoled and xen-blkback (about 4 minutes).
run_suite linux-e2e env E2E_TIMEOUT="${E2E_TIMEOUT:-900}" bash "$TOP/tests/linux/run.sh" "$O" keel e2e

passed=$(grep -c '^PASS ' "$RESULTS")
failed=$(grep -c '^FAIL ' "$RESULTS")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
