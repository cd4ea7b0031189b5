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

/* Per-CPU stacks: 8 pages, aligned to their size, struct cpu_info at the top. */
#define STACK_ORDER            3
#define STACK_SIZE             (PAGE_SIZE << STACK_ORDER)

#define NR_CPUS                64
/* Bytes at the top of every CPU stack reserved for struct cpu_info. */
#define CPU_INFO_SIZE          512

/* Boot GDT selectors (arch/x86/boot/head.S and arch/x86/gdt.c agree on them). */
#define KEEL_CS64              0x08
#define KEEL_DS                0x10
#define KEEL_CS32              0x18
#define KEEL_TSS               0x20      /* 16-byte system descriptor */

/* The AP trampoline lives in this page below 1 MiB. */
#define TRAMPOLINE_PHYS        _AC(0x8000, UL)

#endif /* ASM_CONFIG_H */
