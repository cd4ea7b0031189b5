/*
 * CPUID with the forced-emulation prefix (ud2; "xen"; cpuid) is emulated:
 *  - scanning bases 0x40000000..0x40010000 (as Linux does) finds
 *    "XenVMMXenVMM" with max leaf >= base + 2;
 *  - base+1: eax = (major << 16) | minor = xen_version(XENVER_version);
 *  - base+2: eax = 1 hypercall page, ebx = 0x40000000 (its MSR);
 *  - leaf 1: the hypervisor bit (ecx bit 31) is set;
 *  - the instruction is skipped: rip continues after the 7 bytes.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Forced-emulation CPUID, Xen leaves";

void test_main(void)
{
    struct cpuid_leaf l;
    uint32_t base, max;
    long ver = hypercall_xen_version(XENVER_version, NULL);

    base = find_xen_cpuid_base(pv_cpuid_count, &max);
    if ( !base )
        return xtf_failure("Fail: no XenVMMXenVMM leaf between 0x40000000 and 0x40010000\n");
    printk("Xen leaves at %#x, max %#x\n", base, max);

    pv_cpuid_count(base + 1, 0, &l);
    check_eq("base+1 eax (version)", l.a, ver);
    pv_cpuid_count(base + 2, 0, &l);
    check_eq("base+2 eax (hypercall pages)", l.a, 1);
    check_eq("base+2 ebx (hypercall MSR)", l.b, 0x40000000);
    pv_cpuid_count(1, 0, &l);
    if ( !(l.c & (1U << 31)) )
        xtf_failure("Fail: leaf 1 ecx %#x lacks the hypervisor bit\n", l.c);
    pv_cpuid_count(0, 0, &l);
    if ( l.a < 1 )
        xtf_failure("Fail: leaf 0 max leaf %#x\n", l.a);
}
