/*
 * Grant tables, v1 (grant_table_op, hypercall 20), with Xen 4.17's answers.
 *
 * Each domain owns a table of shared entries {flags, domid, frame} in up to
 * GNTTAB_MAX_FRAMES frames that it maps itself (PV: setup_table gives their
 * MFNs; HVM: XENMEM_add_to_physmap puts them in its p2m).  They are Keel
 * heap pages lent to the domain the way shared_info is: owned by it with a
 * permanent plain-page type (never a page table, never handed back by
 * decrease_reservation), not on its page list, and freed by Keel when the
 * domain goes.  They can never be granted or copied through a grant.
 *
 * Beside each shared entry Keel keeps an active entry the guest cannot
 * see: the frame resolved when the grant was first pinned, the mapper and
 * pin counts (host/device, read-write/read-only).  So a granter that edits
 * or clears an entry in use changes nothing of the existing mappings; it
 * sees GTF_reading / GTF_writing, which Keel sets while the grant is
 * pinned and clears only when the last pin of that kind goes.  Shared
 * entries are read once and updated with cmpxchg on the 32-bit
 * {flags, domid} word, the granter writing them concurrently.
 *
 * A mapping is a maptrack entry of the mapper (its handle) holding the
 * frame references: one general reference per kind (host, device) and a
 * writable one where the mapping is writable and the granter is PV (Xen's
 * rule: a PV granter's frame must not become a page table while someone
 * writes it).  The references are the mapping's, not the PTE's: a PV
 * grant PTE carries PV_L1_GRANT_BIT and the page-table code takes and
 * drops nothing for it, so a guest that zaps one by hand only loses the
 * mapping's address (unmap then fails, as on Xen) while the frame stays
 * referenced until unmap or destruction.  A maptrack entry also holds a
 * reference to the granter's grant_table, which therefore outlives a
 * destroyed granter until its last grant is unmapped.
 *
 * Locks: gt->lock (shared/active entries, size) and gt->maptrack_lock are
 * never held together, nor with a page_lock; the frame references are the
 * atomic ones of keel/page_ref.h.
 *
 * Batches (map, unmap, copy) are preemptible as Xen's: the call is
 * continued with the rest of the array (PV: pv_hypercall_continuation_n;
 * HVM: the VMMCALL re-issued with rewritten registers); unmaps are done 32
 * at a time with one TLB flush before their references go.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/grant_table.h>
#include <keel/page_ref.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <asm/current.h>
#include <asm/grant_table.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/xen.h>

#define ENTRIES_PER_FRAME   (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define MAPTRACK_PER_FRAME  (PAGE_SIZE / sizeof(struct grant_mapping))
#define MAPTRACK_NONE       (~0u)
#define UNMAP_BATCH         32      /* Xen's GNTTAB_UNMAP_BATCH_SIZE */
#define PIN_MAX             128     /* Xen: an 8-bit counter per kind, refused at bit 7 */
#define GNTMAP_kinds        (GNTMAP_device_map | GNTMAP_host_map)
#define SET_RETRIES         5       /* cmpxchg attempts on an entry the granter keeps changing */

/* Pin counters of an active entry: host mappings (and copies in progress), device mappings. */
enum { PIN_HOST_RW, PIN_HOST_RO, PIN_DEV_RW, PIN_DEV_RO, NR_PINS };

struct active_grant_entry {
    mfn_t mfn;                      /* resolved at the first pin */
    domid_t domid;                  /* the mapper while pinned */
    uint16_t pin[NR_PINS];
};

static unsigned int pin_kind(bool device, bool readonly)
{
    return device ? (readonly ? PIN_DEV_RO : PIN_DEV_RW) : (readonly ? PIN_HOST_RO : PIN_HOST_RW);
}

struct grant_mapping {
    struct grant_table *rgt;        /* the granter's table (one reference) */
    mfn_t mfn;
    grant_ref_t ref;
    uint16_t flags;                 /* GNTMAP_* still mapped; 0: free */
    uint16_t busy;                  /* an unmap of it is under way */
    uint32_t next_free;
};

struct grant_table {
    spinlock_t lock;
    domid_t domid;
    bool hvm;
    bool dying;                     /* owner destroyed: no shared frames any more */
    unsigned int refs;              /* owner + maptrack entries naming it (atomic) */
    unsigned int nr_frames;
    struct grant_entry_v1 *shared[GNTTAB_MAX_FRAMES];
    uint64_t shared_gfn[GNTTAB_MAX_FRAMES];    /* HVM: where the domain put it (~0: nowhere) */
    struct active_grant_entry *active[GNTTAB_MAX_FRAMES];

    spinlock_t maptrack_lock;
    unsigned int maptrack_frames;
    unsigned int maptrack_free;     /* head of the free list */
    struct grant_mapping *maptrack[GNTTAB_MAX_MAPTRACK];
};

static inline unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * ENTRIES_PER_FRAME;
}

static inline struct grant_entry_v1 *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->shared[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static inline struct active_grant_entry *active_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static inline struct grant_mapping *maptrack_entry(struct grant_table *gt, unsigned int h)
{
    return &gt->maptrack[h / MAPTRACK_PER_FRAME][h % MAPTRACK_PER_FRAME];
}

static unsigned int pins(const struct active_grant_entry *act)
{
    return act->pin[PIN_HOST_RW] + act->pin[PIN_HOST_RO] + act->pin[PIN_DEV_RW] +
           act->pin[PIN_DEV_RO];
}

static unsigned int writable_pins(const struct active_grant_entry *act)
{
    return act->pin[PIN_HOST_RW] + act->pin[PIN_DEV_RW];
}

/* ---- the table's frames ---- */

/* A Keel page lent to d as a grant frame (see the top of the file). */
static struct grant_entry_v1 *alloc_shared_frame(domid_t owner)
{
    struct grant_entry_v1 *f = alloc_xenheap_pages(0, 0);
    struct page_info *pg;

    if ( !f )
        return NULL;
    memset(f, 0, PAGE_SIZE);
    pg = mfn_to_page(virt_to_mfn(f));
    pg->type_info = PGT_none | 1;       /* permanent: never a table, never given back */
    pg->u.inuse.owner = owner;
    pg->u.inuse.foreign_rw = 0;
    pg->foreign_dirty = 0;
    __atomic_store_n(&pg->count_info, 1, __ATOMIC_SEQ_CST);   /* PGC_xen_heap off: mappable */
    return f;
}

/*
 * The owner is going: a frame nothing else references goes back at once;
 * one still mapped (the owner's page tables, a foreign mapping of dom0's)
 * joins the owner's frames and goes with the last reference, as shared_info.
 */
static void release_shared_frame(struct domain *d, struct grant_entry_v1 *f)
{
    struct page_info *pg = mfn_to_page(virt_to_mfn(f));
    unsigned long one = 1;

    if ( __atomic_compare_exchange_n(&pg->count_info, &one, PGC_xen_heap, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
    {
        flush_foreign_stale(pg);
        pg->type_info = 0;
        pg->u.inuse.owner = DOMID_INVALID;
        free_xenheap_pages(f, 0);
        return;
    }
    pg->type_info = PGT_none;           /* the permanent reference goes with it */
    domain_adopt_page(d, pg);
}

/* Grow to nr frames (gt->lock held): 0 or -ENOMEM (what was added stays). */
static int grow_table(struct grant_table *gt, unsigned int nr)
{
    while ( gt->nr_frames < nr )
    {
        unsigned int i = gt->nr_frames;
        struct active_grant_entry *act = xzalloc_array(struct active_grant_entry,
                                                       ENTRIES_PER_FRAME);
        struct grant_entry_v1 *f = act ? alloc_shared_frame(gt->domid) : NULL;

        if ( !f )
        {
            xfree(act);
            return -ENOMEM;
        }
        gt->shared[i] = f;
        gt->active[i] = act;
        gt->shared_gfn[i] = ~0UL;
        gt->nr_frames = i + 1;
    }
    return 0;
}

static void gt_get(struct grant_table *gt)
{
    __atomic_add_fetch(&gt->refs, 1, __ATOMIC_SEQ_CST);
}

/*
 * d's table with a reference of the caller's, or NULL once d is dying: a
 * domain destroyed on another CPU drops its own reference only after it
 * cleared d->grant_table under this lock, so a table found here stays.
 */
static DEFINE_SPINLOCK(gt_lookup_lock);

static struct grant_table *gt_of(struct domain *d)
{
    struct grant_table *gt;

    spin_lock(&gt_lookup_lock);
    if ( (gt = d->grant_table) != NULL )
        gt_get(gt);
    spin_unlock(&gt_lookup_lock);
    return gt;
}

/* The last reference frees what is left: the active entries and the table. */
static void gt_put(struct grant_table *gt)
{
    if ( __atomic_sub_fetch(&gt->refs, 1, __ATOMIC_SEQ_CST) )
        return;
    for ( unsigned int i = 0; i < GNTTAB_MAX_FRAMES; i++ )
        xfree(gt->active[i]);
    for ( unsigned int i = 0; i < gt->maptrack_frames; i++ )
        free_xenheap_pages(gt->maptrack[i], 0);
    xfree(gt);
}

int gnttab_domain_create(struct domain *d)
{
    struct grant_table *gt = xzalloc(struct grant_table);

    if ( !gt )
        return -ENOMEM;
    spin_lock_init(&gt->lock);
    spin_lock_init(&gt->maptrack_lock);
    gt->domid = d->domain_id;
    gt->hvm = d->arch.is_hvm;
    gt->refs = 1;
    gt->maptrack_free = MAPTRACK_NONE;
    d->grant_table = gt;
    return grow_table(gt, 1) ? -ENOMEM : 0;
}

/* gt->lock held, or gt is the caller's own table. */
static bool is_table_frame(const struct grant_table *gt, mfn_t mfn)
{
    for ( unsigned int i = 0; i < gt->nr_frames; i++ )
        if ( gt->shared[i] && virt_to_mfn(gt->shared[i]) == mfn )
            return true;
    return false;
}

bool gnttab_is_table_frame(struct domain *d, mfn_t mfn)
{
    struct grant_table *gt = gt_of(d);
    bool r;

    if ( !gt )
        return false;
    spin_lock(&gt->lock);
    r = is_table_frame(gt, mfn);
    spin_unlock(&gt->lock);
    gt_put(gt);
    return r;
}

int gnttab_seed_reserved(struct domain *d, domid_t console_domid, uint64_t console_gfn,
                         domid_t store_domid, uint64_t store_gfn)
{
    const uint64_t frames[2] = {
        [GNTTAB_RESERVED_CONSOLE] = console_gfn, [GNTTAB_RESERVED_XENSTORE] = store_gfn,
    };
    const domid_t backends[2] = {
        [GNTTAB_RESERVED_CONSOLE] = console_domid, [GNTTAB_RESERVED_XENSTORE] = store_domid,
    };
    struct grant_table *gt = gt_of(d);

    if ( !gt )
        return -EINVAL;
    spin_lock(&gt->lock);
    for ( unsigned int ref = 0; ref < 2 && !gt->dying; ref++ )
    {
        struct grant_entry_v1 *e = shared_entry(gt, ref);

        if ( frames[ref] == ~0ULL || frames[ref] > UINT32_MAX )
            continue;
        e->domid = backends[ref];
        e->frame = frames[ref];
        /* The flags make the entry valid: they go last. */
        __atomic_store_n(&e->flags, (uint16_t)GTF_permit_access, __ATOMIC_RELEASE);
    }
    spin_unlock(&gt->lock);
    gt_put(gt);
    return 0;
}

int gnttab_map_frame(struct domain *d, unsigned long idx, uint64_t gfn, mfn_t *mfn,
                     uint64_t *old_gfn)
{
    struct grant_table *gt;
    int rc = 0;

    if ( (idx & XENMAPIDX_grant_table_status) || idx >= GNTTAB_MAX_FRAMES || !(gt = gt_of(d)) )
        return -EINVAL;                 /* no v2 status frames */
    spin_lock(&gt->lock);
    if ( gt->dying || (idx >= gt->nr_frames && grow_table(gt, idx + 1)) )
        rc = -EINVAL;                   /* Xen: a table that cannot grow is -EINVAL */
    else
    {
        *mfn = virt_to_mfn(gt->shared[idx]);
        *old_gfn = gt->shared_gfn[idx];
        gt->shared_gfn[idx] = gfn;
    }
    spin_unlock(&gt->lock);
    gt_put(gt);
    return rc;
}

/* ---- shared entry status ---- */

/*
 * First pin of a kind: the entry must grant access to mapper (its type and,
 * for a map, no sub-page), writable unless GTF_readonly; GTF_reading (and
 * GTF_writing) are set in the same cmpxchg.  If already pinned only the
 * read-only bit is checked, as Xen does.
 */
static int set_status(struct grant_entry_v1 *e, bool first, bool readonly, domid_t mapper,
                      bool for_map)
{
    uint32_t *raw = (uint32_t *)e;
    uint16_t type_mask = GTF_type_mask | (for_map ? GTF_sub_page : 0);
    uint32_t old = __atomic_load_n(raw, __ATOMIC_ACQUIRE);

    for ( unsigned int tries = 0; tries < SET_RETRIES; tries++ )
    {
        uint16_t flags = old & 0xffff, domid = old >> 16;
        uint32_t new = old | GTF_reading | (readonly ? 0 : GTF_writing);

        if ( first && ((flags & type_mask) != GTF_permit_access || domid != mapper) )
            return GNTST_general_error;
        if ( !readonly && (flags & GTF_readonly) )
            return GNTST_general_error;
        if ( __atomic_compare_exchange_n(raw, &old, new, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_ACQUIRE) )
            return GNTST_okay;
    }
    return GNTST_general_error;         /* the granter keeps changing it */
}

/* After pins went: clear what no pin needs any more (gt->lock held). */
static void reduce_status(struct grant_table *gt, grant_ref_t ref,
                          const struct active_grant_entry *act, bool readonly)
{
    uint16_t clear = pins(act) ? 0 : GTF_reading;

    if ( !readonly && !writable_pins(act) )
        clear |= GTF_writing;
    if ( clear && !gt->dying )
        __atomic_fetch_and(&shared_entry(gt, ref)->flags, (uint16_t)~clear, __ATOMIC_SEQ_CST);
}

/* The frame an entry names, if it may be granted: rd's, and no frame of Keel's (rgt->lock held). */
static mfn_t grantable_frame(struct domain *rd, const struct grant_table *rgt, uint64_t frame)
{
    mfn_t mfn = arch_grant_frame(rd, frame);

    if ( mfn == INVALID_MFN || !mfn_valid(mfn) || !page_owned_by(mfn_to_page(mfn), rd) ||
         is_table_frame(rgt, mfn) )
        return INVALID_MFN;
    return mfn;
}

/*
 * Pin (rgt, ref) for mapper with counter kind: the checks and status update
 * of a first pin of that kind, the frame resolved at the first pin at all.
 * GNTST_*; rgt->lock held.
 */
static int pin_entry(struct domain *rd, struct grant_table *rgt, grant_ref_t ref,
                     domid_t mapper, unsigned int kind, bool for_map, mfn_t *mfn)
{
    bool readonly = kind == PIN_HOST_RO || kind == PIN_DEV_RO;
    struct active_grant_entry *act;
    int rc;

    if ( rgt->dying )
        return GNTST_general_error;     /* Xen: "could not pin" a dying domain's frame */
    if ( ref >= nr_entries(rgt) )
        return GNTST_bad_gntref;
    act = active_entry(rgt, ref);
    if ( pins(act) && (act->domid != mapper || act->pin[kind] >= PIN_MAX) )
        return GNTST_general_error;
    if ( !pins(act) || (!readonly && !writable_pins(act)) )
    {
        rc = set_status(shared_entry(rgt, ref), !pins(act), readonly, mapper, for_map);
        if ( rc != GNTST_okay )
            return rc;
        if ( !pins(act) )
        {
            uint32_t frame = __atomic_load_n(&shared_entry(rgt, ref)->frame, __ATOMIC_RELAXED);
            mfn_t m = grantable_frame(rd, rgt, frame);

            if ( m == INVALID_MFN )
            {
                reduce_status(rgt, ref, act, readonly);
                return GNTST_bad_page;
            }
            act->mfn = m;
            act->domid = mapper;
        }
    }
    act->pin[kind]++;
    *mfn = act->mfn;
    return GNTST_okay;
}

/* Drop the pins of a mapping's kinds (GNTMAP_* flags) or of a copy, and the status bits they held. */
static void unpin_entry(struct grant_table *rgt, grant_ref_t ref, unsigned int flags,
                        bool for_copy)
{
    bool ro = flags & GNTMAP_readonly;
    struct active_grant_entry *act;

    spin_lock(&rgt->lock);
    act = active_entry(rgt, ref);
    if ( flags & GNTMAP_device_map )
        act->pin[pin_kind(true, ro)]--;
    if ( (flags & GNTMAP_host_map) || for_copy )
        act->pin[pin_kind(false, ro)]--;
    reduce_status(rgt, ref, act, ro);
    spin_unlock(&rgt->lock);
}

/* ---- frame references ---- */

/* Does a writable use of rd's frame by ld need a writable (type) reference? */
static bool needs_writable_ref(const struct domain *ld, const struct domain *rd)
{
    return ld == rd || !rd->arch.is_hvm;
}

/* A reference (general, or general + writable type); false when the frame cannot be had. */
static bool take_refs(struct page_info *pg, const struct domain *owner, bool writable)
{
    return writable ? !get_page_writable(pg, owner) : get_page(pg, owner);
}

/* dirty_cpus: the mapper's CPUs, which may still cache a translation of it. */
static void drop_refs(struct page_info *pg, bool writable, uint64_t dirty_cpus)
{
    if ( writable )
    {
        put_page_writable(pg, dirty_cpus);
        return;
    }
    if ( dirty_cpus )
        page_note_foreign_unmap(pg, dirty_cpus);
    put_page(pg);
}

/* ---- maptrack ---- */

/* A free handle of lgt, or MAPTRACK_NONE when all GNTTAB_MAX_MAPTRACK frames are used. */
static unsigned int get_maptrack_handle(struct grant_table *lgt)
{
    unsigned int h;

    spin_lock(&lgt->maptrack_lock);
    if ( lgt->maptrack_free == MAPTRACK_NONE && lgt->maptrack_frames < GNTTAB_MAX_MAPTRACK )
    {
        struct grant_mapping *f = alloc_xenheap_pages(0, 0);

        if ( f )
        {
            unsigned int base = lgt->maptrack_frames * MAPTRACK_PER_FRAME;

            memset(f, 0, PAGE_SIZE);
            for ( unsigned int i = 0; i < MAPTRACK_PER_FRAME; i++ )
                f[i].next_free = i + 1 < MAPTRACK_PER_FRAME ? base + i + 1 : MAPTRACK_NONE;
            lgt->maptrack[lgt->maptrack_frames++] = f;
            lgt->maptrack_free = base;
        }
    }
    h = lgt->maptrack_free;
    if ( h != MAPTRACK_NONE )
    {
        struct grant_mapping *m = maptrack_entry(lgt, h);

        lgt->maptrack_free = m->next_free;
        m->busy = 1;                    /* not yet a mapping: no unmap may take it */
    }
    spin_unlock(&lgt->maptrack_lock);
    return h;
}

/* Back to the free list (maptrack_lock held). */
static void free_handle_locked(struct grant_table *lgt, unsigned int h)
{
    struct grant_mapping *m = maptrack_entry(lgt, h);

    m->flags = 0;
    m->busy = 0;
    m->rgt = NULL;
    m->next_free = lgt->maptrack_free;
    lgt->maptrack_free = h;
}

static void put_maptrack_handle(struct grant_table *lgt, unsigned int h)
{
    spin_lock(&lgt->maptrack_lock);
    free_handle_locked(lgt, h);
    spin_unlock(&lgt->maptrack_lock);
}

/* ---- domains ---- */

/*
 * By id only (map): DOMID_SELF is no domain here, as on Xen.  Held
 * (domain_get) until the caller's domain_put; a dying domain is none.
 */
static struct domain *domain_by_id(domid_t id)
{
    struct domain *d = domain_get(id);

    if ( d && __atomic_load_n(&d->state, __ATOMIC_SEQ_CST) == DOMAIN_dying )
    {
        domain_put(d);
        d = NULL;
    }
    return d;
}

/* By id or DOMID_SELF (setup_table, query_size, copy, versions); held the same way. */
static struct domain *domain_by_any_id(domid_t id)
{
    return domain_by_id(id == DOMID_SELF ? current->domain->domain_id : id);
}

/* Xen's XSM_TARGET: a domain on itself, dom0 on any. */
static bool may_target(const struct domain *cur, const struct domain *d)
{
    return cur == d || cur->is_privileged;
}

/* ---- map ---- */

/* A map with the granter held: GNTST_*. */
static int map_from(struct domain *ld, struct domain *rd, struct gnttab_map_grant_ref *op)
{
    struct vcpu *v = current;
    struct grant_table *lgt = ld->grant_table, *rgt;
    bool ro = op->flags & GNTMAP_readonly, dev_ref = false, host_ref = false;
    bool writable_ref;
    struct page_info *pg;
    unsigned int h;
    mfn_t mfn = INVALID_MFN;
    int rc;

    if ( !(rgt = gt_of(rd)) )
        return GNTST_bad_domain;
    if ( (h = get_maptrack_handle(lgt)) == MAPTRACK_NONE )
    {
        gt_put(rgt);
        return GNTST_no_space;
    }

    spin_lock(&rgt->lock);
    rc = GNTST_okay;
    if ( op->flags & GNTMAP_device_map )
        rc = pin_entry(rd, rgt, op->ref, ld->domain_id, pin_kind(true, ro), true, &mfn);
    if ( rc == GNTST_okay && (op->flags & GNTMAP_host_map) )
    {
        rc = pin_entry(rd, rgt, op->ref, ld->domain_id, pin_kind(false, ro), true, &mfn);
        if ( rc != GNTST_okay && (op->flags & GNTMAP_device_map) )
        {
            active_entry(rgt, op->ref)->pin[pin_kind(true, ro)]--;
            reduce_status(rgt, op->ref, active_entry(rgt, op->ref), ro);
        }
    }
    spin_unlock(&rgt->lock);
    if ( rc != GNTST_okay )
    {
        put_maptrack_handle(lgt, h);
        gt_put(rgt);
        return rc;
    }

    /* References: one per kind, writable ones as Xen takes them. */
    pg = mfn_to_page(mfn);
    writable_ref = !ro && needs_writable_ref(ld, rd);
    rc = GNTST_general_error;           /* Xen's "could not pin grant frame" */
    if ( (op->flags & GNTMAP_device_map) && !(dev_ref = take_refs(pg, rd, writable_ref)) )
        goto undo;
    if ( (op->flags & GNTMAP_host_map) && !(host_ref = take_refs(pg, rd, writable_ref)) )
        goto undo;
    if ( op->flags & GNTMAP_host_map )
    {
        rc = arch_grant_map_host(v, op->host_addr, mfn, op->flags);
        if ( rc != GNTST_okay )
            goto undo;
    }

    /* Our lookup reference becomes the mapping's. */
    spin_lock(&lgt->maptrack_lock);
    {
        struct grant_mapping *m = maptrack_entry(lgt, h);

        m->rgt = rgt;
        m->mfn = mfn;
        m->ref = op->ref;
        m->flags = op->flags & (GNTMAP_kinds | GNTMAP_readonly | GNTMAP_application_map |
                                GNTMAP_contains_pte);
        m->busy = 0;
    }
    spin_unlock(&lgt->maptrack_lock);
    op->dev_bus_addr = (uint64_t)mfn << PAGE_SHIFT;
    op->handle = h;
    return GNTST_okay;

 undo:
    if ( host_ref )
        drop_refs(pg, writable_ref, 0);
    if ( dev_ref )
        drop_refs(pg, writable_ref, 0);
    unpin_entry(rgt, op->ref, op->flags & (GNTMAP_kinds | GNTMAP_readonly), false);
    put_maptrack_handle(lgt, h);
    gt_put(rgt);
    return rc;
}

static void map_one(struct gnttab_map_grant_ref *op)
{
    struct domain *ld = current->domain, *rd;
    int rc;

    if ( !(op->flags & GNTMAP_kinds) )
    {
        op->status = GNTST_bad_gntref;
        return;
    }
    if ( ld->arch.is_hvm &&
         (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte)) )
    {
        op->status = GNTST_general_error;       /* no device mappings in HVM domains */
        return;
    }
    if ( !(rd = domain_by_id(op->dom)) )
    {
        op->status = GNTST_bad_domain;
        return;
    }
    rc = map_from(ld, rd, op);
    domain_put(rd);
    op->status = rc;
}


/* ---- unmap ---- */

/* What an unmap did, to finish once the TLBs are flushed. */
struct unmap_done {
    unsigned int handle;
    unsigned int done;              /* GNTMAP_* kinds removed (0: nothing to finish) */
    unsigned int flags;             /* the mapping's flags before */
    struct grant_table *rgt;
    grant_ref_t ref;
    mfn_t mfn;
    bool writable_ref;              /* each kind held a writable reference too */
};

/*
 * The checks and the removal of the host mapping: GNTST_*.  The handle
 * stays busy (no other unmap can take it) until unmap_finish.
 */
static int unmap_begin(uint64_t host_addr, uint64_t dev_bus_addr, uint64_t new_addr,
                       unsigned int handle, struct unmap_done *u)
{
    struct vcpu *v = current;
    struct domain *ld = v->domain;
    struct grant_table *lgt = ld->grant_table;
    struct grant_mapping *m;
    int rc;

    u->done = 0;
    spin_lock(&lgt->maptrack_lock);
    if ( handle >= lgt->maptrack_frames * MAPTRACK_PER_FRAME ||
         !(m = maptrack_entry(lgt, handle))->flags || m->busy )
    {
        spin_unlock(&lgt->maptrack_lock);
        return GNTST_bad_handle;        /* never mapped, or already unmapped */
    }
    m->busy = 1;
    u->handle = handle;
    u->flags = m->flags;
    u->rgt = m->rgt;
    u->ref = m->ref;
    u->mfn = m->mfn;
    spin_unlock(&lgt->maptrack_lock);

    rc = GNTST_okay;
    if ( dev_bus_addr && (u->flags & GNTMAP_device_map) &&
         dev_bus_addr != (uint64_t)u->mfn << PAGE_SHIFT )
        rc = GNTST_bad_dev_addr;
    else if ( host_addr && (u->flags & GNTMAP_host_map) )
    {
        rc = arch_grant_unmap_host(v, host_addr, u->mfn, u->flags, new_addr);
        if ( rc == GNTST_okay )
            u->done |= GNTMAP_host_map;
    }
    if ( rc == GNTST_okay && dev_bus_addr && (u->flags & GNTMAP_device_map) )
        u->done |= GNTMAP_device_map;
    if ( !u->done )
    {
        spin_lock(&lgt->maptrack_lock);
        m->busy = 0;
        spin_unlock(&lgt->maptrack_lock);
    }
    return rc;
}

/* After the flush: references, pins and status, then the handle. */
static void unmap_finish(struct domain *ld, struct unmap_done *u)
{
    struct grant_table *lgt = ld->grant_table, *rgt = u->rgt;
    struct page_info *pg = mfn_to_page(u->mfn);
    struct grant_mapping *m;
    bool last;

    if ( !u->done )
        return;
    if ( u->done & GNTMAP_device_map )
        drop_refs(pg, u->writable_ref, ld->dirty_cpumask);
    if ( u->done & GNTMAP_host_map )
        drop_refs(pg, u->writable_ref, ld->dirty_cpumask);
    unpin_entry(rgt, u->ref, u->done | (u->flags & GNTMAP_readonly), false);

    spin_lock(&lgt->maptrack_lock);
    m = maptrack_entry(lgt, u->handle);
    m->flags &= ~u->done;
    last = !(m->flags & GNTMAP_kinds);
    if ( last )
        free_handle_locked(lgt, u->handle);
    else
        m->busy = 0;
    spin_unlock(&lgt->maptrack_lock);
    if ( last )
        gt_put(rgt);
}

/* Xen's needs_writable_ref for the granter of an existing mapping. */
static bool mapping_writable_ref(const struct domain *ld, const struct grant_table *rgt,
                                 unsigned int flags)
{
    return !(flags & GNTMAP_readonly) && (rgt->domid == ld->domain_id || !rgt->hvm);
}

/*
 * unmap_grant_ref and unmap_and_replace: ops of size bytes, the status at
 * status_off; in batches of UNMAP_BATCH with one flush each.  The number
 * done when preempted, 0, or -EFAULT.
 */
static long unmap_batch(uint64_t uop, unsigned int count, bool replace, bool preemptible)
{
    struct domain *ld = current->domain;
    struct unmap_done u[UNMAP_BATCH];
    unsigned int done = 0;

    while ( done < count )
    {
        unsigned int n = min(count - done, (unsigned int)UNMAP_BATCH), i;
        bool fault = false, flush = false;

        for ( i = 0; i < n && !fault; i++ )
        {
            uint64_t at = uop + (uint64_t)(done + i) * (replace ? sizeof(struct gnttab_unmap_and_replace)
                                                                : sizeof(struct gnttab_unmap_grant_ref));
            int16_t status;

            if ( replace )
            {
                struct gnttab_unmap_and_replace op;

                if ( copy_from_guest(&op, at, sizeof(op)) )
                    break;
                status = unmap_begin(op.host_addr, 0, op.new_addr, op.handle, &u[i]);
                fault = copy_to_guest(at + offsetof(struct gnttab_unmap_and_replace, status),
                                      &status, sizeof(status));
            }
            else
            {
                struct gnttab_unmap_grant_ref op;

                if ( copy_from_guest(&op, at, sizeof(op)) )
                    break;
                status = unmap_begin(op.host_addr, op.dev_bus_addr, 0, op.handle, &u[i]);
                fault = copy_to_guest(at + offsetof(struct gnttab_unmap_grant_ref, status),
                                      &status, sizeof(status));
            }
            u[i].writable_ref = u[i].done && mapping_writable_ref(ld, u[i].rgt, u[i].flags);
            flush |= (u[i].done & GNTMAP_host_map) != 0;
        }
        if ( flush )
            arch_grant_flush(ld);
        for ( unsigned int j = 0; j < i; j++ )
            unmap_finish(ld, &u[j]);
        if ( i < n || fault )
            return -EFAULT;
        done += n;
        if ( done < count && preemptible && pv_hypercall_preempt_check() )
            return done;
    }
    return 0;
}

/* ---- copy ---- */

struct copy_buf {
    struct domain *d;
    struct grant_table *gt;         /* set when the buffer is a grant (a reference of ours) */
    grant_ref_t ref;
    struct page_info *pg;
    bool pinned, readonly, writable_ref;
};

static void release_buf(struct copy_buf *b)
{
    if ( b->pg )
        drop_refs(b->pg, b->writable_ref, 0);
    if ( b->gt )
    {
        if ( b->pinned )
            unpin_entry(b->gt, b->ref, b->readonly ? GNTMAP_readonly : 0, true);
        gt_put(b->gt);
    }
    if ( b->d )
        domain_put(b->d);
    b->pg = NULL;
    b->gt = NULL;
    b->d = NULL;
    b->pinned = false;
}

/* One side of a copy: its domain, then its grant or own frame, referenced. GNTST_*. */
static int claim_buf(const struct gnttab_copy_ptr *p, bool is_gref, bool readonly,
                     struct copy_buf *b)
{
    struct domain *ld = current->domain;
    mfn_t mfn;
    int rc;

    b->readonly = readonly;
    if ( p->domid != DOMID_SELF && !is_gref )
        return GNTST_permission_denied;     /* only DOMID_SELF may name a frame */
    if ( !(b->d = domain_by_any_id(p->domid)) )
        return GNTST_bad_domain;
    if ( !(b->gt = gt_of(b->d)) )
        return GNTST_bad_domain;
    spin_lock(&b->gt->lock);
    if ( is_gref )
    {
        rc = pin_entry(b->d, b->gt, p->u.ref, ld->domain_id, pin_kind(false, readonly), false,
                       &mfn);
        b->pinned = rc == GNTST_okay;
        b->ref = p->u.ref;
    }
    else
        rc = (mfn = grantable_frame(b->d, b->gt, p->u.gmfn)) == INVALID_MFN ? GNTST_bad_page
                                                                             : GNTST_okay;
    spin_unlock(&b->gt->lock);
    if ( rc != GNTST_okay )
        return rc;
    b->writable_ref = !readonly && needs_writable_ref(ld, b->d);
    if ( !take_refs(mfn_to_page(mfn), b->d, b->writable_ref) )
        return GNTST_general_error;
    b->pg = mfn_to_page(mfn);
    return GNTST_okay;
}

static int copy_one(const struct gnttab_copy *op)
{
    struct copy_buf src = { 0 }, dst = { 0 };
    int rc;

    rc = claim_buf(&op->source, op->flags & GNTCOPY_source_gref, true, &src);
    if ( rc == GNTST_okay )
        rc = claim_buf(&op->dest, op->flags & GNTCOPY_dest_gref, false, &dst);
    if ( rc == GNTST_okay &&
         (op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE) )
        rc = GNTST_bad_copy_arg;
    if ( rc == GNTST_okay )
        memmove((char *)mfn_to_virt(page_to_mfn(dst.pg)) + op->dest.offset,
                (const char *)mfn_to_virt(page_to_mfn(src.pg)) + op->source.offset, op->len);
    release_buf(&dst);
    release_buf(&src);
    return rc;
}

/* ---- single ops ---- */

/*
 * The table of the domain a single op names (DOMID_SELF or an id), for
 * setup_table, query_size and get_status_frames: GNTST_okay with *d and
 * *gt held, or the status to answer; target_put releases what was found.
 */
static int16_t target_table(domid_t dom, struct domain **d, struct grant_table **gt)
{
    *gt = NULL;
    if ( !(*d = domain_by_any_id(dom)) )
        return GNTST_bad_domain;
    if ( !may_target(current->domain, *d) )
        return GNTST_permission_denied;
    if ( !(*gt = gt_of(*d)) )
        return GNTST_bad_domain;
    return GNTST_okay;
}

static void target_put(struct domain *d, struct grant_table *gt)
{
    if ( gt )
        gt_put(gt);
    if ( d )
        domain_put(d);
}

static long setup_table(uint64_t uop, unsigned long count)
{
    struct gnttab_setup_table op;
    struct grant_table *gt;
    struct domain *d;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    if ( !current->domain->arch.is_hvm &&
         !guest_range_ok(op.frame_list, (uint64_t)op.nr_frames * 8) )
        return -EFAULT;
    op.status = target_table(op.dom, &d, &gt);
    if ( op.status == GNTST_okay )
    {
        spin_lock(&gt->lock);
        if ( gt->dying || op.nr_frames > GNTTAB_MAX_FRAMES || grow_table(gt, op.nr_frames) )
            op.status = GNTST_general_error;
        else
            for ( unsigned int i = 0; i < op.nr_frames; i++ )
            {
                uint64_t f = gt->hvm ? gt->shared_gfn[i] : virt_to_mfn(gt->shared[i]);

                /* As Xen: every frame is tried, the status says one failed. */
                if ( copy_to_guest(op.frame_list + 8 * i, &f, sizeof(f)) )
                    op.status = GNTST_bad_virt_addr;
            }
        spin_unlock(&gt->lock);
    }
    target_put(d, gt);
    return copy_to_guest(uop + offsetof(struct gnttab_setup_table, status), &op.status,
                         sizeof(op.status));
}

static long query_size(uint64_t uop, unsigned long count)
{
    struct gnttab_query_size op;
    struct grant_table *gt;
    struct domain *d;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    op.status = target_table(op.dom, &d, &gt);
    if ( op.status == GNTST_okay )
    {
        op.nr_frames = gt->nr_frames;
        op.max_nr_frames = GNTTAB_MAX_FRAMES;
    }
    target_put(d, gt);
    return copy_to_guest(uop, &op, sizeof(op));
}

static long set_version(uint64_t uop)
{
    struct gnttab_set_version op;
    long rc;

    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    if ( op.version != 1 && op.version != 2 )
        rc = -EINVAL;
    else if ( op.version == 2 )
        rc = -ENOSYS;                   /* Xen with max_grant_version 1 */
    else
        rc = 0;
    op.version = 1;                     /* the version in force */
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long get_version(uint64_t uop)
{
    struct gnttab_get_version op;
    struct domain *d;
    bool rc;

    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    if ( !(d = domain_by_any_id(op.dom)) )
        return -ESRCH;
    rc = may_target(current->domain, d);
    domain_put(d);
    if ( !rc )
        return -EPERM;
    op.version = 1;
    return copy_to_guest(uop + offsetof(struct gnttab_get_version, version), &op.version,
                         sizeof(op.version));
}

/* v1 has no status frames: asking for any is GNTST_general_error. */
static long get_status_frames(uint64_t uop, unsigned long count)
{
    struct gnttab_get_status_frames op;
    struct grant_table *gt;
    struct domain *d;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    if ( !current->domain->arch.is_hvm &&
         !guest_range_ok(op.frame_list, (uint64_t)op.nr_frames * 8) )
        return -EFAULT;
    op.status = target_table(op.dom, &d, &gt);
    if ( op.status == GNTST_okay && op.nr_frames )
        op.status = GNTST_general_error;
    target_put(d, gt);
    return copy_to_guest(uop + offsetof(struct gnttab_get_status_frames, status), &op.status,
                         sizeof(op.status));
}

/* ---- batches ---- */

/* One map: the op read, done, and written back whole (handle, bus address, status). */
static int map_at(uint64_t at)
{
    struct gnttab_map_grant_ref op;

    if ( copy_from_guest(&op, at, sizeof(op)) )
        return -EFAULT;
    map_one(&op);
    return copy_to_guest(at, &op, sizeof(op)) ? -EFAULT : 0;
}

/* One copy: only its status goes back. */
static int copy_at(uint64_t at)
{
    struct gnttab_copy op;

    if ( copy_from_guest(&op, at, sizeof(op)) )
        return -EFAULT;
    op.status = copy_one(&op);
    return copy_to_guest(at + offsetof(struct gnttab_copy, status), &op.status,
                         sizeof(op.status)) ? -EFAULT : 0;
}

/* A map or copy batch, op by op: the number done when preempted, 0, or -EFAULT. */
static long op_batch(uint64_t uop, unsigned int count, size_t size, bool preemptible,
                     int (*one)(uint64_t at))
{
    for ( unsigned int i = 0; i < count; i++ )
    {
        if ( i && preemptible && pv_hypercall_preempt_check() )
            return i;
        if ( one(uop + (uint64_t)i * size) )
            return -EFAULT;
    }
    return 0;
}

long do_grant_table_op(unsigned long cmd, uint64_t uop, unsigned long count)
{
    struct vcpu *v = current;
    bool preemptible;
    size_t size = 0;
    long rc;

    /* Xen's arguments are 32-bit: cmd and count. */
    cmd = (uint32_t)cmd;
    count = (uint32_t)count;
    if ( (int)count < 0 )
        return -EINVAL;
    if ( (cmd & ~GNTTABOP_CMD_MASK) && (cmd & GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush )
        return -EINVAL;                 /* only cache_flush carries progress in cmd */
    preemptible = is_hvm_vcpu(v) ? hvm_hypercall_can_continue(__HYPERVISOR_grant_table_op)
                                 : pv_hypercall_can_continue(__HYPERVISOR_grant_table_op, cmd);

    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
        size = sizeof(struct gnttab_map_grant_ref);
        break;
    case GNTTABOP_unmap_grant_ref:
        size = sizeof(struct gnttab_unmap_grant_ref);
        break;
    case GNTTABOP_unmap_and_replace:
        size = sizeof(struct gnttab_unmap_and_replace);
        break;
    case GNTTABOP_copy:
        size = sizeof(struct gnttab_copy);
        break;
    case GNTTABOP_setup_table:
        return setup_table(uop, count);
    case GNTTABOP_query_size:
        return query_size(uop, count);
    case GNTTABOP_set_version:
        return set_version(uop);
    case GNTTABOP_get_version:
        return get_version(uop);
    case GNTTABOP_get_status_frames:
        return get_status_frames(uop, count);
    default:
        return -ENOSYS;                 /* dump_table, transfer, swap, cache_flush: not offered */
    }

    /* Xen's guest_handle_okay on the whole array. */
    if ( !v->domain->arch.is_hvm && !guest_range_ok(uop, count * size) )
        return -EFAULT;
    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
        rc = op_batch(uop, count, size, preemptible, map_at);
        break;
    case GNTTABOP_copy:
        rc = op_batch(uop, count, size, preemptible, copy_at);
        break;
    default:
        rc = unmap_batch(uop, count, cmd == GNTTABOP_unmap_and_replace, preemptible);
        break;
    }
    if ( rc > 0 )
    {
        unsigned long args[3] = { cmd, uop + rc * size, count - rc };

        rc = is_hvm_vcpu(v) ? hvm_hypercall_continuation(__HYPERVISOR_grant_table_op, 3, args)
                            : pv_hypercall_continuation_n(__HYPERVISOR_grant_table_op, cmd, 3, args);
    }
    return rc;
}

/* ---- destruction ---- */

/* Every grant d maps: unmapped as if by unmap_grant_ref (the address space is going). */
static void release_mappings(struct domain *d)
{
    struct grant_table *lgt = d->grant_table;
    unsigned int limit = lgt->maptrack_frames * MAPTRACK_PER_FRAME;

    /* Its page tables and p2m go unwalked: no CPU may still use them first. */
    arch_grant_flush(d);
    for ( unsigned int h = 0; h < limit; h++ )
    {
        struct grant_mapping *m = maptrack_entry(lgt, h);
        struct unmap_done u;

        if ( !m->flags )
            continue;
        u = (struct unmap_done){
            .handle = h, .done = m->flags & GNTMAP_kinds, .flags = m->flags,
            .rgt = m->rgt, .ref = m->ref, .mfn = m->mfn,
            .writable_ref = mapping_writable_ref(d, m->rgt, m->flags),
        };
        m->busy = 1;
        unmap_finish(d, &u);
    }
}

void gnttab_domain_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;

    if ( !gt )
        return;
    release_mappings(d);
    spin_lock(&gt->lock);
    gt->dying = true;
    for ( unsigned int i = 0; i < gt->nr_frames; i++ )
    {
        release_shared_frame(d, gt->shared[i]);
        gt->shared[i] = NULL;
    }
    spin_unlock(&gt->lock);
    spin_lock(&gt_lookup_lock);
    d->grant_table = NULL;
    spin_unlock(&gt_lookup_lock);
    gt_put(gt);
}

/* ---- boot self-test ---- */

#define SELFTEST_GRANTER 0x7fe1
#define SELFTEST_BACKEND 0x7fe2

/*
 * What the domain builder relies on, without a guest: a table from
 * creation, the reserved entries seeded for a backend, a first pin that
 * checks the entry and sets GTF_reading (and one by another domain
 * refused), the unpin that clears it, growth by add_to_physmap's path,
 * table frames never grantable, and every frame back at destruction.
 */
void gnttab_selftest(void)
{
    unsigned long before = avail_heap_pages();
    struct domain *a = domain_create(SELFTEST_GRANTER, 0, 1);
    struct domain *b = domain_create(SELFTEST_BACKEND, 0, 1);
    struct grant_table *gt;
    struct page_info *pg;
    uint64_t old_gfn;
    mfn_t mfn = INVALID_MFN, frame2 = INVALID_MFN;
    int pin_rc, other_rc, empty_rc;
    uint16_t pinned_flags;
    bool ok;

    if ( !a || !b || !a->grant_table || !b->grant_table )
        panic("grant table self-test: cannot create domains with grant tables");
    a->max_pages = 1;
    if ( !(pg = alloc_domheap_pages(a, 0)) )
        panic("grant table self-test: no frame");
    gt = a->grant_table;
    ok = !gnttab_seed_reserved(a, SELFTEST_BACKEND, page_to_mfn(pg), SELFTEST_BACKEND,
                               ~0ULL) &&
         shared_entry(gt, GNTTAB_RESERVED_CONSOLE)->flags == GTF_permit_access &&
         shared_entry(gt, GNTTAB_RESERVED_CONSOLE)->domid == SELFTEST_BACKEND &&
         shared_entry(gt, GNTTAB_RESERVED_CONSOLE)->frame == page_to_mfn(pg) &&
         shared_entry(gt, GNTTAB_RESERVED_XENSTORE)->flags == GTF_invalid;
    spin_lock(&gt->lock);
    pin_rc = pin_entry(a, gt, GNTTAB_RESERVED_CONSOLE, SELFTEST_BACKEND, PIN_HOST_RO, true, &mfn);
    pinned_flags = shared_entry(gt, GNTTAB_RESERVED_CONSOLE)->flags;
    other_rc = pin_entry(a, gt, GNTTAB_RESERVED_CONSOLE, 0, PIN_HOST_RO, true, &frame2);
    empty_rc = pin_entry(a, gt, GNTTAB_RESERVED_XENSTORE, SELFTEST_BACKEND, PIN_HOST_RO, true,
                         &frame2);
    spin_unlock(&gt->lock);
    if ( pin_rc == GNTST_okay )
        unpin_entry(gt, GNTTAB_RESERVED_CONSOLE, GNTMAP_host_map | GNTMAP_readonly, false);
    ok = ok && pin_rc == GNTST_okay && mfn == page_to_mfn(pg) &&
         pinned_flags == (GTF_permit_access | GTF_reading) &&
         other_rc == GNTST_general_error && empty_rc == GNTST_general_error &&
         shared_entry(gt, GNTTAB_RESERVED_CONSOLE)->flags == GTF_permit_access;
    ok = ok && !gnttab_map_frame(b, 2, 0x1234, &frame2, &old_gfn) && old_gfn == ~0ULL &&
         b->grant_table->nr_frames == 3 && gnttab_is_table_frame(b, frame2) &&
         grantable_frame(b, b->grant_table, frame2) == INVALID_MFN &&
         gnttab_map_frame(b, XENMAPIDX_grant_table_status, 0, &frame2, &old_gfn) == -EINVAL &&
         gnttab_map_frame(b, GNTTAB_MAX_FRAMES, 0, &frame2, &old_gfn) == -EINVAL;
    if ( !ok )
        panic("grant table self-test: seed %d, pin %d (flags %#x), other %d, empty %d",
              shared_entry(gt, 0)->flags, pin_rc, pinned_flags, other_rc, empty_rc);
    domain_destroy(a);
    domain_destroy(b);
    if ( avail_heap_pages() != before )
        panic("grant table self-test: %ld frames leaked", (long)(before - avail_heap_pages()));
    printk("Grant table self-test passed: reserved entries seeded, pinned, 3 frames, "
           "destroy, no leak\n");
}
