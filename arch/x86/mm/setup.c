/*
 * Memory at boot: the loader's map becomes a list of free ranges (the boot
 * allocator), then a frame table with one struct page_info per frame, a
 * direct map of all RAM, and finally the buddy heap that owns what is left.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <asm/mm.h>
#include <asm/page.h>

#define MAX_BOOT_RANGES  (BOOT_MAX_MEMMAP + BOOT_MAX_MODULES + 8)
#define LOW_MEMORY_END   0x100000UL   /* below 1 MiB: BIOS, trampoline */

struct pfn_range {
    unsigned long start, end;         /* [start, end) in frames */
};

static struct pfn_range boot_ranges[MAX_BOOT_RANGES];
static unsigned int nr_boot_ranges;
static bool boot_allocator_closed;
static paddr_t ram_end;
static uint64_t ram_bytes;

struct page_info *frame_table;
unsigned long max_page;
extern char __image_start[], __image_end[];

static void boot_range_add(unsigned long start, unsigned long end)
{
    if ( start >= end )
        return;
    if ( nr_boot_ranges == MAX_BOOT_RANGES )
        panic("too many boot memory ranges");
    boot_ranges[nr_boot_ranges++] = (struct pfn_range){ start, end };
}

/* Punch [start, end) out of every free range, splitting where needed. */
static void boot_range_remove(unsigned long start, unsigned long end)
{
    for ( unsigned int i = 0; i < nr_boot_ranges; i++ )
    {
        struct pfn_range *r = &boot_ranges[i];
        unsigned long old_end = r->end;

        if ( end <= r->start || start >= r->end )
            continue;
        if ( start > r->start )
        {
            r->end = start;
            boot_range_add(end, old_end);
        }
        else
            r->start = min(end, old_end);
    }
}

static void collect_free_ranges(const struct boot_info *bi)
{
    unsigned int i;

    for ( i = 0; i < bi->nr_memmap; i++ )
    {
        const struct boot_memrange *m = &bi->memmap[i];

        if ( m->type != E820_RAM )
            continue;
        boot_range_add(PFN_UP(max(m->addr, (uint64_t)LOW_MEMORY_END)),
                       PFN_DOWN(m->addr + m->size));
        ram_end = max(ram_end, (paddr_t)(m->addr + m->size));
        ram_bytes += m->size;
    }
    /* Anything the map also calls non-RAM wins over an overlapping RAM entry. */
    for ( i = 0; i < bi->nr_memmap; i++ )
        if ( bi->memmap[i].type != E820_RAM )
            boot_range_remove(PFN_DOWN(bi->memmap[i].addr),
                              PFN_UP(bi->memmap[i].addr + bi->memmap[i].size));
    boot_range_remove(PFN_DOWN(virt_to_maddr(__image_start)),
                      PFN_UP(virt_to_maddr(__image_end)));
    for ( i = 0; i < bi->nr_modules; i++ )
        boot_range_remove(PFN_DOWN(bi->modules[i].start),
                          PFN_UP(bi->modules[i].start + bi->modules[i].size));
}

mfn_t alloc_boot_pages(unsigned long nr, unsigned long align_pages)
{
    /* Stay inside the boot direct map (first 4 GiB) so the frames are usable at once. */
    const unsigned long limit = PFN_DOWN(BOOT_MAPPED_BYTES);

    if ( boot_allocator_closed )
        panic("alloc_boot_pages() after the heap took over");
    for ( unsigned int i = nr_boot_ranges; i-- > 0; )
    {
        struct pfn_range *r = &boot_ranges[i];
        unsigned long top = min(r->end, limit);
        unsigned long start;

        if ( top < r->start + nr )
            continue;
        start = (top - nr) & ~(align_pages - 1);
        if ( start < r->start )
            continue;
        boot_range_remove(start, start + nr);
        return start;
    }
    panic("out of boot memory allocating %lu pages", nr);
}

/* RAM above the boot map (4 GiB) joins the direct map here. */
static void map_high_ram(const struct boot_info *bi)
{
    if ( ram_end > DIRECTMAP_SIZE )
        panic("RAM above %lu GiB does not fit the direct map",
              DIRECTMAP_SIZE >> 30);
    for ( unsigned int i = 0; i < bi->nr_memmap; i++ )
    {
        const struct boot_memrange *m = &bi->memmap[i];
        paddr_t start = max(m->addr, (uint64_t)BOOT_MAPPED_BYTES) & PAGE_MASK;
        paddr_t end = ROUNDUP(m->addr + m->size, PAGE_SIZE);

        if ( m->type != E820_RAM || end <= start )
            continue;
        if ( map_pages_to_keel(DIRECTMAP_VIRT_START + start, start,
                               PFN_DOWN(end - start), PAGE_HYPERVISOR_NX) )
            panic("cannot map RAM at %#lx in the direct map", start);
    }
}

static void init_frame_table(void)
{
    unsigned long bytes = max_page * sizeof(struct page_info);
    mfn_t mfn = alloc_boot_pages(PFN_UP(bytes), 1);

    frame_table = mfn_to_virt(mfn);
    /* Every frame starts reserved; only the free ranges become heap. */
    for ( unsigned long i = 0; i < max_page; i++ )
    {
        memset(&frame_table[i], 0, sizeof(frame_table[i]));
        frame_table[i].count_info = PGC_reserved;
    }
}

void mm_init(const struct boot_info *bi)
{
    unsigned long free_pages = 0;

    collect_free_ranges(bi);
    if ( !ram_end )
        panic("the boot loader gave no memory map");
    max_page = PFN_DOWN(ram_end);
    map_high_ram(bi);
    init_frame_table();
    boot_allocator_closed = true;
    for ( unsigned int i = 0; i < nr_boot_ranges; i++ )
    {
        const struct pfn_range *r = &boot_ranges[i];

        if ( r->start >= r->end )
            continue;
        init_heap_pages(mfn_to_page(r->start), r->end - r->start);
        free_pages += r->end - r->start;
    }
    heap_ready = true;
    populate_hypervisor_l4();
    m2p_init();
    printk("Memory: %lu MiB RAM (max page %#lx), %lu MiB free in the heap, "
           "image %lu KiB\n", (unsigned long)(ram_bytes >> 20), max_page,
           free_pages >> (20 - PAGE_SHIFT),
           (unsigned long)(__image_end - __image_start) >> 10);
}

paddr_t mm_ram_end(void)
{
    return ram_end;
}
