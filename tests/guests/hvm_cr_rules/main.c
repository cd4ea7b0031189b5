/*
 * Control-register and DEBUGCTL rules for an HVM guest, as Xen 4.17's
 * hvm_set_cr4 and MSR intercepts give them:
 *  - a MOV to CR4 with a bit the guest's CPUID does not offer is #GP(0)
 *    and CR4 keeps its value: VMXE (no nested virtualisation; on a CPU
 *    with VMX the write would otherwise reach the VMCB and the next VMRUN
 *    would fail, killing the domain), MCE (no vMCE, CPUID hides it), the
 *    reserved bits 15, 19 and 25-31, LA57 (bit 12), and PKE while
 *    CPUID.7.ECX.PKU is clear;
 *  - a bit that CPUID offers (TSD always, PCE always) can be set and
 *    cleared, and reads back;
 *  - in long mode (hvm64) clearing CR4.PAE is #GP(0);
 *  - DEBUGCTL reads, takes LBR/BTF and reads them back, and a reserved
 *    bit is #GP(0); the last-branch MSRs read.
 * The domain must run on after each refusal: the verdict line proves it.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "CR4 and DEBUGCTL writes follow the guest's CPUID";

#define CR4_MCE   (1UL << 6)
#define CR4_PCE   (1UL << 8)
#define CR4_LA57  (1UL << 12)
#define CR4_VMXE  (1UL << 13)
#define CR4_PKE   (1UL << 22)
#define CR4_TSD   (1UL << 2)
#define CR4_PAE   (1UL << 5)

#define MSR_DEBUGCTL 0x1d9

/* MOV to CR4 with fault recovery: 0 or the exinfo of the fault. */
static exinfo_t write_cr4_safe(unsigned long val)
{
    exinfo_t fault;

    asm volatile ("1: mov %1, %%cr4; xor %%eax, %%eax; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (fault) : "r" (val) : "memory");
    return fault;
}

static void refused(const char *what, unsigned long bit)
{
    unsigned long cr4 = read_cr4();
    exinfo_t ex = write_cr4_safe(cr4 | bit);

    if ( ex != EXINFO_SYM(GP, 0) )
        xtf_failure("Fail: CR4 |= %s (%#lx): exinfo %#x, expected #GP(0)\n", what, bit, ex);
    if ( read_cr4() != cr4 )
        xtf_failure("Fail: CR4 changed to %#lx by a refused write of %s\n", read_cr4(), what);
}

static void accepted(const char *what, unsigned long bit)
{
    unsigned long cr4 = read_cr4();

    check_eq(what, write_cr4_safe(cr4 | bit), 0);
    if ( !(read_cr4() & bit) )
        xtf_failure("Fail: CR4.%s did not read back set\n", what);
    check_eq(what, write_cr4_safe(cr4), 0);
    if ( read_cr4() != cr4 )
        xtf_failure("Fail: CR4 %#lx after restoring %#lx\n", read_cr4(), cr4);
}

static void cr4_rules(void)
{
    struct cpuid_leaf l1, l7;

    cpuid_count(1, 0, &l1);
    cpuid_count(7, 0, &l7);
    printk("CR4 %#lx, CPUID.1 ecx %#x edx %#x, CPUID.7 ecx %#x\n", read_cr4(), l1.c, l1.d,
           l7.c);
    if ( l1.c & (1u << 5) )
        xtf_failure("Fail: CPUID offers VMX to an HVM guest\n");
    refused("VMXE", CR4_VMXE);
    if ( !(l1.d & ((1u << 7) | (1u << 14))) )
        refused("MCE", CR4_MCE);
    if ( !(l7.c & (1u << 16)) )
        refused("LA57", CR4_LA57);
    if ( !(l7.c & (1u << 3)) )
        refused("PKE", CR4_PKE);
    refused("bit 15", 1UL << 15);
    refused("bit 19", 1UL << 19);
    for ( unsigned int b = 25; b < 32; b++ )
        refused("a reserved bit of 25-31", 1UL << b);
    accepted("TSD", CR4_TSD);
    accepted("PCE", CR4_PCE);
#ifdef __x86_64__
    {
        unsigned long cr4 = read_cr4();
        exinfo_t ex = write_cr4_safe(cr4 & ~CR4_PAE);

        check_eq("CR4 without PAE in long mode", ex, EXINFO_SYM(GP, 0));
    }
#endif
}

static void debugctl_rules(void)
{
    uint64_t v = ~0ULL;

    check_eq("rdmsr DEBUGCTL", rdmsr_safe(MSR_DEBUGCTL, &v), 0);
    check_eq("DEBUGCTL at start", (unsigned long)v, 0);
    check_eq("wrmsr DEBUGCTL LBR|BTF", wrmsr_safe(MSR_DEBUGCTL, 3), 0);
    check_eq("rdmsr DEBUGCTL again", rdmsr_safe(MSR_DEBUGCTL, &v), 0);
    check_eq("DEBUGCTL reads back", (unsigned long)v, 3);
    check_eq("wrmsr DEBUGCTL bit 6", wrmsr_safe(MSR_DEBUGCTL, 1u << 6), EXINFO_SYM(GP, 0));
    check_eq("wrmsr DEBUGCTL 0", wrmsr_safe(MSR_DEBUGCTL, 0), 0);
    for ( uint32_t msr = 0x1db; msr <= 0x1de; msr++ )
        check_eq("rdmsr a last-branch MSR", rdmsr_safe(msr, &v), 0);
}

void test_main(void)
{
    cr4_rules();
    debugctl_rules();
}
