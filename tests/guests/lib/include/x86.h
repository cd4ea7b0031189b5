/* x86 helpers: CPUID, MSRs, descriptors, page-table bits. */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#include "types.h"
#include "traps.h"

#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_PSE      0x080UL
#define _PAGE_NX       (1ULL << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000ULL
#define PTE_RO         (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PTE_RW         (PTE_RO | _PAGE_RW | _PAGE_DIRTY)

#define l4_index(va)   (((unsigned long)(va) >> 39) & 511)
#define l3_index(va)   (((unsigned long)(va) >> 30) & 511)
#define l2_index(va)   (((unsigned long)(va) >> 21) & 511)
#define l1_index(va)   (((unsigned long)(va) >> 12) & 511)

#define MSR_FS_BASE        0xc0000100U
#define MSR_GS_BASE        0xc0000101U
#define MSR_SHADOW_GS_BASE 0xc0000102U

#define X86_CR0_TS (1UL << 3)

struct cpuid_leaf {
    uint32_t a, b, c, d;
};

static inline void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_leaf *r)
{
    asm volatile ("cpuid" : "=a" (r->a), "=b" (r->b), "=c" (r->c), "=d" (r->d)
                  : "0" (leaf), "2" (sub));
}

/* The forced-emulation prefix: ud2; .ascii "xen"; the hypervisor emulates the insn. */
#define _ASM_XEN_FEP "ud2; .byte 'x', 'e', 'n';"

static inline void pv_cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_leaf *r)
{
    asm volatile (_ASM_XEN_FEP "cpuid"
                  : "=a" (r->a), "=b" (r->b), "=c" (r->c), "=d" (r->d)
                  : "0" (leaf), "2" (sub));
}

/* Either of the two above; find_xen_cpuid_base() takes one (lib/common/xen_cpuid.c). */
typedef void (*cpuid_fn_t)(uint32_t leaf, uint32_t sub, struct cpuid_leaf *r);
uint32_t find_xen_cpuid_base(cpuid_fn_t cpuid_fn, uint32_t *max);

/* rdmsr/wrmsr with fault recovery: return exinfo (0 if no fault). */
static inline exinfo_t rdmsr_safe(uint32_t idx, uint64_t *val)
{
    uint32_t lo, hi;
    unsigned int ok;

    /* ok stays 0 when rdmsr faults; then eax holds the exinfo. */
    asm volatile ("xor %%edi, %%edi; 1: rdmsr; mov $1, %%edi; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (lo), "=d" (hi), "=D" (ok)
                  : "c" (idx), "1" (0));
    if ( !ok )
        return lo;
    *val = ((uint64_t)hi << 32) | lo;
    return 0;
}

static inline exinfo_t wrmsr_safe(uint32_t idx, uint64_t val)
{
    exinfo_t fault;

    asm volatile ("1: wrmsr; xor %%eax, %%eax; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (fault)
                  : "c" (idx), "0" ((uint32_t)val), "d" ((uint32_t)(val >> 32)));
    return fault;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline unsigned int read_cs(void)
{
    unsigned int cs;

    asm volatile ("mov %%cs, %0" : "=r" (cs));
    return cs;
}

static inline unsigned int read_ss(void)
{
    unsigned int ss;

    asm volatile ("mov %%ss, %0" : "=r" (ss));
    return ss;
}

static inline unsigned long read_flags(void)
{
    unsigned long f;

    asm volatile ("pushf; pop %0" : "=r" (f));
    return f;
}

/* Builds an 8-byte code/data descriptor: flat base 0, limit 4 GiB. */
static inline uint64_t make_seg_desc(unsigned int type, unsigned int dpl, bool l, bool db)
{
    uint64_t d = 0xffff;                        /* limit 15:0 */

    d |= (uint64_t)(type & 0xf) << 40;
    d |= 1ULL << 44;                             /* S: code/data */
    d |= (uint64_t)(dpl & 3) << 45;
    d |= 1ULL << 47;                             /* present */
    d |= 0xfULL << 48;                           /* limit 19:16 */
    d |= (uint64_t)l << 53;
    d |= (uint64_t)db << 54;
    d |= 1ULL << 55;                             /* granularity 4 KiB */
    return d;
}
#define SEG_TYPE_DATA_RW  0x3                   /* read/write, accessed */
#define SEG_TYPE_CODE_RX  0xb                   /* execute/read, accessed */

#endif /* GUEST_X86_H */
