/*
 * Hostile FPU isolation between a PV dom0 and a PVH domU sharing CPU 0
 * (TESTS: peer=fpu_isolation_peer, smp=1).  Like hvm_fpu_isolation (see
 * lib/include/fpu_isolation.h): dom0 fills x87 (stack, FCW), MXCSR, the 16
 * XMM registers and, where AVX is offered, the YMM upper halves with its
 * own marker, lets the other domain run (SCHEDOP_yield, a 0.5 ms
 * set_timer_op + SCHEDOP_block, or a spin until its runstate shows it was
 * preempted) and reads everything back: all of it must be its own and
 * none of it the peer's.  XCR0 comes through the emulated XSETBV (after
 * the emulated mov to CR4.OSXSAVE); every third round runs with XCR0 =
 * x87|SSE and XGETBV must read back its own value.  The state before the
 * first fill must be the initial one.  The virtual CR0.TS must survive the
 * switches too: after fpu_taskswitch(1) and a yield, an x87 instruction
 * raises #NM.
 * dom0 must not power off (which ends the machine) before its peer is
 * done: it keeps yielding until no other vCPU has wanted the CPU for
 * 300 ms.  On Keel (extraversion "-keel", where the runner boots the
 * peer) at least one round must have interleaved with the peer, or the
 * test proved nothing; Xen 4.17 builds no domU from a boot module, so
 * there the test checks a single domain's state across its own switches
 * (the same code passes on both).
 */
#include "pv.h"
#include "pv_clock.h"
#include <public/vcpu.h>
#include <public/version.h>

#define FPU_MARKER 0x5a5a
#include "fpu_isolation.h"

const char test_title[] = "FPU isolation between dom0 (PV) and a PVH domU";

#define ROUNDS 240
#define CR4_OSXSAVE (1UL << 18)

static uint64_t runnable_ns(void)
{
    struct vcpu_runstate_info rs;

    if ( hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &rs) )
        return 0;
    return rs.time[RUNSTATE_runnable];
}

static exinfo_t set_xcr0(uint64_t v)
{
    exinfo_t ex;

    asm volatile ("1: xsetbv; xor %%eax, %%eax; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" ((uint32_t)v), "c" (0), "d" ((uint32_t)(v >> 32))
                  : "memory");
    return ex;
}

static uint64_t get_xcr0(void)
{
    uint32_t lo, hi;

    asm volatile ("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
    return ((uint64_t)hi << 32) | lo;
}

static bool on_keel(void)
{
    xen_extraversion_t extra;

    memset(extra, 0, sizeof(extra));
    hypercall_xen_version(XENVER_extraversion, extra);
    extra[sizeof(extra) - 1] = '\0';
    return !strcmp(extra, "-keel");
}

static exinfo_t fnop(void)
{
    exinfo_t ex;

    asm volatile ("1: fnop; xor %%eax, %%eax; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (ex) :: "memory");
    return ex;
}

static void let_other_run(unsigned int round)
{
    uint64_t t0 = runnable_ns(), end;

    switch ( round % 4 )
    {
    case 0: case 1:
        hypercall_sched_op(SCHEDOP_yield, NULL);
        break;
    case 2:
        sleep_ns(500000);
        break;
    default:
        end = pv_now() + 30000000;
        while ( runnable_ns() == t0 && pv_now() < end )
            asm volatile ("pause");
    }
}

/* Yield until no other vCPU has wanted this CPU for 300 ms (at most 40 s). */
static void wait_for_peer(void)
{
    uint64_t start = pv_now(), quiet = start, last = runnable_ns(), now;

    do {
        hypercall_sched_op(SCHEDOP_yield, NULL);
        now = pv_now();
        if ( runnable_ns() != last )
        {
            last = runnable_ns();
            quiet = now;
        }
    } while ( now - quiet < 300000000ULL && now - start < 40000000000ULL );
    printk("no other vCPU ran for 300 ms after %llu ms of waiting\n",
           (unsigned long long)((now - start) / 1000000));
}

static void check_virtual_ts(void)
{
    check_rc("fpu_taskswitch(1)", hypercall_fpu_taskswitch(1), 0);
    hypercall_sched_op(SCHEDOP_yield, NULL);
    sleep_ns(500000);
    check_eq("fnop with TS set, after switches", fnop(), EXINFO_SYM(NM, 0));
    check_eq("fnop after #NM", fnop(), 0);
}

void test_main(void)
{
    struct cpuid_leaf l1;
    struct fpu_image want, got;
    struct fpu_verdict v = { 0, 0, 0 };
    unsigned int interleaved = 0, xcr0_bad = 0;
    bool xsave, avx, keel = on_keel();
    unsigned long cr4;
    long port;

    port = timer_events_setup();
    if ( port < 0 )
    {
        xtf_error("Error: timer_events_setup: %ld\n", port);
        return;
    }
    pv_cpuid_count(1, 0, &l1);
    xsave = l1.c & (1u << 26);
    avx = xsave && (l1.c & (1u << 28));
    if ( xsave )
    {
        asm volatile ("mov %%cr4, %0" : "=r" (cr4));
        asm volatile ("mov %0, %%cr4" :: "r" (cr4 | CR4_OSXSAVE));
        if ( avx )
            check_eq("xsetbv(0, 7)", set_xcr0(7), 0);
    }
    printk("marker %#x, XSAVE %u, AVX %u, %u rounds, on %s\n", FPU_MARKER, xsave, avx,
           ROUNDS, keel ? "Keel" : "Xen");

    if ( fpu_check_initial(avx) )
        xtf_failure("Fail: the initial FPU state is not clean\n");

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
        if ( r % 4 != 2 && runnable_ns() != t0 )
            interleaved++;
        if ( xsave && get_xcr0() != xcr0 && xcr0_bad++ < 4 )
            printk("  round %u: XCR0 %#llx, expected %#llx\n", r,
                   (unsigned long long)get_xcr0(), (unsigned long long)xcr0);
        fpu_store(&got, ymm);
        fpu_compare(&v, &got, &want, FPU_MARKER, ymm);
    }
    if ( xsave )
        set_xcr0(3);
    check_virtual_ts();

    printk("%u rounds: another domain ran in %u; %u values wrong, %u another domain's\n",
           ROUNDS, interleaved, v.corrupt, v.leaked);
    if ( v.leaked )
        xtf_failure("Fail: saw registers of the domain with marker %#x\n", v.foreign);
    else if ( v.corrupt )
        xtf_failure("Fail: %u register values corrupted across switches\n", v.corrupt);
    if ( xcr0_bad )
        xtf_failure("Fail: XCR0 not kept per vCPU in %u rounds\n", xcr0_bad);
    if ( keel && !interleaved )
        xtf_failure("Fail: the peer never ran in between: nothing was tested\n");
    wait_for_peer();
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
