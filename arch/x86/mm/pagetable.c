/*
 * Keel's page tables: the idle L4 built by head.S plus mappings added at
 * run time (direct map above 4 GiB, ioremap).  Intermediate tables come
 * from the boot allocator until the heap is up, then from the heap.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/panic.h>
#include <keel/spinlock.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <public/errno.h>

static DEFINE_SPINLOCK(map_lock);
static unsigned long ioremap_next = IOREMAP_VIRT_START;
bool heap_ready;

static uint64_t *alloc_pt_page(void)
{
    void *pt;

    if ( heap_ready )
        pt = alloc_xenheap_pages(0, 0);
    else
        pt = mfn_to_virt(alloc_boot_pages(1, 1));
    if ( pt )
        memset(pt, 0, PAGE_SIZE);
    return pt;
}

/*
 * The next-level table under *entry, allocated if absent; NULL if a
 * superpage is in the way.  `user` marks the path guest-readable (only the
 * read-only M2P needs it: the leaves decide what is writable).
 */
static uint64_t *next_table(uint64_t *entry, bool user)
{
    uint64_t *pt;

    if ( *entry & _PAGE_PRESENT )
    {
        if ( user )
            *entry |= _PAGE_USER;
        return (*entry & _PAGE_PSE) ? NULL : maddr_to_virt(*entry & PADDR_MASK);
    }
    pt = alloc_pt_page();
    if ( !pt )
        return NULL;
    *entry = virt_to_maddr(pt) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
             _PAGE_DIRTY | (user ? _PAGE_USER : 0);
    return pt;
}

static int map_one(unsigned long va, paddr_t pa, bool large, uint64_t flags)
{
    bool user = flags & _PAGE_USER;
    uint64_t *l3, *l2, *l1;

    l3 = next_table(&idle_pg_table[pt_index(va, L4_SHIFT)], user);
    l2 = l3 ? next_table(&l3[pt_index(va, L3_SHIFT)], user) : NULL;
    if ( !l2 )
        return -ENOMEM;
    if ( large )
    {
        l2[pt_index(va, L2_SHIFT)] = pa | flags | _PAGE_PSE;
        return 0;
    }
    l1 = next_table(&l2[pt_index(va, L2_SHIFT)], user);
    if ( !l1 )
        return -EBUSY;
    l1[pt_index(va, L1_SHIFT)] = pa | flags;
    invlpg(va);
    return 0;
}

int map_pages_to_keel(unsigned long va, paddr_t pa, unsigned long nr,
                      uint64_t flags)
{
    const unsigned long large_pages = 1UL << (L2_SHIFT - L1_SHIFT);
    unsigned long irq;
    int rc = 0;

    spin_lock_irqsave(&map_lock, irq);
    while ( nr && !rc )
    {
        bool large = !((va | pa) & ((1UL << L2_SHIFT) - 1)) && nr >= large_pages;

        rc = map_one(va, pa, large, flags);
        va += large ? (1UL << L2_SHIFT) : PAGE_SIZE;
        pa += large ? (1UL << L2_SHIFT) : PAGE_SIZE;
        nr -= large ? large_pages : 1;
    }
    spin_unlock_irqrestore(&map_lock, irq);
    if ( !rc )
        flush_tlb_local();
    return rc;
}

void *ioremap(paddr_t pa, size_t size)
{
    paddr_t base = pa & PAGE_MASK;
    unsigned long nr = PFN_UP(pa + size - base);
    unsigned long va = __atomic_fetch_add(&ioremap_next, nr * PAGE_SIZE,
                                          __ATOMIC_RELAXED);

    if ( size == 0 || va + nr * PAGE_SIZE > IOREMAP_VIRT_END )
        return NULL;
    /* 4K pages only: a device window never shares a 2M page with RAM here. */
    for ( unsigned long i = 0; i < nr; i++ )
        if ( map_pages_to_keel(va + i * PAGE_SIZE, base + i * PAGE_SIZE, 1,
                               PAGE_HYPERVISOR_UC) )
            return NULL;
    return (void *)(va + (pa - base));
}

/*
 * Give every hypervisor L4 slot (256..271) a table now, so that guest L4s,
 * which copy these slots once, see all later changes of Keel's mappings.
 */
void populate_hypervisor_l4(void)
{
    for ( unsigned int slot = 256; slot < 272; slot++ )
        if ( !next_table(&idle_pg_table[slot], slot == 256) )
            panic("no memory for the hypervisor L4 slots");
}
