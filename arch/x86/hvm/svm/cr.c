/*
 * MOV to CR4, intercepted.  Left to the guest, a write of a bit the CPU
 * implements but the guest must not have (CR4.VMXE on a CPU with VMX, a
 * bit for state Keel does not switch) goes into the VMCB unchecked, and
 * the next VMRUN fails its consistency checks: the domain dies instead of
 * taking #GP.  So CR4 writes exit, and the rules of Xen's hvm_set_cr4 are
 * applied here: #GP(0) for a bit outside hvm_cr4_guest_valid_bits(), for
 * clearing PAE in long mode, and for setting PCIDE outside long mode or
 * with CR3[11:0] non-zero.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/processor.h>

/* Changing these changes how the guest's TLB entries read (SDM 4.10.4.1). */
#define CR4_TLB_BITS (X86_CR4_PSE | X86_CR4_PAE | X86_CR4_PGE | X86_CR4_PCIDE | \
                      X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE)

static bool cr4_write_ok(struct vcpu *v, uint64_t old, uint64_t val)
{
    const struct vmcb *vmcb = v->arch.hvm.vmcb;
    uint64_t bad = val & ~hvm_cr4_guest_valid_bits(v);

    if ( bad )
    {
        if ( v->arch.hvm.nr_cr4_refused++ == 0 )
            printk(KLOG_INFO "d%uv%u: CR4 write %#lx refused (#GP): bits %#lx are not "
                   "offered\n", v->domain->domain_id, v->vcpu_id, val, bad);
        return false;
    }
    if ( svm_long_mode(vmcb) && !(val & X86_CR4_PAE) )
        return false;
    if ( (val & X86_CR4_PCIDE) && !(old & X86_CR4_PCIDE) &&
         (!svm_long_mode(vmcb) || (vmcb->cr3 & 0xfff)) )
        return false;
    return true;
}

void svm_handle_cr4_write(struct vcpu *v)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    struct svm_mov_insn insn;
    uint64_t old = vmcb->cr4, val;

    if ( vmcb->cpl != 0 )
    {
        svm_inject_exception(v, TRAP_gp_fault, true, 0);
        return;
    }
    if ( !svm_decode_mov_reg(v, &insn) || insn.opcode != 0x22 || insn.reg != 4 )
    {
        svm_crash(v, "CR4 write exit on an instruction that is not MOV to CR4");
        return;
    }
    val = svm_get_gpr(v, insn.gpr);
    if ( !svm_long_mode(vmcb) )
        val = (uint32_t)val;
    if ( !cr4_write_ok(v, old, val) )
    {
        svm_inject_exception(v, TRAP_gp_fault, true, 0);
        return;
    }
    vmcb->cr4 = val;
    if ( (old ^ val) & CR4_TLB_BITS )
        svm_asid_flush_vcpu(v);          /* a fresh ASID: nothing stale survives */
    vmcb->rip += insn.len;
}
