/*
 * SVM intercepts that keep the CPU in Keel's hands: exceptions a guest could
 * turn against the host, and privileged instructions that would otherwise
 * act on the real machine.
 *
 * #DB and #AC are always intercepted (XSA-156): a guest whose own delivery
 * of #DB or #AC raises the same exception again (a data breakpoint on the
 * stack the frame goes to, a misaligned ring-3 stack under CR0.AM and
 * EFLAGS.AC) would otherwise loop inside the CPU's microcode, where not
 * even an interrupt is taken.  Intercepted, each round is a VMEXIT: Keel
 * reflects the exception (the guest sees what the hardware would give it)
 * and the host takes its interrupts between rounds.
 *
 * #MC is intercepted too: a machine check while a guest runs belongs to
 * Keel, never to the guest (Xen's svm_vmexit_mce_intercept).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/processor.h>

/* The first reflection of each kind per vCPU is logged, the rest counted. */
static void note_reflected(struct vcpu *v, unsigned int vector, unsigned long *count)
{
    if ( (*count)++ == 0 )
        printk(KLOG_INFO "d%uv%u: %s intercepted at %#lx and reflected to the guest\n",
               v->domain->domain_id, v->vcpu_id,
               vector == TRAP_debug ? "#DB" : "#AC", v->arch.hvm.vmcb->rip);
}

/*
 * #DB: the CPU has already updated DR6 (in the VMCB) and, for a general
 * detect, cleared DR7.GD; the guest gets the exception as it stands.
 */
void svm_reflect_db(struct vcpu *v)
{
    note_reflected(v, TRAP_debug, &v->arch.hvm.nr_db_reflected);
    svm_inject_exception(v, TRAP_debug, false, 0);
}

/* #AC: a fault with error code 0; rip still names the access. */
void svm_reflect_ac(struct vcpu *v)
{
    note_reflected(v, TRAP_alignment_check, &v->arch.hvm.nr_ac_reflected);
    svm_inject_exception(v, TRAP_alignment_check, true, 0);
}

/*
 * #MC: raised by the hardware while the guest ran.  It is handed to Keel's
 * own machine-check handler (which stops the machine: Keel has no
 * recovery), never injected into the guest.
 */
void svm_handle_mc(struct vcpu *v)
{
    printk(KLOG_ERR "d%uv%u: machine check while the guest ran, at %#lx\n",
           v->domain->domain_id, v->vcpu_id, v->arch.hvm.vmcb->rip);
    __asm__ __volatile__("int $18");       /* TRAP_machine_check, on its IST stack */
}

/* A privileged instruction run at CPL > 0 faults before any intercept. */
static bool cpl0_or_gp(struct vcpu *v)
{
    if ( v->arch.hvm.vmcb->cpl == 0 )
        return true;
    svm_inject_exception(v, TRAP_gp_fault, true, 0);
    return false;
}

/*
 * WBINVD and INVD (2 bytes each): no device is passed through to an HVM
 * guest, so there is no cache a guest needs written back for DMA; letting
 * it flush the host's caches would only let it slow every other domain
 * down.  Both are no-ops, as on Xen without cache_flush_permitted().
 */
void svm_handle_cache_flush(struct vcpu *v)
{
    if ( cpl0_or_gp(v) )
        v->arch.hvm.vmcb->rip += 2;
}

/*
 * INVLPGA is an SVM instruction, and the guest sees no SVM (CPUID, EFER):
 * #UD, as Xen gives a guest without nested virtualisation.  Executed, it
 * would invalidate any ASID's translation, another domain's included.
 */
void svm_handle_invlpga(struct vcpu *v)
{
    svm_inject_exception(v, TRAP_invalid_op, false, 0);
}

/*
 * RDPMC: Keel offers no virtual PMU, so the counters are not the guest's
 * to read (they count for whoever ran last): #GP(0), as Xen gives a guest
 * without vPMU.
 */
void svm_handle_rdpmc(struct vcpu *v)
{
    svm_inject_exception(v, TRAP_gp_fault, true, 0);
}
