/*
 * RDMSR/WRMSR from a PV guest kernel (they #GP from ring 3 and are
 * emulated), answered as Xen 4.17 answers a PV dom0:
 *  - segment bases, TSC, EFER (writes may only restate it), the APIC base
 *    (enabled at 0xfee00000, BSP on vCPU 0), PAT (Keel runs with Xen's PAT,
 *    read-only), MISC_ENABLE (the host's, with PMU/MONITOR hidden);
 *  - the virtual MCA of Xen's vMCE: 2 banks, MCi_CTL all ones, status,
 *    address and misc only ever 0, MCG_STATUS kept per vCPU;
 *  - TSC_AUX kept per vCPU when RDTSCP/RDPID are offered;
 *  - read-as-zero, write-ignored MSRs Linux touches unguarded: AMD HWCR,
 *    NB_CFG, P-state, PMU counters; DE_CFG reads LFENCE-serialising;
 *    PLATFORM_INFO and MISC_FEATURES_ENABLES read 0 (no CPUID faulting);
 *  - everything else, and anything the CPUID policy hides (SPEC_CTRL,
 *    ARCH_CAPABILITIES, XSS, the LBR/address-mask MSRs), raises #GP(0).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <asm/guest_access.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>

#define MSR_P5_MC_ADDR          0x00000000
#define MSR_P5_MC_TYPE          0x00000001
#define MSR_IA32_TSC            0x00000010
#define MSR_PLATFORM_ID         0x00000017
#define MSR_FEATURE_CONTROL     0x0000003a
#define MSR_UCODE_REV           0x0000008b
#define MSR_PLATFORM_INFO       0x000000ce
#define MSR_MISC_FEATURES       0x00000140
#define MSR_MCG_CAP             0x00000179
#define MSR_MCG_STATUS          0x0000017a
#define MSR_MCG_CTL             0x0000017b
#define MSR_PERF_STATUS         0x00000198
#define MSR_PERF_CTL            0x00000199
#define MSR_THERM_STATUS        0x0000019c
#define MSR_MISC_ENABLE         0x000001a0
#define  MISC_ENABLE_PERF_AVAIL (1UL << 7)
#define  MISC_ENABLE_BTS_UNAVAIL (1UL << 11)
#define  MISC_ENABLE_PEBS_UNAVAIL (1UL << 12)
#define  MISC_ENABLE_MONITOR    (1UL << 18)
#define  MISC_ENABLE_XTPR_DISABLE (1UL << 23)
#define MSR_MC_CTL2(n)          (0x00000280 + (n))
#define MSR_PERF_CAPABILITIES   0x00000345
#define MSR_MC_CTL(n)           (0x00000400 + 4 * (n))
#define MSR_MC_LAST             0x0000047f
#define MSR_HYPERCALL_PAGE      0x40000000
#define MSR_TSC_AUX             0xc0000103
#define MSR_K8_SYSCFG           0xc0010010
#define MSR_K8_HWCR             0xc0010015
#define MSR_K8_TOP_MEM1         0xc001001a
#define MSR_K8_TOP_MEM2         0xc001001d
#define MSR_AMD64_NB_CFG        0xc001001f
#define MSR_FAM10H_MMIO_CONF    0xc0010058
#define MSR_AMD64_DE_CFG        0xc0011029
#define  DE_CFG_LFENCE_SERIALISE (1UL << 1)

#define EFER_LMA    (1UL << 10)
/* EFER bits a guest may see: SCE, LME, LMA, NXE, LMSLE, FFXSR (never SVME). */
#define EFER_GUEST  (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | (1UL << 13) | (1UL << 14))
/* SYSCFG bits Xen shows dom0: MTRR_FIX_DRAM_EN, MTRR_VAR_DRAM_EN, MTRR_TOM2_EN, TOM2_FORCE_WB. */
#define SYSCFG_GUEST ((1UL << 18) | (1UL << 20) | (1UL << 21) | (1UL << 22))

#define GUEST_MC_BANKS 2
/* Xen's vMCE capabilities: Intel adds MCG_SER_P, MCG_TES_P and MCG_CMCI_P. */
#define MCG_CAP_INTEL  ((1UL << 24) | (1UL << 11) | (1UL << 10) | GUEST_MC_BANKS)
#define MCG_CAP_AMD    GUEST_MC_BANKS

static bool vendor_is(const char *v)
{
    return !memcmp(boot_cpu.vendor, v, 12);
}

static bool is_amd(void)
{
    return vendor_is("AuthenticAMD") || vendor_is("HygonGenuine");
}

static bool is_intel(void)
{
    return vendor_is("GenuineIntel");
}

/* A policy bit: leaf, subleaf, register (0 = eax .. 3 = edx), bit. */
static bool has_feature(const struct vcpu *v, uint32_t leaf, unsigned int reg,
                        unsigned int bit)
{
    struct cpuid_leaf r;

    pv_cpuid_leaf(v, leaf, 0, &r);
    return (&r.a)[reg] & (1u << bit);
}

static bool tsc_aux_offered(const struct vcpu *v)
{
    return has_feature(v, 0x80000001, 3, 27) ||   /* RDTSCP */
           has_feature(v, 7, 2, 22);              /* RDPID */
}

static uint64_t guest_efer(void)
{
    return rdmsr(MSR_EFER) & EFER_GUEST;
}

static uint64_t guest_misc_enable(uint64_t host)
{
    return (host & ~(MISC_ENABLE_PERF_AVAIL | MISC_ENABLE_MONITOR)) |
           MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL | MISC_ENABLE_XTPR_DISABLE;
}

/* The PMU counters Xen hides without a vPMU: read 0, writes dropped. */
static bool is_pmu_msr(uint32_t idx)
{
    if ( is_intel() )
        return (idx >= 0xc1 && idx <= 0xc8) ||       /* PERFCTR0-7 */
               (idx >= 0x186 && idx <= 0x189) ||     /* EVNTSEL0-3 */
               (idx >= 0x309 && idx <= 0x30b) ||     /* FIXED_CTR0-2 */
               (idx >= 0x38d && idx <= 0x390);       /* FIXED_CTR_CTRL..GLOBAL_OVF_CTRL */
    return is_amd() &&
           ((idx >= 0xc0010000 && idx <= 0xc0010007) ||  /* K7 EVNTSEL/PERFCTR */
            (idx >= 0xc0010200 && idx <= 0xc001020b));   /* Fam15h counters */
}

/* AMD FID/VID and P-state MSRs: zero for a dom0 that is no cpufreq controller. */
static bool is_amd_pstate_msr(uint32_t idx)
{
    return is_amd() && (idx == 0xc0010041 || idx == 0xc0010042 ||
                        (idx >= 0xc0010061 && idx <= 0xc001006b));
}

static bool is_mca_msr(uint32_t idx)
{
    return idx == MSR_P5_MC_ADDR || idx == MSR_P5_MC_TYPE ||
           (idx >= MSR_MCG_CAP && idx <= MSR_MCG_CTL) ||
           (idx >= MSR_MC_CTL2(0) && idx <= MSR_MC_CTL2(31)) ||
           (idx >= MSR_MC_CTL(0) && idx <= MSR_MC_LAST);
}

static uint64_t mca_read(const struct vcpu *v, uint32_t idx)
{
    switch ( idx )
    {
    case MSR_MCG_CAP:
        return is_intel() ? MCG_CAP_INTEL : MCG_CAP_AMD;
    case MSR_MCG_STATUS:
        return v->arch.mcg_status;
    }
    /* MCi_CTL of the guest's banks reads all ones; status/addr/misc stay 0. */
    if ( idx >= MSR_MC_CTL(0) && idx < MSR_MC_CTL(GUEST_MC_BANKS) &&
         (idx & 3) == 0 )
        return ~0UL;
    return 0;
}

/* Only MCG_STATUS keeps a value; banks' status/addr/misc take nothing but 0. */
static bool mca_write(struct vcpu *v, uint32_t idx, uint64_t val)
{
    if ( idx == MSR_MCG_STATUS )
    {
        v->arch.mcg_status = val;
        return true;
    }
    if ( idx >= MSR_MC_CTL(0) && idx < MSR_MC_CTL(GUEST_MC_BANKS) && (idx & 3) )
        return val == 0;
    return true;
}

static bool amd_sys_msr(uint32_t idx)
{
    return idx == MSR_K8_SYSCFG || idx == MSR_K8_TOP_MEM1 || idx == MSR_K8_TOP_MEM2 ||
           (idx >= 0xc0010016 && idx <= 0xc0010019) ||   /* IORR_BASE/MASK 0-1 */
           idx == 0xc0010112 || idx == 0xc0010113;       /* TSEG base/mask */
}

bool pv_rdmsr(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = 0;
    if ( is_mca_msr(idx) )
    {
        *val = mca_read(v, idx);
        return true;
    }
    if ( is_pmu_msr(idx) || is_amd_pstate_msr(idx) )
        return true;
    if ( amd_sys_msr(idx) )
    {
        /* dom0 sees the memory map registers; others of Xen's PV guests do not. */
        if ( !is_amd() || !v->domain->is_privileged || rdmsr_safe(idx, val) )
            return false;
        if ( idx == MSR_K8_SYSCFG )
            *val &= SYSCFG_GUEST;
        return true;
    }
    switch ( idx )
    {
    case MSR_FS_BASE:
        *val = rdmsr(MSR_FS_BASE);
        return true;
    case MSR_GS_BASE:
        *val = rdmsr(MSR_GS_BASE);
        return true;
    case MSR_SHADOW_GS_BASE:
        *val = v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel;
        return true;
    case MSR_IA32_TSC:
        *val = rdtsc();
        return true;
    case MSR_EFER:
        *val = guest_efer();
        return true;
    case MSR_APIC_BASE:
        *val = APIC_BASE_ENABLE | 0xfee00000UL | (v->vcpu_id ? 0 : APIC_BASE_BSP);
        return true;
    case MSR_PAT:
        *val = rdmsr(MSR_PAT);
        return true;
    case MSR_MISC_ENABLE:
        if ( rdmsr_safe(MSR_MISC_ENABLE, val) )
            return false;
        *val = guest_misc_enable(*val);
        return true;
    case MSR_PERF_CAPABILITIES:
    case MSR_PLATFORM_INFO:             /* no CPUID faulting offered */
    case MSR_MISC_FEATURES:
    case MSR_HYPERCALL_PAGE:            /* write-only: reads as zero */
        return true;
    case MSR_FEATURE_CONTROL:
        *val = 1;                       /* locked, VMX off */
        return is_intel();
    case MSR_PLATFORM_ID:
        return is_intel() && !rdmsr_safe(idx, val);
    case MSR_UCODE_REV:
        return (is_intel() || is_amd()) && !rdmsr_safe(idx, val);
    case MSR_PERF_STATUS:
    case MSR_PERF_CTL:
    case MSR_THERM_STATUS:
        return is_intel();
    case MSR_TSC_AUX:
        *val = v->arch.tsc_aux;
        return tsc_aux_offered(v);
    case MSR_K8_HWCR:
    case MSR_AMD64_NB_CFG:
        return is_amd();
    case MSR_FAM10H_MMIO_CONF:
        return is_amd() && boot_cpu.family >= 0x10 && boot_cpu.family < 0x17;
    case MSR_AMD64_DE_CFG:
        *val = DE_CFG_LFENCE_SERIALISE;
        return is_amd();
    }
    return false;
}

static bool write_base(struct vcpu *v, uint32_t idx, uint64_t val)
{
    if ( !guest_range_ok(val, 0) && val )
        return false;                   /* a base inside Keel's hole: #GP */
    switch ( idx )
    {
    case MSR_FS_BASE:
        v->arch.fs_base = val;
        wrmsr(MSR_FS_BASE, val);
        break;
    case MSR_GS_BASE:
        if ( v->arch.kernel_mode )
            v->arch.gs_base_kernel = val;
        else
            v->arch.gs_base_user = val;
        wrmsr(MSR_GS_BASE, val);
        break;
    default:
        if ( v->arch.kernel_mode )
            v->arch.gs_base_user = val;
        else
            v->arch.gs_base_kernel = val;
    }
    return true;
}

bool pv_wrmsr(struct vcpu *v, uint32_t idx, uint64_t val)
{
    uint64_t host;

    if ( is_mca_msr(idx) )
        return mca_write(v, idx, val);  /* MCG_CAP: the write changes nothing */
    if ( is_pmu_msr(idx) || is_amd_pstate_msr(idx) )
        return true;
    switch ( idx )
    {
    case MSR_FS_BASE: case MSR_GS_BASE: case MSR_SHADOW_GS_BASE:
        return write_base(v, idx, val);
    case MSR_EFER:
        /* Linux writes the value back: fine, as long as nothing changes. */
        return val == guest_efer();
    case MSR_MISC_ENABLE:
        /* Xen drops a change with a warning; the write itself succeeds. */
        return !rdmsr_safe(MSR_MISC_ENABLE, &host);
    case MSR_MISC_FEATURES:
        return val == 0;                /* CPUID faulting is not offered */
    case MSR_UCODE_REV:
        return is_intel() && val == 0;  /* the "write 0, CPUID, read" sequence */
    case MSR_PERF_CTL:
        return is_intel();
    case 0xe7: case 0xe8:               /* MPERF, APERF */
        return is_intel() || is_amd();
    case 0x19a: case 0x1b0:             /* THERM_CONTROL, ENERGY_PERF_BIAS */
        return is_intel();
    case MSR_TSC_AUX:
        if ( !tsc_aux_offered(v) || val >> 32 )
            return false;
        v->arch.tsc_aux = val;
        wrmsr(MSR_TSC_AUX, val);
        return true;
    case MSR_K8_HWCR:
    case MSR_AMD64_NB_CFG:
    case MSR_AMD64_DE_CFG:              /* dropped: some kernels panic on a #GP */
        return is_amd();
    case MSR_FAM10H_MMIO_CONF:
        return is_amd() && boot_cpu.family >= 0x10 && boot_cpu.family < 0x17;
    }
    return false;
}
