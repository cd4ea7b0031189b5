/* Model-specific registers. */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include <keel/types.h>
#include <asm/extable.h>

#define MSR_APIC_BASE        0x0000001b
#define  APIC_BASE_BSP       (1UL << 8)
#define  APIC_BASE_EXTD      (1UL << 10)
#define  APIC_BASE_ENABLE    (1UL << 11)
#define  APIC_BASE_ADDR_MASK 0x000ffffffffff000UL
#define MSR_DEBUGCTL         0x000001d9
#define  DEBUGCTL_LBR        (1UL << 0)
#define  DEBUGCTL_BTF        (1UL << 1)
#define MSR_LASTBRANCH_FIRST 0x000001db   /* from/to IP of the last branch, int */
#define MSR_LASTBRANCH_LAST  0x000001de
#define MSR_PAT              0x00000277
#define  PAT_XEN             0x0000050100070406UL
#define MSR_TSC_DEADLINE     0x000006e0
#define MSR_EFER             0xc0000080
#define  EFER_SCE            (1UL << 0)
#define  EFER_LME            (1UL << 8)
#define  EFER_NXE            (1UL << 11)
#define  EFER_SVME           (1UL << 12)
#define MSR_STAR             0xc0000081
#define MSR_LSTAR            0xc0000082
#define MSR_CSTAR            0xc0000083
#define MSR_SYSCALL_MASK     0xc0000084
#define MSR_FS_BASE          0xc0000100
#define MSR_GS_BASE          0xc0000101
#define MSR_SHADOW_GS_BASE   0xc0000102
#define MSR_X2APIC_FIRST     0x00000800

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ __volatile__("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
    __asm__ __volatile__("wrmsr" :: "c" (msr), "a" ((uint32_t)val),
                         "d" ((uint32_t)(val >> 32)) : "memory");
}

/* Read an MSR that may not exist: -EFAULT (via the #GP fixup) instead of a crash. */
static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;
    int rc = 0;

    __asm__ __volatile__("1: rdmsr\n"
                         "2:\n"
                         _ASM_FIXUP_SET_0(-14)
                         : "+r" (rc), "+a" (lo), "+d" (hi) : "c" (msr));
    *val = ((uint64_t)hi << 32) | lo;
    return rc;
}

static inline int wrmsr_safe(uint32_t msr, uint64_t val)
{
    int rc = 0;

    __asm__ __volatile__("1: wrmsr\n"
                         "2:\n"
                         _ASM_FIXUP_SET_0(-14)
                         : "+r" (rc) : "c" (msr), "a" ((uint32_t)val),
                           "d" ((uint32_t)(val >> 32)) : "memory");
    return rc;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ __volatile__("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

/* rdtsc that is not executed before earlier instructions (for timing). */
static inline uint64_t rdtsc_ordered(void)
{
    __asm__ __volatile__("lfence" ::: "memory");
    return rdtsc();
}

#endif /* ASM_MSR_H */
