/*
 * Grant mappings in the mapper's address space (asm/grant_table.h).
 *
 * PV (Xen's create_grant_pv_mapping / replace_grant_pv_mapping): an L1
 * entry of the mapper's own live L1 tables, found by linear address in its
 * current kernel page tables or, with GNTMAP_contains_pte, named by its
 * machine address (Linux's gntdev maps user pages that way).  The entry is
 * present, accessed, dirty, NX, user (Keel's PV kernels run in ring 3),
 * writable unless GNTMAP_readonly, never global, with the map's
 * GNTMAP_guest_avail bits in the PTE's available bits 9-11, and carries
 * PV_L1_GRANT_BIT: the references are the grant's.  The entry it replaces
 * loses its references as any overwritten entry does.
 *
 * HVM (create_grant_p2m_mapping): a p2m entry at gfn host_addr >> 12 of
 * type p2m_grant_map_rw/ro, only over a hole (Linux maps grants at
 * ballooned-out or never-populated gfns; RAM there would be lost to the
 * p2m).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/grant_table.h>
#include <keel/smp.h>
#include <asm/current.h>
#include <asm/grant_table.h>
#include <asm/hvm/hvm.h>
#include <asm/p2m.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/tlbflush.h>
#include <public/grant_table.h>
#include <public/xen.h>

#define PTE_MFN(e)        (((e) & PADDR_MASK) >> PAGE_SHIFT)
#define PTE_AVAIL_SHIFT   9

mfn_t arch_grant_frame(struct domain *rd, uint64_t frame)
{
    p2m_type_t t;
    mfn_t mfn;

    if ( !rd->arch.is_hvm )
        /* Keel writes into shared_info: it is never lent to another domain. */
        return frame == rd->arch.shared_info_mfn ? INVALID_MFN : frame;
    mfn = p2m_lookup(&rd->arch.hvm.p2m, frame, &t);
    return t == p2m_ram_rw ? mfn : INVALID_MFN;
}

static uint64_t grant_pte(mfn_t mfn, unsigned int flags)
{
    uint64_t pte = ((uint64_t)mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
                   _PAGE_DIRTY | _PAGE_USER | _PAGE_NX | PV_L1_GRANT_BIT;

    if ( !(flags & GNTMAP_readonly) )
        pte |= _PAGE_RW;
    pte |= (uint64_t)((flags >> GNTMAP_guest_avail0) & 7) << PTE_AVAIL_SHIFT;
    return pte;
}

/* The L1 entry addr names for v (page_lock held), or NULL. */
static uint64_t *grant_l1e(struct vcpu *v, uint64_t addr, unsigned int flags)
{
    struct domain *d = v->domain;
    struct page_info *pg;
    mfn_t l1mfn;

    if ( !(flags & GNTMAP_contains_pte) )
        return pv_find_guest_l1e(v, addr);
    /* The machine address of an entry of one of its own live L1 tables. */
    l1mfn = addr >> PAGE_SHIFT;
    if ( (addr & 7) || !mfn_valid(l1mfn) || !page_owned_by(pg = mfn_to_page(l1mfn), d) ||
         !is_live_table(pg, PGT_l1) )
        return NULL;
    return (uint64_t *)((char *)mfn_to_virt(l1mfn) + (addr & (PAGE_SIZE - 1)));
}

static int pv_map(struct vcpu *v, uint64_t addr, mfn_t mfn, unsigned int flags)
{
    struct domain *d = v->domain;
    uint64_t *pl1e, ol1e;

    spin_lock(&d->page_lock);
    if ( !(pl1e = grant_l1e(v, addr, flags)) )
    {
        spin_unlock(&d->page_lock);
        return GNTST_general_error;
    }
    ol1e = __atomic_exchange_n(pl1e, grant_pte(mfn, flags), __ATOMIC_SEQ_CST);
    pv_put_l1e(d, ol1e);
    spin_unlock(&d->page_lock);
    return GNTST_okay;
}

/* The entry at linear address va, taken out whole (unmap_and_replace); false if none. */
static bool steal_l1e(struct vcpu *v, uint64_t va, uint64_t *out)
{
    uint64_t *pl1e;

    if ( !(pl1e = pv_find_guest_l1e(v, va)) )
        return false;
    *out = __atomic_exchange_n(pl1e, 0, __ATOMIC_SEQ_CST);
    return true;
}

static int pv_unmap(struct vcpu *v, uint64_t addr, mfn_t mfn, unsigned int flags,
                    uint64_t new_addr)
{
    struct domain *d = v->domain;
    uint64_t *pl1e, ol1e, nl1e = 0;
    int rc = GNTST_general_error;

    if ( new_addr && (flags & GNTMAP_contains_pte) )
        return GNTST_general_error;         /* Xen: no replace by PTE address */
    spin_lock(&d->page_lock);
    if ( new_addr && !steal_l1e(v, new_addr, &nl1e) )
        goto out;
    if ( !(pl1e = grant_l1e(v, addr, flags)) )
        goto out;
    ol1e = __atomic_load_n(pl1e, __ATOMIC_SEQ_CST);
    /* It must still be this grant's entry, as it was made. */
    if ( !(ol1e & PV_L1_GRANT_BIT) || !(ol1e & _PAGE_PRESENT) || PTE_MFN(ol1e) != mfn ||
         !(ol1e & _PAGE_RW) != !!(flags & GNTMAP_readonly) )
        goto out;
    if ( __atomic_compare_exchange_n(pl1e, &ol1e, nl1e, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST) )
        rc = GNTST_okay;
 out:
    /* A stolen entry that found no new home loses its references. */
    if ( rc != GNTST_okay && nl1e )
        pv_put_l1e(d, nl1e);
    spin_unlock(&d->page_lock);
    return rc;
}

static int hvm_map(struct domain *d, uint64_t addr, mfn_t mfn, unsigned int flags)
{
    struct p2m *p2m = &d->arch.hvm.p2m;
    uint64_t gfn = addr >> PAGE_SHIFT;
    p2m_type_t t;

    if ( p2m_lookup(p2m, gfn, &t) != INVALID_MFN || t != p2m_invalid )
        return GNTST_general_error;
    if ( p2m_set_entry(p2m, gfn, mfn,
                       (flags & GNTMAP_readonly) ? p2m_grant_map_ro : p2m_grant_map_rw) )
        return GNTST_general_error;
    return GNTST_okay;
}

static int hvm_unmap(struct domain *d, uint64_t addr, mfn_t mfn, unsigned int flags,
                     uint64_t new_addr)
{
    struct p2m *p2m = &d->arch.hvm.p2m;
    uint64_t gfn = addr >> PAGE_SHIFT;
    p2m_type_t t, want = (flags & GNTMAP_readonly) ? p2m_grant_map_ro : p2m_grant_map_rw;

    if ( new_addr || p2m_lookup(p2m, gfn, &t) != mfn || t != want )
        return GNTST_general_error;
    return p2m_set_entry(p2m, gfn, 0, p2m_invalid) ? GNTST_general_error : GNTST_okay;
}

int arch_grant_map_host(struct vcpu *v, uint64_t addr, mfn_t mfn, unsigned int flags)
{
    return v->domain->arch.is_hvm ? hvm_map(v->domain, addr, mfn, flags)
                                  : pv_map(v, addr, mfn, flags);
}

int arch_grant_unmap_host(struct vcpu *v, uint64_t addr, mfn_t mfn, unsigned int flags,
                          uint64_t new_addr)
{
    return v->domain->arch.is_hvm ? hvm_unmap(v->domain, addr, mfn, flags, new_addr)
                                  : pv_unmap(v, addr, mfn, flags, new_addr);
}

void arch_grant_flush(struct domain *d)
{
    cpumask_t mask = cpumask_of(smp_processor_id());
    struct vcpu *v;

    if ( !d->arch.is_hvm )
        mask |= __atomic_load_n(&d->dirty_cpumask, __ATOMIC_SEQ_CST);
    else
        /* The p2m change bumped its generation: a vCPU flushes at its next VMRUN. */
        for_each_vcpu(d, v)
            if ( v->is_running )
                mask |= cpumask_of(v->processor);
    flush_tlb_mask(mask);
}
