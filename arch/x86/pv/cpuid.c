/*
 * CPUID as a 64-bit PV guest sees it through the forced-emulation prefix
 * (ud2; "xen"; cpuid).  The host's leaves pass through a whitelist: the
 * features Xen 4.17 offers a PV guest by default (the 'A' features of its
 * public cpufeatureset.h), less what Keel cannot give a guest:
 *  - extended state is switched per vCPU for x87, SSE and AVX only
 *    (arch/x86/fpu.c): XSAVE shows when Keel uses it, AVX and what needs
 *    it (FMA, F16C, AVX2, XOP, FMA4, VAES, VPCLMULQDQ, AVX-VNNI) when YMM
 *    is offered, and leaf 0xd describes that XCR0; AVX-512, MPX, PKU and
 *    XSAVES (IA32_XSS) stay hidden.  OSXSAVE follows the guest's CR4
 *    shadow, and, as on Xen (a de-facto PV ABI Linux relies on: it uses
 *    XSAVE only if its enlightened CPUID shows OSXSAVE), shows in the
 *    kernel's view whenever Keel itself runs with CR4.OSXSAVE;
 *  - CR4.FSGSBASE is not switched per vCPU: FSGSBASE hidden;
 *  - MSR_SPEC_CTRL / PRED_CMD are not virtualised: IBRS, IBPB, STIBP, SSBD,
 *    PSFD, ARCH_CAPS hidden (the "not vulnerable" bits stay);
 *  - DBEXT (address-mask MSRs) is not context-switched: hidden.
 * Xen hides the rest for any PV guest: VME, PSE, PGE, PSE36, MTRR, DS,
 * TM/TM2, PBE, DTES64, MONITOR, VMX/SVM, SMX, EIST, PCID/INVPCID, x2APIC,
 * TSC-deadline, 1 GiB pages, SMEP/SMAP, UMIP, LA57, invariant TSC and the
 * power, thermal, PMU, topology and cache-QoS leaves, SYSENTER on AMD
 * (unusable in long mode) and LA57 (0x80000008 says 48-bit linear).  Like
 * Xen, dom0's kernel still sees the host's MTRR and EIST bits (old dom0
 * kernels key platform hypercalls off them).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/version.h>
#include <asm/current.h>
#include <asm/fpu.h>
#include <asm/processor.h>
#include <asm/pv.h>

#define B(n) (1u << (n))

/* Leaf 1 edx: FPU DE TSC MSR PAE MCE CX8 APIC SEP MCA CMOV PAT CLFLUSH ACPI MMX FXSR SSE SSE2 SS HTT */
#define PV_1D   (B(0) | B(2) | B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(11) | B(14) | \
                 B(15) | B(16) | B(19) | B(22) | B(23) | B(24) | B(25) | B(26) | B(27) | B(28))
/* Leaf 1 ecx: SSE3 PCLMULQDQ SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT AESNI RDRAND */
#define PV_1C   (B(0) | B(1) | B(9) | B(13) | B(19) | B(20) | B(22) | B(23) | B(25) | B(30))
/* Leaf 1 ecx: XSAVE when Keel switches it; FMA, AVX, F16C with YMM state. */
#define CPUID_1C_XSAVE      B(26)
#define CPUID_1C_OSXSAVE    B(27)
#define CPUID_1C_AVX_DEPS   (B(12) | B(28) | B(29))
#define CPUID_1C_EIST       B(7)
#define CPUID_1C_HYPERVISOR B(31)
#define CPUID_1D_SEP        B(11)
#define CPUID_1D_MTRR       B(12)
/* Leaf 1 edx bits AMD mirrors in 0x80000001 edx (FPU..APIC, MTRR..PSE36, MMX, FXSR). */
#define COMMON_1D (0x3ffu | (0x3fu << 12) | B(23) | B(24))
/* Leaf 7.0 ebx: BMI1 FDP_EXCP_ONLY BMI2 ERMS RTM NO_FPU_SEL RDSEED ADX CLFLUSHOPT CLWB SHA */
#define PV_7B0  (B(3) | B(6) | B(8) | B(9) | B(11) | B(13) | B(18) | B(19) | B(23) | B(24) | B(29))
/* Leaf 7.0 ecx: PREFETCHWT1 GFNI RDPID CLDEMOTE */
#define PV_7C0  (B(0) | B(8) | B(22) | B(25))
/* With YMM state: AVX2 (7.0 ebx), VAES VPCLMULQDQ (7.0 ecx), AVX-VNNI (7.1 eax), XOP FMA4 (0x80000001 ecx). */
#define AVX_7B0 B(5)
#define AVX_7C0 (B(9) | B(10))
#define AVX_7A1 B(4)
#define AVX_E1C (B(11) | B(16))
/* Leaf 7.0 edx: FSRM MD_CLEAR SERIALIZE */
#define PV_7D0  (B(4) | B(10) | B(14))
/* Leaf 7.1 eax: FZRM FSRS FSRCS */
#define PV_7A1  (B(10) | B(11) | B(12))
/* Leaf 7.2 edx: MCDT_NO */
#define PV_7D2  B(5)
/* 0x80000001 edx: SYSCALL NX MMXEXT FFXSR RDTSCP LM 3DNOWEXT 3DNOW */
#define PV_E1D  (B(11) | B(20) | B(22) | B(25) | B(27) | B(29) | B(30) | B(31))
/* 0x80000001 ecx: LAHF_LM CMP_LEGACY ABM SSE4A MISALIGNSSE 3DNOWPREFETCH TBM */
#define PV_E1C  (B(0) | B(1) | B(5) | B(6) | B(7) | B(8) | B(21))
/* 0x80000008 ebx: CLZERO RSTR_FP_ERR_PTRS SSB_NO BTC_NO */
#define PV_E8B  (B(0) | B(2) | B(26) | B(29))
/* 0x80000021 eax: LFENCE_DISPATCH VERW_CLEAR NSCB SRSO_NO; ecx: TSA_SQ_NO TSA_L1_NO */
#define PV_E21A (B(2) | B(5) | B(6) | B(29))
#define PV_E21C (B(1) | B(2))

/* Highest leaves Xen 4.17 keeps for guests (CPUID_GUEST_NR_*). */
#define MAX_BASIC      0xd
#define MAX_FEAT_SUB   2
#define MAX_EXTD_AMD   0x80000021
#define MAX_EXTD_INTEL 0x80000008

static bool host_is_amd(void)
{
    return !memcmp(boot_cpu.vendor, "AuthenticAMD", 12) ||
           !memcmp(boot_cpu.vendor, "HygonGenuine", 12);
}

static bool host_is_intel(void)
{
    return !memcmp(boot_cpu.vendor, "GenuineIntel", 12);
}

static uint32_t max_basic(void)
{
    struct cpuid_leaf r;

    cpuid(0, &r);
    return r.a < MAX_BASIC ? r.a : MAX_BASIC;
}

static uint32_t max_extd(void)
{
    struct cpuid_leaf r;
    uint32_t cap = host_is_amd() ? MAX_EXTD_AMD : MAX_EXTD_INTEL;

    cpuid(0x80000000, &r);
    if ( (r.a & 0xffff0000) != 0x80000000 )
        return 0;
    return r.a < cap ? r.a : cap;
}

static bool avx_offered(void)
{
    return fpu_xcr0_offered() & XSTATE_YMM;
}

/* Leaf 1 ecx bits that depend on the extended state Keel switches. */
static uint32_t xstate_1c(const struct vcpu *v, uint32_t host_c)
{
    uint32_t c = 0;

    if ( !fpu_has_xsave() )
        return 0;
    c = host_c & CPUID_1C_XSAVE;
    if ( avx_offered() )
        c |= host_c & CPUID_1C_AVX_DEPS;
    if ( (v->arch.cr4_guest & X86_CR4_OSXSAVE) || v->arch.kernel_mode )
        c |= CPUID_1C_OSXSAVE;
    return c;
}

static void basic_leaf(const struct vcpu *v, uint32_t leaf, uint32_t sub,
                       struct cpuid_leaf *r)
{
    uint32_t host_c;

    switch ( leaf )
    {
    case 0:
        r->a = max_basic();
        break;
    case 1:
        r->a &= 0x0fff0fff;              /* no Intel processor type */
        r->b &= 0x00ffffff;              /* APIC ID: not the host's */
        host_c = r->c;
        /* The old dom0 kernel ABI: host MTRR and EIST leak into its view. */
        if ( v->domain->is_privileged && v->arch.kernel_mode )
        {
            r->c &= PV_1C | CPUID_1C_EIST;
            r->d &= PV_1D | CPUID_1D_MTRR;
        }
        else
        {
            r->c &= PV_1C;
            r->d &= PV_1D;
        }
        if ( host_is_amd() )
            r->d &= ~CPUID_1D_SEP;       /* SYSENTER is unusable in long mode */
        r->c |= CPUID_1C_HYPERVISOR | xstate_1c(v, host_c);
        break;
    case 2:
        if ( !host_is_intel() )
            *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
        break;
    case 4:
        if ( !host_is_intel() || sub > 5 )
            *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
        break;
    case 7:
        if ( sub > MAX_FEAT_SUB || sub > r->a )
        {
            *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
            break;
        }
        if ( sub == 0 )
        {
            r->a = r->a < MAX_FEAT_SUB ? r->a : MAX_FEAT_SUB;
            *r = (struct cpuid_leaf){ r->a, r->b & (PV_7B0 | (avx_offered() ? AVX_7B0 : 0)),
                                      r->c & (PV_7C0 | (avx_offered() ? AVX_7C0 : 0)),
                                      r->d & PV_7D0 };
        }
        else if ( sub == 1 )
            *r = (struct cpuid_leaf){ r->a & (PV_7A1 | (avx_offered() ? AVX_7A1 : 0)), 0, 0, 0 };
        else
            *r = (struct cpuid_leaf){ 0, 0, 0, r->d & PV_7D2 };
        break;
    case 0xd:
        fpu_xstate_leaf(v, sub, r);
        break;
    default:
        /*
         * 3 (serial number), 5 (MONITOR), 6 (power), 8, 9 (DCA), 0xa (PMU),
         * 0xb (topology), 0xc: nothing for a PV guest here.
         */
        *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
    }
}

static void extd_leaf(const struct vcpu *v, uint32_t leaf, struct cpuid_leaf *r)
{
    bool amd = host_is_amd();
    struct cpuid_leaf l1;

    switch ( leaf )
    {
    case 0x80000000:
        r->a = max_extd();
        if ( !amd )
            r->b = r->c = r->d = 0;
        break;
    case 0x80000001:
        if ( amd )
        {
            cpuid(1, &l1);
            basic_leaf(v, 1, 0, &l1);
            r->a = l1.a;
            r->b &= 0xff00ffff;
            r->d = (r->d & PV_E1D) | (l1.d & COMMON_1D);
        }
        else
        {
            r->a = r->b = 0;
            r->d &= PV_E1D;
        }
        r->c &= PV_E1C | (avx_offered() ? AVX_E1C : 0);
        break;
    case 0x80000002: case 0x80000003: case 0x80000004:
        break;                           /* the brand string */
    case 0x80000005:
        if ( !amd )
            *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
        break;
    case 0x80000006:
        if ( !amd )
            r->a = r->b = r->d = 0;
        break;
    case 0x80000008:
        /* 48-bit linear addresses (no LA57 for PV); no guest physical size. */
        r->a = (r->a & 0xff) | (48 << 8);
        r->b &= PV_E8B;
        r->c = amd ? r->c & 0x3f0ff : 0;
        r->d = 0;
        break;
    case 0x80000019: case 0x8000001a:    /* AMD TLB and performance hints */
        break;
    case 0x80000021:
        *r = (struct cpuid_leaf){ r->a & PV_E21A, 0, r->c & PV_E21C, 0 };
        break;
    default:
        /* 7 (power, invariant TSC), 9, 0xa (SVM), 0xb-0x18, 0x1b-0x20. */
        *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
    }
}

/* Xen's own leaves at 0x40000000: signature, version, hypercall page. */
static void hypervisor_leaf(uint32_t leaf, struct cpuid_leaf *r)
{
    switch ( leaf )
    {
    case 0x40000000:
        r->a = 0x40000002;               /* largest Xen leaf Keel fills */
        memcpy(&r->b, "XenV", 4);
        memcpy(&r->c, "MMXe", 4);
        memcpy(&r->d, "nVMM", 4);
        break;
    case 0x40000001:
        r->a = (KEEL_VERSION_MAJOR << 16) | KEEL_VERSION_MINOR;
        break;
    case 0x40000002:
        r->a = 1;                        /* one hypercall page */
        r->b = 0x40000000;               /* the MSR that asks for it */
        break;
    }
}

void pv_cpuid_leaf(const struct vcpu *v, uint32_t leaf, uint32_t sub,
                   struct cpuid_leaf *r)
{
    *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
    if ( leaf <= MAX_BASIC )
    {
        if ( leaf > max_basic() )
            return;                      /* out of range: zeros, as on AMD */
        cpuid_count(leaf, sub, r);
        basic_leaf(v, leaf, sub, r);
    }
    else if ( leaf >= 0x40000000 && leaf < 0x40000100 )
        hypervisor_leaf(leaf, r);
    else if ( leaf >= 0x80000000 && leaf <= max_extd() )
    {
        cpuid_count(leaf, sub, r);
        extd_leaf(v, leaf, r);
    }
}
