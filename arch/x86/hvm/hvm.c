/*
 * Vendor-neutral HVM: start-up, the CPUID policy, MSRs, halting and
 * interrupt selection.  The vendor code (svm/) calls in here for every
 * exit that is not about the vendor's own machinery.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/version.h>
#include <asm/current.h>
#include <asm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <public/errno.h>

#define MSR_HYPERCALL_PAGE 0x40000000
#define MSR_PAT            0x00000277
#define MSR_TSC            0x00000010
#define MSR_MTRRCAP        0x000000fe
#define MSR_MTRR_DEF_TYPE  0x000002ff

const struct hvm_funcs *hvm_funcs;
bool hvm_enabled;

bool is_hvm_domain(const struct domain *d)
{
    return d->arch.is_hvm;
}

bool is_hvm_vcpu(const struct vcpu *v)
{
    return v && v->domain->arch.is_hvm;
}

void hvm_init(void)
{
    hvm_funcs = svm_probe();
    if ( !hvm_funcs || hvm_funcs->cpu_up() )
    {
        hvm_funcs = NULL;
        return;
    }
    hvm_enabled = true;
    printk("HVM: %s enabled, nested paging (HAP) in use\n", hvm_funcs->name);
}

void hvm_cpu_up(void)
{
    if ( hvm_enabled && hvm_funcs->cpu_up() )
        printk(KLOG_ERR "CPU%u: cannot enable %s\n", smp_processor_id(), hvm_funcs->name);
}

static void xen_leaves(struct vcpu *v, uint32_t leaf, uint32_t out[4])
{
    switch ( leaf - 0x40000000 )
    {
    case 0:
        out[0] = 0x40000004;
        memcpy(&out[1], "XenV", 4);
        memcpy(&out[2], "MMXe", 4);
        memcpy(&out[3], "nVMM", 4);
        break;
    case 1:
        out[0] = (KEEL_VERSION_MAJOR << 16) | KEEL_VERSION_MINOR;
        break;
    case 2:
        out[0] = 1;                      /* hypercall pages */
        out[1] = MSR_HYPERCALL_PAGE;
        break;
    case 4:
        out[0] = 1u << 3;                /* vcpu id present */
        out[1] = v->vcpu_id;
        break;
    }
}

#define B(n) (1u << (n))
/* AVX-512 (7.0 ebx F DQ IFMA PF ER CD BW VL; ecx VBMI VBMI2 VNNI BITALG VPOPCNTDQ;
 * edx 4VNNIW 4FMAPS VP2INTERSECT FP16; 7.1 eax BF16), MPX, PKU/OSPKE: state Keel does not switch. */
#define HVM_7B0_HIDDEN (B(14) | B(16) | B(17) | B(21) | B(26) | B(27) | B(28) | B(30) | B(31))
#define HVM_7C0_HIDDEN (B(1) | B(3) | B(4) | B(6) | B(11) | B(12) | B(14))
#define HVM_7D0_HIDDEN (B(2) | B(3) | B(8) | B(23))
#define HVM_7A1_HIDDEN B(5)
/* Only with YMM state: FMA AVX F16C (1 ecx), AVX2 (7.0 ebx), VAES VPCLMULQDQ (7.0 ecx),
 * AVX-VNNI (7.1 eax), XOP FMA4 (0x80000001 ecx). */
#define AVX_1C  (B(12) | B(28) | B(29))
#define AVX_7B0 B(5)
#define AVX_7C0 (B(9) | B(10))
#define AVX_7A1 B(4)
#define AVX_E1C (B(11) | B(16))
/*
 * MCE and MCA (1 edx, 0x80000001 edx): Keel has no virtual machine-check
 * architecture (Xen's vMCE), so the MCG_* and MCi_* MSRs fault; offering
 * the bits made Debian's Linux as a PVH domU panic at boot ("MCA
 * architectural violation", its rdmsr of MCG_STATUS took #GP).
 */
#define NO_VMCE_D (B(7) | B(14))
/*
 * RDTSCP (0x80000001 edx) and RDPID (7.0 ecx): both read TSC_AUX, which
 * Keel neither saves nor loads per vCPU.  Offered, Debian's Linux writes
 * TSC_AUX at boot (setup_getcpu) and took #GP ("unchecked MSR access
 * error: WRMSR to 0xc0000103"); hidden, it uses LSL for getcpu.
 */
#define NO_TSC_AUX_E1D B(27)
#define NO_TSC_AUX_7C0 B(22)

/*
 * What an HVM guest sees: the host CPU (AuthenticAMD under SVM) with the
 * hypervisor bit, the Xen leaves, and without what Keel cannot give it.
 * XSAVE and AVX follow what arch/x86/fpu.c switches per vCPU; OSXSAVE is
 * the guest's own CR4 bit, which the vendor code fills in (Xen: "fast-
 * forward CR4 back in").
 */
bool hvm_handle_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    struct cpuid_leaf r = { 0, 0, 0, 0 };
    bool avx = fpu_xcr0_offered() & XSTATE_YMM;

    memset(out, 0, 4 * sizeof(uint32_t));
    if ( leaf >= 0x40000000 && leaf < 0x40010000 )
    {
        xen_leaves(v, leaf, out);
        return true;
    }
    cpuid_count(leaf, sub, &r);
    switch ( leaf )
    {
    case 1:
        r.b = (r.b & 0x00ffffff) | (v->vcpu_id << 24);   /* initial APIC ID */
        r.c |= 1u << 31;                                  /* hypervisor */
        r.c &= ~((1u << 3) | (1u << 5) | (1u << 21) | (1u << 24) | (1u << 27));
                                     /* monitor, vmx, x2apic, tsc-deadline, osxsave */
        if ( !fpu_has_xsave() )
            r.c &= ~(1u << 26);      /* xsave */
        if ( !avx )
            r.c &= ~AVX_1C;
        r.d &= ~NO_VMCE_D;
        break;
    case 7:
        if ( sub == 0 )
        {
            r.b &= ~(HVM_7B0_HIDDEN | (avx ? 0 : AVX_7B0));
            r.c &= ~(B(16) | HVM_7C0_HIDDEN | NO_TSC_AUX_7C0 | (avx ? 0 : AVX_7C0));  /* la57 */
            r.d &= ~HVM_7D0_HIDDEN;
        }
        else if ( sub == 1 )
            r.a &= ~(HVM_7A1_HIDDEN | (avx ? 0 : AVX_7A1));
        break;
    case 0xd:
        fpu_xstate_leaf(v, sub, &r);
        break;
    case 0x80000001:
        r.c &= ~((1u << 2) | (1u << 12) | (avx ? 0 : AVX_E1C));   /* svm, skinit */
        r.d &= ~(NO_VMCE_D | NO_TSC_AUX_E1D);   /* AMD mirrors MCE/MCA here */
        break;
    case 0x8000000a:
        r.a = r.b = r.c = r.d = 0;   /* no nested SVM */
        break;
    }
    out[0] = r.a;
    out[1] = r.b;
    out[2] = r.c;
    out[3] = r.d;
    return true;
}

/*
 * The CR4 bits a guest may set: those whose feature its CPUID shows (the
 * rule of Xen's hvm_cr4_guest_valid_bits), so that a kernel probing a bit
 * gets #GP as on real hardware without the feature, and a bit for state
 * Keel does not switch (VMXE: no nested virtualisation; MCE: no vMCE; PKE
 * and LA57: hidden) never reaches the VMCB, where VMRUN would refuse it.
 */
uint64_t hvm_cr4_guest_valid_bits(struct vcpu *v)
{
    uint32_t l1[4], l7[4];
    uint64_t bits = X86_CR4_PCE;

    hvm_handle_cpuid(v, 1, 0, l1);
    hvm_handle_cpuid(v, 7, 0, l7);
    if ( l1[3] & B(1) )
        bits |= X86_CR4_VME | X86_CR4_PVI;
    if ( l1[3] & B(4) )
        bits |= X86_CR4_TSD;
    if ( l1[3] & B(2) )
        bits |= X86_CR4_DE;
    if ( l1[3] & B(3) )
        bits |= X86_CR4_PSE;
    if ( l1[3] & B(6) )
        bits |= X86_CR4_PAE;
    if ( l1[3] & (B(7) | B(14)) )
        bits |= X86_CR4_MCE;
    if ( l1[3] & B(13) )
        bits |= X86_CR4_PGE;
    if ( l1[3] & B(24) )
        bits |= X86_CR4_OSFXSR;
    if ( l1[3] & B(25) )
        bits |= X86_CR4_OSXMMEXCPT;
    if ( l1[2] & B(17) )
        bits |= X86_CR4_PCIDE;
    if ( l1[2] & B(26) )
        bits |= X86_CR4_OSXSAVE;
    if ( l7[1] & B(0) )
        bits |= X86_CR4_FSGSBASE;
    if ( l7[1] & B(7) )
        bits |= X86_CR4_SMEP;
    if ( l7[1] & B(20) )
        bits |= X86_CR4_SMAP;
    if ( l7[2] & B(2) )
        bits |= X86_CR4_UMIP;
    if ( l7[2] & B(3) )
        bits |= X86_CR4_PKE;
    if ( (l7[2] & B(7)) || (l7[3] & B(20)) )
        bits |= X86_CR4_CET;
    return bits;
}

/* Write the hypercall page: mov $i,%eax; vmmcall; ret -- iret's slot is ud2. */
static int write_hypercall_page(struct vcpu *v, uint64_t gpa)
{
    uint8_t page[PAGE_SIZE];

    memset(page, 0xcc, sizeof(page));
    for ( unsigned int i = 0; i < 128; i++ )
    {
        uint8_t *p = page + i * 32;

        if ( i == 23 )
        {
            p[0] = 0x0f;
            p[1] = 0x0b;
            continue;
        }
        p[0] = 0xb8;
        memcpy(p + 1, &i, 4);
        p[5] = 0x0f; p[6] = 0x01; p[7] = 0xd9; p[8] = 0xc3;
    }
    return hvm_copy_to_phys(v->domain, gpa & PAGE_MASK, page, sizeof(page)) ? -EINVAL : 0;
}

int hvm_handle_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch ( msr )
    {
    case MSR_EFER:
        *val = hvm_funcs->get_efer(v);
        return 0;
    case MSR_APIC_BASE:
        *val = VLAPIC_BASE | APIC_BASE_ENABLE | (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
        return 0;
    case MSR_TSC:
        *val = rdtsc();
        return 0;
    case MSR_PAT:
        *val = 0x0007040600070406UL;
        return 0;
    case MSR_MTRRCAP:
    case MSR_MTRR_DEF_TYPE:
    case MSR_LASTBRANCH_FIRST ... MSR_LASTBRANCH_LAST:
        *val = 0;
        return 0;
    case MSR_DEBUGCTL:
        *val = v->arch.hvm.guest_debugctl;
        return 0;
    }
    return -EINVAL;
}

int hvm_handle_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch ( msr )
    {
    case MSR_EFER:
        /* LME/NXE/SCE are the guest's; SVME stays on underneath, LMA is the CPU's. */
        if ( val & ~(EFER_SCE | EFER_LME | EFER_NXE | (1UL << 10)) )
            return -EINVAL;
        v->arch.hvm.guest_efer = val;
        hvm_funcs->set_efer(v, val);
        return 0;
    case MSR_HYPERCALL_PAGE:
        return write_hypercall_page(v, val);
    case MSR_DEBUGCTL:
        /*
         * Linux reads and writes DEBUGCTL (BTF for single-stepping branches,
         * LBR for perf).  Keel virtualises neither: the bits are kept so
         * that they read back, and have no effect (the last-branch MSRs read
         * 0).  Any other bit is reserved (#GP), as in the AMD APM.
         */
        if ( val & ~(DEBUGCTL_LBR | DEBUGCTL_BTF) )
            return -EINVAL;
        v->arch.hvm.guest_debugctl = val;
        return 0;
    case MSR_APIC_BASE:
    case MSR_PAT:
    case MSR_MTRR_DEF_TYPE:
        return 0;                        /* accepted, nothing changes */
    }
    return -EINVAL;
}

int hvm_pending_vector(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vcpu_info *vi = v->arch.vcpu_info;

    /* Event channels first: the callback vector bypasses the LAPIC (no EOI). */
    if ( d->arch.hvm.callback_vector && vi && vi->evtchn_upcall_pending )
        return d->arch.hvm.callback_vector;
    return vlapic_pending(v);
}

void hvm_ack_vector(struct vcpu *v, int vector)
{
    struct vcpu_info *vi = v->arch.vcpu_info;

    if ( vector == v->domain->arch.hvm.callback_vector && vi && vi->evtchn_upcall_pending )
        return;                          /* the guest clears upcall_pending itself */
    vlapic_accept(v, vector);
}

void hvm_halt(struct vcpu *v)
{
    if ( hvm_pending_vector(v) >= 0 )
        return;
    vcpu_block(v);
    if ( hvm_pending_vector(v) >= 0 )
        vcpu_unblock(v);
}
