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
#define PGT_pinned      (1UL << 60)   /* MMUEXT_PIN_*: one reference held by the pin */
#define PGT_stale_rw    (1UL << 59)   /* lost a writable mapping: flush before it is a table */
#define PGT_was_table   (1UL << 58)   /* stopped being a table: flush before it is writable */
#define PGT_count_mask  ((1UL << 48) - 1)

/* Guest PTE bits Keel accepts and the ones it forces. */
#define PV_PTE_FLAGS_MASK 0x8000000000000fffUL   /* NX + low flag bits */
#define PV_L1_KERNEL_BIT  (1UL << 52)             /* Xen's "guest kernel" marker */

static inline unsigned long page_type(const struct page_info *pg)
{
    return pg->type_info & PGT_type_mask;
}

struct domain;
/*
 * Take a type reference: the frame becomes (or already is) a page table of
 * that level or a descriptor page, validated on first use.  0, -EINVAL
 * (not the domain's, wrong type, bad contents) or -EBUSY (writably mapped).
 */
int get_page_type(struct domain *d, mfn_t mfn, unsigned long type);
/* Drop one; the last one turns the frame back into a plain page. */
void put_page_type(struct domain *d, mfn_t mfn);
/* Entries: check a new one and take its references / drop an old one's. */
int pv_get_l1e(struct domain *d, uint64_t *l1e);
void pv_put_l1e(uint64_t l1e);
int pv_get_upper_entry(struct domain *d, uint64_t *e, unsigned long type);
void pv_put_upper_entry(struct domain *d, uint64_t e);
/* The L1 entry mapping va in v's kernel page tables, or NULL (page_lock held). */
struct vcpu;
uint64_t *pv_find_l1e(struct vcpu *v, uint64_t va);
/* The same through the vCPU's user-mode L4 (NULL when it has none). */
uint64_t *pv_find_user_l1e(struct vcpu *v, uint64_t va);
/* A #PF that wrote one of the guest's L1 tables: emulated if true (ptwr.c). */
struct cpu_user_regs;
bool pv_ptwr_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t cr2);
/* L4 slots 256..271 belong to Keel in every guest L4. */
bool keel_l4_slot(unsigned int slot);

#endif /* ASM_PV_MM_H */
