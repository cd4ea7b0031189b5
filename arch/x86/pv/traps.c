/*
 * PV trap bounce: exceptions, software interrupts and callbacks are
 * delivered to the guest kernel's handlers with Xen's frame
 *   RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS   (low to high)
 * pushed on the guest kernel stack, switching from user to kernel mode
 * first when needed.  Also: set_trap_table, iret, callback_op,
 * stack_switch, set_segment_base, fpu_taskswitch, set/get_debugreg.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <asm/current.h>
#include <asm/debugreg.h>
#include <asm/extable.h>
#include <asm/gdt.h>
#include <asm/guest_access.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <public/callback.h>
#include <public/errno.h>

static bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

#define GUEST_RFLAGS_CLEAR (X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | \
                            X86_EFLAGS_VM | X86_EFLAGS_AC)

static uint8_t *upcall_mask(struct vcpu *v)
{
    return &v->arch.vcpu_info->evtchn_upcall_mask;
}

paddr_t pv_current_l4_maddr(const struct vcpu *v)
{
    mfn_t l4 = v->arch.kernel_mode || !v->arch.guest_table_user
               ? v->arch.guest_table : v->arch.guest_table_user;

    return (paddr_t)l4 << PAGE_SHIFT;
}

void pv_toggle_guest_mode(struct vcpu *v)
{
    /* GS: the active base belongs to the mode being left. */
    if ( v->arch.kernel_mode )
        v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
    v->arch.kernel_mode = !v->arch.kernel_mode;
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel
                                           : v->arch.gs_base_user);
    write_cr3(pv_current_l4_maddr(v));
}

/*
 * Push the bounce frame and point the guest at `handler`.  The frame goes
 * on the kernel stack: the current one in kernel mode, the stack_switch
 * one after a switch from user mode.  False if the guest stack is bad.
 */
static bool bounce_to(struct vcpu *v, uint64_t handler, bool mask_events,
                      bool has_error, uint32_t error_code)
{
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    bool from_user = !v->arch.kernel_mode;
    uint8_t saved_mask = *upcall_mask(v);
    uint64_t frame[8];
    unsigned int n = 0;
    uint64_t rsp, cs = regs->cs, rflags = regs->rflags;

    if ( from_user )
    {
        pv_toggle_guest_mode(v);
        rsp = v->arch.kernel_sp;
    }
    else
    {
        rsp = regs->rsp;
        cs &= ~3UL;                     /* RPL 0 in the frame says "was kernel" */
    }
    /* The guest's virtual IF is the inverse of its upcall mask. */
    rflags = (rflags & ~X86_EFLAGS_IF) | (saved_mask ? 0 : X86_EFLAGS_IF);
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if ( has_error )
        frame[n++] = error_code;
    frame[n++] = regs->rip;
    frame[n++] = cs | ((uint64_t)saved_mask << 32);
    frame[n++] = rflags;
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    rsp = (rsp & ~15UL) - n * 8;
    if ( copy_to_guest(rsp, frame, n * 8) )
        return false;
    regs->rsp = rsp;
    regs->rip = handler;
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rflags = (regs->rflags & ~GUEST_RFLAGS_CLEAR) | X86_EFLAGS_IF;
    if ( mask_events )
        *upcall_mask(v) = 1;
    return true;
}

bool pv_inject_trap(struct vcpu *v, unsigned int vector, bool has_error,
                    uint32_t error_code)
{
    const struct trap_info *ti = &v->arch.trap_ctxt[vector & 0xff];
    struct cpu_user_regs *regs = guest_cpu_user_regs();

    if ( !ti->address )
    {
        domain_crash(v->domain, "d%uv%u: no handler for trap %u (error %#x) at "
                     "rip %#lx", v->domain->domain_id, v->vcpu_id, vector,
                     error_code, regs->rip);
        return false;
    }
    printk(KLOG_G_DEBUG "d%uv%u: trap %u (error %#x) at rip %#lx, cr2 %#lx\n",
           v->domain->domain_id, v->vcpu_id, vector, error_code, regs->rip,
           vector == TRAP_page_fault ? read_cr2() : 0);
    if ( vector == TRAP_page_fault )
    {
        v->arch.vcpu_info->arch.cr2 = read_cr2();
        if ( v->arch.kernel_mode )
            error_code &= ~4u;          /* the guest kernel is not "user" */
    }
    if ( !bounce_to(v, ti->address, TI_GET_IF(ti), has_error, error_code) )
    {
        domain_crash(v->domain, "d%uv%u: cannot push the frame of trap %u at "
                     "rsp %#lx (rip %#lx)", v->domain->domain_id, v->vcpu_id,
                     vector, regs->rsp, regs->rip);
        return false;
    }
    return true;
}

/* Deliver the event callback if an event is pending and not masked. */
void pv_deliver_events(struct vcpu *v)
{
    struct vcpu_info *vi = v->arch.vcpu_info;

    if ( !vi || !vi->evtchn_upcall_pending || vi->evtchn_upcall_mask ||
         !v->arch.event_cb.address )
        return;
    if ( !bounce_to(v, v->arch.event_cb.address, true, false, 0) )
        domain_crash(v->domain, "d%uv%u: cannot push the event callback frame",
                     v->domain->domain_id, v->vcpu_id);
}

/* A user-mode `syscall`: into the kernel's syscall callback. */
void pv_bounce_syscall(struct vcpu *v)
{
    const struct pv_callback *cb = &v->arch.syscall_cb;

    if ( !cb->address )
    {
        pv_inject_trap(v, TRAP_invalid_op, false, 0);
        return;
    }
    /* DF is left as the user had it: Xen 4.17 does not clear it either. */
    if ( !bounce_to(v, cb->address, cb->mask_events, false, 0) )
        domain_crash(v->domain, "d%uv%u: cannot push the syscall frame",
                     v->domain->domain_id, v->vcpu_id);
}

long do_set_trap_table(uint64_t traps)
{
    struct vcpu *v = current;
    struct trap_info ti;

    if ( !traps )
    {
        memset(v->arch.trap_ctxt, 0, sizeof(v->arch.trap_ctxt));
        return 0;
    }
    /* At most one entry per vector, then the terminator. */
    for ( unsigned int i = 0; i <= 256; i++, traps += sizeof(ti) )
    {
        if ( copy_from_guest(&ti, traps, sizeof(ti)) )
            return -EFAULT;
        if ( ti.address == 0 )
            return 0;
        if ( !guest_range_ok(ti.address, 1) )
            return -EINVAL;
        v->arch.trap_ctxt[ti.vector] = ti;
    }
    return -E2BIG;
}

/* Code/data descriptor fields iretq checks. */
#define SEG_P          (1UL << 47)
#define SEG_S          (1UL << 44)
#define SEG_CODE       (1UL << 43)
#define SEG_CONFORMING (1UL << 42)           /* code; for data: expand-down */
#define SEG_WRITABLE   (1UL << 41)           /* data; for code: readable */
#define SEG_L          (1UL << 53)
#define SEG_DB         (1UL << 54)
#define SEG_DPL(d)     (((d) >> 45) & 3)
#define FAULT(vec, sel) (((uint32_t)(vec) << 16) | ((sel) & 0xfffc))

/* A GDT descriptor as this CPU has it: the guest's entries and Keel's flat ones. */
static bool gdt_desc(unsigned int sel, uint64_t *desc)
{
    if ( sel & 4 )
        return false;                   /* LDT: Keel gives guests none */
    *desc = gdt_of_cpu(smp_processor_id())[sel >> 3];
    return true;
}

/*
 * The fault iretq to ring 3 raises for these selectors, as vector << 16 |
 * error code, or 0 if it would load them.  Guest descriptors were checked
 * when installed (DPL raised to 3, no system descriptors), so this is the
 * CPU's own check: CS a present 64-bit or compat code segment of DPL 3
 * (any DPL if conforming), SS a present writable data segment of DPL 3.
 */
static uint32_t iret_segment_fault(unsigned int cs, unsigned int ss)
{
    uint64_t d;

    if ( !(cs & ~3) || !gdt_desc(cs, &d) || !(d & SEG_S) || !(d & SEG_CODE) ||
         (!(d & SEG_CONFORMING) && SEG_DPL(d) != 3) || ((d & SEG_L) && (d & SEG_DB)) )
        return FAULT(TRAP_gp_fault, cs);
    if ( !(d & SEG_P) )
        return FAULT(TRAP_no_segment, cs);
    if ( !(ss & ~3) || !gdt_desc(ss, &d) || !(d & SEG_S) || (d & SEG_CODE) ||
         !(d & SEG_WRITABLE) || SEG_DPL(d) != 3 )
        return FAULT(TRAP_gp_fault, ss);
    if ( !(d & SEG_P) )
        return FAULT(TRAP_stack_error, ss);
    return 0;
}

/*
 * iret: the guest jumped to the hypercall with RAX, R11, RCX, flags, RIP,
 * CS, RFLAGS, RSP, SS on its stack.  The return value is the saved RAX.
 * CS and SS may be any selectors of the guest's GDT (Linux's __USER_CS
 * 0x33, __USER_DS 0x2b) or Keel's flat ones; their RPL becomes 3.  If the
 * CPU would refuse them, the guest gets that fault at the return address
 * (as on Xen, where its own iretq faults and the fault is reflected).
 */
long do_iret(void)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    struct iret_context ic;
    uint32_t fault;

    if ( copy_from_guest(&ic, regs->rsp, sizeof(ic)) )
    {
        domain_crash(v->domain, "d%uv%u: iret with a bad stack %#lx",
                     v->domain->domain_id, v->vcpu_id, regs->rsp);
        return -EFAULT;
    }
    /* Selectors are 16 bits; the bounce frame keeps the upcall mask above them. */
    ic.cs &= 0xffff;
    ic.ss &= 0xffff;
    if ( !guest_range_ok(ic.rip, 1) )
    {
        domain_crash(v->domain, "d%uv%u: iret to a bad rip %#lx",
                     v->domain->domain_id, v->vcpu_id, ic.rip);
        return -EFAULT;
    }
    /* RPL 3 in the saved CS means user mode; anything else, the kernel. */
    if ( (ic.cs & 3) == 3 && v->arch.kernel_mode )
        pv_toggle_guest_mode(v);
    regs->rip = ic.rip;
    regs->cs = ic.cs | 3;
    regs->rsp = ic.rsp;
    /* A null SS (RPL 0-3) is taken as the flat one: ring 3 cannot load null. */
    regs->ss = (ic.ss & ~3UL) ? ic.ss | 3 : FLAT_RING3_SS64;
    /* The guest keeps TF, NT, RF and AC; IOPL and VM are not its to set. */
    regs->rflags = (ic.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
                   X86_EFLAGS_IF | X86_EFLAGS_MBS;
    *upcall_mask(v) = !(ic.rflags & X86_EFLAGS_IF);
    if ( ic.flags & VGCF_in_syscall )
    {
        /* As after a real sysret: rcx = return rip, r11 = the flags. */
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    }
    else
    {
        regs->r11 = ic.r11;
        regs->rcx = ic.rcx;
    }
    fault = iret_segment_fault(regs->cs, regs->ss);
    if ( fault )
        pv_inject_trap(v, fault >> 16, true, fault & 0xffff);
    return ic.rax;
}

long do_callback_op(unsigned long cmd, uint64_t arg)
{
    struct vcpu *v = current;
    struct callback_register reg;
    struct pv_callback *cb;

    if ( cmd == CALLBACKOP_unregister )
    {
        struct callback_unregister unreg;

        if ( copy_from_guest(&unreg, arg, sizeof(unreg)) )
            return -EFAULT;
        /* As on Xen, only the NMI callback can be taken away again. */
        switch ( unreg.type )
        {
        case CALLBACKTYPE_nmi:
            break;
        case CALLBACKTYPE_event: case CALLBACKTYPE_failsafe: case CALLBACKTYPE_syscall:
        case CALLBACKTYPE_sysenter: case CALLBACKTYPE_syscall32:
            return -EINVAL;
        default:
            return -ENOSYS;
        }
        v->arch.nmi_cb.address = 0;
        return 0;
    }
    else if ( cmd == CALLBACKOP_register )
    {
        if ( copy_from_guest(&reg, arg, sizeof(reg)) )
            return -EFAULT;
    }
    else
        return -ENOSYS;
    switch ( reg.type )
    {
    case CALLBACKTYPE_event:     cb = &v->arch.event_cb; break;
    case CALLBACKTYPE_failsafe:  cb = &v->arch.failsafe_cb; break;
    case CALLBACKTYPE_syscall:   cb = &v->arch.syscall_cb; break;
    case CALLBACKTYPE_syscall32: cb = &v->arch.syscall32_cb; break;
    case CALLBACKTYPE_nmi:       cb = &v->arch.nmi_cb; break;
    case CALLBACKTYPE_sysenter:  cb = &v->arch.sysenter_cb; break;
    default:                     return -ENOSYS;
    }
    if ( !is_canonical(reg.address) )
        return -EINVAL;
    cb->address = reg.address;
    cb->mask_events = reg.flags & CALLBACKF_mask_events;
    return 0;
}

long do_stack_switch(unsigned long ss, unsigned long sp)
{
    struct vcpu *v = current;

    v->arch.kernel_ss = ss | 3;        /* the guest kernel runs in ring 3 */
    v->arch.kernel_sp = sp;
    return 0;
}

/*
 * SEGBASE_GS_USER_SEL (Linux's load_gs_index): load a selector into %gs for
 * user mode.  The CPU checks its descriptor in this CPU's GDT (which holds
 * the guest's) and the user GS base becomes the descriptor's base.  A
 * selector that faults leaves %gs null with base 0 and, as on Xen, the
 * hypercall still succeeds (Linux BUG()s if it fails).  Null is loaded
 * after a flat selector, so that the base is 0 on AMD too.
 */
static void load_user_gs_sel(struct vcpu *v, unsigned int sel)
{
    uint64_t kernel_base = rdmsr(MSR_GS_BASE);  /* the kernel's GS is live */
    unsigned int flat = FLAT_RING3_DS32;

    if ( sel > 3 )
        sel |= 3;                               /* the guest runs in ring 3 */
    else
        __asm__ __volatile__("mov %k0, %%gs" :: "r" (flat));
    __asm__ __volatile__("1: mov %k[sel], %%gs\n"
                         " .pushsection .text.fixup, \"ax\"\n"
                         "3: mov %k[flat], %%gs\n"
                         "   xor %k[sel], %k[sel]\n"
                         "   jmp 1b\n"
                         " .popsection\n"
                         _ASM_EXTABLE(1b, 3b)
                         : [sel] "+r" (sel) : [flat] "r" (flat) : "memory");
    v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
    wrmsr(MSR_GS_BASE, kernel_base);
}

long do_set_segment_base(unsigned long which, unsigned long base)
{
    struct vcpu *v = current;

    if ( which != SEGBASE_GS_USER_SEL && !guest_range_ok(base, 0) && base )
        return -EINVAL;
    switch ( which )
    {
    case SEGBASE_FS:
        v->arch.fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS_USER:
        /* In kernel mode the user base is the inactive one. */
        v->arch.gs_base_user = base;
        return 0;
    case SEGBASE_GS_KERNEL:
        v->arch.gs_base_kernel = base;
        wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL:
        load_user_gs_sel(v, base & 0xffff);
        return 0;
    }
    return -EINVAL;
}

long do_fpu_taskswitch(unsigned long set)
{
    struct vcpu *v = current;

    v->arch.fpu_ts = set != 0;
    write_cr0(set ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
    return 0;
}

/* DR7 bits a guest may not set: general detect (13) and reserved bits. */
#define DR7_RESERVED_ONE  0x400UL
#define DR7_GD            (1UL << 13)

long do_set_debugreg(unsigned long reg, unsigned long value)
{
    struct vcpu *v = current;

    if ( reg == 4 || reg == 5 )
    {
        if ( v->arch.cr4_guest & X86_CR4_DE )
            return -ENODEV;                /* the guest's CR4.DE: no DR4/DR5 */
        reg += 2;                          /* otherwise they alias DR6/DR7 */
    }
    switch ( reg )
    {
    case 0: case 1: case 2: case 3:
        if ( !guest_range_ok(value, 1) )
            return -EPERM;                 /* no breakpoints on Keel's addresses */
        break;
    case 6:
        if ( value >> 32 )
            return -EINVAL;                /* Xen: the upper half is reserved */
        value = (value & 0xe00f) | 0xffff0ff0UL;   /* architectural fixed bits */
        break;
    case 7:
        if ( value >> 32 )
            return -EINVAL;
        if ( value & DR7_GD )
            return -EPERM;
        /* I/O breakpoints (R/W = 10b): Keel does not emulate them, even with CR4.DE. */
        for ( unsigned int i = 0; i < 4; i++ )
            if ( ((value >> (16 + 4 * i)) & 3) == 2 && (value & (3UL << (2 * i))) )
                return -EPERM;
        value |= DR7_RESERVED_ONE;
        break;
    default:
        return -ENODEV;
    }
    v->arch.debugreg[reg] = value;
    /* The running vCPU's breakpoints are live at once. */
    if ( reg != 6 )
        load_debug_regs(v->arch.debugreg);
    return 0;
}

long do_get_debugreg(unsigned long reg)
{
    struct vcpu *v = current;

    if ( reg > 7 )
        return -ENODEV;
    if ( reg == 4 || reg == 5 )
    {
        if ( v->arch.cr4_guest & X86_CR4_DE )
            return -ENODEV;
        reg += 2;
    }
    if ( reg == 6 && !v->arch.debugreg[6] )
        return 0xffff0ff0UL;
    if ( reg == 7 && !v->arch.debugreg[7] )
        return DR7_RESERVED_ONE;
    return v->arch.debugreg[reg];
}

/* Keel's iretq to the guest faulted: the guest gave a frame it cannot run. */
void __noreturn pv_failed_iret(void)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = guest_cpu_user_regs();

    domain_crash(v->domain, "d%uv%u: return to the guest faulted (rip %#lx cs %#lx "
                 "rsp %#lx ss %#lx)", v->domain->domain_id, v->vcpu_id, regs->rip,
                 regs->cs, regs->rsp, regs->ss);
    for ( ;; )
    {
        do_softirq();                   /* the scheduler switches away from it */
        safe_halt();
    }
}
