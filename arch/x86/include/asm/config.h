/*
 * Keel's virtual and physical memory layout on x86-64 (docs/memory-layout.md).
 *
 * PV guests own every L4 slot except 256..271 (0xffff8000_00000000 -
 * 0xffff87ff_ffffffff), so everything of Keel lives in that hole.  The
 * numbers are shared by C and assembly.
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#ifdef __ASSEMBLER__
#define _AC(x, s) x
#else
#define _AC(x, s) x##s
#endif

#define L4_SLOT_VA(s)          (_AC(0xffff000000000000, UL) | ((_AC(s, UL)) << 39))

#define HYPERVISOR_VIRT_START  L4_SLOT_VA(256)   /* 0xffff8000_00000000 */
#define HYPERVISOR_VIRT_END    L4_SLOT_VA(272)   /* 0xffff8800_00000000 */

/* Slot 256: read-only machine-to-phys table that PV guests read (Xen ABI). */
#define RO_MPT_VIRT_START      L4_SLOT_VA(256)
/* Slot 261: Keel's image; VA = KEEL_VIRT_START + physical address. */
#define KEEL_VIRT_START        L4_SLOT_VA(261)   /* 0xffff8280_00000000 */
#define KEEL_PHYS_START        _AC(0x200000, UL) /* image load address: 2 MiB */
/* Slot 262: ioremap area for device registers (LAPIC, IO-APIC, HPET). */
#define IOREMAP_VIRT_START     L4_SLOT_VA(262)   /* 0xffff8300_00000000 */
#define IOREMAP_VIRT_END       L4_SLOT_VA(263)
/* Slots 264..271: direct map of all RAM, 4 TiB. */
#define DIRECTMAP_VIRT_START   L4_SLOT_VA(264)   /* 0xffff8400_00000000 */
#define DIRECTMAP_VIRT_END     HYPERVISOR_VIRT_END
#define DIRECTMAP_SIZE         (DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START)

/* Frames of boot-time page tables that map the first 4 GiB with 2 MiB pages. */
#define BOOT_MAPPED_BYTES      _AC(0x100000000, UL)

#define PAGE_SHIFT             12
#define PAGE_SIZE              (_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK              (~(PAGE_SIZE - 1))

/*
 * Per-CPU stacks: 16 pages, aligned to their size, struct cpu_info at the
 * top.  The lower 8 pages hold the IST stacks (2 pages each: #DF, NMI, #MC,
 * #DB, from the bottom), the upper 8 the primary stack, so that code on an
 * IST stack finds cpu_info from rsp as everywhere else.
 */
#define STACK_ORDER            4
#define STACK_SIZE             (PAGE_SIZE << STACK_ORDER)
#define IST_STACK_SIZE         (2 * PAGE_SIZE)

#define NR_CPUS                64
/* Bytes at the top of every CPU stack reserved for struct cpu_info. */
#define CPU_INFO_SIZE          512

/* Selectors of the small GDT used by head.S and the AP trampoline. */
#define BOOT_CS64              0x08
#define BOOT_DS                0x10
#define BOOT_CS32              0x18

/*
 * Keel's own selectors, in the GDT area reserved from guests (entries 7168
 * and up, the last two of the 16 GDT pages); the guest ABI fixes 0xe023,
 * 0xe02b and 0xe033 there for PV guests (include/public/arch-x86).
 * SYSCALL needs KEEL_DS == KEEL_CS64 + 8.
 */
#define GDT_PAGES              16
#define GDT_ENTRIES            (GDT_PAGES * 512)
#define RESERVED_GDT_ENTRY     7168
#define KEEL_CS64              0xe008
#define KEEL_DS                0xe010
#define KEEL_CS32              0xe018
#define KEEL_TSS               0xe040    /* 16-byte system descriptor */
#define KEEL_LDT               0xe050    /* 16-byte system descriptor */

/* The AP trampoline lives in this page below 1 MiB. */
#define TRAMPOLINE_PHYS        _AC(0x8000, UL)

#endif /* ASM_CONFIG_H */
