/*
 * SVM address-space IDs.  The TLB tags every guest translation with the
 * ASID of the VMRUN that made it, so no two vCPUs may run under the same
 * ASID on one CPU unless the TLB was flushed in between.
 *
 * Each CPU hands out ASIDs 1..nr_asids-1 in order, within a generation.
 * When they run out the CPU starts a new generation and the next VMRUN
 * flushes every ASID (TLB_CONTROL 1); a vCPU whose ASID belongs to an older
 * generation, or to another CPU, takes a fresh one before it runs.  So an
 * ASID is only ever reused after a flush of everything cached under it
 * (Xen's hvm_asid_handle_vmenter does the same).  A change to the vCPU's
 * p2m, or anything else that must drop its translations, retires its ASID
 * with svm_asid_flush_vcpu().
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>

/* The first generations are logged (a guest can force wraps: no flood). */
#define ASID_LOG_GENERATIONS 4

#define TLB_CTRL_NOTHING     0
#define TLB_CTRL_FLUSH_ALL   1      /* every ASID: valid on every SVM CPU */

struct asid_core {
    uint64_t generation;            /* starts at 1: 0 means "never had one" */
    uint32_t next;                  /* next free ASID of this generation */
    uint32_t max;                   /* highest usable ASID */
};

static struct asid_core asid_cores[NR_CPUS];

void svm_asid_cpu_init(unsigned int cpu, uint32_t nr_asids)
{
    struct asid_core *c = &asid_cores[cpu];

    c->generation = 1;
    c->next = 1;
    c->max = nr_asids - 1;          /* ASID 0 is the host's */
}

void svm_asid_flush_vcpu(struct vcpu *v)
{
    v->arch.hvm.asid_generation = 0;
}

/* Out of ASIDs: a new generation, and the VMRUN that follows flushes all. */
static void new_generation(unsigned int cpu, struct asid_core *c)
{
    c->generation++;
    c->next = 1;
    if ( c->generation <= ASID_LOG_GENERATIONS )
        printk(KLOG_DEBUG "CPU%u: ASIDs wrapped: generation %lu, every ASID "
               "flushed on the next VMRUN\n", cpu, c->generation);
}

/* Called with interrupts off just before VMRUN: sets guest_asid and tlb_control. */
void svm_asid_prepare(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct asid_core *c = &asid_cores[cpu];
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    struct hvm_vcpu *h = &v->arch.hvm;
    bool flush = false;

    vmcb->tlb_control = TLB_CTRL_NOTHING;
    if ( h->last_cpu == (int)cpu && h->asid_generation == c->generation )
        return;
    if ( c->next > c->max )
    {
        new_generation(cpu, c);
        flush = true;
    }
    if ( h->asid_generation && h->asid_generation < c->generation &&
         h->last_cpu == (int)cpu && c->generation <= ASID_LOG_GENERATIONS )
        printk(KLOG_DEBUG "d%uv%u: ASID %u of generation %lu is stale on CPU%u: "
               "new ASID %u (generation %lu)\n", v->domain->domain_id, v->vcpu_id,
               h->asid, h->asid_generation, cpu, c->next, c->generation);
    h->asid = c->next++;
    h->asid_generation = c->generation;
    h->last_cpu = cpu;
    vmcb->guest_asid = h->asid;
    if ( flush )
        vmcb->tlb_control = TLB_CTRL_FLUSH_ALL;
}
