/*
 * Hostile FPU isolation between two PVH domains sharing CPU 0 (TESTS:
 * peer=fpu_isolation_peer, smp=1; the peer is this same code with another
 * marker).  Each fills x87 (stack, FCW), MXCSR, XMM and, where AVX is
 * offered, the YMM upper halves with its own pattern (lib/include/
 * fpu_isolation.h), lets the other run (SCHEDOP_yield, HLT until a LAPIC
 * one-shot, or a spin until its runstate shows it was preempted), then
 * reads it all back: every value must be its own, none the other domain's.
 * Every third round runs with XCR0 = x87|SSE while the other may have YMM
 * enabled, and XGETBV must read back each domain's own XCR0.  Before the
 * first fill the state must be the initial one (nothing of the other
 * domain or of Keel's boot).  A yield or spin round counts as interleaved
 * when the vCPU's runnable time (VCPUOP_get_runstate_info) grew across
 * it: at least one is needed, or the test proved nothing.
 * Keel-only (PVH domUs are not built on Xen): the expectations are Xen's
 * (fully eager FPU switching since XSA-267; initial FCW/MXCSR from
 * xstate_alloc_save_area; XCR0 loaded per vCPU at the switch).
 */
#include "hvm.h"
#include <public/vcpu.h>

#ifndef FPU_MARKER
#define FPU_MARKER 0x7e57                    /* "test" */
#define FPU_ROLE   "test"
#endif

#include "fpu_isolation.h"

const char test_title[] = "FPU isolation between two HVM domains (" FPU_ROLE ")";

#define ROUNDS     240
#define VEC_TIMER  0x42
#define CR4_OSFXSR     (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_OSXSAVE    (1UL << 18)

static volatile unsigned int ticks;

static void timer_irq(struct cpu_regs *regs)
{
    (void)regs;
    ticks++;
    apic_eoi();
}

static uint64_t runnable_ns(void)
{
    struct vcpu_runstate_info rs;

    if ( hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &rs) )
        return 0;
    return rs.time[RUNSTATE_runnable];
}

static void set_xcr0(uint64_t v)
{
    asm volatile ("xsetbv" :: "c" (0), "a" ((uint32_t)v), "d" ((uint32_t)(v >> 32)));
}

static uint64_t get_xcr0(void)
{
    uint32_t lo, hi;

    asm volatile ("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
    return ((uint64_t)hi << 32) | lo;
}

/* Give the CPU away: yield, HLT on a 0.5 ms one-shot, or spin until preempted. */
static void let_other_run(unsigned int round)
{
    uint64_t t0 = runnable_ns(), end;

    switch ( round % 4 )
    {
    case 0: case 1:
        hypercall_sched_op(SCHEDOP_yield, NULL);
        break;
    case 2:
        cli();
        apic_write(APIC_TMICT, 500000);
        safe_halt();
        cli();
        break;
    default:
        end = tsc_after_ms(30);
        while ( runnable_ns() == t0 && rdtsc() < end )
            cpu_relax();
    }
}

void test_main(void)
{
    struct cpuid_leaf l1;
    struct fpu_image want, got;
    struct fpu_verdict v = { 0, 0, 0 };
    unsigned int interleaved = 0, xcr0_bad = 0;
    bool xsave, avx;

    cpuid_count(1, 0, &l1);
    xsave = l1.c & (1u << 26);
    avx = xsave && (l1.c & (1u << 28));
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | (xsave ? CR4_OSXSAVE : 0));
    if ( avx )
        set_xcr0(7);
    printk("marker %#x, XSAVE %u, AVX %u, %u XMM registers, %u rounds\n", FPU_MARKER,
           xsave, avx, FPU_NR_XMM, ROUNDS);

    if ( fpu_check_initial(avx) )
        xtf_failure("Fail: the initial FPU state is not clean\n");

    irq_handlers[VEC_TIMER] = timer_irq;
    apic_enable();
    apic_write(APIC_TDCR, APIC_TDCR_DIV1);
    apic_write(APIC_LVT_TIMER, VEC_TIMER);

    for ( unsigned int r = 1; r <= ROUNDS; r++ )
    {
        bool ymm = avx && r % 3 != 0;
        uint64_t t0, xcr0 = ymm ? 7 : 3;

        if ( xsave )
            set_xcr0(xcr0);
        fpu_pattern(&want, FPU_MARKER, r);
        fpu_load(&want, ymm);
        t0 = runnable_ns();
        let_other_run(r);
        /* Waking from HLT passes through "runnable" anyway: not evidence. */
        if ( r % 4 != 2 && runnable_ns() != t0 )
            interleaved++;
        if ( xsave && get_xcr0() != xcr0 && xcr0_bad++ < 4 )
            printk("  round %u: XCR0 %#llx, expected %#llx\n", r,
                   (unsigned long long)get_xcr0(), (unsigned long long)xcr0);
        fpu_store(&got, ymm);
        fpu_compare(&v, &got, &want, FPU_MARKER, ymm);
    }
    if ( avx )
        set_xcr0(7);

    printk("%u rounds: the other domain ran in %u; %u values wrong, %u another domain's\n",
           ROUNDS, interleaved, v.corrupt, v.leaked);
    if ( v.leaked )
        xtf_failure("Fail: saw registers of the domain with marker %#x\n", v.foreign);
    else if ( v.corrupt )
        xtf_failure("Fail: %u register values corrupted across switches\n", v.corrupt);
    if ( xcr0_bad )
        xtf_failure("Fail: XCR0 not kept per vCPU in %u rounds\n", xcr0_bad);
#ifndef FPU_ALONE_OK
    if ( !interleaved )
        xtf_failure("Fail: no other domain ran in between: nothing was tested\n");
#endif
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
