/*
 * The partner domain of hvm_fpu_isolation and pv_fpu_isolation (booted by
 * their TESTS flag peer=fpu_isolation_peer as an extra PVH domU): the same
 * rounds as hvm_fpu_isolation with its own marker, so that each side
 * checks that it never sees the other's registers.  Listed alone in TESTS
 * too (the runner needs its pvh build): alone it checks that its own state
 * survives its own switches, and does not insist on having had company.
 */
#define FPU_ALONE_OK
#define FPU_MARKER 0x9ee2                    /* "peer" */
#define FPU_ROLE   "peer"
#include "../hvm_fpu_isolation/main.c"
