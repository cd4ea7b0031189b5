/*
 * FPU isolation between domains (hvm_fpu_isolation, pv_fpu_isolation and
 * their peer fpu_isolation_peer): each domain fills the x87 stack, FCW,
 * MXCSR, every XMM register and, where AVX is offered, the upper YMM
 * halves with values carrying its own 16-bit marker and the round number,
 * lets the other domain run (yield, block, or a spin the time slice ends),
 * and reads everything back.  A value that differs is a corruption; one
 * carrying a marker that is not its own is the other domain's register
 * seen from here: a leak.  Before the first fill, the state must be the
 * initial one (FNINIT's x87 state, MXCSR 0x1f80, XMM/YMM zero: Xen's
 * xstate_alloc_save_area), nothing left by another vCPU or the hypervisor.
 *
 * Header-only: the including test defines FPU_MARKER and provides
 * fpu_cpuid(), fpu_enable_xsave(), fpu_yield(), fpu_block() and
 * fpu_runnable_ns() for its environment.
 */
#ifndef GUEST_FPU_ISOLATION_H
#define GUEST_FPU_ISOLATION_H

#include "types.h"
#include "console.h"
#include "report.h"
#include "string.h"

#ifdef __x86_64__
#define FPU_NR_XMM 16
#else
#define FPU_NR_XMM 8
#endif

struct fpu_image {
    uint16_t fcw, fsw, ftw;
    uint32_t mxcsr;
    uint64_t st[8];                          /* st(0) first, as fistp pops them */
    uint64_t xmm[FPU_NR_XMM][2];
    uint64_t ymmh[FPU_NR_XMM][2];
};

static inline uint64_t fpu_st_value(uint16_t marker, unsigned int round, unsigned int i)
{
    return ((uint64_t)marker << 40) | ((uint64_t)(round & 0xffffff) << 8) | i;
}

static inline uint64_t fpu_vec_value(uint16_t marker, unsigned int round, unsigned int i)
{
    return ((uint64_t)marker << 48) | ((uint64_t)(round & 0xffffffff) << 8) | i;
}

static inline uint16_t fpu_fcw_of(uint16_t marker)
{
    return 0x037f | ((marker & 3) << 10);     /* rounding control differs per domain */
}

static inline uint32_t fpu_mxcsr_of(uint16_t marker)
{
    return 0x1f80 | ((marker & 3) << 13);
}

/* What a domain with this marker loads in this round. */
static inline void fpu_pattern(struct fpu_image *img, uint16_t marker, unsigned int round)
{
    memset(img, 0, sizeof(*img));
    img->fcw = fpu_fcw_of(marker);
    img->mxcsr = fpu_mxcsr_of(marker);
    for ( unsigned int i = 0; i < 8; i++ )
        img->st[i] = fpu_st_value(marker, round, i);
    for ( unsigned int i = 0; i < FPU_NR_XMM; i++ )
    {
        img->xmm[i][0] = fpu_vec_value(marker, round, 0x10 + i);
        img->xmm[i][1] = ~img->xmm[i][0];
        img->ymmh[i][0] = fpu_vec_value(marker, round, 0x40 + i);
        img->ymmh[i][1] = ~img->ymmh[i][0];
    }
}

#define FPU_FOR_EACH_XMM(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#ifdef __x86_64__
#define FPU_FOR_EACH_XMM_HI(X) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#else
#define FPU_FOR_EACH_XMM_HI(X)
#endif

/* Load the registers from img (x87 stack: st(0) = st[0]). */
static inline void fpu_load(const struct fpu_image *img, bool ymm)
{
    uint64_t buf[FPU_NR_XMM][4];

    asm volatile ("fninit; fldcw %0" :: "m" (img->fcw));
    for ( int i = 7; i >= 0; i-- )
        asm volatile ("fildll %0" :: "m" (img->st[i]));
    asm volatile ("ldmxcsr %0" :: "m" (img->mxcsr));
    for ( unsigned int i = 0; i < FPU_NR_XMM; i++ )
    {
        buf[i][0] = img->xmm[i][0];
        buf[i][1] = img->xmm[i][1];
        buf[i][2] = img->ymmh[i][0];
        buf[i][3] = img->ymmh[i][1];
    }
#define LOAD_Y(n) asm volatile ("vmovdqu %0, %%ymm" #n :: "m" (buf[n]));
#define LOAD_X(n) asm volatile ("movdqu %0, %%xmm" #n :: "m" (buf[n][0]));
    if ( ymm )
    {
        FPU_FOR_EACH_XMM(LOAD_Y)
        FPU_FOR_EACH_XMM_HI(LOAD_Y)
    }
    else
    {
        FPU_FOR_EACH_XMM(LOAD_X)
        FPU_FOR_EACH_XMM_HI(LOAD_X)
    }
#undef LOAD_Y
#undef LOAD_X
}

/* Read the registers (this empties the x87 stack). */
static inline void fpu_store(struct fpu_image *img, bool ymm)
{
    uint16_t env[14] __attribute__((aligned(16)));
    uint64_t buf[FPU_NR_XMM][4] __attribute__((aligned(32)));

    memset(img, 0, sizeof(*img));
    memset(buf, 0, sizeof(buf));
    asm volatile ("fnstenv %0" : "=m" (env));   /* masks exceptions: fldcw below */
    img->fcw = env[0];
    img->fsw = env[2];
    img->ftw = env[4];
    asm volatile ("fldcw %0" :: "m" (env[0]));
    for ( unsigned int i = 0; i < 8; i++ )
        asm volatile ("fistpll %0" : "=m" (img->st[i]));
    asm volatile ("stmxcsr %0" : "=m" (img->mxcsr));
#define STORE_Y(n) asm volatile ("vmovdqu %%ymm" #n ", %0" : "=m" (buf[n]));
#define STORE_X(n) asm volatile ("movdqu %%xmm" #n ", %0" : "=m" (buf[n][0]));
    if ( ymm )
    {
        FPU_FOR_EACH_XMM(STORE_Y)
        FPU_FOR_EACH_XMM_HI(STORE_Y)
    }
    else
    {
        FPU_FOR_EACH_XMM(STORE_X)
        FPU_FOR_EACH_XMM_HI(STORE_X)
    }
#undef STORE_Y
#undef STORE_X
    for ( unsigned int i = 0; i < FPU_NR_XMM; i++ )
    {
        img->xmm[i][0] = buf[i][0];
        img->xmm[i][1] = buf[i][1];
        img->ymmh[i][0] = buf[i][2];
        img->ymmh[i][1] = buf[i][3];
    }
}

struct fpu_verdict {
    unsigned int corrupt, leaked;            /* values wrong / carrying a foreign marker */
    uint16_t foreign;                        /* the last foreign marker seen */
};

/* A value differs; its marker field (inverted in the upper halves) says whose it is. */
static inline void fpu_note(struct fpu_verdict *v, const char *what, unsigned int i,
                            uint64_t got, uint64_t want, unsigned int marker_shift,
                            uint16_t marker, bool inverted)
{
    uint16_t m = got >> marker_shift;

    if ( got == want )
        return;
    if ( v->corrupt++ < 8 )
        printk("  %s[%u] = %#llx, expected %#llx\n", what, i,
               (unsigned long long)got, (unsigned long long)want);
    if ( inverted )
        m = ~m;
    if ( m != marker && m != 0 && m != 0xffff )
    {
        v->leaked++;
        v->foreign = m;
    }
}

/* Compare what was read with the domain's own pattern. */
static inline void fpu_compare(struct fpu_verdict *v, const struct fpu_image *got,
                               const struct fpu_image *want, uint16_t marker, bool ymm)
{
    fpu_note(v, "fcw", 0, got->fcw, want->fcw, 16, marker, false);
    fpu_note(v, "mxcsr", 0, got->mxcsr, want->mxcsr, 16, marker, false);
    for ( unsigned int i = 0; i < 8; i++ )
        fpu_note(v, "st", i, got->st[i], want->st[i], 40, marker, false);
    for ( unsigned int i = 0; i < FPU_NR_XMM; i++ )
    {
        fpu_note(v, "xmm.lo", i, got->xmm[i][0], want->xmm[i][0], 48, marker, false);
        fpu_note(v, "xmm.hi", i, got->xmm[i][1], want->xmm[i][1], 48, marker, true);
        if ( !ymm )
            continue;
        fpu_note(v, "ymmh.lo", i, got->ymmh[i][0], want->ymmh[i][0], 48, marker, false);
        fpu_note(v, "ymmh.hi", i, got->ymmh[i][1], want->ymmh[i][1], 48, marker, true);
    }
}

/*
 * The initial state (XRSTOR's init, Xen's defaults): FCW 0x37f, FSW 0, all
 * tags empty, MXCSR 0x1f80, and every register's bytes 0 -- read raw by
 * FXSAVE, since an empty x87 register still holds its old contents.  YMM
 * upper halves (when enabled) must be 0 too.  Returns the fields that differ.
 */
static inline unsigned int fpu_check_initial(bool ymm)
{
    uint8_t fx[512] __attribute__((aligned(16)));
    uint64_t hi[FPU_NR_XMM][4] __attribute__((aligned(32)));
    uint16_t fcw, fsw;
    uint32_t mxcsr;
    unsigned int bad = 0;

    memset(hi, 0, sizeof(hi));
    asm volatile ("fxsave %0" : "=m" (fx));
#define STORE_Y(n) asm volatile ("vmovdqu %%ymm" #n ", %0" : "=m" (hi[n]));
    if ( ymm )
    {
        FPU_FOR_EACH_XMM(STORE_Y)
        FPU_FOR_EACH_XMM_HI(STORE_Y)
    }
#undef STORE_Y
    memcpy(&fcw, fx, 2);
    memcpy(&fsw, fx + 2, 2);
    memcpy(&mxcsr, fx + 24, 4);
    printk("initial state: fcw %#x fsw %#x tags %#x mxcsr %#x\n", fcw, fsw, fx[4], mxcsr);
    if ( fcw != 0x037f || fsw != 0 || fx[4] != 0 || mxcsr != 0x1f80 )
    {
        printk("  x87/SSE control state is not the initial one\n");
        bad++;
    }
    for ( unsigned int i = 0; i < 8 + FPU_NR_XMM; i++ )
    {
        uint64_t lo, up;

        memcpy(&lo, fx + 32 + 16 * i, 8);
        memcpy(&up, fx + 40 + 16 * i, 8);
        if ( i < 8 )
            up &= 0xffff;                    /* st(i): 80 bits */
        if ( !lo && !up )
            continue;
        if ( bad++ < 8 )
            printk("  %s%u = %#llx:%#llx, expected 0\n", i < 8 ? "st" : "xmm",
                   i < 8 ? i : i - 8, (unsigned long long)up, (unsigned long long)lo);
    }
    for ( unsigned int i = 0; ymm && i < FPU_NR_XMM; i++ )
        if ( (hi[i][2] || hi[i][3]) && bad++ < 8 )
            printk("  ymm%u upper = %#llx:%#llx, expected 0\n", i,
                   (unsigned long long)hi[i][3], (unsigned long long)hi[i][2]);
    return bad;
}

#endif /* GUEST_FPU_ISOLATION_H */
