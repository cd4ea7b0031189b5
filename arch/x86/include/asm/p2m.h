/*
 * The p2m of an HVM domain: guest-physical -> machine frames, kept as an
 * AMD nested page table (host paging format, every entry user-accessible
 * because NPT treats guest accesses as user accesses).  The p2m type of an
 * entry sits in the ignored bits 52-55.
 */
#ifndef ASM_P2M_H
#define ASM_P2M_H

#include <keel/types.h>
#include <keel/spinlock.h>

typedef enum {
    p2m_invalid = 0,        /* nothing: an access is a nested page fault */
    p2m_ram_rw = 1,         /* the domain's RAM */
    p2m_mmio_emul = 2,      /* emulated device: never present, always faults */
    p2m_shared_info = 3,    /* the domain's shared_info page */
    p2m_grant_map_rw = 4,   /* another domain's frame, mapped through a grant */
    p2m_grant_map_ro = 5,   /* ... read-only: a write is a nested page fault */
    p2m_grant_table = 6,    /* one of its grant-table frames (XENMAPSPACE_grant_table) */
    p2m_mmio_direct = 7,    /* the host's MMIO at the same address (PVH dom0 only), uncached */
} p2m_type_t;

struct p2m {
    spinlock_t lock;
    mfn_t root;             /* the L4 (n_cr3) */
    unsigned int domid;             /* for messages */
    unsigned long nr_tables;        /* tables allocated, the root included */
    unsigned long max_tables;       /* the domain's pool: never more than this */
    bool pool_full_reported;
    unsigned long nr_superpages;    /* 2 MiB leaves in use */
    unsigned long generation;       /* bumped by every change: vCPUs flush their TLB */
};

struct domain;

int p2m_init(struct p2m *p2m, unsigned int domid);
/* Size the table pool for a domain of nr_ram_pages (before its RAM is mapped). */
void p2m_size_pool(struct p2m *p2m, unsigned long nr_ram_pages);
void p2m_teardown(struct p2m *p2m);
/*
 * Map (or unmap with p2m_invalid) one 4 KiB guest frame; a 2 MiB leaf around
 * it is split.  -ENOMEM when a table is needed and the pool is used up.
 */
int p2m_set_entry(struct p2m *p2m, uint64_t gfn, mfn_t mfn, p2m_type_t t);
/* Map 512 frames at a 2 MiB-aligned gfn/mfn with one leaf. */
int p2m_set_superpage(struct p2m *p2m, uint64_t gfn, mfn_t mfn, p2m_type_t t);
/* The machine frame of gfn and its type; INVALID_MFN when unmapped. */
mfn_t p2m_lookup(struct p2m *p2m, uint64_t gfn, p2m_type_t *t);
#define INVALID_MFN (~0UL)

#endif /* ASM_P2M_H */
