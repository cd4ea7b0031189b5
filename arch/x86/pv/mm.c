/*
 * PV memory management hypercalls: update_va_mapping, mmu_update and
 * mmuext_op.  Every new leaf entry is checked: the frame must belong to
 * the domain, and a writable mapping may only point at a plain page (never
 * a page table or descriptor page), counted in its type_info.
 *
 * Partial (docs/hypercalls.md): only L1 entries change by hypercall; new
 * page-table frames can be pinned only if they already carry that type
 * (the builder's), so a guest cannot yet build page tables of its own.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <asm/pv_mm.h>
#include <public/errno.h>
#include <public/xen.h>

#define L1E_MFN(e)  (((e) & PADDR_MASK) >> PAGE_SHIFT)
#define MAX_BATCH   4096

int pv_get_l1e(struct domain *d, uint64_t *l1e)
{
    struct page_info *pg;
    mfn_t mfn = L1E_MFN(*l1e);

    if ( !(*l1e & _PAGE_PRESENT) )
        return 0;
    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !page_owned_by(pg, d) )
        return -EINVAL;
    if ( *l1e & _PAGE_RW )
    {
        if ( page_type(pg) != PGT_none )
            return -EINVAL;             /* page tables and GDTs stay read-only */
        pg->type_info++;
    }
    *l1e |= _PAGE_USER;                 /* the guest kernel runs in ring 3 */
    return 0;
}

void pv_put_l1e(uint64_t l1e)
{
    struct page_info *pg;

    if ( !(l1e & _PAGE_PRESENT) || !(l1e & _PAGE_RW) || !mfn_valid(L1E_MFN(l1e)) )
        return;
    pg = mfn_to_page(L1E_MFN(l1e));
    if ( page_type(pg) == PGT_none && (pg->type_info & PGT_count_mask) )
        pg->type_info--;
}

/* The next table under a guest entry, if it is a table of the expected type. */
static uint64_t *guest_table_of(struct domain *d, uint64_t entry, unsigned long type)
{
    struct page_info *pg;
    mfn_t mfn = L1E_MFN(entry);

    if ( !(entry & _PAGE_PRESENT) || (entry & _PAGE_PSE) || !mfn_valid(mfn) )
        return NULL;
    pg = mfn_to_page(mfn);
    if ( !page_owned_by(pg, d) || page_type(pg) != type )
        return NULL;
    return mfn_to_virt(mfn);
}

/* The L1 entry mapping va in the vCPU's kernel page tables, or NULL. */
static uint64_t *find_l1e(struct vcpu *v, uint64_t va)
{
    struct domain *d = v->domain;
    uint64_t *l4 = mfn_to_virt(v->arch.guest_table);
    uint64_t *l3, *l2, *l1;

    l3 = guest_table_of(d, l4[pt_index(va, L4_SHIFT)], PGT_l3);
    l2 = l3 ? guest_table_of(d, l3[pt_index(va, L3_SHIFT)], PGT_l2) : NULL;
    l1 = l2 ? guest_table_of(d, l2[pt_index(va, L2_SHIFT)], PGT_l1) : NULL;
    return l1 ? &l1[pt_index(va, L1_SHIFT)] : NULL;
}

/* Replace an L1 entry after checking the new one; 0 or -EINVAL. */
static int mod_l1_entry(struct domain *d, uint64_t *pl1e, uint64_t nl1e)
{
    uint64_t ol1e = *pl1e;
    int rc = pv_get_l1e(d, &nl1e);

    if ( rc )
        return rc;
    __atomic_store_n(pl1e, nl1e, __ATOMIC_SEQ_CST);
    pv_put_l1e(ol1e);
    return 0;
}

static void flush_after(uint64_t va, unsigned long flags)
{
    switch ( flags & UVMF_FLUSHTYPE_MASK )
    {
    case UVMF_INVLPG:
        invlpg(va);
        break;
    case UVMF_TLB_FLUSH:
        flush_tlb_local();
        break;
    }
}

long do_update_va_mapping(uint64_t va, uint64_t val, unsigned long flags)
{
    struct vcpu *v = current;
    uint64_t *pl1e;
    int rc;

    if ( !guest_range_ok(va, 1) )
        return -EINVAL;
    spin_lock(&v->domain->page_lock);
    pl1e = find_l1e(v, va);
    rc = pl1e ? mod_l1_entry(v->domain, pl1e, val) : -EINVAL;
    spin_unlock(&v->domain->page_lock);
    if ( !rc )
        flush_after(va, flags);
    return rc;
}

static int normal_pt_update(struct domain *d, uint64_t ptr, uint64_t val)
{
    mfn_t mfn = ptr >> PAGE_SHIFT;
    struct page_info *pg;
    uint64_t *entry;

    if ( !mfn_valid(mfn) || !page_owned_by(pg = mfn_to_page(mfn), d) )
        return -EINVAL;
    entry = (uint64_t *)((char *)mfn_to_virt(mfn) + (ptr & (PAGE_SIZE - 8)));
    switch ( page_type(pg) )
    {
    case PGT_l1:
        return mod_l1_entry(d, entry, val);
    case PGT_none:
        *entry = val;                   /* not a page table: a plain write */
        return 0;
    }
    return -EINVAL;                     /* L2-L4 and descriptor pages: not yet */
}

long do_mmu_update(uint64_t reqs, unsigned long count, uint64_t done,
                   unsigned long foreigndom)
{
    struct domain *d = current->domain;
    struct mmu_update req;
    unsigned long i;
    long rc = 0;

    if ( count > MAX_BATCH )
        return -EINVAL;
    if ( (foreigndom & 0xffff) != DOMID_SELF && (foreigndom & 0xffff) != d->domain_id )
        return -ESRCH;                  /* foreign mappings need privcmd support */
    spin_lock(&d->page_lock);
    for ( i = 0; i < count; i++ )
    {
        if ( copy_from_guest(&req, reqs + i * sizeof(req), sizeof(req)) )
        {
            rc = -EFAULT;
            break;
        }
        switch ( req.ptr & 3 )
        {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_PRESERVE_AD:
            rc = normal_pt_update(d, req.ptr & ~3UL, req.val);
            break;
        case MMU_MACHPHYS_UPDATE:
            if ( !mfn_valid(req.ptr >> PAGE_SHIFT) ||
                 !page_owned_by(mfn_to_page(req.ptr >> PAGE_SHIFT), d) )
                rc = -EINVAL;
            else
                set_gpfn_from_mfn(req.ptr >> PAGE_SHIFT, req.val);
            break;
        default:
            rc = -ENOSYS;
        }
        if ( rc )
            break;                      /* i counts the requests done */
    }
    spin_unlock(&d->page_lock);
    flush_tlb_local();
    if ( done && copy_to_guest(done, &i, sizeof(uint32_t)) )
        return -EFAULT;
    return rc;
}

static int table_of_type(struct domain *d, mfn_t mfn, unsigned long type)
{
    if ( !mfn_valid(mfn) || !page_owned_by(mfn_to_page(mfn), d) ||
         page_type(mfn_to_page(mfn)) != type )
        return -EINVAL;
    return 0;
}

static long one_mmuext_op(struct vcpu *v, const struct mmuext_op *op)
{
    static const unsigned long pin_types[] = { PGT_l1, PGT_l2, PGT_l3, PGT_l4 };
    struct domain *d = v->domain;

    switch ( op->cmd )
    {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return table_of_type(d, op->arg1.mfn, pin_types[op->cmd]);
    case MMUEXT_UNPIN_TABLE:
        return mfn_valid(op->arg1.mfn) &&
               page_owned_by(mfn_to_page(op->arg1.mfn), d) &&
               page_type(mfn_to_page(op->arg1.mfn)) != PGT_none ? 0 : -EINVAL;
    case MMUEXT_NEW_BASEPTR:
        if ( table_of_type(d, op->arg1.mfn, PGT_l4) || !v->arch.kernel_mode )
            return -EINVAL;
        v->arch.guest_table = op->arg1.mfn;
        write_cr3(pv_current_l4_maddr(v));
        return 0;
    case MMUEXT_NEW_USER_BASEPTR:
        if ( op->arg1.mfn && table_of_type(d, op->arg1.mfn, PGT_l4) )
            return -EINVAL;
        v->arch.guest_table_user = op->arg1.mfn;
        return 0;
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        if ( !guest_range_ok(op->arg1.linear_addr, 1) )
            return -EINVAL;
        invlpg(op->arg1.linear_addr);
        return 0;
    case MMUEXT_SET_LDT:
        /* No LDT support: only "no LDT" is accepted. */
        return op->arg1.linear_addr || op->arg2.nr_ents ? -EINVAL : 0;
    }
    return -ENOSYS;
}

long do_mmuext_op(uint64_t ops, unsigned long count, uint64_t done,
                  unsigned long foreigndom)
{
    struct vcpu *v = current;
    struct mmuext_op op;
    unsigned long i;
    long rc = 0;

    if ( count > MAX_BATCH )
        return -EINVAL;
    if ( (foreigndom & 0xffff) != DOMID_SELF && (foreigndom & 0xffff) != v->domain->domain_id )
        return -ESRCH;
    for ( i = 0; i < count; i++ )
    {
        if ( copy_from_guest(&op, ops + i * sizeof(op), sizeof(op)) )
        {
            rc = -EFAULT;
            break;
        }
        if ( (rc = one_mmuext_op(v, &op)) != 0 )
            break;                      /* i counts the operations done */
    }
    if ( done && copy_to_guest(done, &i, sizeof(uint32_t)) )
        return -EFAULT;
    return rc;
}
