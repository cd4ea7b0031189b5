#!/bin/bash
# The guest part of `make fuzz`: the hypercall fuzz guests' full runs on
# Keel (pv_hypercall_fuzz as dom0, hvm_hypercall_fuzz as a PVH and an HVM
# domU), FUZZ_CALLS calls each (default 100000) from FUZZ_SEED (default:
# the tests' own fixed seed).  `make test` runs the same tests with their
# shorter default count.  Usage: fuzz.sh <build dir>; exit 1 on a failure.
set -u
O=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
args="fuzz_calls=${FUZZ_CALLS:-100000}${FUZZ_SEED:+ fuzz_seed=$FUZZ_SEED}"
echo "=== hypercall fuzz guests ($args) ==="
GUEST_ARGS=$args JOBS=${JOBS:-1} TIMEOUT=${TIMEOUT:-300} \
    bash "$HERE/run.sh" "$O" keel pv_hypercall_fuzz hvm_hypercall_fuzz
