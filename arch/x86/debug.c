/*
 * #DB raised while Keel itself runs.  Guests cannot aim DR0-DR3 at Keel's
 * addresses (set_debugreg refuses the hole), so such a #DB is a guest data
 * breakpoint on guest memory that Keel touched for the guest, or one that
 * `mov ss` / `pop ss` deferred over a `syscall` or `int` into the first
 * instruction of Keel's entry code (XSA-260, CVE-2018-8897), while rsp may
 * still be the guest's: that is why #DB has an IST stack of its own.
 *
 * As Xen 4.17 does (do_debug, "Hit #DB in Xen context"): reset DR6, leave
 * the guest's virtual DR6 alone (the event belongs to no guest
 * instruction), note it with a bounded number of messages, and return.
 * A data breakpoint is a trap, so returning makes progress; an instruction
 * breakpoint would fault again forever, so if one ever hits, the
 * breakpoints are switched off.  Keel never sets TF, but a TF found set in
 * Keel's context is cleared rather than single-stepping Keel.
 */
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <asm/debugreg.h>
#include <asm/gdt.h>
#include <asm/irqflags.h>
#include <asm/traps.h>

#define DR6_BP_MASK     0xfUL           /* B0-B3 */
#define MAX_REPORTS     16              /* messages before going quiet */

static unsigned long keel_db_count;     /* #DBs in Keel's context, all CPUs */
static bool selftest_running;           /* the self-test's own #DB is expected */

/* Whether breakpoint i, which DR6 says hit, is an enabled execute breakpoint. */
static bool is_insn_breakpoint(unsigned long dr7, unsigned int i)
{
    return (dr7 & (3UL << (2 * i))) && !((dr7 >> (16 + 4 * i)) & 3);
}

void do_debug_keel(struct cpu_user_regs *regs)
{
    unsigned long dr6 = read_dr6(), dr7 = read_dr7();
    unsigned long n = __atomic_add_fetch(&keel_db_count, 1, __ATOMIC_RELAXED);
    bool insn_bp = false;

    write_dr6(DR6_DEFAULT);
    for ( unsigned int i = 0; i < 4; i++ )
        if ( (dr6 & (1UL << i)) && is_insn_breakpoint(dr7, i) )
            insn_bp = true;
    if ( insn_bp )
    {
        write_dr7(DR7_DEFAULT);
        printk(KLOG_ERR "Hit an instruction breakpoint in Keel at %pS: "
               "breakpoints disabled\n", (void *)regs->rip);
    }
    regs->rflags &= ~X86_EFLAGS_TF;
    if ( selftest_running || n > MAX_REPORTS )
        return;
    printk(KLOG_G_WARNING "Hit #DB in Keel context: %04lx:%pS, stk %04lx:%016lx, "
           "dr6 %lx%s\n", regs->cs, (void *)regs->rip, regs->ss, regs->rsp, dr6,
           n == MAX_REPORTS ? " (no more reported)" : "");
}

/*
 * The XSA-260 situation, made by Keel itself: a data breakpoint fires in
 * ring 0 while rsp points at memory that is not mapped.  Without an IST
 * stack the CPU cannot push the #DB frame and double-faults; with it, the
 * #DB is handled and the store after it restores rsp.
 */
void debug_selftest(void)
{
    static volatile unsigned long target __aligned(8);
    /* Slot 258 of the hole is never mapped (see exception_selftest). */
    unsigned long bad_rsp = 0xffff810000001000UL;
    unsigned long before = keel_db_count, flags = local_irq_save();

    selftest_running = true;
    write_dr0((unsigned long)&target);
    write_dr7(DR7_DEFAULT | 1 | (1UL << 16) | (3UL << 18));  /* L0, write, 8 bytes */
    __asm__ __volatile__("mov %%rsp, %%rbx\n\t"
                         "mov %[bad], %%rsp\n\t"
                         "movq $1, %[target]\n\t"    /* #DB (trap) after this store */
                         "mov %%rbx, %%rsp"
                         : [target] "=m" (target) : [bad] "r" (bad_rsp)
                         : "rbx", "memory");
    write_dr7(DR7_DEFAULT);
    selftest_running = false;
    local_irq_restore(flags);
    if ( keel_db_count != before + 1 )
        panic("debug self-test failed: %lu #DB for a data breakpoint on a bad stack",
              keel_db_count - before);
    printk("Debug self-test passed: #DB on an unmapped ring-0 stack handled on its "
           "IST stack\n");
}
