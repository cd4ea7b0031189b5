/* Secondary vCPUs for the pv64 tests (pv_vcpu.h). */
#include "pv_vcpu.h"
#include "pv_clock.h"
#include "string.h"

static struct vcpu_guest_context ctx;

/* A harmless, canonical callback address: it is never called (events masked). */
static void no_callback(void)
{
    for ( ;; )
        ;
}

static void __attribute__((noreturn)) vcpu_entry(unsigned int id, pv_vcpu_fn fn)
{
    for ( ;; )
    {
        fn(id);
        hypercall_vcpu_op(VCPUOP_down, id, NULL);
    }
}

unsigned int pv_nr_vcpus(unsigned int limit)
{
    unsigned int n = 0;

    for ( unsigned int id = 0; id < limit; id++ )
        if ( vcpu_is_up(id) >= 0 )
            n++;
    return n;
}

void pv_vcpu_context(struct vcpu_guest_context *c, unsigned int id, pv_vcpu_fn fn,
                     void *stack_top)
{
    /* Entered as if called: rsp + 8 is 16-byte aligned. */
    unsigned long sp = ((unsigned long)stack_top & ~15UL) - 8;

    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel;
    c->user_regs.rip = (unsigned long)vcpu_entry;
    c->user_regs.rsp = sp;
    c->user_regs.rdi = id;
    c->user_regs.rsi = (unsigned long)fn;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.rflags = 0x202;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = sp;
    c->ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
    c->event_callback_eip = (unsigned long)no_callback;
    c->failsafe_callback_eip = (unsigned long)no_callback;
}

long pv_start_vcpu(unsigned int id, pv_vcpu_fn fn, void *stack_top)
{
    long rc;

    if ( id < 32 )
        shared_info->vcpu_info[id].evtchn_upcall_mask = 1;
    pv_vcpu_context(&ctx, id, fn, stack_top);
    rc = hypercall_vcpu_op(VCPUOP_initialise, id, &ctx);
    return rc ? rc : hypercall_vcpu_op(VCPUOP_up, id, NULL);
}

/*
 * At least `loops` yields, and at least WAIT_MIN_NS of system time: on a
 * loaded host QEMU may not run the other vCPU's thread for a while, and a
 * count of yields alone is no time at all when nothing else is runnable.
 */
#define WAIT_MIN_NS (10ULL * 1000000000ULL)

bool wait_for_value(volatile unsigned long *flag, unsigned long want, unsigned long loops)
{
    uint64_t end = pv_now() + WAIT_MIN_NS;

    for ( unsigned long i = 0; i < loops || pv_now() < end; i++ )
    {
        if ( __atomic_load_n(flag, __ATOMIC_SEQ_CST) == want )
            return true;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    return __atomic_load_n(flag, __ATOMIC_SEQ_CST) == want;
}
