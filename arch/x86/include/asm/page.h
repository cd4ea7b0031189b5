/* Address conversions between the direct map, the image and machine addresses. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <keel/types.h>
#include <asm/config.h>

#define PFN_DOWN(x)   ((x) >> PAGE_SHIFT)
#define PFN_UP(x)     (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)

/* Page-table entry bits. */
#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_PWT      0x008UL
#define _PAGE_PCD      0x010UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_PSE      0x080UL
#define _PAGE_GLOBAL   0x100UL
#define _PAGE_NX       (1UL << 63)
#define PADDR_MASK     0x000ffffffffff000UL

#define PAGE_HYPERVISOR     (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PAGE_HYPERVISOR_NX  (PAGE_HYPERVISOR | _PAGE_NX)
#define PAGE_HYPERVISOR_UC  (PAGE_HYPERVISOR_NX | _PAGE_PCD | _PAGE_PWT)

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define PT_ENTRIES 512
#define pt_index(va, shift) (((va) >> (shift)) & (PT_ENTRIES - 1))

static inline void *maddr_to_virt(paddr_t ma)
{
    return (void *)(DIRECTMAP_VIRT_START + ma);
}

static inline paddr_t virt_to_maddr(const void *va)
{
    unsigned long v = (unsigned long)va;

    /* The image is reachable at two addresses; both convert. */
    if ( v >= KEEL_VIRT_START && v < KEEL_VIRT_START + (1UL << L4_SHIFT) )
        return v - KEEL_VIRT_START;
    return v - DIRECTMAP_VIRT_START;
}

#define __va(ma)          maddr_to_virt(ma)
#define __pa(va)          virt_to_maddr(va)
#define mfn_to_virt(mfn)  maddr_to_virt((paddr_t)(mfn) << PAGE_SHIFT)
#define virt_to_mfn(va)   (virt_to_maddr(va) >> PAGE_SHIFT)

#endif /* ASM_PAGE_H */
