/*
 * panic(): the one way Keel gives up.  It prints the reason, the CPU and a
 * backtrace, stops the other CPUs, then halts (`noreboot`) or reboots.
 */
#include <keel/lib.h>
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/traps.h>

bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

static unsigned int panic_cpu = ~0u;

static void __noreturn panic_finish(void)
{
    smp_stop_other_cpus();
    printk(KLOG_ERR "****************************************\n");
    if ( opt_noreboot )
    {
        printk(KLOG_ERR "Keel halted (noreboot): the machine is stopped\n");
        for ( ;; )
            halt();
    }
    printk(KLOG_ERR "Rebooting in 5 seconds...\n");
    machine_restart(5000);
}

/* Only the first CPU to panic speaks; a second one (or a nested panic) stops quietly. */
static void panic_enter(void)
{
    unsigned int expected = ~0u;

    __asm__ __volatile__("cli" ::: "memory");
    if ( !__atomic_compare_exchange_n(&panic_cpu, &expected, smp_processor_id(),
                                      false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
    {
        for ( ;; )
            halt();
    }
    console_force_unlock();
    printk_force_all();
}

static void panic_print(const char *fmt, va_list args)
{
    char buf[256];

    vsnprintf(buf, sizeof(buf), fmt, args);
    printk(KLOG_ERR "****************************************\n");
    printk(KLOG_ERR "Panic on CPU %u:\n", smp_processor_id());
    printk(KLOG_ERR "%s\n", buf);
    printk(KLOG_ERR "****************************************\n");
}

void panic(const char *fmt, ...)
{
    va_list args;

    panic_enter();
    va_start(args, fmt);
    panic_print(fmt, args);
    va_end(args);
    show_backtrace_here();
    panic_finish();
}

void panic_with_regs(const struct cpu_user_regs *regs, const char *fmt, ...)
{
    va_list args;

    panic_enter();
    va_start(args, fmt);
    panic_print(fmt, args);
    va_end(args);
    show_registers(regs);
    show_backtrace(regs->rip, regs->rbp);
    panic_finish();
}

void bug_fail(const char *cond, const char *file, unsigned int line)
{
    panic("Assertion '%s' failed at %s:%u", cond, file, line);
}
