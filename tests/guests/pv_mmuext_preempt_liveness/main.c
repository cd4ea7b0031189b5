/*
 * pv_mmuext_preempt for 8 s of system time beside the timer_liveness peer
 * on one CPU (TESTS: peer=timer_liveness,smp=1): the preemptible page-table
 * work must leave the other domain's timer its latency bound (hang class,
 * issue 8 defect 10).  The checks are pv_mmuext_preempt's.
 */
#define RUN_NS (8000ULL * 1000000ULL)
#include "../pv_mmuext_preempt/main.c"
