/*
 * Exceptions raised by PV guest code.  Before bouncing #GP and #UD, Keel
 * decodes the instruction: a few privileged ones are emulated (the
 * forced-emulation CPUID, RDMSR/WRMSR of the segment bases, port I/O for
 * a domain granted it), and `int N` is delivered as vector N when the
 * trap table allows it (the CPU's #GP error code is not trusted for that:
 * QEMU TCG reports it wrongly).  Everything else reaches the guest.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/debugreg.h>
#include <asm/fpu.h>
#include <asm/guest_access.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/pci.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>

#define MAX_INSN 15

/* ud2; .ascii "xen"; cpuid */
static const uint8_t forced_cpuid[] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };

static void set_reg32(uint64_t *reg, uint32_t v)
{
    *reg = v;                           /* 32-bit results zero-extend */
}

/* CPUID through the forced-emulation prefix: the PV policy (pv/cpuid.c). */
static void pv_cpuid(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct cpuid_leaf r;

    pv_cpuid_leaf(v, regs->rax, regs->rcx, &r);
    set_reg32(&regs->rax, r.a);
    set_reg32(&regs->rbx, r.b);
    set_reg32(&regs->rcx, r.c);
    set_reg32(&regs->rdx, r.d);
}

static bool emulate_rdmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint32_t idx = regs->rcx;
    uint64_t val;

    if ( !pv_rdmsr(v, idx, &val) )
    {
        /*
         * As Xen: a kernel with no #GP handler yet (early boot) reads an MSR
         * the hardware has as 0 rather than dying of the fault.
         */
        if ( v->arch.trap_ctxt[TRAP_gp_fault].address || (idx >> 16) == 0x4000 ||
             rdmsr_safe(idx, &val) )
        {
            printk(KLOG_DEBUG "d%uv%u: RDMSR %#x refused\n", v->domain->domain_id,
                   v->vcpu_id, idx);
            return false;
        }
        printk(KLOG_WARNING "d%uv%u: faking RDMSR %#x\n", v->domain->domain_id,
               v->vcpu_id, idx);
        val = 0;
    }
    set_reg32(&regs->rax, val);
    set_reg32(&regs->rdx, val >> 32);
    return true;
}

static bool emulate_wrmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint32_t idx = regs->rcx;
    uint64_t val = ((regs->rdx & 0xffffffff) << 32) | (regs->rax & 0xffffffff);

    if ( pv_wrmsr(v, idx, val) )
        return true;
    printk(KLOG_DEBUG "d%uv%u: WRMSR %#x val %#lx refused\n", v->domain->domain_id,
           v->vcpu_id, idx, val);
    return false;
}

/* Ports Keel keeps for itself: its console UART, the PICs and the PIT. */
bool ioport_is_keels(unsigned int port, unsigned int bytes)
{
    for ( unsigned int p = port; p < port + bytes; p++ )
        if ( (p >= 0x3f8 && p <= 0x3ff) || (p >= 0x20 && p <= 0x21) ||
             (p >= 0xa0 && p <= 0xa1) || (p >= 0x40 && p <= 0x43) )
            return true;
    return false;
}

/*
 * Virtual IOPL: the guest kernel counts as ring 1, its user space ring 3.
 * As on Xen (guest_io_okay), any PV domain may raise it (PHYSDEVOP_set_iopl);
 * what a port then does depends on the domain (emulate_io).
 */
static bool io_allowed(const struct vcpu *v)
{
    return v->arch.iopl >= (v->arch.kernel_mode ? 1u : 3u);
}

/* Reads float high, writes are dropped: a port the domain may not reach. */
static void io_absent(struct cpu_user_regs *regs, unsigned int bytes, bool in)
{
    if ( in )
        regs->rax = (regs->rax & ~((1UL << (bytes * 8)) - 1)) | ((1UL << (bytes * 8)) - 1);
}

/* in/out at insn[0]; the caller has checked that ilen bytes were fetched. */
static bool emulate_io(struct vcpu *v, struct cpu_user_regs *regs,
                       const uint8_t *insn, unsigned int ilen, bool opsize)
{
    unsigned int bytes = (insn[0] & 1) ? (opsize ? 2 : 4) : 1;
    bool in = !(insn[0] & 2);
    unsigned int port = ilen == 2 ? insn[1] : regs->rdx & 0xffff;
    uint32_t pci_val;

    if ( !io_allowed(v) )
        return false;
    pci_val = regs->rax;
    if ( pv_pci_cfg_io(v->domain, port, bytes, in, &pci_val) )
    {
        if ( in && bytes == 4 )
            regs->rax = pci_val;
        else if ( in )
            regs->rax = (regs->rax & ~((1UL << (bytes * 8)) - 1)) | pci_val;
        return true;
    }
    /*
     * Keel's own ports, and every port for a domain without I/O rights (a
     * domU: Xen's guest_io_read/write without ioports permission; Linux as
     * a domU pokes 0xcf8/0xcfc early on AMD): nothing reaches the machine.
     */
    if ( ioport_is_keels(port, bytes) || xsm_privileged_op(v->domain, XSM_physical_io) )
    {
        io_absent(regs, bytes, in);
        return true;
    }
    if ( in )
    {
        uint32_t val = bytes == 1 ? inb(port) : bytes == 2 ? inw(port) : inl(port);

        if ( bytes == 4 )
            regs->rax = val;
        else
            regs->rax = (regs->rax & ~((1UL << (bytes * 8)) - 1)) | val;
    }
    else if ( bytes == 1 )
        outb(regs->rax, port);
    else if ( bytes == 2 )
        outw(regs->rax, port);
    else
        outl(regs->rax, port);
    return true;
}

/* A general register by its x86 number (0 = rax ... 15 = r15). */
static uint64_t *gpr(struct cpu_user_regs *r, unsigned int n)
{
    switch ( n )
    {
    case 0: return &r->rax;  case 1: return &r->rcx;  case 2: return &r->rdx;
    case 3: return &r->rbx;  case 4: return &r->rsp;  case 5: return &r->rbp;
    case 6: return &r->rsi;  case 7: return &r->rdi;  case 8: return &r->r8;
    case 9: return &r->r9;   case 10: return &r->r10; case 11: return &r->r11;
    case 12: return &r->r12; case 13: return &r->r13; case 14: return &r->r14;
    }
    return &r->r15;
}

/* The guest kernel's view of CR0: Keel's, with its own virtual TS. */
static uint64_t guest_cr0(const struct vcpu *v)
{
    return (read_cr0() & ~X86_CR0_TS) | (v->arch.fpu_ts ? X86_CR0_TS : 0);
}

static void set_guest_ts(struct vcpu *v, bool ts)
{
    v->arch.fpu_ts = ts;
    write_cr0(ts ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
}

/*
 * CR4 as Xen shows a PV guest: the bits it may toggle (TSD, DE, FSGSBASE,
 * OSXSAVE, each only if the CPUID policy has the feature) as it last set
 * them, plus Keel's own PAE, MCE, OSFXSR and OSXMMEXCPT.  A write never
 * faults: other bits are dropped.  Keel keeps them in the vCPU only; none
 * reaches the hardware CR4 (TSD is not enforced on guest user space; DE
 * only changes what DR4/DR5 mean to set/get_debugreg and mov).
 */
#define PV_CR4_GUEST_MASK   (X86_CR4_TSD | X86_CR4_DE | X86_CR4_FSGSBASE | X86_CR4_OSXSAVE)
#define PV_CR4_VISIBLE_MASK (X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

static uint64_t guest_cr4(const struct vcpu *v)
{
    return (v->arch.cr4_guest & PV_CR4_GUEST_MASK) | (read_cr4() & PV_CR4_VISIBLE_MASK);
}

static void set_guest_cr4(struct vcpu *v, uint64_t val)
{
    struct cpuid_leaf l1, l7;

    pv_cpuid_leaf(v, 1, 0, &l1);
    pv_cpuid_leaf(v, 7, 0, &l7);
    if ( !(l1.d & (1u << 4)) )
        val &= ~X86_CR4_TSD;
    if ( !(l1.d & (1u << 2)) )
        val &= ~X86_CR4_DE;
    if ( !(l7.b & (1u << 0)) )
        val &= ~X86_CR4_FSGSBASE;
    if ( !(l1.c & (1u << 26)) )
        val &= ~X86_CR4_OSXSAVE;
    v->arch.cr4_guest = val & PV_CR4_GUEST_MASK;
}

static bool read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
    switch ( cr )
    {
    case 0: *val = guest_cr0(v); return true;
    case 2: *val = v->arch.vcpu_info->arch.cr2; return true;
    case 3: *val = pv_current_l4_maddr(v); return true;
    case 4: *val = guest_cr4(v); return true;
    }
    return false;
}

static bool write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    switch ( cr )
    {
    case 0:
        /* Only TS is the guest's to change. */
        if ( (val ^ guest_cr0(v)) & ~X86_CR0_TS )
            return false;
        set_guest_ts(v, val & X86_CR0_TS);
        return true;
    case 3:
        return pv_new_kernel_baseptr(v, val >> PAGE_SHIFT) == 0;
    case 4:
        set_guest_cr4(v, val);
        return true;
    }
    return false;
}

/* DR4/DR5 with CR4.DE set, DR8 and up: #UD at the mov, as the CPU would. */
static bool debugreg_ud(struct vcpu *v, unsigned int *len)
{
    *len = 0;                           /* rip stays: the trap is bounced */
    pv_inject_trap(v, TRAP_invalid_op, false, 0);
    return true;
}

/*
 * XSETBV (0f 01 d1) faults in ring 3, where the guest kernel runs.  The
 * checks in the order of Xen's emulator: #UD with a 66 prefix or unless
 * the guest's own CR4.OSXSAVE is set, #GP(0) from guest user mode or for
 * a value fpu.c refuses (XCR0 only, x87 set, YMM with SSE, offered bits).
 */
static void emulate_xsetbv(struct vcpu *v, struct cpu_user_regs *regs, bool opsize,
                           unsigned int *len)
{
    uint64_t val = ((regs->rdx & 0xffffffff) << 32) | (regs->rax & 0xffffffff);

    *len = 0;                           /* a bounced trap leaves rip */
    if ( opsize || !(v->arch.cr4_guest & X86_CR4_OSXSAVE) )
        pv_inject_trap(v, TRAP_invalid_op, false, 0);
    else if ( !v->arch.kernel_mode || fpu_write_xcr(v, regs->rcx, val) )
        pv_inject_trap(v, TRAP_gp_fault, true, 0);
    else
        *len = 3;
}

/* mov to/from CRn/DRn (0f 20-23), clts, wbinvd: guest kernel mode only. */
static bool emulate_0f(struct vcpu *v, struct cpu_user_regs *regs,
                       const uint8_t *insn, size_t avail, uint8_t rex, unsigned int *len)
{
    uint8_t op = insn[1], modrm = avail > 2 ? insn[2] : 0;
    unsigned int reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
    uint64_t *rm = gpr(regs, (modrm & 7) | ((rex & 1) ? 8 : 0));
    uint64_t val;

    if ( !v->arch.kernel_mode )
        return false;
    switch ( op )
    {
    case 0x06:                                    /* clts */
        set_guest_ts(v, false);
        *len = 2;
        return true;
    case 0x09:                                    /* wbinvd: caches are coherent */
        *len = 2;
        return true;
    case 0x20: case 0x21: case 0x22: case 0x23:
        if ( avail < 3 || (modrm >> 6) != 3 )
            return false;
        *len = 3;
        if ( op == 0x20 )
            return read_cr(v, reg, rm);
        if ( op == 0x22 )
            return write_cr(v, reg, *rm);
        if ( op == 0x21 )
        {
            val = do_get_debugreg(reg);
            if ( (long)val == -ENODEV )
                return debugreg_ud(v, len);
            if ( (long)val < 0 && (long)val > -4096 )
                return false;
            *rm = val;
            return true;
        }
        switch ( do_set_debugreg(reg, *rm) )
        {
        case 0:
            return true;
        case -ENODEV:
            return debugreg_ud(v, len);
        }
        return false;
    }
    return false;
}

/* `int N` from guest code: vector N if its trap entry allows this ring. */
static bool emulate_int(struct vcpu *v, struct cpu_user_regs *regs, uint8_t vector)
{
    const struct trap_info *ti = &v->arch.trap_ctxt[vector];
    unsigned int ring = v->arch.kernel_mode ? 1 : 3;

    if ( !ti->address || TI_GET_DPL(ti) < ring )
    {
        pv_inject_trap(v, TRAP_gp_fault, true, (vector << 3) | 2);
        return true;
    }
    regs->rip += 2;
    pv_inject_trap(v, vector, false, 0);
    return true;
}

/*
 * The bytes at rip that Keel could read.  The CPU fetched the whole
 * instruction before it raised #GP, but Keel's copy can still stop short:
 * another vCPU may have unmapped the instruction's second page since, or
 * the instruction is longer than MAX_INSN (the CPU's #GP is for that).
 * Every decode step asks insn_has() before it reads a byte, so nothing is
 * decoded from bytes that were never fetched.
 */
struct insn_fetch {
    uint8_t b[MAX_INSN];
    unsigned int avail;                 /* bytes read from rip */
    bool faulted;                       /* the read stopped at rip + avail */
    bool bounced;                       /* insn_has() delivered that #PF */
};

static void insn_fetch(struct insn_fetch *f, uint64_t rip)
{
    size_t want = MAX_INSN;

    /* Up to the end of the canonical half: guest_range_ok takes no more. */
    if ( rip < (1UL << 47) )
        want = min(want, (size_t)((1UL << 47) - rip));
    else if ( -rip < want )
        want = -rip;
    f->avail = want - raw_copy_from_guest(f->b, rip, want);
    f->faulted = f->avail < want;
    f->bounced = false;
}

/*
 * Whether the first n bytes were fetched.  If not because the read
 * faulted, the guest gets the #PF that fetch raises, as Xen's emulator
 * gives it (error code 0 plus the user bit, cr2 = the first missing byte),
 * and the caller reports the exception handled by returning f->bounced.
 */
static bool insn_has(struct vcpu *v, const struct cpu_user_regs *regs,
                     struct insn_fetch *f, unsigned int n)
{
    if ( n <= f->avail )
        return true;
    if ( f->faulted && !f->bounced )
    {
        write_cr2(regs->rip + f->avail);    /* pv_inject_trap reports CR2 */
        pv_inject_trap(v, TRAP_page_fault, true, v->arch.kernel_mode ? 0 : 4);
        f->bounced = true;
    }
    return false;
}

/* Emulate the instruction at rip; true if handled (rip moved or a trap bounced). */
static bool emulate_privileged(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct insn_fetch f;
    unsigned int len = 0, ilen = 0;
    bool opsize = false;
    uint8_t rex = 0, op;

    insn_fetch(&f, regs->rip);
    while ( insn_has(v, regs, &f, len + 1) &&
            (f.b[len] == 0x66 || (f.b[len] & 0xf0) == 0x40) )
    {
        opsize |= f.b[len] == 0x66;
        rex = (f.b[len] & 0xf0) == 0x40 ? f.b[len] : rex;
        len++;
    }
    if ( !insn_has(v, regs, &f, len + 1) )
        return f.bounced;
    op = f.b[len];
    if ( op == 0xfa || op == 0xfb )
    {
        /* cli/sti with enough IOPL: allowed, but events stay as the mask says. */
        if ( !io_allowed(v) )
            return false;
        regs->rip += len + 1;
        return true;
    }
    if ( op == 0x0f )
    {
        if ( !insn_has(v, regs, &f, len + 2) )
            return f.bounced;
        if ( f.b[len + 1] == 0x01 )     /* 0f 01 d1: xsetbv */
        {
            if ( !insn_has(v, regs, &f, len + 3) )
                return f.bounced;
            if ( f.b[len + 2] == 0xd1 )
            {
                emulate_xsetbv(v, regs, opsize, &ilen);
                if ( ilen )
                    regs->rip += len + ilen;
                return true;
            }
        }
        /* mov to/from CRn/DRn carry a ModRM byte. */
        if ( (f.b[len + 1] & 0xfc) == 0x20 && !insn_has(v, regs, &f, len + 3) )
            return f.bounced;
        if ( emulate_0f(v, regs, &f.b[len], f.avail - len, rex, &ilen) )
        {
            if ( ilen )                 /* 0: emulate_0f bounced a trap */
                regs->rip += len + ilen;
            return true;
        }
        if ( f.b[len + 1] == 0x32 && v->arch.kernel_mode )
        {
            if ( !emulate_rdmsr(v, regs) )
                return false;
            regs->rip += len + 2;
            return true;
        }
        if ( f.b[len + 1] == 0x30 && v->arch.kernel_mode )
        {
            if ( !emulate_wrmsr(v, regs) )
                return false;
            regs->rip += len + 2;
            return true;
        }
        return false;
    }
    if ( op == 0xcd )
    {
        if ( !insn_has(v, regs, &f, len + 2) )
            return f.bounced;
        return emulate_int(v, regs, f.b[len + 1]);
    }
    if ( (op & 0xf4) == 0xe4 )          /* in/out: e4-e7 (imm8 port), ec-ef (dx) */
    {
        ilen = (op & 0xfc) == 0xe4 ? 2 : 1;
        if ( !insn_has(v, regs, &f, len + ilen) )
            return f.bounced;
        if ( !emulate_io(v, regs, &f.b[len], ilen, opsize) )
            return false;
        regs->rip += len + ilen;
        return true;
    }
    return false;
}

static bool emulate_forced_cpuid(struct cpu_user_regs *regs)
{
    uint8_t insn[sizeof(forced_cpuid)];

    if ( copy_from_guest(insn, regs->rip, sizeof(insn)) ||
         memcmp(insn, forced_cpuid, sizeof(insn)) )
        return false;
    pv_cpuid(current, regs);
    regs->rip += sizeof(insn);
    return true;
}

/*
 * QEMU TCG (7.2) pops IRET's frame with supervisor data accesses even at
 * CPL 3, so with CR4.SMAP on, an `iretq` that a PV kernel (ring 3) runs on
 * its own stack -- Linux's sync_core() does, in iret_to_self -- faults as
 * a supervisor read of a user page.  No CPU raises that fault for an IRET
 * at CPL 3 (its pops are user accesses, and Xen 4.17's dom0 dies of it
 * under TCG), so Keel completes the instruction as the CPU would: the
 * frame through the SMAP window, an IRET to CPL 3 only (anything else is
 * #GP(selector), as the CPU's privilege check gives), and only the RFLAGS
 * bits CPL 3 may change with IOPL 0.  Keel's own iretq then checks the
 * selectors and rip again on the way out.
 */
#define PFEC_USER           (1u << 2)
#define PFEC_INSN           (1u << 4)
#define IRET_CPL3_FLAGS     0x254dd5UL  /* CF PF AF ZF SF TF DF OF NT RF AC ID */

static bool emulate_smap_iret(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t insn[2];
    uint64_t f[5];                      /* rip, cs, rflags, rsp, ss */

    if ( !smap_enabled || (regs->error_code & (PFEC_USER | PFEC_INSN)) )
        return false;
    if ( copy_from_guest(insn, regs->rip, sizeof(insn)) || insn[0] != 0x48 ||
         insn[1] != 0xcf || copy_from_guest(f, regs->rsp, sizeof(f)) )
        return false;
    if ( (f[1] & 3) != 3 || (f[4] & 3) != 3 )
    {
        pv_inject_trap(v, TRAP_gp_fault, true, ((f[1] & 3) != 3 ? f[1] : f[4]) & 0xfffc);
        return true;
    }
    regs->rip = f[0];
    regs->cs = f[1] & 0xffff;
    regs->rflags = (regs->rflags & ~IRET_CPL3_FLAGS) | (f[2] & IRET_CPL3_FLAGS);
    regs->rsp = f[3];
    regs->ss = f[4] & 0xffff;
    return true;
}

void pv_do_exception(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vec = regs->entry_vector;

    switch ( vec )
    {
    case TRAP_invalid_op:
        if ( emulate_forced_cpuid(regs) )
            return;
        break;
    case TRAP_gp_fault:
        if ( emulate_privileged(v, regs) )
            return;
        break;
    case TRAP_page_fault:
        if ( emulate_smap_iret(v, regs) )
            return;
        break;
    case TRAP_debug:
        /* The guest reads the cause through get_debugreg(6). */
        v->arch.debugreg[6] = read_dr6();
        write_dr6(DR6_DEFAULT);
        break;
    case TRAP_no_device:
        /* The guest set TS (fpu_taskswitch): delivery clears it, as on Xen. */
        set_guest_ts(v, false);
        break;
    case TRAP_double_fault:
    case TRAP_machine_check:
    case TRAP_nmi:
        return;                          /* handled by Keel before we get here */
    }
    pv_inject_trap(v, vec, vec == TRAP_double_fault || vec == TRAP_invalid_tss ||
                           vec == TRAP_no_segment || vec == TRAP_stack_error ||
                           vec == TRAP_gp_fault || vec == TRAP_page_fault ||
                           vec == TRAP_alignment_check || vec == TRAP_control_prot,
                   regs->error_code);
}
