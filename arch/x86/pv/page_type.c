/*
 * PV page types.  A frame is a plain page (its count = writable mappings of
 * it), a page table of one level, or a descriptor page (its count = the
 * references to it as such).  A frame changes type only when its count is
 * zero, and becoming a page table validates every entry, taking references
 * on what they point to; losing the type drops them again.  So a page
 * table is never writable by its guest, and every entry in a live table has
 * been checked: the invariant PV memory safety rests on.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/smp.h>
#include <asm/iomem.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
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
 * a writable mapping, the CPUs in the domain's dirty mask are flushed (Xen
 * does the same, filtered by TLB-flush timestamps).  With one vCPU the
 * mask is that vCPU's CPU: a local flush, no IPI.
 */
static void flush_stale(struct domain *d, struct page_info *pg, unsigned long marks)
{
    if ( !(pg->type_info & marks) )
        return;
    flush_tlb_mask(d->dirty_cpumask | cpumask_of(smp_processor_id()));
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

    if ( !(*l1e & _PAGE_PRESENT) )
        return 0;
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
    /* Every mapping holds a reference: a mapped frame never leaves the domain. */
    pg->count_info++;
    *l1e |= _PAGE_USER;                   /* the guest kernel runs in ring 3 */
    return 0;
}

/* A frame some domain holds (I/O memory and Keel's frames hold no references). */
static bool is_domain_frame(const struct page_info *pg)
{
    return !(pg->count_info & (PGC_free | PGC_reserved | PGC_xen_heap)) &&
           pg->u.inuse.owner != DOMID_INVALID;
}

void pv_put_l1e(uint64_t l1e)
{
    struct page_info *pg;

    if ( !(l1e & _PAGE_PRESENT) || !mfn_valid(ENTRY_MFN(l1e)) )
        return;
    pg = mfn_to_page(ENTRY_MFN(l1e));
    if ( !is_domain_frame(pg) )
        return;
    /* The allocation reference stays: only domain_detach_page drops it. */
    if ( (pg->count_info & PGC_count_mask) > 1 )
        pg->count_info--;
    if ( (l1e & _PAGE_RW) && page_type(pg) == PGT_none && (pg->type_info & PGT_count_mask) )
        pg->type_info = (pg->type_info - 1) | PGT_stale_rw;
}

/* A new entry of an L2-L4 table: a validated table of the next level down. */
int pv_get_upper_entry(struct domain *d, uint64_t *e, unsigned long type)
{
    if ( !(*e & _PAGE_PRESENT) )
        return 0;
    if ( *e & _PAGE_PSE )
        return -EINVAL;                   /* no superpages for PV guests */
    *e |= _PAGE_USER;
    /* Xen: a frame that cannot take the next level's type is -EINVAL, busy or not. */
    return get_page_type(d, ENTRY_MFN(*e), lower_type(type)) ? -EINVAL : 0;
}

void pv_put_upper_entry(struct domain *d, uint64_t e)
{
    if ( (e & _PAGE_PRESENT) && !(e & _PAGE_PSE) && mfn_valid(ENTRY_MFN(e)) )
        put_page_type(d, ENTRY_MFN(e));
}

static int get_entry(struct domain *d, uint64_t *e, unsigned long type)
{
    return type == PGT_l1 ? pv_get_l1e(d, e) : pv_get_upper_entry(d, e, type);
}

static void put_entry(struct domain *d, uint64_t e, unsigned long type)
{
    if ( type == PGT_l1 )
        pv_put_l1e(e);
    else
        pv_put_upper_entry(d, e);
}

static bool skip_slot(unsigned long type, unsigned int i)
{
    return type == PGT_l4 && keel_l4_slot(i);
}

/* Check every entry; on failure drop what was taken so far. */
static int validate_table(struct domain *d, mfn_t mfn, unsigned long type)
{
    uint64_t *t = mfn_to_virt(mfn);
    unsigned int i;
    int rc = 0;

    for ( i = 0; i < PT_ENTRIES; i++ )
    {
        if ( skip_slot(type, i) )
            continue;
        if ( (rc = get_entry(d, &t[i], type)) != 0 )
            break;
    }
    if ( rc )
    {
        while ( i-- > 0 )
            if ( !skip_slot(type, i) )
                put_entry(d, t[i], type);
        return rc;
    }
    /* An L4 always carries Keel's slots, whatever the guest wrote there. */
    if ( type == PGT_l4 )
        memcpy(&t[KEEL_SLOT_FIRST], &idle_pg_table[KEEL_SLOT_FIRST],
               (KEEL_SLOT_END - KEEL_SLOT_FIRST) * sizeof(uint64_t));
    return 0;
}

static void devalidate_table(struct domain *d, mfn_t mfn, unsigned long type)
{
    uint64_t *t = mfn_to_virt(mfn);

    for ( unsigned int i = 0; i < PT_ENTRIES; i++ )
        if ( !skip_slot(type, i) )
            put_entry(d, t[i], type);
}

static bool is_table_type(unsigned long type)
{
    return type >= PGT_l1 && type <= PGT_l4;
}

int get_page_type(struct domain *d, mfn_t mfn, unsigned long type)
{
    struct page_info *pg;
    int rc;

    if ( !mfn_valid(mfn) || !page_owned_by(pg = mfn_to_page(mfn), d) )
        return -EINVAL;
    if ( page_type(pg) == type )
    {
        if ( type == PGT_none )           /* Keel will write it (vcpu_info) */
            flush_stale(d, pg, PGT_was_table);
        pg->type_info++;
        return 0;
    }
    if ( page_type(pg) != PGT_none )
        return -EINVAL;                   /* already something else */
    if ( pg->type_info & PGT_count_mask )
        return -EBUSY;                    /* still mapped writable somewhere */
    if ( type != PGT_none )
        flush_stale(d, pg, PGT_stale_rw | PGT_was_table);
    /* Claim the type first: a table that refers to itself then fails cleanly. */
    pg->type_info = type | 1;
    if ( is_table_type(type) && (rc = validate_table(d, mfn, type)) != 0 )
    {
        pg->type_info = PGT_none;
        return rc == -EBUSY ? -EINVAL : rc;
    }
    return 0;
}

void put_page_type(struct domain *d, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    unsigned long type = page_type(pg);

    if ( type == PGT_none || !(pg->type_info & PGT_count_mask) )
        return;
    if ( (--pg->type_info & PGT_count_mask) == 0 )
    {
        pg->type_info = is_table_type(type) ? PGT_was_table : PGT_none;
        if ( is_table_type(type) )
            devalidate_table(d, mfn, type);
    }
}
