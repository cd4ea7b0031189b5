/*
 * Debug registers stay with their domain.  Two domains share CPU 0 (TESTS:
 * smp=1, peer=hvm_debugreg_peer): the peer (domain 2) keeps writing
 * DR0-DR3 = STUB_VA (0x200000) and DR7 = 0x455 (an instruction breakpoint
 * on it in each of L0-L3); this domain (domain 1) sets DR0-DR3 to its own
 * values with DR7 = 0x400 (nothing enabled), then for about two seconds
 * calls a `ret` it copied to STUB_VA and reads DR0-DR3 back, while the
 * scheduler switches between the two every 10 ms slice.
 * Expected, as on Xen (DR accesses intercepted, DR0-DR3 saved and loaded
 * per vCPU, svm_save_dr/svm_restore_dr; no Xen run for pvh/hvm64 tests):
 *  - no #DB here (the peer's breakpoints are not live in this domain);
 *  - DR0-DR3 read back this domain's own values every time (the peer's
 *    addresses do not leak in).
 * Before the fix DR accesses went to the real registers: the peer's DR0
 * was read here, and under QEMU TCG (which arms breakpoints on MOV DR7,
 * whoever executes it) the stub hit the peer's breakpoint.
 * The loop counts the gaps (> 3 ms by the TSC) where it did not run, to
 * show the peer had the CPU in between (with no gap, no #DB and no foreign
 * value the test is an ERROR: nothing was tested).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Debug registers isolated between domains";

#define STUB_VA   0x200000UL
#define OWN_BASE  0x300000UL
#define RUN_MS    2000

static volatile unsigned int attack_db;
static unsigned long first_db_rip, first_db_dr6;

static unsigned long read_drn(unsigned int n)
{
    unsigned long v = 0;

    switch ( n )
    {
    case 0: asm volatile ("mov %%dr0, %0" : "=r" (v)); break;
    case 1: asm volatile ("mov %%dr1, %0" : "=r" (v)); break;
    case 2: asm volatile ("mov %%dr2, %0" : "=r" (v)); break;
    case 3: asm volatile ("mov %%dr3, %0" : "=r" (v)); break;
    }
    return v;
}

/* A #DB here can only be the peer's breakpoint: note it, and disarm it. */
static bool db_hook(struct cpu_regs *regs)
{
    unsigned long dr6;

    asm volatile ("mov %%dr6, %0" : "=r" (dr6));
    if ( attack_db++ == 0 )
    {
        first_db_rip = regs->rip;
        first_db_dr6 = dr6;
    }
    asm volatile ("mov %0, %%dr6" :: "r" (0UL));
    asm volatile ("mov %0, %%dr7" :: "r" (0x400UL));
    return true;
}

void test_main(void)
{
    void (*stub)(void) = (void (*)(void))STUB_VA;
    unsigned long own[4], leaked = 0, calls = 0, gaps = 0;
    uint64_t end, last, now;

    for ( unsigned int i = 0; i < 4; i++ )
        own[i] = OWN_BASE + i * 0x10;
    *(volatile uint8_t *)STUB_VA = 0xc3;              /* ret */
    exception_hooks[X86_EXC_DB] = db_hook;
    asm volatile ("mov %0, %%dr0" :: "r" (own[0]));
    asm volatile ("mov %0, %%dr1" :: "r" (own[1]));
    asm volatile ("mov %0, %%dr2" :: "r" (own[2]));
    asm volatile ("mov %0, %%dr3" :: "r" (own[3]));
    asm volatile ("mov %0, %%dr7" :: "r" (0x400UL));
    printk("DR0-DR3 = %#lx..%#lx, DR7 0x400; calling the stub at %#lx for %u ms\n",
           own[0], own[3], STUB_VA, RUN_MS);

    last = rdtsc();
    end = last + RUN_MS * TSC_PER_MS;
    while ( (now = rdtsc()) < end )
    {
        if ( now - last > 3 * TSC_PER_MS )
            gaps++;
        last = now;
        stub();
        calls++;
        for ( unsigned int i = 0; i < 4; i++ )
        {
            unsigned long v = read_drn(i);

            if ( v != own[i] && leaked++ == 0 )
                printk("DR%u reads %#lx, not our %#lx: another domain's value\n",
                       i, v, own[i]);
        }
    }
    exception_hooks[X86_EXC_DB] = NULL;
    printk("%lu calls, %lu gaps where the peer ran, %u #DB, %lu foreign DR reads\n",
           calls, gaps, attack_db, leaked);
    if ( attack_db )
        xtf_failure("Fail: %u #DB from the peer's breakpoints (first at %#lx, dr6 %#lx)\n",
                    attack_db, first_db_rip, first_db_dr6);
    if ( leaked )
        xtf_failure("Fail: %lu DR reads showed another domain's values\n", leaked);
    if ( !gaps && !attack_db && !leaked )
        return xtf_error("Error: the peer never ran during the loop: nothing was tested\n");
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable: the peer's breakpoints never fired or showed here\n");
}
