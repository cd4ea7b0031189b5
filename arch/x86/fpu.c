/*
 * Extended register state (x87, SSE, AVX) of every vCPU.
 *
 * Keel is compiled with -mno-sse and touches these registers only here.
 * The running vCPU's state lives in the registers; at a context switch
 * fpu_save() writes it to the vCPU's own page and fpu_restore() loads the
 * next vCPU's from its page, every component Keel offers, whatever that
 * guest enabled: nothing of the previous owner survives the switch (the
 * LazyFP class is closed by never deferring the restore).
 *
 * XCR0: Keel runs its XSAVE/XRSTOR with every switched component enabled
 * and hands each vCPU its own value otherwise (the guest's XGETBV and its
 * own XSAVE see exactly what it set).  A guest's XSETBV is validated as
 * Xen's handle_xsetbv() does: XCR0 only, x87 set, YMM only with SSE, no
 * bit Keel does not offer; anything else is #GP(0) for the caller.
 *
 * Guests are offered x87, SSE and YMM; Keel switches more when the CPU
 * has it (MPX, AVX-512, PKRU: XCR0 bits 0-9, if they fit in a page).  A
 * CPU that lets an HVM guest's XSETBV through without the SVM intercept
 * (QEMU 7.2 TCG does) would otherwise let one guest enable, say, PKRU and
 * read or set another's: the value the CPU holds is what Keel keeps for
 * the vCPU at every save, and whatever it enabled is switched too.
 *
 * AMD CPUs without RSTR_FP_ERR_PTRS (CPUID 0x80000008 ebx bit 2) neither
 * save nor restore FIP/FDP/FOP unless an x87 exception is pending, which
 * would leak the previous vCPU's last x87 instruction and data addresses
 * (XSA-52): as Xen does, a harmless FILD of Keel's own data sets them to
 * fixed values before such a restore.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <asm/current.h>
#include <asm/fpu.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <public/errno.h>

/* The legacy (FXSAVE) region and the XSAVE header (Intel SDM vol. 1, 10.5.1, 13.4). */
#define FX_FCW      0
#define FX_FSW      2
#define FX_MXCSR    24
#define FX_MXCSR_MASK 28
#define XSAVE_HDR   512
#define XSAVE_MIN_SIZE 576          /* legacy region + header */

#define FCW_DEFAULT   0x037f        /* FNINIT: all exceptions masked, 64-bit precision */
#define MXCSR_DEFAULT 0x1f80        /* all SIMD exceptions masked, round to nearest */

#define CPUID_1C_AVX          (1u << 28)
#define CPUID_E8B_RSTR_FP_ERR (1u << 2)
/* Leaf 0xd.1 eax: XSAVEOPT, XSAVEC, XGETBV1 (Xen gives guests these; XSAVES needs IA32_XSS). */
#define XSTATE_1A_GUEST       0x7u

/* XCR0 bits 0-9: user components, none of them larger than a few KiB. */
#define XSTATE_USER_LOW 0x2ffULL

static bool use_xsave;
static uint64_t xcr0_offered;       /* what a guest may enable */
static uint64_t xcr0_switched;      /* what Keel saves and restores (a superset) */
static uint32_t xsave_size;         /* standard-form bytes for xcr0_offered */
static uint32_t mxcsr_mask = 0xffbf;   /* SDM 11.6.6: the default when FXSAVE says 0 */
static bool fpu_ptr_leak;           /* AMD without RSTR_FP_ERR_PTRS */
static uint64_t loaded_xcr0[NR_CPUS];   /* XSETBV is slow: skip rewriting the same value */

static inline uint64_t xgetbv(uint32_t index)
{
    uint32_t lo, hi;

    __asm__ __volatile__("xgetbv" : "=a" (lo), "=d" (hi) : "c" (index));
    return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv(uint32_t index, uint64_t val)
{
    __asm__ __volatile__("xsetbv" :: "c" (index), "a" ((uint32_t)val),
                         "d" ((uint32_t)(val >> 32)) : "memory");
}

static void load_xcr0(uint64_t val)
{
    unsigned int cpu = smp_processor_id();

    if ( loaded_xcr0[cpu] == val )
        return;
    xsetbv(0, val);
    loaded_xcr0[cpu] = val;
}

static uint16_t area_u16(const void *area, unsigned int off)
{
    uint16_t v;

    memcpy(&v, (const uint8_t *)area + off, sizeof(v));
    return v;
}

static uint32_t area_u32(const void *area, unsigned int off)
{
    uint32_t v;

    memcpy(&v, (const uint8_t *)area + off, sizeof(v));
    return v;
}

static void set_area_u16(void *area, unsigned int off, uint16_t v)
{
    memcpy((uint8_t *)area + off, &v, sizeof(v));
}

static void set_area_u32(void *area, unsigned int off, uint32_t v)
{
    memcpy((uint8_t *)area + off, &v, sizeof(v));
}

static void set_area_u64(void *area, unsigned int off, uint64_t v)
{
    memcpy((uint8_t *)area + off, &v, sizeof(v));
}

/* Bytes of a standard-form XSAVE area holding the components of mask. */
static uint32_t xstate_size(uint64_t mask)
{
    uint32_t size = XSAVE_MIN_SIZE;
    struct cpuid_leaf r;

    for ( unsigned int i = 2; i < 63; i++ )
    {
        if ( !(mask & (1ULL << i)) )
            continue;
        cpuid_count(0xd, i, &r);
        if ( r.b + r.a > size )
            size = r.b + r.a;
    }
    return size;
}

/* MXCSR bits this CPU implements, from an FXSAVE image of Keel's own boot state. */
static void read_mxcsr_mask(void)
{
    static uint8_t image[512] __attribute__((aligned(16)));
    uint32_t mask;

    __asm__ __volatile__("fxsave64 %0" : "=m" (image));
    mask = area_u32(image, FX_MXCSR_MASK);
    if ( mask )
        mxcsr_mask = mask;
}

/* The boot CPU decides what every CPU offers. */
static void fpu_probe(void)
{
    struct cpuid_leaf r1, rd, r;

    cpuid(1, &r1);
    if ( boot_cpu.xsave && boot_cpu.max_leaf >= 0xd )
    {
        cpuid_count(0xd, 0, &rd);
        xcr0_switched = (((uint64_t)rd.d << 32) | rd.a) & XSTATE_USER_LOW;
        xcr0_offered = xcr0_switched &
                       (XSTATE_X87 | XSTATE_SSE | ((r1.c & CPUID_1C_AVX) ? XSTATE_YMM : 0));
        if ( xstate_size(xcr0_switched) > PAGE_SIZE )
            xcr0_switched = xcr0_offered;
        use_xsave = (xcr0_offered & (XSTATE_X87 | XSTATE_SSE)) == (XSTATE_X87 | XSTATE_SSE);
        xsave_size = xstate_size(xcr0_offered);
        if ( !use_xsave || xstate_size(xcr0_switched) > PAGE_SIZE )
            use_xsave = false, xcr0_offered = xcr0_switched = 0;
    }
    if ( (!memcmp(boot_cpu.vendor, "AuthenticAMD", 12) ||
          !memcmp(boot_cpu.vendor, "HygonGenuine", 12)) )
    {
        cpuid(0x80000000, &r);
        if ( r.a >= 0x80000008 )
            cpuid(0x80000008, &r);
        else
            r.b = 0;
        fpu_ptr_leak = !(r.b & CPUID_E8B_RSTR_FP_ERR);
    }
    read_mxcsr_mask();
    printk("FPU: %s, guest XCR0 up to %#lx, switched %#lx (%u bytes per vCPU)%s\n",
           use_xsave ? "XSAVE" : "FXSAVE", xcr0_offered, xcr0_switched,
           use_xsave ? xstate_size(xcr0_switched) : 512,
           fpu_ptr_leak ? ", x87 pointers scrubbed" : "");
}

void fpu_init_cpu(void)
{
    static bool probed;
    unsigned long cr0 = read_cr0();

    /* x87 errors as #MF (NE), WAIT honours TS (MP), no x87 emulation (EM). */
    write_cr0((cr0 | X86_CR0_MP | X86_CR0_NE) & ~(X86_CR0_EM | X86_CR0_TS));
    if ( !probed )
    {
        fpu_probe();
        probed = true;
    }
    if ( !use_xsave )
        return;
    write_cr4(read_cr4() | X86_CR4_OSXSAVE);
    xsetbv(0, xcr0_switched);
    loaded_xcr0[smp_processor_id()] = xcr0_switched;
}

bool fpu_has_xsave(void)
{
    return use_xsave;
}

uint64_t fpu_xcr0_offered(void)
{
    return xcr0_offered;
}

void fpu_vcpu_reset(struct vcpu *v)
{
    void *area = v->arch.fpu.area;

    /*
     * FNINIT's x87 state and the default MXCSR.  With XSAVE the header's
     * XSTATE_BV is 0: XRSTOR puts every component in its initial state
     * (MXCSR is still read from the legacy region).
     */
    memset(area, 0, PAGE_SIZE);
    set_area_u16(area, FX_FCW, FCW_DEFAULT);
    set_area_u32(area, FX_MXCSR, MXCSR_DEFAULT);
    v->arch.fpu.xcr0 = use_xsave ? XSTATE_X87 | XSTATE_SSE : 0;
}

int fpu_vcpu_init(struct vcpu *v)
{
    v->arch.fpu.area = alloc_xenheap_pages(0, 0);
    if ( !v->arch.fpu.area )
        return -ENOMEM;
    fpu_vcpu_reset(v);
    return 0;
}

void fpu_vcpu_destroy(struct vcpu *v)
{
    free_xenheap_pages(v->arch.fpu.area, 0);
    v->arch.fpu.area = NULL;
}

/*
 * The guest's image is taken as is but for MXCSR, whose reserved bits
 * would make the restore fault in Keel; the rest of the state is initial.
 */
void fpu_vcpu_load_fxsave(struct vcpu *v, const void *image)
{
    void *area = v->arch.fpu.area;

    fpu_vcpu_reset(v);
    memcpy(area, image, 512);
    set_area_u32(area, FX_MXCSR, area_u32(area, FX_MXCSR) & mxcsr_mask);
    set_area_u32(area, FX_MXCSR_MASK, 0);
    if ( use_xsave )
        set_area_u64(area, XSAVE_HDR, XSTATE_X87 | XSTATE_SSE);
}

/* XSAVE, XRSTOR and FXSAVE raise #NM while CR0.TS is set (a PV guest's virtual TS). */
static void clear_ts(void)
{
    unsigned long cr0 = read_cr0();

    if ( cr0 & X86_CR0_TS )
        write_cr0(cr0 & ~X86_CR0_TS);
}

void fpu_save(struct vcpu *v)
{
    void *area = v->arch.fpu.area;
    uint64_t hw;

    clear_ts();
    if ( !use_xsave )
    {
        __asm__ __volatile__("fxsave64 (%0)" :: "r" (area) : "memory");
        return;
    }
    /*
     * SVM does not switch XCR0: an HVM guest's XSETBV is intercepted, but
     * what the CPU holds is the truth (an emulator may let one through).
     */
    hw = xgetbv(0);
    loaded_xcr0[smp_processor_id()] = hw;
    v->arch.fpu.xcr0 = (hw & xcr0_switched) | XSTATE_X87;
    load_xcr0(xcr0_switched);
    /* Standard form, every switched component (RFBM = XCR0 & EDX:EAX). */
    __asm__ __volatile__("xsave64 (%0)" :: "r" (area), "a" (~0u), "d" (~0u) : "memory");
}

static void scrub_x87_pointers(const void *area)
{
    uint16_t fsw = area_u16(area, FX_FSW), fcw = area_u16(area, FX_FCW);

    if ( use_xsave && !(area_u16(area, XSAVE_HDR) & XSTATE_X87) )
        return;                          /* initial x87 state: pointers become 0 */
    if ( fsw & ~fcw & 0x3f )
        return;                          /* an unmasked exception: the CPU loads them */
    __asm__ __volatile__("fnclex\n\t"            /* no pending exception to raise */
                         "ffree %%st(7)\n\t"     /* room on the stack: no overflow */
                         "fildl %0"              /* FIP/FDP := this insn, Keel data */
                         :: "m" (*(const uint32_t *)area));
}

void fpu_restore(struct vcpu *v)
{
    const void *area = v->arch.fpu.area;

    clear_ts();
    if ( fpu_ptr_leak )
        scrub_x87_pointers(area);
    if ( !use_xsave )
    {
        __asm__ __volatile__("fxrstor64 (%0)" :: "r" (area) : "memory");
        return;
    }
    load_xcr0(xcr0_switched);
    __asm__ __volatile__("xrstor64 (%0)" :: "r" (area), "a" (~0u), "d" (~0u) : "memory");
    load_xcr0(v->arch.fpu.xcr0);
}

/* Xen's valid_xcr0() for the components Keel offers. */
static bool xcr0_valid(uint64_t val)
{
    if ( !(val & XSTATE_X87) || (val & ~xcr0_offered) )
        return false;
    return !(val & XSTATE_YMM) || (val & XSTATE_SSE);
}

int fpu_write_xcr(struct vcpu *v, uint32_t index, uint64_t val)
{
    if ( !use_xsave || index != 0 || !xcr0_valid(val) )
        return -EINVAL;
    v->arch.fpu.xcr0 = val;
    load_xcr0(val);                      /* v is current: its XCR0 is loaded */
    return 0;
}

void fpu_xstate_leaf(const struct vcpu *v, uint32_t sub, struct cpuid_leaf *r)
{
    *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
    if ( !use_xsave )
        return;
    switch ( sub )
    {
    case 0:
        r->a = (uint32_t)xcr0_offered;
        /* For the XCR0 it has now: the CPU's while it runs (see fpu_save()). */
        r->b = xstate_size(v == current ? xgetbv(0) : v->arch.fpu.xcr0);
        r->c = xsave_size;                      /* for everything it may enable */
        r->d = xcr0_offered >> 32;
        break;
    case 1:
        cpuid_count(0xd, 1, r);
        *r = (struct cpuid_leaf){ r->a & XSTATE_1A_GUEST, 0, 0, 0 };
        break;
    default:
        if ( sub >= 63 || !(xcr0_offered & (1ULL << sub)) )
            break;
        cpuid_count(0xd, sub, r);
        r->c &= 2;                       /* 64-byte alignment in compacted form; not XSS */
        r->d = 0;
        break;
    }
}
