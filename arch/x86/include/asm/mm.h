/* Keel's own address space: boot allocator, direct map, ioremap. */
#ifndef ASM_MM_H
#define ASM_MM_H

#include <keel/types.h>
#include <keel/bootinfo.h>

extern uint64_t idle_pg_table[];

/* Build the frame table and the heap from the loader's memory map. */
void mm_init(const struct boot_info *bi);
/* Frames before the heap exists (aligned to align_pages); panics when out. */
mfn_t alloc_boot_pages(unsigned long nr, unsigned long align_pages);
/* Map nr 4K frames at va in Keel's page tables (2M pages where aligned). */
int map_pages_to_keel(unsigned long va, paddr_t pa, unsigned long nr,
                      uint64_t flags);
/* Uncached mapping of device registers; NULL when the area is exhausted. */
void *ioremap(paddr_t pa, size_t size);
void populate_hypervisor_l4(void);
/* The read-only machine-to-phys table PV guests read (slot 256). */
void m2p_init(void);
void set_gpfn_from_mfn(mfn_t mfn, unsigned long pfn);
unsigned long get_gpfn_from_mfn(mfn_t mfn);
#define INVALID_M2P_ENTRY (~0UL)
/* Set once the buddy heap owns memory: page tables come from it after that. */
extern bool heap_ready;
/* Highest machine address of RAM + 1. */
paddr_t mm_ram_end(void);

#endif /* ASM_MM_H */
