/*
 * PV page types.  A frame is a plain page (its count = writable mappings of
 * it), a page table of one level, or a descriptor page (its count = the
 * references to it as such).  A frame changes type only when its count is
 * zero, and becoming a page table validates every entry, taking references
 * on what they point to; losing the type drops them again.  So a page
 * table is never writable by its guest, and every entry in a live table has
 * been checked: the invariant PV memory safety rests on.
 *
 * Validating a tree (an L4 over thousands of tables) or tearing one down
 * can take long, so for a hypercall that can be continued it is
 * preemptible, as Xen's is: a table of level 2-4 may stop at a preemption
 * point in PGT_partial, its first u.inuse.nr_validated entries holding
 * their references and the rest none, and go on where it stopped when it
 * is next touched.  Two partial states, told apart by the type count:
 *  - count 1, validating: the count is the partial state's own; whoever
 *    next takes a reference of that type resumes the validation and, when
 *    it completes, owns the count (a parent re-takes its entry's child);
 *  - count 0, devalidating: the last reference is gone; the table is
 *    finished off by whoever meets it next (the vCPU's pending put, the
 *    parent that dropped it, or a get of any type, before anything else).
 * A partial table is no live table: nothing walks it, no update reaches it
 * (is_live_table), it cannot be mapped writable or leave the domain.
 *
 * Other domains' references (include/keel/page_ref.h).  type_info is
 * written only by the owner, under its page_lock (or by its teardown once
 * it is dying).  A writable reference from another domain (a foreign or
 * grant mapping) is counted apart, in u.inuse.foreign_rw, so that it needs
 * neither the owner's lock nor a compare-and-swap on type_info.  The
 * invariant "a frame writable by anyone is never a page table or
 * descriptor page" then rests on a Dekker pair, every access sequentially
 * consistent:
 *  - get_page_writable raises foreign_rw, then reads type_info, and backs
 *    off (-EBUSY) unless it is a complete plain page;
 *  - the owner's change of a plain page to another type (claim_type)
 *    stores the new type, then reads foreign_rw, and backs off (-EBUSY,
 *    the old type restored) unless it is 0.
 * Of two that race, at least one sees the other.  A foreign writable
 * mapping that went away may live on in the mapper's TLBs: its CPUs are
 * in foreign_dirty until flush_foreign_stale, which the type change calls
 * once its claim stands, and so does every path that frees a frame or
 * takes it from its owner.  count_info is changed only atomically
 * (page_ref.c), since other domains take and drop references on it.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/smp.h>
#include <asm/iomem.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/tlbflush.h>
#include <asm/p2m.h>
#include <keel/page_ref.h>
#include <public/errno.h>

#define ENTRY_MFN(e)      (((e) & PADDR_MASK) >> PAGE_SHIFT)
#define KEEL_SLOT_FIRST   256
#define KEEL_SLOT_END     272

static unsigned long lower_type(unsigned long type)
{
    return type - (1UL << 61);            /* L4 -> L3 -> L2 -> L1 */
}

/*
 * Stale translations.  A frame that loses a writable mapping may still be
 * writable through a TLB entry on any CPU that ran the domain
 * (PGT_stale_rw), and a frame that stops being a page table may still be
 * walked through a cached paging-structure entry (PGT_was_table).  Neither
 * matters while the frame stays what it now is; each would let the guest
 * around the type rules once the frame changes use.  So before a frame
 * with either mark becomes a page table, or one with PGT_was_table gains
 * a writable mapping, the CPUs that may still hold such an entry are
 * flushed: those in the domain's dirty mask whose last full flush is older
 * than the frame's stamp (Xen's tlbflush_filter).  Every full flush drops
 * global entries too (asm/tlbflush.h), so a guest's _PAGE_GLOBAL cannot
 * keep a stale entry alive past the flush the stamp trusts.
 */
static void mark_stale(struct page_info *pg, unsigned long mark)
{
    pg->type_info |= mark;
    page_stamp_now(pg);                   /* shared with foreign unmaps: only raised */
}

static void flush_stale(struct domain *d, struct page_info *pg, unsigned long marks)
{
    cpumask_t mask;

    if ( !(pg->type_info & marks) )
        return;
    mask = tlbflush_filter(d->dirty_cpumask | cpumask_of(smp_processor_id()),
                           __atomic_load_n(&pg->tlbflush_timestamp, __ATOMIC_SEQ_CST));
    if ( mask )
        flush_tlb_mask(mask);
    pg->type_info &= ~(PGT_stale_rw | PGT_was_table);
}

bool keel_l4_slot(unsigned int slot)
{
    return slot >= KEEL_SLOT_FIRST && slot < KEEL_SLOT_END;
}

/* A new L1 entry: the frame is the domain's; writable only if plain. */
int pv_get_l1e(struct domain *d, uint64_t *l1e)
{
    struct page_info *pg;
    mfn_t mfn = ENTRY_MFN(*l1e);

    *l1e &= ~PV_L1_GRANT_BIT;             /* only Keel's grant mappings carry it */
    if ( !(*l1e & _PAGE_PRESENT) )
        return 0;
    /*
     * Keel makes every guest page user-accessible (the guest kernel runs in
     * ring 3), and the kernel/user page-table switch keeps global entries,
     * as Xen's does: a global guest-kernel page would outlive that switch
     * and be readable from guest user mode.  Only user pages keep G (Xen
     * warns about G on a kernel page; it makes user pages global itself).
     */
    if ( !(*l1e & _PAGE_USER) )
        *l1e &= ~(uint64_t)_PAGE_GLOBAL;
    if ( !mfn_valid(mfn) || !page_owned_by(pg = mfn_to_page(mfn), d) )
    {
        /* I/O memory holds no references; its cache bits are the guest's (PAT). */
        switch ( iomem_mfn_access(d, mfn) )
        {
        case IOMEM_DENY:
            return -EPERM;
        case IOMEM_RO:
            *l1e &= ~(uint64_t)_PAGE_RW;    /* Xen: "forcing read-only access" */
            break;
        case IOMEM_RW:
            break;
        }
        *l1e |= _PAGE_USER;
        return 0;
    }
    if ( *l1e & _PAGE_RW )
    {
        if ( page_type(pg) != PGT_none )
            return -EBUSY;                /* page tables and GDTs stay read-only */
        flush_stale(d, pg, PGT_was_table);
        pg->type_info++;
    }
    /*
     * Every mapping holds a reference: a mapped frame never leaves the
     * domain.  Atomic: other domains take references without our lock.
     */
    __atomic_add_fetch(&pg->count_info, 1, __ATOMIC_SEQ_CST);
    *l1e |= _PAGE_USER;                   /* the guest kernel runs in ring 3 */
    return 0;
}

/* Xen's INVALID_MFN in a PTE: refused as -EINVAL rather than -EPERM. */
#define PTE_INVALID_MFN (PADDR_MASK >> PAGE_SHIFT)

/*
 * A new L1 entry of d mapping a frame of fd (mmu_update with foreigndom).
 * For a translated fd the frame number is a gfn of its p2m unless
 * translate is false (MMU_PT_UPDATE_NO_TRANSLATE).  Errors as Xen 4.17's
 * get_page_from_l1e: a frame fd does not own (free, Keel's, another
 * domain's), or a page table or descriptor page asked for writable, is
 * -EBUSY; a gfn not backed by RAM -EINVAL; I/O memory that fd or d may
 * not map -EPERM.
 */
int pv_get_l1e_foreign(struct domain *d, struct domain *fd, uint64_t *l1e, bool translate)
{
    mfn_t mfn = ENTRY_MFN(*l1e);
    struct page_info *pg;
    int rc;

    *l1e &= ~PV_L1_GRANT_BIT;
    if ( !(*l1e & _PAGE_PRESENT) )
        return 0;
    if ( translate && fd->arch.is_hvm )
    {
        p2m_type_t t;

        mfn = p2m_lookup(&fd->arch.hvm.p2m, mfn, &t);
        if ( mfn == INVALID_MFN || t != p2m_ram_rw )
            return -EINVAL;
        *l1e = (*l1e & ~PADDR_MASK) | ((uint64_t)mfn << PAGE_SHIFT);
    }
    if ( !(*l1e & _PAGE_USER) )
        *l1e &= ~(uint64_t)_PAGE_GLOBAL;
    if ( !mfn_valid(mfn) || (mfn_to_page(mfn)->count_info & PGC_reserved) )
    {
        /* I/O memory: both the owner named and the mapper must be allowed it. */
        enum iomem_access a = iomem_mfn_access(fd, mfn), b = iomem_mfn_access(d, mfn);

        if ( a == IOMEM_DENY || b == IOMEM_DENY )
            return mfn == PTE_INVALID_MFN ? -EINVAL : -EPERM;
        if ( a == IOMEM_RO || b == IOMEM_RO )
            *l1e &= ~(uint64_t)_PAGE_RW;
        *l1e |= _PAGE_USER;
        return 0;
    }
    pg = mfn_to_page(mfn);
    if ( *l1e & _PAGE_RW )
        rc = get_page_writable(pg, fd);
    else
        rc = get_page(pg, fd) ? 0 : -EINVAL;
    if ( rc )
        return -EBUSY;                    /* Xen: "could_not_pin" */
    *l1e |= _PAGE_USER;
    return 0;
}

/* A frame some domain holds (I/O memory and Keel's frames hold no references). */
static bool is_domain_frame(const struct page_info *pg)
{
    return !(pg->count_info & (PGC_free | PGC_reserved | PGC_xen_heap)) &&
           pg->u.inuse.owner != DOMID_INVALID;
}

/*
 * The entry of d's L1 table is gone: drop what it held.  A frame d does
 * not own holds a reference only if it is a domain's heap frame (I/O
 * memory holds none), taken by pv_get_l1e_foreign or a grant mapping: it
 * is dropped without its owner's lock, d's CPUs noted as possibly stale.
 */
void pv_put_l1e(struct domain *d, uint64_t l1e)
{
    struct page_info *pg;

    /* A grant mapping's references are its maptrack entry's (common/grant_table.c). */
    if ( !(l1e & _PAGE_PRESENT) || (l1e & PV_L1_GRANT_BIT) || !mfn_valid(ENTRY_MFN(l1e)) )
        return;
    pg = mfn_to_page(ENTRY_MFN(l1e));
    if ( !is_domain_frame(pg) )
        return;
    if ( pg->u.inuse.owner != d->domain_id )
    {
        cpumask_t dirty = __atomic_load_n(&d->dirty_cpumask, __ATOMIC_SEQ_CST);

        if ( l1e & _PAGE_RW )
            put_page_writable(pg, dirty);
        else
        {
            page_note_foreign_unmap(pg, dirty);
            put_page(pg);
        }
        return;
    }
    if ( (l1e & _PAGE_RW) && page_type(pg) == PGT_none && (pg->type_info & PGT_count_mask) )
    {
        pg->type_info--;
        mark_stale(pg, PGT_stale_rw);     /* the entry is gone; a TLB may not be */
    }
    /* Never the last: the allocation reference stays until the domain lets go. */
    put_page(pg);
}

static int get_type(struct domain *d, mfn_t mfn, unsigned long type, bool preemptible);
static int put_type(struct domain *d, mfn_t mfn, bool preemptible);

/* A new entry of an L2-L4 table: a validated table of the next level down. */
static int get_upper_entry(struct domain *d, uint64_t *e, unsigned long type, bool preemptible)
{
    int rc;

    if ( !(*e & _PAGE_PRESENT) )
        return 0;
    if ( *e & _PAGE_PSE )
        return -EINVAL;                   /* no superpages for PV guests */
    *e |= _PAGE_USER;
    rc = get_type(d, ENTRY_MFN(*e), lower_type(type), preemptible);
    /* Xen: a frame that cannot take the next level's type is -EINVAL, busy or not. */
    return rc == -ERESTART ? rc : rc ? -EINVAL : 0;
}

int pv_get_upper_entry(struct domain *d, uint64_t *e, unsigned long type)
{
    return get_upper_entry(d, e, type, false);
}

int pv_get_upper_entry_preemptible(struct domain *d, uint64_t *e, unsigned long type)
{
    return get_upper_entry(d, e, type, true);
}

static bool holds_type(uint64_t e)
{
    return (e & _PAGE_PRESENT) && !(e & _PAGE_PSE) && mfn_valid(ENTRY_MFN(e));
}

void pv_put_upper_entry(struct domain *d, uint64_t e)
{
    if ( holds_type(e) )
        put_type(d, ENTRY_MFN(e), false);
}

int pv_put_upper_entry_preemptible(struct domain *d, uint64_t e)
{
    return holds_type(e) ? put_type(d, ENTRY_MFN(e), true) : 0;
}

static bool skip_slot(unsigned long type, unsigned int i)
{
    return type == PGT_l4 && keel_l4_slot(i);
}

static bool is_table_type(unsigned long type)
{
    return type >= PGT_l1 && type <= PGT_l4;
}

bool is_live_table(const struct page_info *pg, unsigned long type)
{
    return page_type(pg) == type && !(pg->type_info & PGT_partial);
}

static unsigned long type_count(const struct page_info *pg)
{
    return pg->type_info & PGT_count_mask;
}

/* Preempt only L2-L4 work (an L1 is 512 cheap entries), and only after progress. */
static bool should_preempt(bool preemptible, unsigned long type, unsigned int done)
{
    return preemptible && type != PGT_l1 && done && pv_hypercall_preempt_check();
}

/*
 * Drop the references held by entries [0, n) of a table, last first, to
 * its end or to a preemption point (-ERESTART: the table stays partial
 * with its remaining count).  PGT_put_child: the reference of entry n-1
 * was dropped already and the child's own teardown was preempted; finish
 * that before going on (unless someone else already did, or reused it).
 */
static int devalidate_table(struct domain *d, mfn_t mfn, unsigned long type, bool preemptible)
{
    struct page_info *pg = mfn_to_page(mfn);
    uint64_t *t = mfn_to_virt(mfn);
    unsigned int n = pg->u.inuse.nr_validated, done = 0;
    int rc;

    for ( ; n > 0; n--, done++ )
    {
        uint64_t e = t[n - 1];

        if ( skip_slot(type, n - 1) )
            continue;
        if ( should_preempt(preemptible, type, done) )
            break;
        if ( type == PGT_l1 )
        {
            pv_put_l1e(d, e);
            continue;
        }
        if ( !holds_type(e) )
            continue;
        if ( pg->type_info & PGT_put_child )
        {
            struct page_info *child = mfn_to_page(ENTRY_MFN(e));

            rc = (child->type_info & PGT_partial) && !type_count(child)
                 ? devalidate_table(d, ENTRY_MFN(e), page_type(child), preemptible) : 0;
            if ( rc == 0 )
                pg->type_info &= ~PGT_put_child;
        }
        else if ( (rc = put_type(d, ENTRY_MFN(e), preemptible)) == -ERESTART )
            pg->type_info |= PGT_put_child;
        if ( rc == -ERESTART )
            break;
    }
    pg->u.inuse.nr_validated = n;
    if ( n > 0 )
        return -ERESTART;
    /* A TLB may still walk it as a table: flush before it is writable. */
    pg->type_info = PGT_none;
    mark_stale(pg, PGT_was_table);
    return 0;
}

/*
 * Check entries from nr_validated on, taking their references, to the end
 * or to a preemption point (-ERESTART, the table stays partial).  On a bad
 * entry, drop what was taken and return the error; that teardown runs to
 * its end (see docs/security/pvmm.md).
 */
static int validate_table(struct domain *d, mfn_t mfn, unsigned long type, bool preemptible)
{
    struct page_info *pg = mfn_to_page(mfn);
    uint64_t *t = mfn_to_virt(mfn);
    unsigned int i = pg->u.inuse.nr_validated, done = 0;
    int rc = 0;

    for ( ; i < PT_ENTRIES; i++, done++ )
    {
        if ( skip_slot(type, i) )
            continue;
        if ( should_preempt(preemptible, type, done) )
        {
            rc = -ERESTART;
            break;
        }
        rc = type == PGT_l1 ? pv_get_l1e(d, &t[i]) : get_upper_entry(d, &t[i], type, preemptible);
        if ( rc )
            break;
    }
    pg->u.inuse.nr_validated = i;
    if ( rc == -ERESTART )
        return rc;
    if ( rc )
    {
        pg->type_info = (pg->type_info & ~PGT_count_mask) | PGT_partial;
        devalidate_table(d, mfn, type, false);
        return rc == -EBUSY ? -EINVAL : rc;
    }
    /* An L4 always carries Keel's slots, whatever the guest wrote there. */
    if ( type == PGT_l4 )
        memcpy(&t[KEEL_SLOT_FIRST], &idle_pg_table[KEEL_SLOT_FIRST],
               (KEEL_SLOT_END - KEEL_SLOT_FIRST) * sizeof(uint64_t));
    pg->type_info &= ~PGT_partial;
    return 0;
}

/*
 * The owner's half of the Dekker pair (see the top): claim a plain, unused
 * frame as type first (a table claims it partial, so that one that refers
 * to itself fails cleanly and no foreign writer takes it meanwhile), then
 * look for foreign writable references; back off if there are any.
 */
static int claim_type(struct page_info *pg, unsigned long type)
{
    unsigned long old = pg->type_info;
    unsigned long marks = old & (PGT_stale_rw | PGT_was_table);   /* flush_stale's, next */

    __atomic_store_n(&pg->type_info,
                     type | 1 | marks | (is_table_type(type) ? PGT_partial : 0),
                     __ATOMIC_SEQ_CST);
    if ( __atomic_load_n(&pg->u.inuse.foreign_rw, __ATOMIC_SEQ_CST) )
    {
        __atomic_store_n(&pg->type_info, old, __ATOMIC_SEQ_CST);
        return -EBUSY;
    }
    return 0;
}

static int get_type(struct domain *d, mfn_t mfn, unsigned long type, bool preemptible)
{
    struct page_info *pg;
    int rc;

    if ( !mfn_valid(mfn) || !page_owned_by(pg = mfn_to_page(mfn), d) )
        return -EINVAL;
    /* A table still being torn down is finished off first. */
    if ( (pg->type_info & PGT_partial) && !type_count(pg) &&
         (rc = devalidate_table(d, mfn, page_type(pg), preemptible)) != 0 )
        return rc;
    if ( page_type(pg) == type )
    {
        if ( pg->type_info & PGT_partial )    /* resume; its count becomes ours */
            return validate_table(d, mfn, type, preemptible);
        if ( type == PGT_none )           /* Keel will write it (vcpu_info) */
            flush_stale(d, pg, PGT_was_table);
        pg->type_info++;
        return 0;
    }
    if ( page_type(pg) != PGT_none )
        return -EINVAL;                   /* already something else */
    if ( type_count(pg) )
        return -EBUSY;                    /* still mapped writable somewhere */
    if ( claim_type(pg, type) )
        return -EBUSY;                    /* mapped writable by another domain */
    flush_stale(d, pg, PGT_stale_rw | PGT_was_table);
    flush_foreign_stale(pg);
    if ( !is_table_type(type) )
        return 0;
    pg->u.inuse.nr_validated = 0;
    return validate_table(d, mfn, type, preemptible);
}

static int put_type(struct domain *d, mfn_t mfn, bool preemptible)
{
    struct page_info *pg = mfn_to_page(mfn);
    unsigned long type = page_type(pg);

    /* Only a complete type holds references that can be dropped. */
    if ( type == PGT_none || !type_count(pg) || (pg->type_info & PGT_partial) )
        return 0;
    if ( (--pg->type_info & PGT_count_mask) != 0 )
        return 0;
    if ( !is_table_type(type) )
    {
        pg->type_info = PGT_none;
        return 0;
    }
    pg->type_info = (pg->type_info & ~(PGT_pinned | PGT_put_child)) | PGT_partial;
    pg->u.inuse.nr_validated = PT_ENTRIES;
    return devalidate_table(d, mfn, type, preemptible);
}

int get_page_type(struct domain *d, mfn_t mfn, unsigned long type)
{
    return get_type(d, mfn, type, false);
}

int get_page_type_preemptible(struct domain *d, mfn_t mfn, unsigned long type)
{
    return get_type(d, mfn, type, true);
}

void put_page_type(struct domain *d, mfn_t mfn)
{
    put_type(d, mfn, false);
}

int put_page_type_preemptible(struct domain *d, mfn_t mfn)
{
    return put_type(d, mfn, true);
}

int pv_finish_put(struct domain *d, mfn_t mfn, bool preemptible)
{
    struct page_info *pg;

    /* Someone else may have finished it since, or the frame moved on. */
    if ( !mfn_valid(mfn) || !page_owned_by(pg = mfn_to_page(mfn), d) ||
         !(pg->type_info & PGT_partial) || type_count(pg) )
        return 0;
    return devalidate_table(d, mfn, page_type(pg), preemptible);
}

/*
 * Only the L1 entries hold counted references (upper entries hold types of
 * the domain's own frames, which all go at once here), so a walk of the
 * L1s suffices.  Nothing else changes the domain's tables any more: its
 * vCPUs are gone, and no frame of it can be freed meanwhile since each
 * still has its allocation reference; so no lock is needed for the walk.
 */
void pv_relinquish_tables(struct domain *d)
{
    for ( struct page_info *pg = d->page_list; pg; pg = pg->list.next )
    {
        const uint64_t *t = mfn_to_virt(page_to_mfn(pg));
        unsigned int n = pg->type_info & PGT_partial ? pg->u.inuse.nr_validated : PT_ENTRIES;

        if ( page_type(pg) == PGT_l1 )
            for ( unsigned int i = 0; i < n; i++ )
                pv_put_l1e(d, t[i]);
    }
    for ( struct page_info *pg = d->page_list; pg; pg = pg->list.next )
        pg->type_info = PGT_none;
}
