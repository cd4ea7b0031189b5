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
#define PGT_partial     (1UL << 57)   /* (de)validation preempted: see page_type.c */
#define PGT_put_child   (1UL << 56)   /* devalidating: last held entry's reference already dropped */
#define PGT_count_mask  ((1UL << 48) - 1)

/* Guest PTE bits Keel accepts and the ones it forces. */
#define PV_PTE_FLAGS_MASK 0x8000000000000fffUL   /* NX + low flag bits */
#define PV_L1_KERNEL_BIT  (1UL << 52)             /* Xen's "guest kernel" marker */
/*
 * A grant mapping (arch/x86/grant_table.c): Keel writes it, its references
 * belong to the grant's maptrack entry, so pv_put_l1e leaves them alone.
 * A guest's own entries never carry it (pv_get_l1e clears it).
 */
#define PV_L1_GRANT_BIT   (1UL << 54)

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
/*
 * The same for a hypercall that can be continued: validating or
 * devalidating a tree of tables may stop at a preemption point with
 * -ERESTART, the progress kept in the tables themselves (PGT_partial).
 * A get is then re-issued (it resumes); a put's remaining work is the
 * vCPU's pending put, finished by pv_finish_pending_put().
 */
int get_page_type_preemptible(struct domain *d, mfn_t mfn, unsigned long type);
int put_page_type_preemptible(struct domain *d, mfn_t mfn);
/* True if the frame is a complete (not partial) page table of that level. */
bool is_live_table(const struct page_info *pg, unsigned long type);
/* Entries: check a new one and take its references / drop an old one's. */
int pv_get_l1e(struct domain *d, uint64_t *l1e);
/*
 * A new L1 entry of d mapping a frame of another domain fd (mmu_update's
 * foreigndom): a gfn of a translated fd unless !translate.  0, -EBUSY (not
 * fd's, or a page table asked for writable), -EINVAL (no RAM at that gfn)
 * or -EPERM (I/O memory not allowed).
 */
int pv_get_l1e_foreign(struct domain *d, struct domain *fd, uint64_t *l1e, bool translate);
/* An entry of d's L1 is gone: its references go, on d's frame or another domain's. */
void pv_put_l1e(struct domain *d, uint64_t l1e);
/*
 * A dying domain's page tables let go of what their entries hold (its
 * own frames and other domains'); every frame of it becomes a plain page.
 * Its frames themselves stay: common/domain.c drops their allocation
 * references next.
 */
void pv_relinquish_tables(struct domain *d);
int pv_get_upper_entry(struct domain *d, uint64_t *e, unsigned long type);
void pv_put_upper_entry(struct domain *d, uint64_t e);
int pv_get_upper_entry_preemptible(struct domain *d, uint64_t *e, unsigned long type);
int pv_put_upper_entry_preemptible(struct domain *d, uint64_t e);
/* Go on with the teardown of a table a preempted put left partial (0 or -ERESTART). */
int pv_finish_put(struct domain *d, mfn_t mfn, bool preemptible);
/* The L1 entry mapping va in v's kernel page tables, or NULL (page_lock held). */
struct vcpu;
uint64_t *pv_find_l1e(struct vcpu *v, uint64_t va);
/*
 * The same for a linear address a guest names to be remapped
 * (update_va_mapping, grant host maps): NULL outside the guest's range and
 * in the read-only M2P window.
 */
uint64_t *pv_find_guest_l1e(struct vcpu *v, uint64_t va);
/* The same through the vCPU's user-mode L4 (NULL when it has none). */
uint64_t *pv_find_user_l1e(struct vcpu *v, uint64_t va);
/* A #PF that wrote one of the guest's L1 tables: emulated if true (ptwr.c). */
struct cpu_user_regs;
bool pv_ptwr_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t cr2);
/* L4 slots 256..271 belong to Keel in every guest L4. */
bool keel_l4_slot(unsigned int slot);

#endif /* ASM_PV_MM_H */
