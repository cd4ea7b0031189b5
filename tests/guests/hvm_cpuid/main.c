/*
 * CPUID as an HVM guest sees it (native `cpuid`, intercepted):
 *  - the Xen leaves: "XenVMMXenVMM" at 0x40000000 with max leaf >= base + 2,
 *    base+1 = version = xen_version(XENVER_version), base+2 = {1 hypercall
 *    page, MSR 0x40000000};
 *  - leaf 1: the hypervisor bit; the initial APIC ID (ebx 31:24) is the
 *    LAPIC's ID register;
 *  - no nested virtualisation: SVM (0x80000001 ecx bit 2) and VMX (leaf 1
 *    ecx bit 5) are hidden;
 *  - the highest basic and extended leaves are sane.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "CPUID leaves of an HVM guest";

void test_main(void)
{
    struct cpuid_leaf l;
    uint32_t base, max, max_ext;
    char sig[13];
    long ver = hypercall_xen_version(XENVER_version, NULL);

    base = find_xen_cpuid_base(cpuid_count, &max);
    if ( !base )
        return xtf_failure("Fail: no XenVMMXenVMM leaf between 0x40000000 and 0x40010000\n");
    printk("Xen leaves at %#x, max %#x\n", base, max);

    cpuid_count(base + 1, 0, &l);
    check_eq("base+1 eax (version)", l.a, ver);
    if ( ver < 0x30000 )
        xtf_failure("Fail: version %#lx, expected >= 3.0\n", ver);
    cpuid_count(base + 2, 0, &l);
    check_eq("base+2 eax (hypercall pages)", l.a, 1);
    check_eq("base+2 ebx (hypercall MSR)", l.b, 0x40000000);

    cpuid_count(0, 0, &l);
    memcpy(&sig[0], &l.b, 4);
    memcpy(&sig[4], &l.d, 4);
    memcpy(&sig[8], &l.c, 4);
    sig[12] = 0;
    printk("vendor %s, max basic leaf %#x\n", sig, l.a);
    if ( l.a < 1 || l.a >= 0x40000000 )
        xtf_failure("Fail: leaf 0 max basic leaf %#x\n", l.a);

    cpuid_count(1, 0, &l);
    if ( !(l.c & (1U << 31)) )
        xtf_failure("Fail: leaf 1 ecx %#x lacks the hypervisor bit\n", l.c);
    if ( l.c & (1U << 5) )
        xtf_failure("Fail: leaf 1 ecx %#x shows VMX\n", l.c);
    check_eq("leaf 1 initial APIC ID vs LAPIC ID", l.b >> 24, apic_read(APIC_ID) >> 24);

    cpuid_count(0x80000000, 0, &l);
    max_ext = l.a;
    if ( max_ext < 0x80000001 || max_ext > 0x800000ff )
        return xtf_failure("Fail: max extended leaf %#x\n", max_ext);
    cpuid_count(0x80000001, 0, &l);
    if ( l.c & (1U << 2) )
        xtf_failure("Fail: 0x80000001 ecx %#x shows SVM\n", l.c);
#ifdef __x86_64__
    if ( !(l.d & (1U << 29)) )
        xtf_failure("Fail: 0x80000001 edx %#x lacks LM, yet we run in long mode\n", l.d);
#endif
}
