/*
 * Hostile XSETBV: the guest's XCR0 is validated as Xen's handle_xsetbv()
 * and valid_xcr0() do (xen/arch/x86/xstate.c), in the order of Xen's
 * emulator (x86_emulate: #UD without CR4.OSXSAVE, then #GP(0) outside
 * ring 0, then the value):
 *  - with the guest's CR4.OSXSAVE clear, XSETBV raises #UD;
 *  - XCR0 starts as x87|SSE (Xen loads "xcr0 ?: XSTATE_FP_SSE");
 *  - refused with #GP(0), XCR0 unchanged: 0, SSE without x87, YMM without
 *    SSE, AVX-512 and PKRU bits (not offered: Keel switches only x87, SSE
 *    and YMM; Xen offers no PKRU to PV guests and QEMU TCG has no
 *    AVX-512), bit 63, any bit in EDX, XCR1 and XCR 0xffffffff;
 *  - accepted: x87 alone, x87|SSE, x87|SSE|YMM when CPUID offers AVX; the
 *    upper half of RCX is ignored (ECX names the register); XGETBV reads
 *    back what was set, CPUID 0xd.0 ebx follows it (576 / 832 bytes) and a
 *    256-bit AVX instruction runs only while YMM is enabled;
 *  - from user mode (pv64, hvm64) XSETBV is #GP(0).
 * pv64 runs on Xen 4.17 too; pvh/hvm64 expectations are Xen's
 * svm_vmexit_handler (CPL check, then hvm_handle_xsetbv -> #GP(0)) with
 * the CPU's own #UD for a clear CR4.OSXSAVE.
 */
#ifdef ENV_pv64
#include "pv.h"
#else
#include "hvm.h"
#endif
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "XSETBV policy (guest XCR0 validation)";

#define CR4_OSFXSR   (1UL << 9)
#define CR4_OSXSAVE  (1UL << 18)
#define XCR0_X87     1ULL
#define XCR0_SSE     2ULL
#define XCR0_YMM     4ULL

static void leaf(uint32_t l, uint32_t s, struct cpuid_leaf *r)
{
#ifdef ENV_pv64
    pv_cpuid_count(l, s, r);
#else
    cpuid_count(l, s, r);
#endif
}

/* CR4 through mov (emulated for PV, native for HVM). */
static unsigned long get_cr4(void)
{
    unsigned long v = 0;

    asm volatile ("1: mov %%cr4, %0; 2:" _ASM_EXTABLE(1b, 2b) : "+r" (v));
    return v;
}

static void set_cr4(unsigned long v)
{
    asm volatile ("1: mov %0, %%cr4; 2:" _ASM_EXTABLE(1b, 2b) :: "r" (v) : "memory");
}

static exinfo_t xsetbv_rcx(unsigned long rcx, uint64_t val)
{
    exinfo_t ex;

    asm volatile ("1: xsetbv; xor %%eax, %%eax; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex)
                  : "0" ((uint32_t)val), "c" (rcx), "d" ((uint32_t)(val >> 32))
                  : "memory");
    return ex;
}

static exinfo_t xsetbv(uint32_t idx, uint64_t val)
{
    return xsetbv_rcx(idx, val);
}

static uint64_t xgetbv0(void)
{
    uint32_t lo = 0, hi = 0;
    exinfo_t ex;

    asm volatile ("1: xgetbv; xor %%ecx, %%ecx; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (lo), "=d" (hi), "=c" (ex) : "2" (0), "1" (0) : "memory");
    if ( ex )
    {
        xtf_failure("Fail: xgetbv: exinfo %#x\n", ex);
        return ~0ULL;
    }
    return ((uint64_t)hi << 32) | lo;
}

static exinfo_t avx256(void)
{
    exinfo_t ex;

    asm volatile ("1: vpxor %%ymm7, %%ymm7, %%ymm7; xor %%eax, %%eax; 2:"
                  _ASM_EXTABLE(1b, 2b) : "=a" (ex) :: "memory");
    return ex;
}

static void refuse(const char *what, unsigned long idx, uint64_t val, uint64_t now)
{
    exinfo_t ex = xsetbv_rcx(idx, val);

    printk("xsetbv(%#lx, %#llx) %s: exinfo %#x\n", idx, (unsigned long long)val, what, ex);
    if ( ex != EXINFO_SYM(GP, 0) )
        xtf_failure("Fail: xsetbv(%#lx, %#llx) (%s): exinfo %#x, expected #GP(0)\n",
                    idx, (unsigned long long)val, what, ex);
    if ( xgetbv0() != now )
        xtf_failure("Fail: XCR0 changed by a refused xsetbv(%#llx)\n",
                    (unsigned long long)val);
}

static void accept(const char *what, unsigned long rcx, uint64_t val)
{
    struct cpuid_leaf d0;
    exinfo_t ex = xsetbv_rcx(rcx, val);
    uint64_t now = xgetbv0();

    leaf(0xd, 0, &d0);
    printk("xsetbv(%#lx, %#llx) %s: exinfo %#x, XCR0 %#llx, 0xd.0 ebx %u\n", rcx,
           (unsigned long long)val, what, ex, (unsigned long long)now, d0.b);
    if ( ex || now != val )
        xtf_failure("Fail: xsetbv(%#llx) (%s): exinfo %#x, XCR0 %#llx\n",
                    (unsigned long long)val, what, ex, (unsigned long long)now);
    if ( !(val & ~7ULL) && d0.b != ((val & XCR0_YMM) ? 832u : 576u) )
        xtf_failure("Fail: 0xd.0 ebx %u for XCR0 %#llx\n", d0.b, (unsigned long long)val);
}

#if defined(ENV_pv64) || defined(ENV_hvm64)
static unsigned long user_xsetbv(unsigned long arg)
{
    return xsetbv(0, arg);
}
#endif

void test_main(void)
{
    struct cpuid_leaf l1, d0;
    unsigned long cr4;
    bool avx;
    exinfo_t ex;

    leaf(1, 0, &l1);
    leaf(0xd, 0, &d0);
    printk("CPUID 1 ecx %#x (xsave %u osxsave %u avx %u), 0xd.0 %#x %#x %#x %#x\n", l1.c,
           (l1.c >> 26) & 1, (l1.c >> 27) & 1, (l1.c >> 28) & 1, d0.a, d0.b, d0.c, d0.d);
    if ( !(l1.c & (1u << 26)) )
    {
        xtf_skip("Skip: no XSAVE offered\n");
        return;
    }
    avx = l1.c & (1u << 28);
    if ( avx && !(d0.a & XCR0_YMM) )
        xtf_failure("Fail: AVX offered but 0xd.0 eax %#x lacks YMM\n", d0.a);
    if ( (d0.a & 3) != 3 || d0.d )
        xtf_failure("Fail: 0xd.0 eax %#x edx %#x: expected x87|SSE, no high bits\n",
                    d0.a, d0.d);

    cr4 = get_cr4();
    printk("CR4 %#lx\n", cr4);
    if ( cr4 & CR4_OSXSAVE )
        xtf_failure("Fail: CR4.OSXSAVE set before the guest set it\n");
    ex = xsetbv(0, XCR0_X87 | XCR0_SSE);
    printk("xsetbv with CR4.OSXSAVE clear: exinfo %#x\n", ex);
    check_eq("xsetbv without CR4.OSXSAVE", ex, EXINFO_SYM(UD, 0));

    set_cr4(cr4 | CR4_OSFXSR | CR4_OSXSAVE);
    if ( !(get_cr4() & CR4_OSXSAVE) )
    {
        xtf_failure("Fail: CR4.OSXSAVE does not stick (CR4 %#lx)\n", get_cr4());
        return;
    }
    leaf(1, 0, &l1);
    if ( !(l1.c & (1u << 27)) )
        xtf_failure("Fail: CPUID OSXSAVE clear with CR4.OSXSAVE set\n");
    check_eq("initial XCR0", xgetbv0(), XCR0_X87 | XCR0_SSE);
    check_eq("256-bit AVX with XCR0 x87|SSE", avx256(), EXINFO_SYM(UD, 0));

    refuse("nothing", 0, 0, 3);
    refuse("SSE without x87", 0, XCR0_SSE, 3);
    refuse("YMM without SSE", 0, XCR0_X87 | XCR0_YMM, 3);
    refuse("AVX-512 opmask/ZMM", 0, 0xe7, 3);
#ifdef ENV_hvm
    /*
     * QEMU 7.2 TCG never raises the SVM XSETBV intercept: the CPU itself
     * takes any value it supports (PKRU included).  Keel then keeps what
     * the CPU holds for the vCPU (arch/x86/fpu.c) and switches PKRU too.
     */
    ex = xsetbv(0, 3 | (1ULL << 9));
    if ( ex == 0 )
    {
        printk("xsetbv(0, 0x203) PKRU: taken by the CPU (no XSETBV intercept: an emulator)\n");
        accept("PKRU (no intercept)", 0, 3 | (1ULL << 9));
        if ( get_cr4() & (1UL << 22) )
            xtf_failure("Fail: CR4.PKE set\n");
        accept("x87|SSE after PKRU", 0, XCR0_X87 | XCR0_SSE);
    }
    else
        refuse("PKRU", 0, 3 | (1ULL << 9), 3);
#else
    refuse("PKRU", 0, 3 | (1ULL << 9), 3);
#endif
    refuse("bit 63", 0, 3 | (1ULL << 63), 3);
    refuse("edx bit 0", 0, 3 | (1ULL << 32), 3);
    refuse("XCR1", 1, 3, 3);
    refuse("XCR 0xffffffff", 0xffffffffUL, 3, 3);
    if ( !avx )
        refuse("YMM (not offered)", 0, 7, 3);

    accept("x87 alone", 0, XCR0_X87);
    accept("x87|SSE", 0, XCR0_X87 | XCR0_SSE);
#ifdef __x86_64__
    accept("x87|SSE, rcx upper half set", 1UL << 32, XCR0_X87 | XCR0_SSE);
#endif
    if ( avx )
    {
        accept("x87|SSE|YMM", 0, 7);
        check_eq("256-bit AVX with YMM enabled", avx256(), 0);
        refuse("YMM without SSE (from 7)", 0, XCR0_X87 | XCR0_YMM, 7);
    }
#if defined(ENV_pv64) || defined(ENV_hvm64)
#ifdef ENV_pv64
    check_rc("setup_user_mode", setup_user_mode(), 0);
#endif
    ex = exec_user(user_xsetbv, 3);
    printk("xsetbv from user mode: exinfo %#x\n", ex);
    check_eq("xsetbv from user mode", ex, EXINFO_SYM(GP, 0));
#endif
    accept("back to x87|SSE", 0, XCR0_X87 | XCR0_SSE);
    check_eq("256-bit AVX after YMM is off again", avx256(), EXINFO_SYM(UD, 0));

    set_cr4(get_cr4() & ~CR4_OSXSAVE);
    check_eq("xsetbv after clearing CR4.OSXSAVE", xsetbv(0, 3), EXINFO_SYM(UD, 0));
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
