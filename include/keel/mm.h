/*
 * Machine frame metadata and the buddy allocator that hands out frames.
 *
 * Every frame 0..max_page-1 has a struct page_info in frame_table.  The
 * heap holds free frames in naturally aligned power-of-two blocks; the
 * Xen heap is the part of it that Keel itself uses through the direct map.
 */
#ifndef KEEL_MM_H
#define KEEL_MM_H

#include <keel/types.h>
#include <keel/compiler.h>
#include <asm/page.h>
#include <public/xen.h>     /* DOMID_INVALID */

#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#endif
#ifndef PAGE_MASK
#define PAGE_MASK  (~(PAGE_SIZE - 1))
#endif

/* Largest block the heap manages: 2^18 pages = 1 GiB. */
#define MAX_ORDER 18

struct page_info;

struct page_list_entry {
    struct page_info *next, *prev;
};

struct page_info {
    struct page_list_entry list;    /* free list / owner's list */
    unsigned long count_info;       /* PGC_* flags, reference count */
    unsigned long type_info;        /* PGT_* type and type count */
    union {
        /* Valid while PGC_free, and only in the first frame of a block. */
        struct {
            unsigned int order;
        } free;
        /* Owner domain, DOMID_INVALID when the frame is Keel's. */
        struct {
            domid_t owner;
            uint16_t nr_validated;  /* PV table in PGT_partial: entries [0, n) hold references */
            uint32_t foreign_rw;    /* writable references of other domains (page_ref.h) */
        } inuse;
    } u;
    uint64_t tlbflush_timestamp;    /* flush clock when a mapping of it last went away */
    uint64_t foreign_dirty;         /* cpumask_t: CPUs that may cache a foreign writable mapping */
};

/* count_info: flags from the top bit down, the reference count below. */
#define PGC_free       (1UL << 63)  /* in the heap (every frame of a block) */
#define PGC_reserved   (1UL << 62)  /* not allocatable: image, modules, MMIO */
#define PGC_xen_heap   (1UL << 61)  /* allocated as Xen heap */
#define PGC_extra      (1UL << 60)  /* on a dying owner's list, not in tot_pages (shared_info) */
#define PGC_count_mask ((1UL << 56) - 1)

/* Set up by the architecture before the heap is initialised. */
extern struct page_info *frame_table;
extern unsigned long max_page;

static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return pg - frame_table;
}

static inline struct page_info *mfn_to_page(mfn_t mfn)
{
    return frame_table + mfn;
}

/*
 * Give nr_pages frames starting at pg to the heap, merging them with free
 * neighbours.  Frames marked PGC_reserved in the range are skipped.
 */
void init_heap_pages(struct page_info *pg, unsigned long nr_pages);

/*
 * 2^order contiguous frames aligned to their size, or NULL.  memflags:
 * 0, or MEMF_bits(n): every frame below 2^n bytes (Xen's XENMEMF_address_bits,
 * for devices that can only address so much).
 */
#define MEMF_bits(n)        ((unsigned int)(n) << 24)
#define MEMF_get_bits(f)    (((f) >> 24) & 0xff)
struct page_info *alloc_heap_pages(unsigned int order, unsigned int memflags);

/* Return a block; BUG()s on anything but a block that is allocated. */
void free_heap_pages(struct page_info *pg, unsigned int order);

/* Frames free in the heap, and all frames ever given to it. */
unsigned long avail_heap_pages(void);
unsigned long total_heap_pages(void);

/* Heap frames for Keel's own use, as a direct-map pointer.  Not zeroed. */
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
/* v == NULL is a no-op; v must come from alloc_xenheap_pages(order). */
void free_xenheap_pages(void *v, unsigned int order);

/* memory_op reservations, PV (pv/memory.c) and HVM (hvm/memory.c) alike. */
#define MEMOP_WORK_BUDGET (1UL << 15)    /* frames per call before it is continued */
#define HWDOM_MAX_ORDER   12             /* Xen's CONFIG_HWDOM_MAX_ORDER */
#define DOMU_MAX_ORDER    9              /* Xen's CONFIG_DOMU_MAX_ORDER */

#endif /* KEEL_MM_H */
