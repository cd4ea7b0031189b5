/*
 * PV descriptor tables: set_gdt and update_descriptor.  The guest's
 * descriptors are checked and kept in a per-vCPU copy that is loaded into
 * the lower part of the CPU's GDT whenever the vCPU runs.  The guest cannot
 * run code above ring 3: a code or data descriptor's DPL is raised to 3;
 * system descriptors (TSS, LDT, gates) are refused.
 *
 * Locking: a descriptor frame's type and every vCPU's shadow (pointer,
 * size, frames) change only under the domain's page_lock, the lock of all
 * page-type changes.  So update_descriptor's type check and its write are
 * one step (no pin can slip in between and turn the frame into a page
 * table), and no vCPU walks another's shadow while set_gdt replaces it.
 * A vCPU's own CPU copies its shadow into the GDT with interrupts off, so
 * the reload IPI below never sees a half-replaced shadow either.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/xmalloc.h>
#include <asm/current.h>
#include <asm/gdt.h>
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <asm/pv_mm.h>
#include <asm/irqflags.h>
#include <public/errno.h>

#define DESC_P     (1UL << 47)
#define DESC_S     (1UL << 44)         /* code/data (1) or system (0) */
#define DESC_DPL   (3UL << 45)

static unsigned int loaded_ents[NR_CPUS];

/* Check one descriptor, raising its DPL to 3; false if it is refused. */
static bool check_descriptor(uint64_t *desc)
{
    if ( !(*desc & DESC_P) )
        return true;                   /* not present: harmless */
    if ( !(*desc & DESC_S) )
        return false;                  /* TSS, LDT, call/interrupt gates */
    *desc |= DESC_DPL;
    return true;
}

void pv_load_gdt(const struct vcpu *v)
{
    unsigned long flags = local_irq_save();
    unsigned int cpu = smp_processor_id();
    uint64_t *gdt = gdt_of_cpu(cpu);
    unsigned int n = v->arch.gdt_shadow ? v->arch.gdt_ents : 0;

    if ( n )
        memcpy(gdt, v->arch.gdt_shadow, n * sizeof(uint64_t));
    if ( loaded_ents[cpu] > n )
        memset(gdt + n, 0, (loaded_ents[cpu] - n) * sizeof(uint64_t));
    loaded_ents[cpu] = n;
    local_irq_restore(flags);
}

/* IPI: the running PV vCPU's shadow changed under it; reload this CPU's copy. */
static void reload_gdt_ipi(void *unused)
{
    struct vcpu *v = current;

    (void)unused;
    if ( !is_idle_vcpu(v) && !v->domain->arch.is_hvm )
        pv_load_gdt(v);
}

static bool frame_is_mine(const struct domain *d, uint64_t mfn)
{
    return mfn_valid(mfn) && page_owned_by(mfn_to_page(mfn), d);
}

/* Descriptor pages are typed while in use: never writable behind our back (page_lock held). */
static int get_gdt_frames(struct domain *d, const uint64_t *frames, unsigned int n)
{
    unsigned int i;
    int rc = 0;

    for ( i = 0; i < n; i++ )
        if ( (rc = get_page_type(d, frames[i], PGT_seg_desc)) != 0 )
            break;
    if ( rc )
        while ( i-- > 0 )
            put_page_type(d, frames[i]);
    return rc ? -EINVAL : 0;
}

static void put_gdt_frames(struct domain *d, const mfn_t *frames, unsigned int ents)
{
    for ( unsigned int i = 0; i * 512 < ents; i++ )
        put_page_type(d, frames[i]);
}

/* Check entries descriptors read from the guest's frames into a new shadow. */
static int read_shadow(const uint64_t *frames, unsigned long entries, uint64_t *shadow)
{
    for ( unsigned long i = 0; i < entries; i++ )
    {
        shadow[i] = ((const uint64_t *)mfn_to_virt(frames[i / 512]))[i % 512];
        if ( !check_descriptor(&shadow[i]) )
            return -EINVAL;
    }
    return 0;
}

/*
 * Install a GDT of `entries` descriptors from guest frames on v (set_gdt,
 * and VCPUOP_initialise for a vCPU that is not running).  -EINVAL for too
 * many entries, a frame that is not v's domain's or cannot be typed, or a
 * descriptor that is refused.
 */
int pv_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned long entries)
{
    struct domain *d = v->domain;
    unsigned int nr_frames = (entries + 511) / 512;
    uint64_t *shadow, *old;
    unsigned long flags;
    int rc;

    if ( entries > PV_GDT_MAX_ENTRIES )
        return -EINVAL;
    for ( unsigned int i = 0; i < nr_frames; i++ )
        if ( !frame_is_mine(d, frames[i]) )
            return -EINVAL;
    shadow = entries ? xmalloc_array(uint64_t, entries) : NULL;
    if ( entries && !shadow )
        return -ENOMEM;
    /*
     * Type the frames first, then read them: once they are descriptor pages
     * no writable mapping or update_descriptor can change them unchecked.
     */
    spin_lock(&d->page_lock);
    if ( (rc = get_gdt_frames(d, frames, nr_frames)) == 0 &&
         (rc = read_shadow(frames, entries, shadow)) != 0 )
        put_gdt_frames(d, frames, entries);
    if ( rc )
    {
        spin_unlock(&d->page_lock);
        xfree(shadow);
        return -EINVAL;
    }
    put_gdt_frames(d, v->arch.gdt_frames, v->arch.gdt_ents);
    old = v->arch.gdt_shadow;
    flags = local_irq_save();           /* this CPU's reload never sees half of it */
    v->arch.gdt_shadow = shadow;
    v->arch.gdt_ents = entries;
    memset(v->arch.gdt_frames, 0, sizeof(v->arch.gdt_frames));
    memcpy(v->arch.gdt_frames, frames, nr_frames * sizeof(uint64_t));
    local_irq_restore(flags);
    if ( v == current )
        pv_load_gdt(v);
    spin_unlock(&d->page_lock);
    xfree(old);                         /* no other vCPU walks it: page_lock */
    return 0;
}

long do_set_gdt(uint64_t frame_list, unsigned long entries)
{
    uint64_t frames[PV_GDT_MAX_FRAMES];

    if ( entries > PV_GDT_MAX_ENTRIES )
        return -EINVAL;
    if ( copy_from_guest(frames, frame_list, (entries + 511) / 512 * sizeof(uint64_t)) )
        return -EFAULT;
    return pv_set_gdt(current, frames, entries);
}

/*
 * Keep every vCPU's copy in step with a descriptor written in its GDT
 * frames (page_lock held); the CPUs running other vCPUs whose copy changed
 * are returned, to reload theirs.
 */
static cpumask_t update_shadows(struct domain *d, mfn_t mfn, unsigned int index, uint64_t desc)
{
    cpumask_t stale = 0;
    struct vcpu *v;

    for_each_vcpu(d, v)
        for ( unsigned int f = 0; f * 512 < v->arch.gdt_ents; f++ )
            if ( v->arch.gdt_frames[f] == mfn && f * 512 + index < v->arch.gdt_ents )
            {
                __atomic_store_n(&v->arch.gdt_shadow[f * 512 + index], desc, __ATOMIC_RELAXED);
                if ( v == current )
                    pv_load_gdt(v);
                else if ( v->is_running )
                    stale |= cpumask_of(v->processor);
            }
    return stale;
}

long do_update_descriptor(uint64_t maddr, uint64_t desc)
{
    struct domain *d = current->domain;
    mfn_t mfn = maddr >> PAGE_SHIFT;
    cpumask_t stale;
    unsigned long type;

    if ( (maddr & 7) || !frame_is_mine(d, mfn) || !check_descriptor(&desc) )
        return -EINVAL;
    /*
     * Check and write in one step under the lock of type changes: never
     * into a page table (that would bypass every PTE check), however the
     * other vCPUs race to pin the frame.
     */
    spin_lock(&d->page_lock);
    type = mfn_to_page(mfn)->type_info & (PGT_type_mask | PGT_partial);
    if ( type != PGT_none && type != PGT_seg_desc )
    {
        spin_unlock(&d->page_lock);
        return -EINVAL;
    }
    ((uint64_t *)mfn_to_virt(mfn))[(maddr & (PAGE_SIZE - 1)) / 8] = desc;
    stale = update_shadows(d, mfn, (maddr & (PAGE_SIZE - 1)) / 8, desc);
    spin_unlock(&d->page_lock);
    if ( stale )
        on_selected_cpus(stale, reload_gdt_ipi, NULL);
    return 0;
}
