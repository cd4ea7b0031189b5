/*
 * MSRs and SVM instructions a guest must not reach:
 *  - EFER: SVME is not visible; setting it is #GP(0) and changes nothing;
 *    LME/LMA match the environment (hvm64 in long mode, pvh not);
 *  - VM_HSAVE_PA (0xc0010117): rdmsr and wrmsr #GP(0) (no nested SVM);
 *  - an unknown MSR (0x12345678): rdmsr and wrmsr #GP(0);
 *  - APIC_BASE: 0xfee00000, enabled, BSP; PAT at its reset value; the TSC
 *    MSR does not go backwards; MTRRcap reads;
 *  - VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT: #UD.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Hostile MSRs and SVM instructions";

#define MSR_VM_HSAVE_PA 0xc0010117U
#define MSR_PAT         0x00000277U

#define SVM_INSN(name, insn) do {                                          \
        exinfo_t ex;                                                       \
        asm volatile ("xor %%eax, %%eax; 1: " insn "; 2:"                  \
                      _ASM_EXTABLE(1b, 2b)                                 \
                      : "=a" (ex) : "0" (0) : "memory");                   \
        if ( ex != EXINFO_SYM(UD, 0) )                                     \
            xtf_failure("Fail: %s: exinfo %#x, expected #UD\n", name, ex); \
    } while ( 0 )

void test_main(void)
{
    uint64_t efer, v, t0;
    exinfo_t ex;

    efer = rdmsr(MSR_EFER);
    printk("EFER %#llx\n", (unsigned long long)efer);
    if ( efer & EFER_SVME )
        xtf_failure("Fail: EFER %#llx shows SVME\n", (unsigned long long)efer);
#ifdef __x86_64__
    if ( (efer & (EFER_LME | EFER_LMA)) != (EFER_LME | EFER_LMA) )
        xtf_failure("Fail: EFER %#llx in long mode lacks LME/LMA\n", (unsigned long long)efer);
#else
    if ( efer & (EFER_LME | EFER_LMA) )
        xtf_failure("Fail: EFER %#llx in 32-bit mode has LME/LMA\n", (unsigned long long)efer);
#endif
    ex = wrmsr_safe(MSR_EFER, efer | EFER_SVME);
    check_eq("wrmsr EFER | SVME", ex, EXINFO_SYM(GP, 0));
    check_eq("EFER after the refused write", rdmsr(MSR_EFER), efer);
    check_eq("wrmsr EFER unchanged", wrmsr_safe(MSR_EFER, efer), 0);

    check_eq("rdmsr VM_HSAVE_PA", rdmsr_safe(MSR_VM_HSAVE_PA, &v), EXINFO_SYM(GP, 0));
    check_eq("wrmsr VM_HSAVE_PA", wrmsr_safe(MSR_VM_HSAVE_PA, 0x1000), EXINFO_SYM(GP, 0));
    check_eq("wrmsr VM_HSAVE_PA (unaligned)", wrmsr_safe(MSR_VM_HSAVE_PA, 0xfd00000123ULL),
             EXINFO_SYM(GP, 0));
    check_eq("rdmsr 0x12345678", rdmsr_safe(0x12345678, &v), EXINFO_SYM(GP, 0));
    check_eq("wrmsr 0x12345678", wrmsr_safe(0x12345678, 1), EXINFO_SYM(GP, 0));

    v = rdmsr(MSR_APIC_BASE);
    printk("APIC_BASE %#llx\n", (unsigned long long)v);
    check_eq("APIC_BASE address", (uint32_t)(v & ~0xfffULL), 0xfee00000U);
    if ( !(v & (1U << 11)) || !(v & (1U << 8)) )
        xtf_failure("Fail: APIC_BASE %#llx: expected enabled (11) and BSP (8)\n",
                    (unsigned long long)v);
    v = rdmsr(MSR_PAT);
    if ( v != 0x0007040600070406ULL )
        xtf_failure("Fail: PAT %#llx, expected the reset value\n", (unsigned long long)v);
    t0 = rdtsc();
    v = rdmsr(0x10);
    if ( v < t0 )
        xtf_failure("Fail: TSC MSR %#llx behind rdtsc %#llx\n",
                    (unsigned long long)v, (unsigned long long)t0);
    check_eq("rdmsr MTRRcap", rdmsr_safe(0xfe, &v), 0);

    SVM_INSN("vmrun", "vmrun");
    SVM_INSN("vmload", "vmload");
    SVM_INSN("vmsave", "vmsave");
    SVM_INSN("stgi", "stgi");
    SVM_INSN("clgi", "clgi");
    SVM_INSN("skinit", "skinit");
}
