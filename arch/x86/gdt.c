/*
 * Per-CPU GDT and TSS.  The TSS gives each CPU separate known-good stacks
 * (IST) for NMI, double fault and machine check, which may arrive when the
 * normal stack cannot be trusted.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/panic.h>
#include <asm/current.h>
#include <asm/page.h>
#include <asm/traps.h>

#define GDT_ENTRIES  8
#define IST_ORDER    1                 /* two pages per IST stack */

struct __packed tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct cpu_tables {
    uint64_t gdt[GDT_ENTRIES] __aligned(16);
    struct tss64 tss __aligned(16);
};

static struct cpu_tables cpu_tables[NR_CPUS];

static void set_tss_descriptor(uint64_t *gdt, unsigned int index,
                               const struct tss64 *tss)
{
    uint64_t base = (uint64_t)tss;
    uint64_t limit = sizeof(*tss) - 1;

    /* 16-byte system descriptor: type 9 (available 64-bit TSS), present. */
    gdt[index] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                 (0x89UL << 40) | ((limit >> 16 & 0xf) << 48) |
                 ((base >> 24 & 0xff) << 56);
    gdt[index + 1] = base >> 32;
}

static void *alloc_ist_stack(void)
{
    void *s = alloc_xenheap_pages(IST_ORDER, 0);

    if ( !s )
        panic("no memory for IST stacks");
    return (char *)s + (PAGE_SIZE << IST_ORDER);
}

void gdt_init_cpu(unsigned int cpu)
{
    struct cpu_tables *t = &cpu_tables[cpu];
    struct __packed { uint16_t limit; uint64_t base; } gdtr;

    memset(t, 0, sizeof(*t));
    t->gdt[KEEL_CS64 >> 3] = 0x00af9a000000ffffUL;
    t->gdt[KEEL_DS >> 3] = 0x00cf92000000ffffUL;
    t->gdt[KEEL_CS32 >> 3] = 0x00cf9a000000ffffUL;
    set_tss_descriptor(t->gdt, KEEL_TSS >> 3, &t->tss);
    t->tss.rsp[0] = (uint64_t)get_cpu_info();
    t->tss.ist[IST_DF - 1] = (uint64_t)alloc_ist_stack();
    t->tss.ist[IST_NMI - 1] = (uint64_t)alloc_ist_stack();
    t->tss.ist[IST_MCE - 1] = (uint64_t)alloc_ist_stack();
    t->tss.iomap_base = sizeof(t->tss);   /* no I/O bitmap: all ports #GP from ring 3 */

    gdtr.limit = sizeof(t->gdt) - 1;
    gdtr.base = (uint64_t)t->gdt;
    __asm__ __volatile__("lgdt %0\n\t"
                         "ltr %w1"
                         :: "m" (gdtr), "r" (KEEL_TSS) : "memory");
}
