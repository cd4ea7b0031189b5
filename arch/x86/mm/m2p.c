/*
 * The machine-to-phys table: one 8-byte entry per machine frame giving the
 * owning guest's pseudo-physical frame number.  PV guests read it at
 * RO_MPT_VIRT_START (slot 256, user-readable, never writable); Keel writes
 * it through the direct map of the 2 MiB chunks that hold it.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <asm/mm.h>
#include <asm/page.h>

#define CHUNK_ORDER    9                                 /* 2 MiB chunks */
#define CHUNK_ENTRIES  ((PAGE_SIZE << CHUNK_ORDER) / sizeof(unsigned long))
#define MAX_CHUNKS     4096                              /* 8 GiB of M2P: 4 TiB of RAM */

static unsigned long *m2p_chunks[MAX_CHUNKS];
static unsigned long nr_m2p_chunks;

void m2p_init(void)
{
    unsigned long va = RO_MPT_VIRT_START;

    nr_m2p_chunks = (max_page + CHUNK_ENTRIES - 1) / CHUNK_ENTRIES;
    if ( nr_m2p_chunks > MAX_CHUNKS )
        panic("M2P for %lu frames does not fit", max_page);
    for ( unsigned long i = 0; i < nr_m2p_chunks; i++, va += PAGE_SIZE << CHUNK_ORDER )
    {
        unsigned long *chunk = alloc_xenheap_pages(CHUNK_ORDER, 0);

        if ( !chunk )
            panic("no memory for the M2P table");
        memset(chunk, 0xff, PAGE_SIZE << CHUNK_ORDER);    /* INVALID_M2P_ENTRY */
        m2p_chunks[i] = chunk;
        /* Guests read it (ring 3): user, read-only, not executable. */
        if ( map_pages_to_keel(va, virt_to_maddr(chunk), 1UL << CHUNK_ORDER,
                               _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED |
                               _PAGE_NX) )
            panic("cannot map the M2P table");
    }
    printk("M2P: %lu entries at %#lx, read-only for guests\n", max_page,
           RO_MPT_VIRT_START);
}

void set_gpfn_from_mfn(mfn_t mfn, unsigned long pfn)
{
    if ( mfn < max_page )
        m2p_chunks[mfn / CHUNK_ENTRIES][mfn % CHUNK_ENTRIES] = pfn;
}

unsigned long get_gpfn_from_mfn(mfn_t mfn)
{
    return mfn < max_page ? m2p_chunks[mfn / CHUNK_ENTRIES][mfn % CHUNK_ENTRIES]
                          : INVALID_M2P_ENTRY;
}
