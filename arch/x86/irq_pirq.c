/*
 * pirqs: a domain's names for the physical interrupts mapped to it.  Only
 * the hardware domain has them (Xen gives domUs pirqs for passthrough,
 * which Keel has not).  A pirq maps to one Keel irq (asm/irq.h): the GSI
 * of the same number or an MSI descriptor; binding it to an event channel
 * makes the interrupt live.  Everything here runs under irq_lock, so the
 * interrupt path (send_guest_pirq) sees a consistent table.
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/printk.h>
#include <keel/xmalloc.h>
#include <asm/irq.h>
#include <asm/irq_pirq.h>
#include <asm/msi.h>
#include <asm/page.h>
#include <asm/pci.h>
#include <asm/pv_mm.h>
#include <public/errno.h>
#include <public/physdev.h>

/* Xen 4.17's vectors per CPU for device interrupts (0x20..0xef). */
#define XEN_NR_DYNAMIC_VECTORS 208
#define EOI_MAP_BITS           (PAGE_SIZE * 8)

struct pirq {
    int irq;                           /* Keel irq; 0: not mapped */
    unsigned int port;                 /* event channel; 0: not bound */
};

struct domain_pirqs {
    unsigned int nr;
    struct pirq *p;
    uint64_t *eoi_map;                 /* the guest's page of EOI bits, or NULL */
    mfn_t eoi_mfn;
    bool auto_unmask;                  /* pirq_eoi_gmfn_v1: EOI unmasks the port */
};

static unsigned int fls_u(unsigned int x)
{
    return x ? 32 - __builtin_clz(x) : 0;
}

/*
 * Xen's arch_hwdom_irqs(): the GSIs plus one CPU's dynamic vectors per
 * (bit of the) CPU count, bounded by Xen's nr_irqs and the EOI page.
 */
static unsigned int hwdom_nr_pirqs(const struct domain *d)
{
    unsigned int cpus = acpi_platform.nr_cpus ? acpi_platform.nr_cpus : 1;
    unsigned int n = min(fls_u(cpus), d->max_vcpus);
    unsigned int xen_nr_irqs = max(cpus * XEN_NR_DYNAMIC_VECTORS, 8 * nr_irqs_gsi);

    return min(nr_irqs_gsi + n * XEN_NR_DYNAMIC_VECTORS,
               min(xen_nr_irqs, (unsigned int)EOI_MAP_BITS));
}

/* The table, made on first use (irq_lock held; allocation is atomic-safe). */
static struct domain_pirqs *pirqs_of(struct domain *d)
{
    struct domain_pirqs *dp = d->arch.pirqs;

    if ( dp || !d->is_privileged || !nr_irqs )
        return dp;
    if ( !(dp = xzalloc(struct domain_pirqs)) )
        return NULL;
    dp->nr = hwdom_nr_pirqs(d);
    if ( !(dp->p = xzalloc_array(struct pirq, dp->nr)) )
    {
        xfree(dp);
        return NULL;
    }
    dp->eoi_mfn = INVALID_MFN;
    d->arch.pirqs = dp;
    return dp;
}

unsigned int domain_nr_pirqs(struct domain *d)
{
    struct domain_pirqs *dp;
    unsigned long flags;

    spin_lock_irqsave(&irq_lock, flags);
    dp = pirqs_of(d);
    spin_unlock_irqrestore(&irq_lock, flags);
    return dp ? dp->nr : 0;
}

static void set_eoi_bit(struct domain_pirqs *dp, unsigned int pirq, bool set)
{
    uint64_t bit = 1UL << (pirq % 64);

    if ( !dp->eoi_map )
        return;
    if ( set )
        __atomic_fetch_or(&dp->eoi_map[pirq / 64], bit, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&dp->eoi_map[pirq / 64], ~bit, __ATOMIC_SEQ_CST);
}

void send_guest_pirq(struct domain *d, unsigned int pirq)
{
    struct domain_pirqs *dp = d->arch.pirqs;
    unsigned int port = dp && pirq < dp->nr ? dp->p[pirq].port : 0;

    if ( port && d->evtchn && d->evtchn[port].state == ECS_PIRQ )
        evtchn_set_pending(d->vcpu[d->evtchn[port].notify_vcpu], port);
}

static int irq_to_pirq(const struct domain_pirqs *dp, int irq)
{
    for ( unsigned int i = 0; i < dp->nr; i++ )
        if ( dp->p[i].irq == irq )
            return i;
    return 0;
}

/* Xen's get_free_pirq(): GSIs take 16 and up first, MSIs from the top. */
static int free_pirq(const struct domain_pirqs *dp, bool gsi)
{
    if ( gsi )
        for ( unsigned int i = 16; i < nr_irqs_gsi && i < dp->nr; i++ )
            if ( !dp->p[i].irq && !dp->p[i].port )
                return i;
    for ( unsigned int i = dp->nr - 1; i >= nr_irqs_gsi && i < dp->nr; i-- )
        if ( !dp->p[i].irq && !dp->p[i].port )
            return i;
    return -ENOSPC;
}

/* Xen's allocate_pirq(): the pirq to map irq at, or an error. */
static int choose_pirq(const struct domain_pirqs *dp, int irq, int pirq, bool gsi)
{
    int current = irq_to_pirq(dp, irq);

    if ( pirq < 0 )
        return current ? current : free_pirq(dp, gsi);
    if ( current && pirq != current )
        return -EEXIST;
    return pirq;
}

/*
 * Xen's map_domain_pirq(): dom0 may have IRQs 1 .. nr_irqs_gsi-1 and the
 * MSIs it creates.  A pirq or irq already mapped elsewhere is left alone
 * and reported as success, as Xen does.
 */
static int map_pirq(struct domain *d, struct domain_pirqs *dp, int pirq, int irq)
{
    struct irq_desc *desc = irq_to_desc(irq);
    int old_pirq;

    if ( irq == 0 )
        return -EPERM;
    if ( pirq < 0 || (unsigned int)pirq >= dp->nr || !desc )
        return -EINVAL;
    old_pirq = irq_to_pirq(dp, irq);
    if ( (dp->p[pirq].irq > 0 && dp->p[pirq].irq != irq) ||
         (old_pirq && old_pirq != pirq) )
        return 0;
    if ( dp->p[pirq].port && !dp->p[pirq].irq )
        return -EBUSY;                  /* unmapped while bound: close it first */
    if ( desc->owner && desc->owner != d )
        return -EBUSY;
    dp->p[pirq].irq = irq;
    desc->owner = d;
    desc->pirq = pirq;
    return 0;
}

int pirq_map_gsi(struct domain *d, int gsi, int *pirq)
{
    struct domain_pirqs *dp;
    unsigned long flags;
    int p, rc;

    if ( gsi < 0 || (unsigned int)gsi >= nr_irqs_gsi )
        return -EINVAL;
    spin_lock_irqsave(&irq_lock, flags);
    if ( !(dp = pirqs_of(d)) )
        rc = -EINVAL;
    else if ( (p = choose_pirq(dp, gsi, *pirq, true)) < 0 )
        rc = p;
    else if ( (rc = map_pirq(d, dp, p, gsi)) == 0 )
        *pirq = p;
    spin_unlock_irqrestore(&irq_lock, flags);
    return rc;
}

int pirq_map_msi(struct domain *d, int index, int *pirq, unsigned int seg,
                 unsigned int bdf, int entry_nr, uint64_t table_base)
{
    struct domain_pirqs *dp;
    struct irq_desc *desc;
    unsigned long flags;
    int irq, p, rc;

    /* Xen: index names an MSI irq Xen made; Keel takes only -1 (make one). */
    if ( index != -1 )
        return -EINVAL;
    spin_lock_irqsave(&irq_lock, flags);
    if ( !(dp = pirqs_of(d)) || (irq = irq_alloc_msi()) < 0 )
    {
        spin_unlock_irqrestore(&irq_lock, flags);
        return dp ? -EINVAL : -ENOMEM;
    }
    desc = irq_to_desc(irq);
    if ( (p = choose_pirq(dp, irq, *pirq, false)) < 0 )
        rc = p;
    else if ( seg != 0 )
        rc = -ENODEV;                   /* segment 0 only (no MMCONFIG) */
    else if ( (rc = map_pirq(d, dp, p, irq)) == 0 && dp->p[p].irq == irq &&
              ((rc = irq_assign_vector(desc)) != 0 ||
               (rc = msi_setup(desc, d, bdf, table_base != 0,
                              table_base ? (unsigned int)entry_nr : 0)) != 0) )
        dp->p[p].irq = 0;
    if ( rc == 0 )
        *pirq = p;
    /* Failed, or Xen's "already mapped" success that mapped nothing. */
    if ( rc || dp->p[p].irq != irq )
        irq_free_msi(irq);
    spin_unlock_irqrestore(&irq_lock, flags);
    return rc;
}

int pirq_unmap(struct domain *d, int pirq)
{
    struct domain_pirqs *dp;
    struct irq_desc *desc;
    unsigned long flags;
    int rc = 0;

    spin_lock_irqsave(&irq_lock, flags);
    dp = pirqs_of(d);
    if ( !dp || pirq < 0 || (unsigned int)pirq >= dp->nr || dp->p[pirq].irq <= 0 )
        rc = -EINVAL;
    else
    {
        desc = irq_to_desc(dp->p[pirq].irq);
        /* Still bound: Xen forces the unbind; the port stays, silent. */
        if ( desc->bound )
            irq_shutdown(desc);
        desc->bound = false;
        if ( desc->kind == IRQ_MSI || desc->kind == IRQ_MSIX )
        {
            msi_teardown(desc);
            irq_free_msi(dp->p[pirq].irq);
        }
        else
            desc->owner = NULL;
        dp->p[pirq].irq = 0;
    }
    spin_unlock_irqrestore(&irq_lock, flags);
    return rc;
}

/* A pirq Xen has a struct pirq for: mapped, or bound. */
static struct pirq *pirq_entry(struct domain_pirqs *dp, uint32_t pirq)
{
    if ( !dp || pirq >= dp->nr || (!dp->p[pirq].irq && !dp->p[pirq].port) )
        return NULL;
    return &dp->p[pirq];
}

int pirq_eoi(struct domain *d, uint32_t pirq)
{
    struct domain_pirqs *dp;
    struct pirq *p;
    unsigned long flags;
    unsigned int port = 0;
    int rc = 0;

    spin_lock_irqsave(&irq_lock, flags);
    dp = pirqs_of(d);
    if ( !(p = pirq_entry(dp, pirq)) )
        rc = -EINVAL;
    else
    {
        if ( dp->auto_unmask )
            port = p->port;
        if ( p->irq > 0 )
            irq_guest_eoi(irq_to_desc(p->irq));
    }
    spin_unlock_irqrestore(&irq_lock, flags);
    if ( port )
        evtchn_unmask_port(d, port);
    return rc;
}

int pirq_status(struct domain *d, int pirq, uint32_t *flags_out)
{
    struct domain_pirqs *dp;
    unsigned long flags;
    int rc = 0;

    spin_lock_irqsave(&irq_lock, flags);
    dp = pirqs_of(d);
    if ( !dp || pirq < 0 || (unsigned int)pirq >= dp->nr )
        rc = -EINVAL;
    spin_unlock_irqrestore(&irq_lock, flags);
    /*
     * As Xen: always "needs EOI" (a guest without the EOI page must EOI
     * every event); never shared, one domain has each irq.
     */
    *flags_out = XENIRQSTAT_needs_eoi;
    return rc;
}

/* Writable type reference on a frame of d's RAM, as vcpu_info does. */
static mfn_t take_writable_frame(struct domain *d, uint64_t gmfn)
{
    mfn_t mfn = gmfn;
    int rc;

    if ( d->arch.is_hvm || !mfn_valid(mfn) || !page_owned_by(mfn_to_page(mfn), d) )
        return INVALID_MFN;
    spin_lock(&d->page_lock);
    rc = get_page_type(d, mfn, PGT_none);
    spin_unlock(&d->page_lock);
    return rc ? INVALID_MFN : mfn;
}

int pirq_set_eoi_map(struct domain *d, uint64_t gmfn, bool auto_unmask)
{
    struct domain_pirqs *dp;
    unsigned long flags;
    mfn_t mfn = take_writable_frame(d, gmfn);
    int rc = 0;

    if ( mfn == INVALID_MFN )
        return -EINVAL;
    spin_lock_irqsave(&irq_lock, flags);
    if ( !(dp = pirqs_of(d)) )
        rc = -EINVAL;
    else if ( dp->eoi_mfn != INVALID_MFN )
        rc = -EBUSY;
    else
    {
        dp->eoi_mfn = mfn;
        dp->eoi_map = mfn_to_virt(mfn);
        dp->auto_unmask = auto_unmask;
    }
    spin_unlock_irqrestore(&irq_lock, flags);
    if ( rc )
    {
        spin_lock(&d->page_lock);
        put_page_type(d, mfn);
        spin_unlock(&d->page_lock);
    }
    return rc;
}

/* Xen's mp_register_gsi(): first PHYSDEVOP_setup_gsi of a pin wins. */
int pirq_setup_gsi(int gsi, bool level, bool active_low)
{
    struct irq_desc *desc;
    unsigned long flags;
    int rc = 0;

    if ( gsi < 0 || (unsigned int)gsi >= nr_irqs_gsi )
        return -EINVAL;
    spin_lock_irqsave(&irq_lock, flags);
    desc = irq_to_desc(gsi);
    if ( desc->kind != IRQ_IOAPIC )
        rc = -EINVAL;                   /* no IO-APIC pin for it */
    else if ( desc->bound || desc->gsi_setup )
        rc = -EEXIST;
    else
    {
        desc->gsi_setup = true;
        desc->level = level;
        desc->active_low = active_low;
    }
    spin_unlock_irqrestore(&irq_lock, flags);
    return rc;
}

int pirq_bind_check(struct domain *d, uint32_t pirq)
{
    struct domain_pirqs *dp;
    unsigned long flags;
    int rc = 0;

    spin_lock_irqsave(&irq_lock, flags);
    dp = pirqs_of(d);
    if ( !dp || pirq >= dp->nr )
        rc = -EINVAL;
    else if ( dp->p[pirq].irq <= 0 )
        rc = -EPERM;                    /* Xen: no access to an unmapped pirq */
    else if ( dp->p[pirq].port )
        rc = -EEXIST;
    spin_unlock_irqrestore(&irq_lock, flags);
    return rc;
}

int pirq_bind(struct domain *d, uint32_t pirq, unsigned int port, bool will_share)
{
    struct domain_pirqs *dp;
    struct irq_desc *desc;
    unsigned long flags;
    int rc;

    (void)will_share;                   /* one domain per irq: nobody to share with */
    spin_lock_irqsave(&irq_lock, flags);
    dp = pirqs_of(d);
    if ( (rc = dp ? 0 : -EINVAL) == 0 && (rc = pirq_entry(dp, pirq) ? 0 : -EINVAL) == 0 )
    {
        desc = irq_to_desc(dp->p[pirq].irq);
        dp->p[pirq].port = port;
        desc->bound = true;
        if ( (rc = irq_startup(desc)) != 0 )
        {
            desc->bound = false;
            dp->p[pirq].port = 0;
        }
        else
        {
            set_eoi_bit(dp, pirq, irq_needs_guest_eoi(desc));
            printk(KLOG_G_INFO "d%u: pirq %u bound to port %u: %s %u, vector %#x%s\n",
                   d->domain_id, pirq, port,
                   desc->kind == IRQ_IOAPIC ? "GSI" : desc->kind == IRQ_MSI ? "MSI" : "MSI-X",
                   desc->kind == IRQ_IOAPIC ? (unsigned int)dp->p[pirq].irq : desc->bdf,
                   desc->vector, desc->kind != IRQ_IOAPIC ? "" :
                   desc->level ? (desc->active_low ? " level low" : " level high")
                               : (desc->active_low ? " edge low" : " edge high"));
        }
    }
    spin_unlock_irqrestore(&irq_lock, flags);
    return rc;
}

void pirq_unbind(struct domain *d, uint32_t pirq)
{
    struct domain_pirqs *dp;
    struct irq_desc *desc;
    unsigned long flags;

    spin_lock_irqsave(&irq_lock, flags);
    dp = d->arch.pirqs;
    if ( dp && pirq < dp->nr )
    {
        if ( dp->p[pirq].irq > 0 && (desc = irq_to_desc(dp->p[pirq].irq))->bound )
        {
            irq_shutdown(desc);
            desc->bound = false;
        }
        dp->p[pirq].port = 0;
        set_eoi_bit(dp, pirq, false);
    }
    spin_unlock_irqrestore(&irq_lock, flags);
}
