/*
 * A guest vCPU's state on the console, for the 'd' debug key and for a
 * domain crash: where the guest was (registers) and the top of its stack,
 * so that a guest that dies or spins can be located in its System.map.
 * Called on the CPU that runs the vCPU (its frame is at the stack top).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/svm.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define STACK_WORDS 16

static void show_pv_stack(uint64_t rsp)
{
    uint64_t words[STACK_WORDS];

    if ( copy_from_guest(words, rsp, sizeof(words)) )
    {
        printk("  guest stack at %#lx: not readable\n", rsp);
        return;
    }
    printk("  guest stack at %#lx:\n", rsp);
    for ( unsigned int i = 0; i < STACK_WORDS; i += 4 )
        printk("    %016lx %016lx %016lx %016lx\n", words[i], words[i + 1],
               words[i + 2], words[i + 3]);
}

void show_guest_state(struct vcpu *v)
{
    if ( v->domain->arch.is_hvm )
    {
        const struct vmcb *vmcb = v->arch.hvm.vmcb;

        printk("d%uv%u (HVM): cs:rip %04x:%#lx rsp %#lx rflags %#lx cr0 %#lx cr3 %#lx\n",
               v->domain->domain_id, v->vcpu_id, vmcb->cs.sel, vmcb->rip, vmcb->rsp,
               vmcb->rflags, vmcb->cr0, vmcb->cr3);
        return;
    }
    printk("d%uv%u (PV, %s mode): cr2 %#lx, guest registers:\n",
           v->domain->domain_id, v->vcpu_id, v->arch.kernel_mode ? "kernel" : "user",
           v->arch.vcpu_info ? v->arch.vcpu_info->arch.cr2 : 0);
    show_registers(guest_cpu_user_regs());
    show_pv_stack(guest_cpu_user_regs()->rsp);
}
