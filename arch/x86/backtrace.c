/*
 * Register dumps and frame-pointer backtraces for panics.  Keel is built
 * with frame pointers, so [rbp] holds the caller's rbp and [rbp+8] the
 * return address; the walk stays inside the stack it started on.
 */
#include <keel/lib.h>
#include <keel/printk.h>
#include <asm/config.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define MAX_FRAMES 32

void show_registers(const struct cpu_user_regs *r)
{
    printk(KLOG_ERR "RIP:    %04lx:[<%016lx>] %pS\n", r->cs, r->rip, (void *)r->rip);
    printk(KLOG_ERR "RFLAGS: %016lx  vector %#x  error code %#x\n",
           r->rflags, r->entry_vector, r->error_code);
    printk(KLOG_ERR "rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printk(KLOG_ERR "rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk(KLOG_ERR "rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    printk(KLOG_ERR "r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    printk(KLOG_ERR "r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    printk(KLOG_ERR "r15: %016lx   cr0: %016lx   cr4: %016lx\n", r->r15, read_cr0(), read_cr4());
    printk(KLOG_ERR "cr3: %016lx   cr2: %016lx   ss: %04lx\n", read_cr3(), read_cr2(), r->ss);
}

void show_backtrace(unsigned long rip, unsigned long rbp)
{
    unsigned long stack_lo = rbp & ~(STACK_SIZE - 1);
    unsigned long stack_hi = stack_lo + STACK_SIZE;

    printk(KLOG_ERR "Call trace:\n");
    printk(KLOG_ERR "   [<%016lx>] %pS\n", rip, (void *)rip);
    for ( unsigned int i = 0; i < MAX_FRAMES; i++ )
    {
        const unsigned long *frame = (const unsigned long *)rbp;
        unsigned long next;

        if ( rbp < stack_lo || rbp + 16 > stack_hi || (rbp & 7) )
            break;
        if ( frame[1] )
            printk(KLOG_ERR "   [<%016lx>] %pS\n", frame[1], (void *)frame[1]);
        next = frame[0];
        if ( next <= rbp )      /* frames must move up the stack */
            break;
        rbp = next;
    }
}

void show_backtrace_here(void)
{
    const unsigned long *frame = __builtin_frame_address(0);

    /* Start at our caller: its return address and its saved rbp. */
    show_backtrace(frame[1], frame[0]);
}
