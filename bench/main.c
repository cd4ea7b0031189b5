/*
 * PV64 micro-benchmarks, timed with rdtsc.  Under QEMU with -icount shift=0
 * the TSC advances once per guest instruction, so the figures are
 * instruction counts of the hypervisor's paths (deterministic), not time.
 * Output, one line per benchmark:
 *   BENCH <name> cycles_per_op=<n> ops=<n> total=<cycles>
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "PV64 benchmarks (null hypercall, console_io, syscall bounce)";

#define N_HYPERCALL 100000UL
#define N_SYSCALL    10000UL
#define BENCH_SYSCALL_MAGIC 0x62656e6368UL

static void report_bench(const char *name, unsigned long ops, uint64_t cycles)
{
    printk("BENCH %s cycles_per_op=%lu ops=%lu total=%lu\n",
           name, (unsigned long)(cycles / ops), ops, (unsigned long)cycles);
}

static void bench_null_hypercall(void)
{
    uint64_t t0, t1;

    for ( unsigned int i = 0; i < 1000; i++ )          /* warm up */
        hypercall_xen_version(XENVER_version, NULL);
    t0 = rdtsc();
    for ( unsigned long i = 0; i < N_HYPERCALL; i++ )
        hypercall_xen_version(XENVER_version, NULL);
    t1 = rdtsc();
    report_bench("null_hypercall", N_HYPERCALL, t1 - t0);
}

static void bench_console_io(void)
{
    static const char c = 'x';
    uint64_t t0, t1;

    for ( unsigned int i = 0; i < 1000; i++ )
        hypercall_console_io(CONSOLEIO_write, 0, &c);
    t0 = rdtsc();
    for ( unsigned long i = 0; i < N_HYPERCALL; i++ )
        hypercall_console_io(CONSOLEIO_write, 0, &c);
    t1 = rdtsc();
    report_bench("console_io_write0", N_HYPERCALL, t1 - t0);
}

/* The syscall callback returns at once (iret); only the magic is counted. */
static unsigned long bounces;
static void syscall_back(struct cpu_regs *regs)
{
    if ( regs->rax == BENCH_SYSCALL_MAGIC )
        bounces++;
}

static unsigned long user_syscall_loop(unsigned long n)
{
    uint64_t t0, t1;

    t0 = rdtsc();
    for ( unsigned long i = 0; i < n; i++ )
    {
        unsigned long rax = BENCH_SYSCALL_MAGIC;

        asm volatile ("syscall" : "+a" (rax) :: "rcx", "r11", "memory");
    }
    t1 = rdtsc();
    return t1 - t0;
}

static void bench_syscall_bounce(void)
{
    unsigned long cycles;

    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");
    syscall_hook = syscall_back;
    exec_user(user_syscall_loop, 100);                  /* warm up */
    bounces = 0;
    cycles = exec_user(user_syscall_loop, N_SYSCALL);
    syscall_hook = NULL;
    if ( bounces != N_SYSCALL )
        return xtf_failure("Fail: %lu of %lu syscalls reached the callback\n",
                           bounces, N_SYSCALL);
    report_bench("syscall_bounce", N_SYSCALL, cycles);
}

void test_main(void)
{
    bench_null_hypercall();
    bench_console_io();
    bench_syscall_bounce();
}
