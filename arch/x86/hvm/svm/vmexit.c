/*
 * SVM exit handling.  Each exit is handled and the guest resumed, or the
 * domain is crashed with the exit code and state on the console: nothing a
 * guest does may stop Keel.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <asm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/processor.h>
#include <asm/x86_emulate.h>

/* Contributory exceptions (SDM vol. 3 table 6-4): two of them make a #DF. */
static bool contributory(unsigned int vector)
{
    return vector == TRAP_divide_error || (vector >= TRAP_invalid_tss &&
                                           vector <= TRAP_gp_fault);
}

/*
 * Queue an exception for the next VMRUN.  An exception already queued
 * (one whose delivery the exit cut short) combines with it as the CPU
 * would: a benign one gives way, contributory on contributory or on #PF
 * makes #DF, anything on #DF is a triple fault.  An interrupt or NMI
 * being delivered stays queued: the exception recurs (a fault) or is lost
 * (a trap, as when the CPU delivers an interrupt instead of a #DB trap).
 */
void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error,
                          uint32_t error_code)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    uint64_t queued = vmcb->eventinj;

    if ( queued & EVENT_VALID )
    {
        unsigned int prev = queued & 0xff;

        if ( (queued & (7UL << 8)) != EVENT_TYPE_EXCEPTION )
            return;
        if ( prev == TRAP_double_fault )
        {
            svm_crash(v, "triple fault (exception on #DF delivery)");
            return;
        }
        if ( (contributory(prev) || prev == TRAP_page_fault) &&
             (contributory(vector) || (vector == TRAP_page_fault &&
                                       prev == TRAP_page_fault)) )
        {
            vector = TRAP_double_fault;
            has_error = true;
            error_code = 0;
        }
    }
    vmcb->eventinj = EVENT_VALID | EVENT_TYPE_EXCEPTION | vector |
                     (has_error ? EVENT_ERROR_VALID | ((uint64_t)error_code << 32) : 0);
}

void svm_crash(struct vcpu *v, const char *why)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    domain_crash(v->domain, "d%uv%u: %s (exit %#lx, info1 %#lx, info2 %#lx) at "
                 "cs:rip %04x:%#lx, cr0 %#lx, cr3 %#lx, efer %#lx",
                 v->domain->domain_id, v->vcpu_id, why, vmcb->exitcode,
                 vmcb->exitinfo1, vmcb->exitinfo2, vmcb->cs.sel, vmcb->rip,
                 vmcb->cr0, vmcb->cr3, vmcb->efer);
}

static void handle_cpuid(struct vcpu *v, struct vmcb *vmcb)
{
    uint32_t out[4];

    hvm_handle_cpuid(v, vmcb->rax, v->arch.hvm.gprs.rcx, out);
    if ( (uint32_t)vmcb->rax == 1 && (vmcb->cr4 & X86_CR4_OSXSAVE) )
        out[2] |= 1u << 27;              /* OSXSAVE: the guest's own CR4 bit */
    vmcb->rax = out[0];
    v->arch.hvm.gprs.rbx = out[1];
    v->arch.hvm.gprs.rcx = out[2];
    v->arch.hvm.gprs.rdx = out[3];
    vmcb->rip += 2;
}

#define STRING_IO_BATCH 64          /* iterations per exit; the rest re-exits */

/* The base of the memory operand's segment (flat for ES-SS in 64-bit mode). */
static uint64_t ioio_segment_base(const struct vmcb *vmcb, uint64_t info)
{
    /* EXITINFO1 bits 12:10 name OUTS's segment (es cs ss ds fs gs); INS uses ES. */
    const struct vmcb_seg *segs[] = { &vmcb->es, &vmcb->cs, &vmcb->ss, &vmcb->ds,
                                      &vmcb->fs, &vmcb->gs };
    unsigned int seg = (info & IOIO_IN) ? 0 : (info >> 10) & 7;
    bool long_mode = (vmcb->efer & (1UL << 10)) && (vmcb->cs.attr & (1u << 9));

    if ( seg >= ARRAY_SIZE(segs) )
        seg = 3;
    return long_mode && seg < 4 ? 0 : segs[seg]->base;
}

/*
 * The address size from EXITINFO1 bits 9:7 (A64, A32, A16); QEMU TCG leaves
 * them clear, and then the CPU mode says it (a 67h prefix is not seen).
 */
static uint64_t ioio_address_mask(const struct vmcb *vmcb, uint64_t info)
{
    bool long_mode = (vmcb->efer & (1UL << 10)) && (vmcb->cs.attr & (1u << 9));

    if ( info & (1u << 9) )
        return ~0UL;
    if ( info & (1u << 8) )
        return 0xffffffffUL;
    if ( info & (1u << 7) )
        return 0xffff;
    return long_mode ? ~0UL : (vmcb->cs.attr & (1u << 10)) ? 0xffffffffUL : 0xffff;
}

/*
 * An element of INS/OUTS the guest's paging refuses: #PF as the CPU would
 * raise it (rip on the instruction, the registers saying how far it got);
 * memory that is not RAM at all crashes the domain.
 */
static void string_io_fault(struct vcpu *v, struct vmcb *vmcb, const struct hvm_pf *pf,
                            bool in)
{
    if ( !pf->valid )
    {
        svm_crash(v, in ? "INS into memory that is not the guest's RAM"
                        : "OUTS from memory that is not the guest's RAM");
        return;
    }
    vmcb->cr2 = pf->addr;
    svm_inject_exception(v, TRAP_page_fault, true, pf->pfec);
}

/*
 * INS/OUTS, with or without REP: each element goes between guest memory
 * (through the guest's paging) and the port model; a long REP is done in
 * batches, leaving rip on the instruction until rcx reaches 0.
 */
static void handle_string_io(struct vcpu *v, struct vmcb *vmcb, unsigned int bytes)
{
    uint64_t info = vmcb->exitinfo1;
    struct hvm_gprs *g = &v->arch.hvm.gprs;
    bool in = info & IOIO_IN, rep = info & IOIO_REP;
    uint64_t addr_mask = ioio_address_mask(vmcb, info);
    uint64_t *index = in ? &g->rdi : &g->rsi;
    int64_t step = (vmcb->rflags & X86_EFLAGS_DF) ? -(int64_t)bytes : (int64_t)bytes;
    uint64_t base = ioio_segment_base(vmcb, info);
    unsigned int done = 0;

    while ( (!rep || (g->rcx & addr_mask)) && done < STRING_IO_BATCH )
    {
        uint64_t linear = base + (*index & addr_mask);
        uint32_t val = 0;
        struct hvm_pf pf = { .valid = false };

        /* INS checks its destination before the port is read, as the CPU does. */
        if ( in ? hvm_check_virt_pf(v, linear, bytes, HVM_ACC_WRITE, &pf)
                : hvm_copy_from_virt_pf(v, &val, linear, bytes, 0, &pf) )
        {
            string_io_fault(v, vmcb, &pf, in);
            return;
        }
        hvm_handle_io(v, IOIO_PORT(info), bytes, in, &val);
        if ( in && hvm_copy_to_virt_pf(v, linear, &val, bytes, 0, &pf) )
        {
            string_io_fault(v, vmcb, &pf, in);
            return;
        }
        *index = (*index & ~addr_mask) | ((*index + step) & addr_mask);
        done++;
        if ( !rep )
            break;
        g->rcx = (g->rcx & ~addr_mask) | ((g->rcx - 1) & addr_mask);
    }
    if ( !rep || !(g->rcx & addr_mask) )
        vmcb->rip = vmcb->exitinfo2;    /* finished: on to the next instruction */
}

static void handle_ioio(struct vcpu *v, struct vmcb *vmcb)
{
    uint64_t info = vmcb->exitinfo1;
    unsigned int bytes = IOIO_SIZE(info) & 4 ? 4 : IOIO_SIZE(info) & 2 ? 2 : 1;
    uint32_t val = vmcb->rax;

    if ( info & IOIO_STR )
    {
        handle_string_io(v, vmcb, bytes);
        return;
    }
    hvm_handle_io(v, IOIO_PORT(info), bytes, info & IOIO_IN, &val);
    if ( info & IOIO_IN )
    {
        uint64_t mask = bytes == 4 ? 0xffffffffUL : (1UL << (bytes * 8)) - 1;

        vmcb->rax = bytes == 4 ? val : (vmcb->rax & ~mask) | (val & mask);
    }
    vmcb->rip = vmcb->exitinfo2;           /* the next instruction */
}

static void handle_msr(struct vcpu *v, struct vmcb *vmcb)
{
    uint32_t msr = v->arch.hvm.gprs.rcx;
    uint64_t val;

    if ( vmcb->exitinfo1 == 0 )
    {
        if ( hvm_handle_rdmsr(v, msr, &val) )
        {
            svm_inject_exception(v, TRAP_gp_fault, true, 0);
            return;
        }
        vmcb->rax = (uint32_t)val;
        v->arch.hvm.gprs.rdx = val >> 32;
    }
    else
    {
        val = (v->arch.hvm.gprs.rdx << 32) | (uint32_t)vmcb->rax;
        if ( hvm_handle_wrmsr(v, msr, val) )
        {
            svm_inject_exception(v, TRAP_gp_fault, true, 0);
            return;
        }
    }
    vmcb->rip += 2;
}

/*
 * XSETBV: #UD for a clear guest CR4.OSXSAVE (the CPU may check the
 * intercept first), then as Xen's svm_vmexit_handler: #GP(0) outside
 * CPL 0 or for a value fpu.c refuses.  XCR0 is not in the VMCB: fpu.c
 * switches it.
 */
static void handle_xsetbv(struct vcpu *v, struct vmcb *vmcb)
{
    uint64_t val = (v->arch.hvm.gprs.rdx << 32) | (uint32_t)vmcb->rax;

    if ( !(vmcb->cr4 & X86_CR4_OSXSAVE) )
        svm_inject_exception(v, TRAP_invalid_op, false, 0);
    else if ( vmcb->cpl || fpu_write_xcr(v, v->arch.hvm.gprs.rcx, val) )
        svm_inject_exception(v, TRAP_gp_fault, true, 0);
    else
        vmcb->rip += 3;
}

static void handle_vmmcall(struct vcpu *v, struct vmcb *vmcb)
{
    bool long_mode = (vmcb->efer & (1UL << 10)) && (vmcb->cs.attr & (1u << 9));
    uint64_t rax = vmcb->rax;

    if ( vmcb->cpl != 0 )
    {
        /* Only the guest kernel may make hypercalls (Xen: -EPERM in rax). */
        vmcb->rax = -1;
        vmcb->rip += 3;
        return;
    }
    vmcb->rip += 3;
    if ( hvm_hypercall(v, &rax, long_mode) )
        vmcb->rip -= 3;                 /* continued: the guest re-issues it */
    vmcb->rax = rax;
}

/* MMIO emulation through the instruction emulator. */
struct mmio_ctx {
    struct vcpu *v;
    uint64_t cr2;                   /* the address of a #PF an access raised */
};

/* The guest's paging refused an access of the instruction: #PF. */
static int mmio_page_fault(struct x86_emulate_ctxt *c, uint64_t linear, uint32_t pfec)
{
    struct mmio_ctx *m = c->ctx;

    m->cr2 = linear;
    return x86_emul_fault_ec(c, TRAP_page_fault, pfec);
}

/*
 * An operand of the emulated instruction: a device page goes to the device
 * model, a frame with neither RAM nor a device behind it to the null
 * handler (Xen's answer when no ioreq server claims an access: reads
 * return all ones, writes are dropped, the domain runs on; nothing is ever
 * mapped there), anything else is guest RAM (e.g. the other side of a MOVS).
 */
static int mmio_access(struct x86_emulate_ctxt *c, uint64_t linear, void *buf,
                       unsigned int bytes, bool write)
{
    struct mmio_ctx *m = c->ctx;
    uint32_t access = hvm_cpl_access(m->v, write ? HVM_ACC_WRITE : 0), pfec;
    uint64_t gpa;
    p2m_type_t t;

    switch ( hvm_translate(m->v, linear, access, &gpa, &pfec) )
    {
    case HVM_XLAT_OK:
        break;
    case HVM_XLAT_PF:
        return mmio_page_fault(c, linear, pfec);
    default:
        return X86EMUL_UNHANDLEABLE;
    }
    if ( (gpa & 0xfff) + bytes > PAGE_SIZE )
        return X86EMUL_UNHANDLEABLE;
    p2m_lookup(&m->v->domain->arch.hvm.p2m, gpa >> PAGE_SHIFT, &t);
    if ( t == p2m_invalid )
    {
        hvm_note_unclaimed(m->v->domain, true, gpa, write);
        if ( !write )
            memset(buf, 0xff, bytes);
        return X86EMUL_OKAY;
    }
    if ( t == p2m_mmio_emul )
        return hvm_mmio_access(m->v, gpa, buf, bytes, write) ? X86EMUL_OKAY
                                                             : X86EMUL_UNHANDLEABLE;
    if ( write )
        return hvm_copy_to_phys(m->v->domain, gpa, buf, bytes) ? X86EMUL_UNHANDLEABLE
                                                               : X86EMUL_OKAY;
    return hvm_copy_from_phys(m->v->domain, buf, gpa, bytes) ? X86EMUL_UNHANDLEABLE
                                                             : X86EMUL_OKAY;
}

static int mmio_read(struct x86_emulate_ctxt *c, enum x86_seg seg, uint64_t offset,
                     void *buf, unsigned int bytes)
{
    (void)seg;
    return mmio_access(c, offset, buf, bytes, false);
}

static int mmio_write(struct x86_emulate_ctxt *c, enum x86_seg seg, uint64_t offset,
                      const void *buf, unsigned int bytes)
{
    (void)seg;
    return mmio_access(c, offset, (void *)buf, bytes, true);
}

static int mmio_fetch(struct x86_emulate_ctxt *c, uint64_t offset, void *buf,
                      unsigned int bytes)
{
    struct mmio_ctx *m = c->ctx;
    struct hvm_pf pf = { .valid = false };

    if ( !hvm_copy_from_virt_pf(m->v, buf, offset, bytes, HVM_ACC_FETCH, &pf) )
        return X86EMUL_OKAY;
    return pf.valid ? mmio_page_fault(c, pf.addr, pf.pfec) : X86EMUL_UNHANDLEABLE;
}

static const struct x86_emulate_ops mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .insn_fetch = mmio_fetch,
};

static void handle_npf(struct vcpu *v, struct vmcb *vmcb)
{
    uint64_t gpa = vmcb->exitinfo2;
    p2m_type_t t;
    struct mmio_ctx m = { v, 0 };
    struct x86_emul_regs regs;
    struct x86_emulate_ctxt ctxt;
    struct hvm_gprs *g = &v->arch.hvm.gprs;
    int rc;

    p2m_lookup(&v->domain->arch.hvm.p2m, gpa >> PAGE_SHIFT, &t);
    if ( t != p2m_mmio_emul && t != p2m_invalid )
    {
        /* RAM is mapped with every right: a fault on it is Keel's bug or a race. */
        svm_crash(v, "nested page fault on a frame of the guest's RAM");
        return;
    }
    regs = (struct x86_emul_regs){
        .rax = vmcb->rax, .rcx = g->rcx, .rdx = g->rdx, .rbx = g->rbx,
        .rsp = vmcb->rsp, .rbp = g->rbp, .rsi = g->rsi, .rdi = g->rdi,
        .r8 = g->r8, .r9 = g->r9, .r10 = g->r10, .r11 = g->r11, .r12 = g->r12,
        .r13 = g->r13, .r14 = g->r14, .r15 = g->r15, .rip = vmcb->rip,
        .rflags = vmcb->rflags,
    };
    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.regs = &regs;
    ctxt.long_mode = (vmcb->efer & (1UL << 10)) && (vmcb->cs.attr & (1u << 9));
    ctxt.addr_size = ctxt.long_mode ? 64 : (vmcb->cs.attr & (1u << 10)) ? 32 : 16;
    ctxt.op_default = ctxt.long_mode ? 32 : ctxt.addr_size;
    ctxt.seg_base[x86_seg_cs] = vmcb->cs.base;
    ctxt.seg_base[x86_seg_ds] = vmcb->ds.base;
    ctxt.seg_base[x86_seg_es] = vmcb->es.base;
    ctxt.seg_base[x86_seg_ss] = vmcb->ss.base;
    ctxt.seg_base[x86_seg_fs] = vmcb->fs.base;
    ctxt.seg_base[x86_seg_gs] = vmcb->gs.base;
    ctxt.ctx = &m;
    rc = x86_emulate(&ctxt, &mmio_ops);
    switch ( rc )
    {
    case X86EMUL_OKAY:
    case X86EMUL_RETRY:
        break;
    case X86EMUL_EXCEPTION:
        printk(KLOG_DEBUG "d%uv%u: MMIO at %#lx: the instruction raises vector %u "
               "(error %#x)\n", v->domain->domain_id, v->vcpu_id, gpa,
               ctxt.fault_vector, ctxt.fault_error_code);
        if ( ctxt.fault_vector == TRAP_page_fault )
            vmcb->cr2 = m.cr2;
        svm_inject_exception(v, ctxt.fault_vector, ctxt.fault_has_error_code,
                         ctxt.fault_error_code);
        return;
    default:
        svm_crash(v, "MMIO access by an instruction Keel cannot emulate");
        return;
    }
    vmcb->rax = regs.rax; g->rcx = regs.rcx; g->rdx = regs.rdx; g->rbx = regs.rbx;
    vmcb->rsp = regs.rsp; g->rbp = regs.rbp; g->rsi = regs.rsi; g->rdi = regs.rdi;
    g->r8 = regs.r8; g->r9 = regs.r9; g->r10 = regs.r10; g->r11 = regs.r11;
    g->r12 = regs.r12; g->r13 = regs.r13; g->r14 = regs.r14; g->r15 = regs.r15;
    vmcb->rip = regs.rip;
    vmcb->rflags = regs.rflags;
}

#define GUEST_EFLAGS_TF (1UL << 8)
#define GUEST_DR6_BS    (1UL << 14)

/*
 * An instruction Keel completed for the guest (rip moved on) under
 * EFLAGS.TF: the single-step trap the CPU would have raised after it
 * (DR6.BS), unless the instruction itself raised an exception.
 */
static void single_step_trap(struct vcpu *v, uint64_t rip, uint64_t rflags)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    if ( !(rflags & GUEST_EFLAGS_TF) || vmcb->rip == rip || (vmcb->eventinj & EVENT_VALID) )
        return;
    vmcb->dr6 |= GUEST_DR6_BS;
    svm_inject_exception(v, TRAP_debug, false, 0);
}

void svm_vmexit_handler(struct vcpu *v)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    uint64_t rip = vmcb->rip, rflags = vmcb->rflags;

    /* An event cut short by the exit is delivered again. */
    if ( vmcb->exitintinfo & EVENT_VALID )
        vmcb->eventinj = vmcb->exitintinfo;
    else
        vmcb->eventinj = 0;
    switch ( vmcb->exitcode )
    {
    case VMEXIT_INTR:
    case VMEXIT_NMI:
    case VMEXIT_SMI:
    case VMEXIT_VINTR:
        break;                           /* Keel took it; the window is reconsidered */
    case VMEXIT_CPUID:
        handle_cpuid(v, vmcb);
        break;
    case VMEXIT_HLT:
        vmcb->rip += 1;
        hvm_halt(v);
        break;
    case VMEXIT_IOIO:
        handle_ioio(v, vmcb);
        break;
    case VMEXIT_MSR:
        handle_msr(v, vmcb);
        break;
    case VMEXIT_VMMCALL:
        handle_vmmcall(v, vmcb);
        break;
    case VMEXIT_NPF:
        handle_npf(v, vmcb);
        break;
    case VMEXIT_XSETBV:
        handle_xsetbv(v, vmcb);
        break;
    case VMEXIT_INVD:
    case VMEXIT_WBINVD:
        svm_handle_cache_flush(v);
        break;
    case VMEXIT_INVLPGA:
        svm_handle_invlpga(v);
        break;
    case VMEXIT_RDPMC:
        svm_handle_rdpmc(v);
        break;
    case VMEXIT_CR4_WRITE:
        svm_handle_cr4_write(v);
        break;
    case VMEXIT_DR0_READ ... VMEXIT_DR0_WRITE + 15:
        svm_handle_dr_access(v);
        break;
    case VMEXIT_EXCEPTION_DB:
        svm_reflect_db(v);
        break;
    case VMEXIT_EXCEPTION_AC:
        svm_reflect_ac(v);
        break;
    case VMEXIT_EXCEPTION_MC:
        svm_handle_mc(v);
        break;
    case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE: case VMEXIT_STGI:
    case VMEXIT_CLGI: case VMEXIT_SKINIT: case VMEXIT_MONITOR: case VMEXIT_MWAIT:
    case VMEXIT_ICEBP:
        svm_inject_exception(v, TRAP_invalid_op, false, 0);  /* no nested SVM */
        break;
    case VMEXIT_SHUTDOWN:
        svm_crash(v, "triple fault (shutdown)");
        break;
    case VMEXIT_INVALID:
        svm_crash(v, "VMRUN refused the guest state");
        break;
    default:
        svm_crash(v, "unexpected exit");
    }
    single_step_trap(v, rip, rflags);
}
