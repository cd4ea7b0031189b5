/*
 * PV page types, kept in page_info.type_info: a frame is a page table of
 * one level, a descriptor page, or a plain page whose low bits count the
 * writable mappings of it in the domain's page tables.  A page table is
 * never writable by the guest: that is what makes PV memory safe.
 */
#ifndef ASM_PV_MM_H
#define ASM_PV_MM_H

#include <keel/mm.h>

#define PGT_type_mask   (7UL << 61)
#define PGT_none        (0UL << 61)   /* plain page, count = writable mappings */
#define PGT_l1          (1UL << 61)
#define PGT_l2          (2UL << 61)
#define PGT_l3          (3UL << 61)
#define PGT_l4          (4UL << 61)
#define PGT_seg_desc    (5UL << 61)
#define PGT_count_mask  ((1UL << 48) - 1)

/* Guest PTE bits Keel accepts and the ones it forces. */
#define PV_PTE_FLAGS_MASK 0x8000000000000fffUL   /* NX + low flag bits */
#define PV_L1_KERNEL_BIT  (1UL << 52)             /* Xen's "guest kernel" marker */

static inline unsigned long page_type(const struct page_info *pg)
{
    return pg->type_info & PGT_type_mask;
}

struct domain;
/* Check a new L1 entry for d and take its writable reference; 0 or -EINVAL. */
int pv_get_l1e(struct domain *d, uint64_t *l1e);
/* Drop the writable reference an old L1 entry held. */
void pv_put_l1e(uint64_t l1e);

#endif /* ASM_PV_MM_H */
