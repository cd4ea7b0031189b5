/*
 * The CPUID policy and CR4 of a 64-bit PV guest (the kernel's view through
 * the forced-emulation prefix), as Xen 4.17 gives them to a PV dom0:
 *  - hidden: VME, PSE, PGE, PSE36, DS, TM, PBE (leaf 1 edx); DTES64,
 *    MONITOR, DS-CPL, VMX, SMX, TM2, PDCM, PCID, DCA, x2APIC, TSC-deadline
 *    (leaf 1 ecx); SVM, EXTAPIC, SKINIT, WDT, LWP, TOPOEXT, MONITORX and
 *    1 GiB pages (0x80000001); TSC_ADJUST, SGX, SMEP, INVPCID, MPX, SMAP,
 *    PT (7.0 ebx); UMIP, PKU, OSPKE, LA57 (7.0 ecx); leaves 5, 6, 0xa, 0xb
 *    are empty; leaf 1 ebx has no APIC ID; the hypervisor bit is set; on
 *    AMD no SEP (SYSENTER); 0x80000008 says 48-bit linear addresses;
 *  - XSAVE is all or nothing: without it no AVX, FMA, F16C, AVX2, AVX-512,
 *    OSXSAVE, and leaf 0xd is empty; with it leaf 0xd offers x87 and SSE,
 *    YMM exactly when AVX shows, and the kernel's view shows OSXSAVE
 *    before it set CR4.OSXSAVE (Xen's de-facto PV ABI: the hypervisor's
 *    own CR4.OSXSAVE leaks into the enlightened CPUID; Linux uses XSAVE
 *    only when it sees it); both Xen and Keel (arch/x86/fpu.c) offer it;
 *  - Xen's leaves: signature, version = xen_version, hypercall MSR;
 *  - CR4 (mov from cr4, emulated) shows PAE, OSFXSR, and none of PSE, PGE,
 *    TSD, DE, FSGSBASE, OSXSAVE, VMXE, SMEP, SMAP, PKE, PCIDE; writes never
 *    fault: DE and TSD read back set, PGE/PSE are dropped, FSGSBASE and
 *    OSXSAVE stick only if CPUID offers them; with CR4.DE, DR4 is -ENODEV
 *    for get_debugreg/set_debugreg and mov %dr4 raises #UD; without, DR4
 *    aliases DR6.
 * The raw leaves are printed, to compare the two hypervisors by eye.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "PV CPUID policy and CR4";

#define B(n) (1u << (n))
#define CR4_TSD      B(2)
#define CR4_DE       B(3)
#define CR4_PSE      B(4)
#define CR4_PAE      B(5)
#define CR4_PGE      B(7)
#define CR4_OSFXSR   B(9)
#define CR4_VMXE     B(13)
#define CR4_FSGSBASE B(16)
#define CR4_PCIDE    B(17)
#define CR4_OSXSAVE  B(18)
#define CR4_SMEP     B(20)
#define CR4_SMAP     B(21)
#define CR4_PKE      B(22)

static exinfo_t read_cr4(unsigned long *val)
{
    exinfo_t ex;
    unsigned long v = 0;

    asm volatile ("1: mov %%cr4, %[v]; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [v] "+r" (v) : "0" (0));
    *val = v;
    return ex;
}

static exinfo_t write_cr4(unsigned long val)
{
    exinfo_t ex;

    asm volatile ("1: mov %[v], %%cr4; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" (0), [v] "r" (val) : "memory");
    return ex;
}

static exinfo_t read_dr4(void)
{
    exinfo_t ex;
    unsigned long v;

    asm volatile ("1: mov %%dr4, %[v]; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [v] "=r" (v) : "0" (0));
    return ex;
}

static void must_clear(const char *leaf, uint32_t reg, uint32_t mask, const char *names)
{
    if ( reg & mask )
        xtf_failure("Fail: %s has %#x of the hidden %s\n", leaf, reg & mask, names);
}

static void leaf(uint32_t l, uint32_t s, struct cpuid_leaf *r)
{
    pv_cpuid_count(l, s, r);
}

static void dump(uint32_t l, uint32_t s)
{
    struct cpuid_leaf r;

    leaf(l, s, &r);
    printk("  %08x.%u: %08x %08x %08x %08x\n", l, s, r.a, r.b, r.c, r.d);
}

static void dump_all(void)
{
    struct cpuid_leaf r;
    uint32_t max, xmax;

    leaf(0, 0, &r);
    max = r.a;
    printk("CPUID (emulated):\n");
    for ( uint32_t l = 0; l <= max && l < 0x20; l++ )
    {
        dump(l, 0);
        if ( l == 7 || l == 0xd )
            dump(l, 1);
    }
    leaf(0x40000000, 0, &r);
    for ( uint32_t l = 0x40000000; l <= 0x40000005; l++ )
        dump(l, 0);
    leaf(0x80000000, 0, &r);
    xmax = r.a;
    for ( uint32_t l = 0x80000000; l <= xmax && l < 0x80000030; l++ )
        dump(l, 0);
}

static bool is_empty(uint32_t l)
{
    struct cpuid_leaf r;

    leaf(l, 0, &r);
    return !r.a && !r.b && !r.c && !r.d;
}

static void check_features(void)
{
    struct cpuid_leaf l1, l7, e1, d0, d1, r;

    leaf(1, 0, &l1);
    leaf(7, 0, &l7);
    leaf(0x80000001, 0, &e1);
    if ( !(l1.c & B(31)) )
        xtf_failure("Fail: leaf 1 ecx %#x lacks the hypervisor bit\n", l1.c);
    check_eq("leaf 1 ebx APIC ID", l1.b >> 24, 0);
    must_clear("leaf 1 edx", l1.d, B(1) | B(3) | B(13) | B(17) | B(21) | B(29) | B(31),
               "VME/PSE/PGE/PSE36/DS/TM/PBE");
    must_clear("leaf 1 ecx", l1.c, B(2) | B(3) | B(4) | B(5) | B(6) | B(8) | B(15) |
               B(17) | B(18) | B(21) | B(24),
               "DTES64/MONITOR/DSCPL/VMX/SMX/TM2/PDCM/PCID/DCA/X2APIC/TSC_DEADLINE");
    must_clear("0x80000001 ecx", e1.c, B(2) | B(3) | B(12) | B(13) | B(15) | B(22) | B(29),
               "SVM/EXTAPIC/SKINIT/WDT/LWP/TOPOEXT/MONITORX");
    must_clear("0x80000001 edx", e1.d, B(26), "PAGE1GB");
    must_clear("leaf 7.0 ebx", l7.b, B(1) | B(2) | B(7) | B(10) | B(14) | B(20) | B(25),
               "TSC_ADJUST/SGX/SMEP/INVPCID/MPX/SMAP/PT");
    must_clear("leaf 7.0 ecx", l7.c, B(2) | B(3) | B(4) | B(16), "UMIP/PKU/OSPKE/LA57");
    leaf(0, 0, &r);
    if ( r.b == 0x68747541 )            /* "Auth": AMD */
        must_clear("leaf 1 edx on AMD", l1.d, B(11), "SEP (no SYSENTER in long mode)");
    leaf(0x80000008, 0, &r);
    check_eq("0x80000008 linear address bits", (r.a >> 8) & 0xff, 48);
    if ( !is_empty(5) || !is_empty(6) || !is_empty(0xa) || !is_empty(0xb) )
        xtf_failure("Fail: leaves 5 (MONITOR), 6 (power), 0xa (PMU), 0xb (topology) "
                    "must be empty\n");

    leaf(0xd, 0, &d0);
    leaf(0xd, 1, &d1);
    if ( !(l1.c & B(26)) )
    {
        printk("XSAVE hidden\n");
        must_clear("leaf 1 ecx without XSAVE", l1.c, B(12) | B(27) | B(28) | B(29),
                   "FMA/OSXSAVE/AVX/F16C");
        must_clear("leaf 7.0 ebx without XSAVE", l7.b, B(5) | B(16), "AVX2/AVX512F");
        if ( d0.a || d0.b || d0.c || d0.d || d1.a || d1.b || d1.c || d1.d )
            xtf_failure("Fail: leaf 0xd is not empty without XSAVE\n");
    }
    else
    {
        printk("XSAVE offered\n");
        check_eq("leaf 0xd.0 eax x87|SSE", d0.a & 3, 3);
        check_eq("leaf 0xd.0 eax YMM as AVX", !!(d0.a & 4), !!(l1.c & B(28)));
        if ( !(l1.c & B(27)) )
            xtf_failure("Fail: leaf 1 ecx %#x: the kernel's view lacks OSXSAVE\n", l1.c);
        if ( !(l1.c & B(28)) )
            must_clear("leaf 7.0 ebx without AVX", l7.b, B(5) | B(16), "AVX2/AVX512F");
    }
}

static void check_xen_leaves(void)
{
    struct cpuid_leaf r;
    uint32_t max, base = find_xen_cpuid_base(pv_cpuid_count, &max);

    check_eq("Xen leaves at", base, 0x40000000);
    if ( max < base + 2 )
        xtf_failure("Fail: Xen max leaf %#x < base + 2\n", max);
    leaf(base + 1, 0, &r);
    check_eq("Xen version leaf", r.a, hypercall_xen_version(XENVER_version, NULL));
    leaf(base + 2, 0, &r);
    check_eq("hypercall pages", r.a, 1);
    check_eq("hypercall MSR", r.b, 0x40000000);
}

static void check_cr4_bit(unsigned long cr4, unsigned long bit, bool want, const char *what)
{
    unsigned long now;

    check_eq(what, write_cr4(cr4 | bit), 0);
    read_cr4(&now);
    if ( !!(now & bit) != want )
        xtf_failure("Fail: %s: CR4 reads %#lx, bit %#lx %s\n", what, now, bit,
                    want ? "missing" : "kept");
    write_cr4(cr4);
}

static void check_cr4(void)
{
    struct cpuid_leaf l1, l7;
    unsigned long cr4, now;

    leaf(1, 0, &l1);
    leaf(7, 0, &l7);
    check_eq("mov from cr4", read_cr4(&cr4), 0);
    printk("CR4 %#lx\n", cr4);
    check_eq("CR4 PAE|OSFXSR", cr4 & (CR4_PAE | CR4_OSFXSR), CR4_PAE | CR4_OSFXSR);
    check_eq("CR4 hidden bits", cr4 & (CR4_PSE | CR4_PGE | CR4_TSD | CR4_DE | CR4_FSGSBASE |
                                       CR4_OSXSAVE | CR4_VMXE | CR4_SMEP | CR4_SMAP |
                                       CR4_PKE | CR4_PCIDE), 0);

    check_cr4_bit(cr4, CR4_TSD, true, "CR4.TSD");
    check_cr4_bit(cr4, CR4_PGE, false, "CR4.PGE");
    check_cr4_bit(cr4, CR4_PSE, false, "CR4.PSE");
    check_cr4_bit(cr4, CR4_VMXE, false, "CR4.VMXE");
    check_cr4_bit(cr4, CR4_FSGSBASE, l7.b & B(0), "CR4.FSGSBASE (as CPUID)");
    check_cr4_bit(cr4, CR4_OSXSAVE, l1.c & B(26), "CR4.OSXSAVE (as CPUID)");
    read_cr4(&now);
    check_eq("CR4 restored", now, cr4);

    /* DR4 aliases DR6 without CR4.DE ... */
    check_rc("set DR6", hypercall_set_debugreg(6, 0), 0);
    check_eq("get DR4 = DR6", hypercall_get_debugreg(4), 0xffff0ff0);
    check_eq("mov %dr4 without CR4.DE", read_dr4(), 0);
    /* ... and does not exist with it. */
    check_eq("set CR4.DE", write_cr4(cr4 | CR4_DE), 0);
    read_cr4(&now);
    check_eq("CR4.DE reads back", now & CR4_DE, CR4_DE);
    check_rc("get DR4 with CR4.DE", hypercall_get_debugreg(4), -ENODEV);
    check_rc("set DR5 with CR4.DE", hypercall_set_debugreg(5, 0x400), -ENODEV);
    check_rc("get DR6 with CR4.DE", hypercall_get_debugreg(6), 0xffff0ff0);
    check_eq("mov %dr4 with CR4.DE", read_dr4(), EXINFO_SYM(UD, 0));
    check_eq("clear CR4.DE", write_cr4(cr4), 0);
    check_eq("get DR4 again", hypercall_get_debugreg(4), 0xffff0ff0);
}

void test_main(void)
{
    dump_all();
    check_features();
    check_xen_leaves();
    check_cr4();
}
