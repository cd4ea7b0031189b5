/* User mode for pv64 tests: syscall callback, kernel entry stack, user L4. */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

uint64_t user_l4[512] __page_aligned __section(".bss.page_aligned");
void (*syscall_hook)(struct cpu_regs *regs);
struct syscall_record last_syscall;
bool syscall_mask_events = true;

extern char syscall_entry[];
void __noreturn exec_user_return(unsigned long result);

/* Called from the syscall callback stub for a user-mode `syscall`. */
void do_user_syscall(struct cpu_regs *regs);
void do_user_syscall(struct cpu_regs *regs)
{
    last_syscall.count++;
    last_syscall.rcx = regs->rcx;
    last_syscall.r11 = regs->r11;
    last_syscall.rip = regs->rip;
    last_syscall.cs = regs->cs;
    last_syscall.rflags = regs->rflags;
    last_syscall.rsp = regs->rsp;
    last_syscall.ss = regs->ss;
    last_syscall.frame_addr = (uint64_t)&regs->error_code - 8;
    last_syscall.upcall_mask = vcpu0_info()->evtchn_upcall_mask;
    last_syscall.rflags_in_callback = read_flags();

    if ( regs->rax == USER_RETURN_MAGIC )
        exec_user_return(regs->rdi);
    if ( syscall_hook )
        syscall_hook(regs);
    else
    {
        xtf_error("Error: unexpected user syscall rax %#lx at %#lx\n", regs->rax, regs->rip);
        xtf_exit();
    }
}

long setup_user_mode(void)
{
    static bool done;
    const uint64_t *kl4 = (const uint64_t *)start_info->pt_base;
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall,
        .flags = syscall_mask_events ? CALLBACKF_mask_events : 0,
        .address = (unsigned long)syscall_entry,
    };
    unsigned long mfn;
    long rc;

    if ( done )
        return 0;
    rc = hypercall_callback_op(CALLBACKOP_register, &cb);
    if ( rc )
        return printk("setup_user_mode: register syscall callback: %ld\n", rc), rc;
    rc = hypercall_stack_switch(FLAT_KERNEL_SS,
                                (unsigned long)kernel_entry_stack + KERNEL_ENTRY_STACK_SIZE);
    if ( rc )
        return printk("setup_user_mode: stack_switch: %ld\n", rc), rc;

    /* Guest-owned slots only; the hypervisor fills 256-271.  Slots a test
     * filled in beforehand are kept. */
    for ( unsigned int i = 0; i < 512; i++ )
        if ( (i < 256 || i > 271) && !user_l4[i] )
            user_l4[i] = kl4[i];
    rc = make_page_ro(user_l4);
    if ( rc )
        return printk("setup_user_mode: user L4 read-only: %ld\n", rc), rc;
    mfn = virt_to_mfn(user_l4);
    rc = mmuext_one(MMUEXT_PIN_L4_TABLE, mfn, 0);
    if ( rc )
        return printk("setup_user_mode: pin user L4: %ld\n", rc), rc;
    rc = mmuext_one(MMUEXT_NEW_USER_BASEPTR, mfn, 0);
    if ( rc )
        return printk("setup_user_mode: NEW_USER_BASEPTR: %ld\n", rc), rc;
    done = true;
    return 0;
}
