/*
 * The attacking half of hvm_debugreg_isolation (booted as its peer, domain
 * 2, pvh): for about two seconds, keeps writing DR0-DR3 = 0x200000 (where
 * the other domain runs a stub) and DR7 = 0x455 (instruction breakpoints,
 * L0-L3), and checks that it reads its own values back each time (Keel
 * keeps each vCPU's debug registers).  Booted alone it passes the same way.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Debug register peer: breakpoints on the other domain's code";

#define TARGET  0x200000UL
#define DR7_BPS 0x455UL
#define RUN_MS  2000

void test_main(void)
{
    unsigned long rounds = 0, wrong = 0, v0, v7;
    uint64_t end = tsc_after_ms(RUN_MS);

    printk("arming DR0-DR3 = %#lx, DR7 %#lx for %u ms\n", TARGET, DR7_BPS, RUN_MS);
    while ( rdtsc() < end )
    {
        asm volatile ("mov %0, %%dr0; mov %0, %%dr1; mov %0, %%dr2; mov %0, %%dr3"
                      :: "r" (TARGET));
        asm volatile ("mov %0, %%dr7" :: "r" (DR7_BPS));
        asm volatile ("mov %%dr0, %0; mov %%dr7, %1" : "=r" (v0), "=r" (v7));
        if ( v0 != TARGET || (v7 & 0xffff) != DR7_BPS )
            wrong++;
        rounds++;
    }
    asm volatile ("mov %0, %%dr7" :: "r" (0x400UL));
    printk("%lu rounds, %lu with a DR0/DR7 that was not ours\n", rounds, wrong);
    if ( wrong )
        xtf_failure("Fail: %lu reads of DR0/DR7 showed another domain's values\n", wrong);
}
