/*
 * Nested page tables for HVM domains.  Tables are Keel heap pages; the
 * leaves point at frames the domain owns (or its shared_info page): 2 MiB
 * leaves where RAM is aligned for them, 4 KiB ones otherwise.  A 4 KiB
 * change inside a 2 MiB leaf first splits it into an L1 table.  Every change
 * bumps the generation, so vCPUs flush their nested TLB before running.
 *
 * Tables come from a per-domain pool of bounded size: a guest that asks for
 * mappings at scattered guest frames (XENMEM_add_to_physmap, anything that
 * sets an entry on its behalf) makes Keel allocate tables, and nothing but
 * this bound keeps it from draining Keel's heap.  The pool covers mapping
 * all of the domain's RAM with 4 KiB leaves, plus P2M_SLACK_TABLES for the
 * device pages and the places the guest chooses; past it a change that
 * needs a new table fails with -ENOMEM, as Xen's p2m does when its paging
 * pool is empty.  Tables are not given back before the domain dies
 * (Xen's p2m keeps its intermediate tables too), so the bound is on what a
 * domain can ever take.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <asm/page.h>
#include <asm/p2m.h>
#include <public/errno.h>

#define NPT_TABLE_FLAGS  (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define NPT_LEAF_FLAGS   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                          _PAGE_DIRTY)
#define P2M_TYPE_SHIFT   52
#define P2M_TYPE_MASK    (0xfUL << P2M_TYPE_SHIFT)
#define GFN_LIMIT        (1UL << (48 - PAGE_SHIFT))   /* 256 TiB guest-physical */
#define P2M_SLACK_TABLES 64                           /* 256 KiB beyond the RAM's own */

/* Caller holds the lock (or owns the p2m alone, at init). */
static uint64_t *new_table(struct p2m *p2m)
{
    uint64_t *t;

    if ( p2m->nr_tables >= p2m->max_tables )
    {
        if ( !p2m->pool_full_reported )
            printk(KLOG_WARNING "d%u: p2m table pool full (%lu of %lu tables): "
                   "refusing new mappings that need a table\n", p2m->domid,
                   p2m->nr_tables, p2m->max_tables);
        p2m->pool_full_reported = true;
        return NULL;
    }
    t = alloc_xenheap_pages(0, 0);

    if ( t )
    {
        memset(t, 0, PAGE_SIZE);
        p2m->nr_tables++;
    }
    return t;
}

int p2m_init(struct p2m *p2m, unsigned int domid)
{
    uint64_t *root;

    spin_lock_init(&p2m->lock);
    p2m->domid = domid;
    p2m->max_tables = P2M_SLACK_TABLES;
    p2m->pool_full_reported = false;
    p2m->nr_tables = 0;
    p2m->nr_superpages = 0;
    p2m->generation = 0;
    root = new_table(p2m);
    if ( !root )
        return -ENOMEM;
    p2m->root = virt_to_mfn(root);
    return 0;
}

void p2m_size_pool(struct p2m *p2m, unsigned long nr_ram_pages)
{
    /* One table per 512 entries at each level below the root, rounded up. */
    unsigned long l1 = (nr_ram_pages + 511) >> 9, l2 = (l1 + 511) >> 9, l3 = (l2 + 511) >> 9;

    spin_lock(&p2m->lock);
    p2m->max_tables = 1 + l3 + l2 + l1 + P2M_SLACK_TABLES;
    spin_unlock(&p2m->lock);
}

static void free_level(uint64_t *t, unsigned int level)
{
    for ( unsigned int i = 0; level > 1 && i < PT_ENTRIES; i++ )
        if ( (t[i] & _PAGE_PRESENT) && !(t[i] & _PAGE_PSE) )
            free_level(maddr_to_virt(t[i] & PADDR_MASK), level - 1);
    free_xenheap_pages(t, 0);
}

/* Replace a 2 MiB leaf by an L1 table mapping the same 512 frames. */
static bool split_superpage(struct p2m *p2m, uint64_t *e)
{
    uint64_t *l1 = new_table(p2m);
    uint64_t base = *e & ~(_PAGE_PSE | (0x1ffUL << PAGE_SHIFT));

    if ( !l1 )
        return false;
    for ( unsigned int i = 0; i < PT_ENTRIES; i++ )
        l1[i] = base + ((uint64_t)i << PAGE_SHIFT);
    *e = virt_to_maddr(l1) | NPT_TABLE_FLAGS;
    p2m->nr_superpages--;
    return true;
}

void p2m_teardown(struct p2m *p2m)
{
    mfn_t root;

    /* Other domains may look gfns up until the end (foreign mappings): under the lock. */
    spin_lock(&p2m->lock);
    root = p2m->root;
    p2m->root = 0;
    spin_unlock(&p2m->lock);
    if ( root )
        free_level(mfn_to_virt(root), 4);
    p2m->nr_tables = 0;
    p2m->nr_superpages = 0;
}

/*
 * The entry for gfn at the level of `stop_shift` (L1_SHIFT or L2_SHIFT),
 * allocating tables on the way when `alloc`; a 2 MiB leaf met on the way to
 * an L1 entry is split when allocating, and returned as is otherwise.
 */
static uint64_t *entry_of(struct p2m *p2m, uint64_t gfn, unsigned int stop_shift,
                          bool alloc)
{
    uint64_t *t = mfn_to_virt(p2m->root);
    uint64_t addr = gfn << PAGE_SHIFT;

    for ( unsigned int shift = L4_SHIFT; shift > stop_shift; shift -= 9 )
    {
        uint64_t *e = &t[pt_index(addr, shift)];

        if ( (*e & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE) &&
             (!alloc || !split_superpage(p2m, e)) )
            return alloc ? NULL : e;
        if ( !(*e & _PAGE_PRESENT) )
        {
            uint64_t *n;

            if ( !alloc || !(n = new_table(p2m)) )
                return NULL;
            *e = virt_to_maddr(n) | NPT_TABLE_FLAGS;
        }
        t = maddr_to_virt(*e & PADDR_MASK);
    }
    return &t[pt_index(addr, stop_shift)];
}

int p2m_set_entry(struct p2m *p2m, uint64_t gfn, mfn_t mfn, p2m_type_t t)
{
    uint64_t *e;
    int rc = 0;

    if ( gfn >= GFN_LIMIT )
        return -EINVAL;
    spin_lock(&p2m->lock);
    /* A hole where no table reaches needs no table: nothing is allocated for it. */
    e = entry_of(p2m, gfn, L1_SHIFT, false);
    if ( t == p2m_invalid && (!e || !*e) )
        goto out;
    if ( !e || (*e & _PAGE_PSE) )
        e = entry_of(p2m, gfn, L1_SHIFT, true);
    if ( !e )
        rc = -ENOMEM;
    else if ( t == p2m_ram_rw || t == p2m_shared_info || t == p2m_grant_map_rw ||
              t == p2m_grant_table )
        *e = ((uint64_t)mfn << PAGE_SHIFT) | NPT_LEAF_FLAGS |
             ((uint64_t)t << P2M_TYPE_SHIFT);
    else if ( t == p2m_mmio_direct )
        *e = ((uint64_t)mfn << PAGE_SHIFT) | NPT_LEAF_FLAGS | _PAGE_PCD | _PAGE_PWT |
             ((uint64_t)t << P2M_TYPE_SHIFT);
    else if ( t == p2m_grant_map_ro )
        *e = ((uint64_t)mfn << PAGE_SHIFT) | (NPT_LEAF_FLAGS & ~_PAGE_RW) |
             ((uint64_t)t << P2M_TYPE_SHIFT);
    else
        *e = (uint64_t)t << P2M_TYPE_SHIFT;    /* not present: every access faults */
    p2m->generation++;
 out:
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_set_superpage(struct p2m *p2m, uint64_t gfn, mfn_t mfn, p2m_type_t t)
{
    uint64_t *e;
    int rc = 0;

    if ( gfn >= GFN_LIMIT || (gfn | mfn) & 0x1ff || t != p2m_ram_rw )
        return -EINVAL;
    spin_lock(&p2m->lock);
    e = entry_of(p2m, gfn, L2_SHIFT, true);
    if ( !e || (*e & _PAGE_PRESENT) )
        rc = e ? -EEXIST : -ENOMEM;             /* only over a hole */
    else
    {
        *e = ((uint64_t)mfn << PAGE_SHIFT) | NPT_LEAF_FLAGS | _PAGE_PSE |
             ((uint64_t)t << P2M_TYPE_SHIFT);
        p2m->nr_superpages++;
        p2m->generation++;
    }
    spin_unlock(&p2m->lock);
    return rc;
}

mfn_t p2m_lookup(struct p2m *p2m, uint64_t gfn, p2m_type_t *t)
{
    uint64_t *e, entry = 0;

    if ( gfn < GFN_LIMIT )
    {
        spin_lock(&p2m->lock);
        e = p2m->root ? entry_of(p2m, gfn, L1_SHIFT, false) : NULL;   /* torn down: none */
        entry = e ? *e : 0;
        spin_unlock(&p2m->lock);
    }
    *t = (p2m_type_t)((entry & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT);
    if ( !(entry & _PAGE_PRESENT) )
        return INVALID_MFN;
    if ( entry & _PAGE_PSE )                    /* inside a 2 MiB leaf */
        return ((entry & PADDR_MASK & ~(0x1ffUL << PAGE_SHIFT)) >> PAGE_SHIFT) +
               (gfn & 0x1ff);
    return (entry & PADDR_MASK) >> PAGE_SHIFT;
}
