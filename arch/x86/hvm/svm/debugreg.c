/*
 * HVM debug registers.  VMRUN and #VMEXIT switch DR6 and DR7 (the VMCB
 * holds the guest's), but DR0-DR3 are whatever was last loaded: left to
 * the guest, one domain's breakpoint addresses would be live in the next
 * domain to run, and readable by it.  So every MOV to or from a DR is
 * intercepted and emulated on the vCPU's own copy (v->arch.debugreg[0-3],
 * DR6/DR7 in the VMCB), and the copy is loaded into the real DR0-DR3 just
 * before VMRUN whenever the guest's DR7 enables a breakpoint.  With no
 * breakpoint enabled in the guest's DR7 the real DR0-DR3 cannot fire, and
 * Keel itself runs with DR7 at its default (restored by #VMEXIT from the
 * host save area), so a guest's addresses never fire in Keel.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/debugreg.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/processor.h>

#define DR7_ENABLES    0xffUL            /* L0 G0 ... L3 G3 */
#define DR7_GD         (1UL << 13)
#define DR7_WRITABLE   0xffff23ffUL      /* bits 10, 11, 12, 14, 15 are fixed */
#define DR6_BD         (1UL << 13)
#define DR6_WRITABLE   0x0000e00fUL      /* B0-B3, BD, BS, BT */

static uint64_t read_dr(struct vcpu *v, unsigned int dr)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    if ( dr < 4 )
        return v->arch.debugreg[dr];
    return dr == 6 ? vmcb->dr6 : vmcb->dr7;
}

/* false: #GP(0) (a 1 in bits 63:32 of DR6 or DR7). */
static bool write_dr(struct vcpu *v, unsigned int dr, uint64_t val)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    if ( dr < 4 )
    {
        v->arch.debugreg[dr] = val;
        return true;
    }
    if ( val >> 32 )
        return false;
    if ( dr == 6 )
        vmcb->dr6 = (val & DR6_WRITABLE) | DR6_DEFAULT;
    else
        vmcb->dr7 = (val & DR7_WRITABLE) | DR7_DEFAULT;
    return true;
}

/*
 * The exit for MOV to or from DRn (exit code 0x20-0x3f).  QEMU gives no
 * decode assist, so the instruction is decoded here; the checks follow
 * the SDM's MOV DR: #GP(0) above CPL 0, DR7.GD turns the access into #DB
 * (DR6.BD), DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD.
 */
void svm_handle_dr_access(struct vcpu *v)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    bool write = vmcb->exitcode >= VMEXIT_DR0_WRITE;
    struct svm_mov_insn insn;
    unsigned int dr;

    if ( vmcb->cpl != 0 )
    {
        svm_inject_exception(v, TRAP_gp_fault, true, 0);
        return;
    }
    if ( !svm_decode_mov_reg(v, &insn) || (insn.opcode != 0x21 && insn.opcode != 0x23) ||
         insn.reg != (vmcb->exitcode & 15) || insn.reg > 7 )
    {
        svm_inject_exception(v, TRAP_invalid_op, false, 0);
        return;
    }
    if ( vmcb->dr7 & DR7_GD )
    {
        vmcb->dr7 &= ~DR7_GD;
        vmcb->dr6 |= DR6_BD;
        svm_inject_exception(v, TRAP_debug, false, 0);
        return;
    }
    dr = insn.reg;
    if ( dr == 4 || dr == 5 )
    {
        if ( vmcb->cr4 & X86_CR4_DE )
        {
            svm_inject_exception(v, TRAP_invalid_op, false, 0);
            return;
        }
        dr += 2;
    }
    if ( write )
    {
        uint64_t val = svm_get_gpr(v, insn.gpr);

        if ( !svm_long_mode(vmcb) )
            val = (uint32_t)val;

        if ( !write_dr(v, dr, val) )
        {
            svm_inject_exception(v, TRAP_gp_fault, true, 0);
            return;
        }
    }
    else
        svm_set_gpr(v, insn.gpr, svm_long_mode(vmcb) ? read_dr(v, dr) : (uint32_t)read_dr(v, dr));
    vmcb->rip += insn.len;
}

/*
 * Just before VMRUN, interrupts off: the vCPU's DR0-DR3 go into the real
 * registers if its DR7 can use them (VMRUN then loads its DR7).
 */
void svm_load_guest_drs(struct vcpu *v)
{
    const unsigned long *dr = v->arch.debugreg;

    if ( !(v->arch.hvm.vmcb->dr7 & DR7_ENABLES) )
        return;
    write_dr0(dr[0]);
    write_dr1(dr[1]);
    write_dr2(dr[2]);
    write_dr3(dr[3]);
}
