/*
 * PV memory management hypercalls: update_va_mapping, mmu_update and
 * mmuext_op.  Every new entry is checked before it is written and the
 * references it holds are taken; the old entry's are dropped after.
 *
 * The type rules themselves live in page_type.c.
 *
 * mmu_update and mmuext_op batches (up to 4096 entries, each of which may
 * validate or tear down a whole tree of tables) are preemptible as Xen's:
 * at a preemption point the call is continued with the rest of the batch
 * and MMU_UPDATE_PREEMPTED in its count, the work done so far accumulated
 * in *pdone; a preempted table teardown that was already counted as done
 * becomes the vCPU's pending put, finished first by the next such call.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/page_ref.h>
#include <keel/smp.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/irqflags.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <asm/pv_mm.h>
#include <asm/tlbflush.h>
#include <public/errno.h>
#include <public/xen.h>

#define L1E_MFN(e)  (((e) & PADDR_MASK) >> PAGE_SHIFT)
#define MAX_BATCH   4096
#define MMU_UPDATE_PREEMPTED (1UL << 31)   /* Xen: (~(~0U >> 1)) in the count */

/* The next table under a guest entry, if it is a table of the expected type. */
static uint64_t *guest_table_of(struct domain *d, uint64_t entry, unsigned long type)
{
    struct page_info *pg;
    mfn_t mfn = L1E_MFN(entry);

    if ( !(entry & _PAGE_PRESENT) || (entry & _PAGE_PSE) || !mfn_valid(mfn) )
        return NULL;
    pg = mfn_to_page(mfn);
    if ( !page_owned_by(pg, d) || !is_live_table(pg, type) )
        return NULL;
    return mfn_to_virt(mfn);
}

/* The L1 entry mapping va in the vCPU's kernel page tables, or NULL. */
static uint64_t *find_l1e_in(struct vcpu *v, mfn_t l4_mfn, uint64_t va)
{
    struct domain *d = v->domain;
    uint64_t *l4 = mfn_to_virt(l4_mfn);
    uint64_t *l3, *l2, *l1;

    l3 = guest_table_of(d, l4[pt_index(va, L4_SHIFT)], PGT_l3);
    l2 = l3 ? guest_table_of(d, l3[pt_index(va, L3_SHIFT)], PGT_l2) : NULL;
    l1 = l2 ? guest_table_of(d, l2[pt_index(va, L2_SHIFT)], PGT_l1) : NULL;
    return l1 ? &l1[pt_index(va, L1_SHIFT)] : NULL;
}

uint64_t *pv_find_l1e(struct vcpu *v, uint64_t va)
{
    return find_l1e_in(v, v->arch.guest_table, va);
}

uint64_t *pv_find_guest_l1e(struct vcpu *v, uint64_t va)
{
    if ( !guest_range_ok(va, 1) || (va >= MACH2PHYS_VIRT_START && va < MACH2PHYS_VIRT_END) )
        return NULL;
    return pv_find_l1e(v, va);
}

uint64_t *pv_find_user_l1e(struct vcpu *v, uint64_t va)
{
    return v->arch.guest_table_user ? find_l1e_in(v, v->arch.guest_table_user, va) : NULL;
}

/*
 * Replace an L1 entry after checking the new one.  fd: the frame is
 * another domain's (mmu_update's foreigndom), a gfn of a translated fd
 * unless !translate.
 */
static int mod_l1_entry_foreign(struct domain *d, struct domain *fd, uint64_t *pl1e,
                                uint64_t nl1e, bool translate)
{
    uint64_t ol1e = *pl1e;
    int rc = fd ? pv_get_l1e_foreign(d, fd, &nl1e, translate) : pv_get_l1e(d, &nl1e);

    if ( rc )
        return rc;
    __atomic_store_n(pl1e, nl1e, __ATOMIC_SEQ_CST);
    pv_put_l1e(d, ol1e);
    return 0;
}

static int mod_l1_entry(struct domain *d, uint64_t *pl1e, uint64_t nl1e)
{
    return mod_l1_entry_foreign(d, NULL, pl1e, nl1e, true);
}

/*
 * A preempted teardown that is already counted as done: the vCPU finishes
 * it at its next mmu_update or mmuext_op (Xen's old_guest_table).
 */
static void defer_put(struct vcpu *v, int rc, uint64_t entry)
{
    if ( rc == -ERESTART )
        v->arch.pending_put = L1E_MFN(entry);
}

/* Finish a pending put first: 0, or -ERESTART if it was preempted again. */
static int finish_pending_put(struct vcpu *v, bool preemptible)
{
    int rc;

    if ( !v->arch.pending_put )
        return 0;
    spin_lock(&v->domain->page_lock);
    rc = pv_finish_put(v->domain, v->arch.pending_put, preemptible);
    spin_unlock(&v->domain->page_lock);
    if ( !rc )
        v->arch.pending_put = 0;
    return rc;
}

/*
 * Replace an entry of an L2-L4 table; Keel's L4 slots are not the guest's.
 * -ERESTART: the new child's validation was preempted, nothing written.
 */
static int mod_upper_entry(struct vcpu *v, uint64_t *pe, uint64_t ne,
                           unsigned long type, bool preemptible)
{
    struct domain *d = v->domain;
    uint64_t oe = *pe;
    int rc;

    if ( type == PGT_l4 && keel_l4_slot(((unsigned long)pe & (PAGE_SIZE - 1)) / 8) )
        return -EINVAL;
    rc = preemptible ? pv_get_upper_entry_preemptible(d, &ne, type)
                     : pv_get_upper_entry(d, &ne, type);
    if ( rc )
        return rc;
    __atomic_store_n(pe, ne, __ATOMIC_SEQ_CST);
    if ( preemptible )
        defer_put(v, pv_put_upper_entry_preemptible(d, oe), oe);
    else
        pv_put_upper_entry(d, oe);
    return 0;
}

/*
 * The physical CPUs of the vCPUs in a guest bitmap of 64-bit words, read
 * only as far as the domain has vCPUs (Xen's vcpumask_to_pcpumask).
 */
static int vcpumask_to_pcpumask(struct domain *d, uint64_t bmap, cpumask_t *mask)
{
    *mask = 0;
    for ( unsigned int bias = 0; bias < d->max_vcpus; bias += 64 )
    {
        uint64_t word;

        if ( copy_from_guest(&word, bmap + bias / 8, sizeof(word)) )
        {
            *mask = 0;
            return -EFAULT;
        }
        for ( ; word; word &= word - 1 )
        {
            unsigned int id = bias + __builtin_ctzll(word);
            struct vcpu *v;

            if ( id >= d->max_vcpus )
                return 0;
            if ( (v = d->vcpu[id]) != NULL )
                *mask |= cpumask_of(v->processor);
        }
    }
    return 0;
}

/* UVMF_LOCAL, UVMF_ALL (the domain's dirty CPUs) or a vCPU bitmap pointer. */
static int flush_after(struct domain *d, uint64_t va, unsigned long flags)
{
    unsigned long type = flags & UVMF_FLUSHTYPE_MASK, which = flags & ~UVMF_FLUSHTYPE_MASK;
    cpumask_t mask;
    int rc = 0;

    if ( type == UVMF_NONE || type == UVMF_FLUSHTYPE_MASK )
        return 0;
    if ( which == UVMF_LOCAL )
    {
        if ( type == UVMF_INVLPG )
            invlpg(va);
        else
            flush_tlb_local();
        return 0;
    }
    if ( which == UVMF_ALL )
        mask = d->dirty_cpumask;
    else
        rc = vcpumask_to_pcpumask(d, which, &mask);
    if ( type == UVMF_INVLPG )
        flush_tlb_one_mask(mask, va);
    else
        flush_tlb_mask(mask);
    return rc;
}

long do_update_va_mapping(uint64_t va, uint64_t val, unsigned long flags)
{
    struct vcpu *v = current;
    uint64_t *pl1e;
    int rc;

    spin_lock(&v->domain->page_lock);
    pl1e = pv_find_guest_l1e(v, va);
    rc = pl1e ? mod_l1_entry(v->domain, pl1e, val) : -EINVAL;
    spin_unlock(&v->domain->page_lock);
    /* The entry is changed either way: a bad vCPU bitmap is -EFAULT after it. */
    if ( !rc )
        rc = flush_after(v->domain, va, flags);
    return rc;
}

/* fd: the frames new L1 entries map are that domain's (NULL: the caller's own). */
static int normal_pt_update(struct vcpu *v, struct domain *fd, uint64_t ptr, uint64_t val,
                            bool translate, bool preemptible)
{
    struct domain *d = v->domain;
    mfn_t mfn = ptr >> PAGE_SHIFT;
    struct page_info *pg;
    uint64_t *entry;

    /* A partial table holds references for only some of its entries. */
    if ( !mfn_valid(mfn) || !page_owned_by(pg = mfn_to_page(mfn), d) ||
         (pg->type_info & PGT_partial) )
        return -EINVAL;
    entry = (uint64_t *)((char *)mfn_to_virt(mfn) + (ptr & (PAGE_SIZE - 8)));
    switch ( page_type(pg) )
    {
    case PGT_l1:
        return mod_l1_entry_foreign(d, fd, entry, val, translate);
    case PGT_l2:
    case PGT_l3:
    case PGT_l4:
        if ( fd )
            return -EINVAL;             /* Xen: only L1 entries map foreign frames */
        return mod_upper_entry(v, entry, val, page_type(pg), preemptible);
    case PGT_none:
        *entry = val;                   /* not a page table: a plain write */
        return 0;
    }
    return -EINVAL;                     /* descriptor pages change by update_descriptor */
}

/*
 * Start of a batch call (Xen's semantics): a continued call carries
 * MMU_UPDATE_PREEMPTED in its count and the work done so far in *pdone.
 */
static unsigned long batch_start(unsigned long *count, uint64_t pdone)
{
    uint32_t done = 0;

    if ( !(*count & MMU_UPDATE_PREEMPTED) )
        return 0;
    *count &= ~MMU_UPDATE_PREEMPTED;
    if ( pdone && copy_from_guest(&done, pdone, sizeof(done)) )
        done = 0;
    return done;
}

/*
 * End of a batch call: *pdone += i, and the continuation if one is due.
 * A pending put left by the last operations is finished before the guest
 * sees the result (Xen's trick: the call is continued with no operations
 * and the result in place of foreigndom, see batch_finish_only).
 */
static long batch_end(unsigned long nr, uint64_t ops, size_t size, unsigned long count,
                      unsigned long i, uint64_t pdone, unsigned long done, long rc)
{
    struct vcpu *v = current;
    uint32_t total = done + i;

    if ( rc == -ERESTART )
    {
        unsigned long args[2] = { ops + i * size, (count - i) | MMU_UPDATE_PREEMPTED };

        rc = pv_hypercall_continuation_n(nr, ops, 2, args);
    }
    else if ( v->arch.pending_put )
    {
        unsigned long args[4] = { 0, MMU_UPDATE_PREEMPTED, 0, (unsigned long)rc };
        long cont = pv_hypercall_continuation_n(nr, ops, 4, args);

        if ( cont )
            rc = cont;
        else
            finish_pending_put(v, false);
    }
    if ( pdone && copy_to_guest(pdone, &total, sizeof(total)) )
        return -EFAULT;
    return rc;
}

/* The continuation batch_end made: finish the pending put, then return the result. */
static bool batch_finish_only(unsigned long nr, uint64_t ops, unsigned long count,
                              unsigned long result, long *rc)
{
    struct vcpu *v = current;

    if ( ops || count != MMU_UPDATE_PREEMPTED )
        return false;
    if ( finish_pending_put(v, pv_hypercall_can_continue(nr, ops)) == -ERESTART )
        *rc = pv_hypercall_continuation_n(nr, ops, 0, NULL);
    else
        *rc = (int)result;
    return true;
}

/*
 * The domain whose frames the new L1 entries map (Xen's get_pg_owner):
 * NULL for the caller itself (DOMID_SELF or its own id), the domain, or
 * an error: -ESRCH unknown, -EPERM if XSM says no (dom0 only by default).
 * Checked once per call (Xen: at the first request, with the same answer
 * for every one under the default policy).  The domain is held for the
 * call (domain_get), so that a concurrent destroy cannot free it under us.
 */
static struct domain *pg_owner_of(struct domain *d, unsigned long foreigndom,
                                  enum xsm_target_op op, long *rc)
{
    domid_t id = foreigndom & 0xffff;
    struct domain *fd;

    *rc = 0;
    if ( id == DOMID_SELF || id == d->domain_id )
        return NULL;
    if ( !(fd = domain_get(id)) )
        *rc = -ESRCH;
    else if ( (*rc = xsm_target_op(d, fd, op)) != 0 )
    {
        domain_put(fd);
        fd = NULL;
    }
    return fd;                          /* held: the caller domain_put()s it */
}

/* An M2P entry for a frame of d's, or of fd's (held meanwhile, as Xen's get_page_from_mfn). */
static int machphys_update(struct domain *d, struct domain *fd, mfn_t mfn, uint64_t gpfn)
{
    struct page_info *pg;

    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !fd )
    {
        if ( !page_owned_by(pg, d) )
            return -EINVAL;
        set_gpfn_from_mfn(mfn, gpfn);
        return 0;
    }
    /* A translated domain has no M2P entries of its own to set (Xen: -EINVAL). */
    if ( fd->arch.is_hvm || !get_page(pg, fd) )
        return -EINVAL;
    set_gpfn_from_mfn(mfn, gpfn);
    put_page(pg);
    return 0;
}

long do_mmu_update(uint64_t reqs, unsigned long count, uint64_t pdone,
                   unsigned long foreigndom)
{
    struct vcpu *v = current;
    struct domain *d = v->domain, *fd;
    bool preemptible = pv_hypercall_can_continue(__HYPERVISOR_mmu_update, reqs);
    unsigned long i, done;
    struct mmu_update req;
    long rc = 0;

    if ( batch_finish_only(__HYPERVISOR_mmu_update, reqs, count, foreigndom, &rc) )
        return rc;
    done = batch_start(&count, pdone);
    if ( count > MAX_BATCH )
        return -EINVAL;
    /* Page tables of another domain (Xen's pt_dom, for debuggers): not supported. */
    if ( (foreigndom >> 16) && (foreigndom >> 16) != (unsigned long)d->domain_id + 1 )
        return -EINVAL;
    fd = pg_owner_of(d, foreigndom, XSM_mmu_update, &rc);
    if ( rc )
        return rc;
    if ( (rc = finish_pending_put(v, preemptible)) != 0 )
    {
        if ( fd )
            domain_put(fd);
        return batch_end(__HYPERVISOR_mmu_update, reqs, sizeof(req), count, 0, pdone, done, rc);
    }
    spin_lock(&d->page_lock);
    for ( i = 0; i < count; i++ )
    {
        if ( preemptible && (v->arch.pending_put || (i && pv_hypercall_preempt_check())) )
        {
            rc = -ERESTART;
            break;
        }
        if ( copy_from_guest(&req, reqs + i * sizeof(req), sizeof(req)) )
        {
            rc = -EFAULT;
            break;
        }
        switch ( req.ptr & 3 )
        {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_PRESERVE_AD:
        case MMU_PT_UPDATE_NO_TRANSLATE:
            rc = normal_pt_update(v, fd, req.ptr & ~3UL, req.val,
                                  (req.ptr & 3) != MMU_PT_UPDATE_NO_TRANSLATE, preemptible);
            break;
        case MMU_MACHPHYS_UPDATE:
            rc = machphys_update(d, fd, req.ptr >> PAGE_SHIFT, req.val);
            break;
        default:
            rc = -ENOSYS;
        }
        if ( rc )
            break;                      /* i counts the requests done */
    }
    spin_unlock(&d->page_lock);
    flush_tlb_local();
    if ( fd )
        domain_put(fd);
    return batch_end(__HYPERVISOR_mmu_update, reqs, sizeof(req), count, i, pdone, done, rc);
}

static int get_type(struct domain *d, mfn_t mfn, unsigned long type, bool preemptible)
{
    return preemptible ? get_page_type_preemptible(d, mfn, type) : get_page_type(d, mfn, type);
}

/* -ERESTART: the validation was preempted; the op is re-issued and resumes it. */
static int pin_table(struct domain *d, mfn_t mfn, unsigned long type, bool preemptible)
{
    struct page_info *pg;
    int rc;

    if ( !mfn_valid(mfn) || !page_owned_by(pg = mfn_to_page(mfn), d) ||
         (pg->type_info & PGT_pinned) )
        return -EINVAL;
    if ( (rc = get_type(d, mfn, type, preemptible)) != 0 )
        return rc == -ERESTART ? rc : -EINVAL;
    pg->type_info |= PGT_pinned;
    return 0;
}

/* Done once the pin is gone; a preempted teardown goes on as the pending put. */
static int unpin_table(struct vcpu *v, struct domain *d, mfn_t mfn, bool preemptible)
{
    struct page_info *pg;

    if ( !mfn_valid(mfn) || !page_owned_by(pg = mfn_to_page(mfn), d) ||
         !(pg->type_info & PGT_pinned) )
        return -EINVAL;
    pg->type_info &= ~PGT_pinned;
    if ( preemptible )
        defer_put(v, put_page_type_preemptible(d, mfn), (uint64_t)mfn << PAGE_SHIFT);
    else
        put_page_type(d, mfn);
    return 0;
}

/* Switch a base pointer: the new L4 gains a reference, the old one loses one. */
static int new_baseptr(struct vcpu *v, mfn_t *slot, mfn_t mfn, bool preemptible)
{
    struct domain *d = v->domain;
    mfn_t old = *slot;
    int rc;

    if ( mfn && (rc = get_type(d, mfn, PGT_l4, preemptible)) != 0 )
        return rc == -ERESTART ? rc : -EINVAL;
    *slot = mfn;
    if ( old && preemptible )
        defer_put(v, put_page_type_preemptible(d, old), (uint64_t)old << PAGE_SHIFT);
    else if ( old )
        put_page_type(d, old);
    return 0;
}

int pv_new_kernel_baseptr(struct vcpu *v, mfn_t mfn)
{
    int rc;

    if ( !mfn || !v->arch.kernel_mode )
        return -EINVAL;
    /*
     * From the #GP emulation of mov to CR3, with interrupts off: a type
     * change may wait for other CPUs to flush, and another CPU may hold
     * page_lock waiting for this one, so take interrupts as hypercalls do.
     */
    local_irq_enable();
    spin_lock(&v->domain->page_lock);
    rc = new_baseptr(v, &v->arch.guest_table, mfn, false);
    spin_unlock(&v->domain->page_lock);
    if ( !rc )
        switch_cr3(pv_current_l4_maddr(v));   /* Xen's write_ptbase: globals go too */
    return rc;
}

/*
 * TLB_FLUSH/INVLPG _MULTI (a vCPU bitmap in guest memory) and _ALL (every
 * CPU the domain ran on), as Xen 4.17: an unreadable bitmap is -EINVAL,
 * an address outside the guest's range is no flush and no error.
 */
static long remote_flush(struct domain *d, const struct mmuext_op *op)
{
    bool invlpg_op = op->cmd == MMUEXT_INVLPG_MULTI || op->cmd == MMUEXT_INVLPG_ALL;
    cpumask_t mask = d->dirty_cpumask;

    if ( (op->cmd == MMUEXT_TLB_FLUSH_MULTI || op->cmd == MMUEXT_INVLPG_MULTI) &&
         vcpumask_to_pcpumask(d, op->arg2.vcpumask, &mask) )
        return -EINVAL;
    if ( !invlpg_op )
        flush_tlb_mask(mask);
    else if ( guest_range_ok(op->arg1.linear_addr, 1) )
        flush_tlb_one_mask(mask, op->arg1.linear_addr);
    return 0;
}

/*
 * The toolstack pins (or unpins) the page tables of a domain it builds
 * (foreigndom, Xen's pg_owner): only those ops take a foreign domain, the
 * rest are -EPERM as Xen's.  Not preemptible: a continuation's pending
 * put is the caller's vCPU's, for its own frames.  fd's page_lock held.
 */
static long foreign_mmuext_op(struct vcpu *v, struct domain *fd, const struct mmuext_op *op)
{
    static const unsigned long pin_types[] = { PGT_l1, PGT_l2, PGT_l3, PGT_l4 };

    switch ( op->cmd )
    {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin_table(fd, op->arg1.mfn, pin_types[op->cmd], false);
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(v, fd, op->arg1.mfn, false);
    }
    return op->cmd <= MMUEXT_NEW_USER_BASEPTR ? -EPERM : -ENOSYS;
}

static long one_mmuext_op(struct vcpu *v, const struct mmuext_op *op, bool preemptible)
{
    static const unsigned long pin_types[] = { PGT_l1, PGT_l2, PGT_l3, PGT_l4 };
    struct domain *d = v->domain;
    int rc;

    switch ( op->cmd )
    {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin_table(d, op->arg1.mfn, pin_types[op->cmd], preemptible);
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(v, d, op->arg1.mfn, preemptible);
    case MMUEXT_NEW_BASEPTR:
        if ( !op->arg1.mfn || !v->arch.kernel_mode )
            return -EINVAL;
        if ( (rc = new_baseptr(v, &v->arch.guest_table, op->arg1.mfn, preemptible)) != 0 )
            return rc;
        switch_cr3(pv_current_l4_maddr(v));   /* Xen's write_ptbase: globals go too */
        return 0;
    case MMUEXT_NEW_USER_BASEPTR:
        return new_baseptr(v, &v->arch.guest_table_user, op->arg1.mfn, preemptible);
    case MMUEXT_TLB_FLUSH_LOCAL:
        flush_tlb_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
        if ( !guest_range_ok(op->arg1.linear_addr, 1) )
            return -EINVAL;
        invlpg(op->arg1.linear_addr);
        return 0;
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
        return remote_flush(d, op);
    case MMUEXT_SET_LDT:
        /* No LDT support: only "no LDT" is accepted. */
        return op->arg1.linear_addr || op->arg2.nr_ents ? -EINVAL : 0;
    }
    return -ENOSYS;
}

long do_mmuext_op(uint64_t ops, unsigned long count, uint64_t pdone,
                  unsigned long foreigndom)
{
    struct vcpu *v = current;
    struct domain *fd;
    bool preemptible = pv_hypercall_can_continue(__HYPERVISOR_mmuext_op, ops);
    unsigned long i, done;
    struct mmuext_op op;
    long rc = 0;

    if ( batch_finish_only(__HYPERVISOR_mmuext_op, ops, count, foreigndom, &rc) )
        return rc;
    done = batch_start(&count, pdone);
    if ( count > MAX_BATCH )
        return -EINVAL;
    fd = pg_owner_of(v->domain, foreigndom, XSM_mmuext_pin, &rc);
    if ( rc )
        return rc;
    if ( (rc = finish_pending_put(v, preemptible)) != 0 )
    {
        if ( fd )
            domain_put(fd);
        return batch_end(__HYPERVISOR_mmuext_op, ops, sizeof(op), count, 0, pdone, done, rc);
    }
    for ( i = 0; i < count; i++ )
    {
        if ( preemptible && (v->arch.pending_put || (i && pv_hypercall_preempt_check())) )
        {
            rc = -ERESTART;
            break;
        }
        if ( copy_from_guest(&op, ops + i * sizeof(op), sizeof(op)) )
        {
            rc = -EFAULT;
            break;
        }
        if ( fd )
        {
            spin_lock(&fd->page_lock);
            rc = foreign_mmuext_op(v, fd, &op);
            spin_unlock(&fd->page_lock);
        }
        else
        {
            spin_lock(&v->domain->page_lock);
            rc = one_mmuext_op(v, &op, preemptible);
            spin_unlock(&v->domain->page_lock);
        }
        if ( rc )
            break;                      /* i counts the operations done */
    }
    if ( fd )
        domain_put(fd);
    return batch_end(__HYPERVISOR_mmuext_op, ops, sizeof(op), count, i, pdone, done, rc);
}
