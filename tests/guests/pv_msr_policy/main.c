/*
 * The MSRs a Linux PV dom0 reads and writes at boot, answered as Xen 4.17
 * answers them (rdmsr/wrmsr #GP from ring 3 and are emulated):
 *  - EFER: LME, LMA, SCE, NX, never SVME; writing it back is accepted, a
 *    change is #GP(0) and leaves it as it was;
 *  - APIC_BASE 0xfee00900 (enabled, BSP) on vCPU 0; PAT is Xen's
 *    0x0000050100070406 and a write is #GP(0); TSC reads between two rdtsc,
 *    a write is #GP(0);
 *  - vMCE: MCG_CAP = 2 banks (AMD; Intel adds SER/TES/CMCI), MCG_STATUS
 *    kept, MCG_CTL 0, MC0_CTL all ones, MC0_STATUS 0 (a non-zero write is
 *    #GP(0)), banks past 2 read 0, MCG_EXT_CTL #GP(0);
 *  - AMD: HWCR and NB_CFG read 0 and take writes, DE_CFG reads
 *    LFENCE-serialising and drops writes, a PMU counter and P-state MSR
 *    read 0, LS_CFG #GP(0); Intel-only MSRs (FEATURE_CONTROL, PERF_CTL,
 *    THERM_STATUS) #GP(0) on AMD;
 *  - PLATFORM_INFO and MISC_FEATURES_ENABLES read 0 (no CPUID faulting:
 *    enabling it is #GP(0)); PERF_CAPABILITIES 0;
 *  - SPEC_CTRL / ARCH_CAPABILITIES: #GP(0) unless CPUID offers them;
 *  - TSC_AUX (with RDTSCP): written and read back, rdtscp returns it, a
 *    value above 32 bits is #GP(0);
 *  - SYSENTER_CS/ESP/EIP, STAR, LSTAR, CSTAR, SFMASK: #GP(0) (Xen keeps
 *    them for itself); the hypercall MSR 0x40000000 reads 0, 0x40000001
 *    is #GP(0).
 * (The existing `msr` test covers the segment bases and unknown MSRs.)
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "PV MSR policy";

#define GP0 EXINFO_SYM(GP, 0)
#define ANY 0xa5a5a5a5a5a5a5a5UL

static bool amd, intel;

static uint64_t expect_rd(const char *name, uint32_t idx, exinfo_t want_ex, uint64_t want)
{
    uint64_t val = 0;
    exinfo_t ex = rdmsr_safe(idx, &val);

    printk("rdmsr %#010x %-22s -> %s %#lx\n", idx, name, ex ? "#GP" : "ok", ex ? 0 : val);
    if ( ex != want_ex )
        xtf_failure("Fail: rdmsr %s: exinfo %#x, expected %#x\n", name, ex, want_ex);
    else if ( !ex && want != ANY && val != want )
        xtf_failure("Fail: rdmsr %s = %#lx, expected %#lx\n", name, val, want);
    return val;
}

static void expect_wr(const char *name, uint32_t idx, uint64_t val, exinfo_t want_ex)
{
    exinfo_t ex = wrmsr_safe(idx, val);

    printk("wrmsr %#010x %-22s %#lx -> %s\n", idx, name, val, ex ? "#GP" : "ok");
    if ( ex != want_ex )
        xtf_failure("Fail: wrmsr %s %#lx: exinfo %#x, expected %#x\n", name, val, ex, want_ex);
}

static void check_core(void)
{
    uint64_t efer, t0, t1, tsc;

    efer = expect_rd("EFER", 0xc0000080, 0, ANY);
    check_eq("EFER SCE|LME|LMA|NX", efer & 0xd01, 0xd01);
    check_eq("EFER.SVME", efer & (1UL << 12), 0);
    expect_wr("EFER (same)", 0xc0000080, efer, 0);
    expect_wr("EFER (no SCE)", 0xc0000080, efer & ~1UL, GP0);
    expect_rd("EFER after", 0xc0000080, 0, efer);

    expect_rd("APIC_BASE", 0x1b, 0, 0xfee00900);
    expect_rd("PAT", 0x277, 0, 0x0000050100070406UL);
    expect_wr("PAT", 0x277, 0x0007040600070406UL, GP0);
    expect_rd("PAT after", 0x277, 0, 0x0000050100070406UL);

    t0 = rdtsc();
    tsc = expect_rd("TSC", 0x10, 0, ANY);
    t1 = rdtsc();
    if ( tsc < t0 || tsc > t1 )
        xtf_failure("Fail: TSC MSR %#lx not between rdtsc %#lx and %#lx\n", tsc, t0, t1);
    expect_wr("TSC", 0x10, 0, GP0);

    expect_rd("PLATFORM_INFO", 0xce, 0, 0);
    expect_rd("MISC_FEATURES_ENABLES", 0x140, 0, 0);
    expect_wr("MISC_FEATURES_ENABLES 0", 0x140, 0, 0);
    expect_wr("MISC_FEATURES (faulting)", 0x140, 1, GP0);
    expect_rd("PERF_CAPABILITIES", 0x345, 0, 0);
    expect_rd("hypercall page MSR", 0x40000000, 0, 0);
    expect_rd("0x40000001", 0x40000001, GP0, 0);

    expect_rd("SYSENTER_CS", 0x174, GP0, 0);
    expect_rd("SYSENTER_ESP", 0x175, GP0, 0);
    expect_rd("SYSENTER_EIP", 0x176, GP0, 0);
    expect_rd("STAR", 0xc0000081, GP0, 0);
    expect_rd("LSTAR", 0xc0000082, GP0, 0);
    expect_rd("CSTAR", 0xc0000083, GP0, 0);
    expect_rd("SFMASK", 0xc0000084, GP0, 0);
    expect_wr("LSTAR", 0xc0000082, 0, GP0);
}

static void check_mca(void)
{
    expect_rd("MCG_CAP", 0x179, 0, intel ? 0x1000c02 : 2);
    expect_rd("MCG_STATUS", 0x17a, 0, 0);
    expect_wr("MCG_STATUS", 0x17a, 4, 0);
    expect_rd("MCG_STATUS after", 0x17a, 0, 4);
    expect_wr("MCG_STATUS 0", 0x17a, 0, 0);
    expect_rd("MCG_CTL", 0x17b, 0, 0);
    expect_rd("MC0_CTL", 0x400, 0, ~0UL);
    expect_rd("MC1_CTL", 0x404, 0, ~0UL);
    expect_rd("MC0_STATUS", 0x401, 0, 0);
    expect_wr("MC0_STATUS 0", 0x401, 0, 0);
    expect_wr("MC0_STATUS 1", 0x401, 1, GP0);
    expect_wr("MC0_CTL", 0x400, 0, 0);
    expect_rd("MC0_CTL after", 0x400, 0, ~0UL);
    expect_rd("MC2_CTL", 0x408, 0, 0);
    expect_rd("MC5_STATUS", 0x415, 0, 0);
    expect_rd("MCG_EXT_CTL", 0x4d0, GP0, 0);
}

static void check_vendor(void)
{
    exinfo_t amd_only = amd ? 0 : GP0, intel_only = intel ? 0 : GP0;
    uint64_t v;

    expect_rd("HWCR", 0xc0010015, amd_only, 0);
    expect_wr("HWCR", 0xc0010015, 0, amd_only);
    expect_rd("NB_CFG", 0xc001001f, amd_only, 0);
    expect_wr("NB_CFG", 0xc001001f, 1UL << 46, amd_only);
    expect_rd("DE_CFG", 0xc0011029, amd_only, 2);
    expect_wr("DE_CFG", 0xc0011029, 0, amd_only);
    expect_rd("DE_CFG after", 0xc0011029, amd_only, 2);
    expect_rd("LS_CFG", 0xc0011020, GP0, 0);
    if ( amd )
    {
        expect_rd("K7_EVNTSEL0", 0xc0010000, 0, 0);
        expect_wr("K7_EVNTSEL0", 0xc0010000, 0x430076, 0);
        expect_rd("K7_EVNTSEL0 after", 0xc0010000, 0, 0);
        expect_rd("K8_PSTATE0", 0xc0010064, 0, 0);
        v = expect_rd("SYSCFG", 0xc0010010, 0, ANY);
        check_eq("SYSCFG bits outside Xen's mask", v & ~0x740000UL, 0);
    }
    expect_rd("FEATURE_CONTROL", 0x3a, intel_only, 1);
    expect_rd("PERF_CTL", 0x199, intel_only, 0);
    expect_rd("THERM_STATUS", 0x19c, intel_only, 0);
    v = 0;
    if ( !rdmsr_safe(0x1a0, &v) )
    {
        printk("MISC_ENABLE %#lx\n", v);
        check_eq("MISC_ENABLE BTS/PEBS unavailable, xTPR off", v & 0x801800, 0x801800);
        check_eq("MISC_ENABLE PERF_AVAIL/MONITOR", v & 0x40080, 0);
        expect_wr("MISC_ENABLE (same)", 0x1a0, v, 0);
    }
}

static void check_policy_msrs(void)
{
    struct cpuid_leaf l7, e1, e8;
    uint64_t v;

    pv_cpuid_count(7, 0, &l7);
    pv_cpuid_count(0x80000001, 0, &e1);
    pv_cpuid_count(0x80000008, 0, &e8);
    if ( !(l7.d & (1u << 26)) && !(e8.b & (1u << 14)) )
        expect_rd("SPEC_CTRL (no IBRS)", 0x48, GP0, 0);
    if ( !(l7.d & (1u << 29)) )
        expect_rd("ARCH_CAPS (not offered)", 0x10a, GP0, 0);
    if ( !(e1.d & (1u << 27)) && !(l7.c & (1u << 22)) )
    {
        expect_rd("TSC_AUX (no RDTSCP)", 0xc0000103, GP0, 0);
        return;
    }
    expect_wr("TSC_AUX", 0xc0000103, 0x1234, 0);
    expect_rd("TSC_AUX after", 0xc0000103, 0, 0x1234);
    expect_wr("TSC_AUX 1 << 32", 0xc0000103, 1UL << 32, GP0);
    if ( e1.d & (1u << 27) )
    {
        uint32_t aux;

        asm volatile ("rdtscp" : "=c" (aux) :: "rax", "rdx");
        check_eq("rdtscp ecx", aux, 0x1234);
    }
    v = 0;
    expect_wr("TSC_AUX 0", 0xc0000103, v, 0);
}

void test_main(void)
{
    struct cpuid_leaf l0;

    pv_cpuid_count(0, 0, &l0);
    amd = l0.b == 0x68747541 || l0.b == 0x6f677948;     /* "Auth", "Hygo" */
    intel = l0.b == 0x756e6547;                          /* "Genu" */
    check_core();
    check_mca();
    check_vendor();
    check_policy_msrs();
}
