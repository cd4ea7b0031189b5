/*
 * Hypercalls by `vmmcall` from an HVM kernel (CPL 0):
 *  - xen_version: version, extraversion, capabilities, get_features (the
 *    translated-guest set Xen 4.17 offers: callback vector, safe pvclock);
 *  - numbers the HVM table lacks (set_trap_table 0, mmu_update 1, iret 23)
 *    and numbers beyond it (63, 127, 4096) are -ENOSYS; hvm64: rax is
 *    decoded whole (1 << 32 | 17 is not xen_version);
 *  - a buffer at an unpopulated GPA gives -EFAULT, not a crash;
 *  - registers that carry no argument survive the call (hvm64: rbx, rcx,
 *    r9, r11-r15; pvh: ebp).
 * pvh uses the 32-bit convention (ebx, ecx, edx, esi, edi).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include <public/features.h>

const char test_title[] = "VMMCALL hypercalls";

static const unsigned int hvm_features_on[] = {
    XENFEAT_auto_translated_physmap, XENFEAT_hvm_callback_vector, XENFEAT_hvm_safe_pvclock,
    XENFEAT_not_direct_mapped,
};
static const unsigned int hvm_features_off[] = {
    XENFEAT_mmu_pt_update_preserve_ad, XENFEAT_gnttab_map_avail_bits, XENFEAT_direct_mapped,
};

static void check_preserved(void)
{
#ifdef __x86_64__
    register unsigned long r9 asm("r9") = 0x9999999999999999UL;
    register unsigned long r11 asm("r11") = 0x1111111111111111UL;
    register unsigned long r12 asm("r12") = 0x1212121212121212UL;
    register unsigned long r13 asm("r13") = 0x1313131313131313UL;
    register unsigned long r14 asm("r14") = 0x1414141414141414UL;
    register unsigned long r15 asm("r15") = 0x1515151515151515UL;
    unsigned long rax = __HYPERVISOR_xen_version, rbx = 0xbbbbbbbbbbbbbbbbUL;
    unsigned long rcx = 0xccccccccccccccccUL, rdi = XENVER_version, rsi = 0;

    asm volatile ("vmmcall"
                  : "+a" (rax), "+b" (rbx), "+c" (rcx), "+D" (rdi), "+S" (rsi),
                    "+r" (r9), "+r" (r11), "+r" (r12), "+r" (r13), "+r" (r14), "+r" (r15)
                  :: "rdx", "r8", "r10", "memory");
    check_eq("rbx after vmmcall", rbx, 0xbbbbbbbbbbbbbbbbUL);
    check_eq("rcx after vmmcall", rcx, 0xccccccccccccccccUL);
    check_eq("r9 after vmmcall", r9, 0x9999999999999999UL);
    check_eq("r11 after vmmcall", r11, 0x1111111111111111UL);
    check_eq("r12 after vmmcall", r12, 0x1212121212121212UL);
    check_eq("r13 after vmmcall", r13, 0x1313131313131313UL);
    check_eq("r14 after vmmcall", r14, 0x1414141414141414UL);
    check_eq("r15 after vmmcall", r15, 0x1515151515151515UL);
    if ( (long)rax <= 0 )
        xtf_failure("Fail: xen_version by hand: %ld\n", (long)rax);
#else
    unsigned long eax = __HYPERVISOR_xen_version, ebp_after;

    /* ebp may be the frame pointer: saved by hand, read back through edi. */
    asm volatile ("push %%ebp; mov $0x5eadbeef, %%ebp; xor %%ecx, %%ecx; xor %%ebx, %%ebx;"
                  "vmmcall; mov %%ebp, %%edi; pop %%ebp"
                  : "+a" (eax), "=D" (ebp_after) :: "ebx", "ecx", "edx", "esi", "memory");
    check_eq("ebp after vmmcall", ebp_after, 0x5eadbeef);
    if ( (long)eax <= 0 )
        xtf_failure("Fail: xen_version by hand: %ld\n", (long)eax);
#endif
}

void test_main(void)
{
    static const unsigned long enosys[] = { 0, 1, 23, 63, 127, 4096 };
    xen_extraversion_t extra;
    static xen_capabilities_info_t caps;
    struct xen_feature_info fi = { .submap_idx = 0 };
    long ver, rc;

    ver = hypercall_xen_version(XENVER_version, NULL);
    printk("xen_version: %ld.%ld\n", ver >> 16, ver & 0xffff);
    if ( ver < 0x30000 )
        xtf_failure("Fail: XENVER_version %#lx\n", ver);

    memset(extra, 0xff, sizeof(extra));
    rc = hypercall_xen_version(XENVER_extraversion, extra);
    check_rc("XENVER_extraversion", rc, 0);
    if ( strnlen(extra, sizeof(extra)) == sizeof(extra) )
        xtf_failure("Fail: extraversion is not NUL-terminated\n");
    memset(caps, 0, sizeof(caps));
    rc = hypercall_xen_version(XENVER_capabilities, caps);
    check_rc("XENVER_capabilities", rc, 0);
    if ( !caps[0] )
        xtf_failure("Fail: empty capabilities\n");
    printk("extraversion '%s', capabilities '%s'\n", extra, caps);
    rc = hypercall_xen_version(XENVER_get_features, &fi);
    check_rc("XENVER_get_features", rc, 0);
    printk("features (submap 0): %#x\n", fi.submap);
    /* Xen 4.17 for a translated, non-PV guest (Linux's PVH timer needs hvm_safe_pvclock). */
    for ( unsigned int b = 0; b < ARRAY_SIZE(hvm_features_on); b++ )
        if ( !(fi.submap & (1u << hvm_features_on[b])) )
            xtf_failure("Fail: feature %u not offered to an HVM guest\n", hvm_features_on[b]);
    for ( unsigned int b = 0; b < ARRAY_SIZE(hvm_features_off); b++ )
        if ( fi.submap & (1u << hvm_features_off[b]) )
            xtf_failure("Fail: PV-only feature %u offered to an HVM guest\n", hvm_features_off[b]);

    for ( unsigned int i = 0; i < ARRAY_SIZE(enosys); i++ )
    {
        rc = hypercall5(enosys[i], 0, 0, 0, 0, 0);
        if ( rc != -ENOSYS )
            xtf_failure("Fail: hypercall %lu: rc %ld, expected -ENOSYS\n", enosys[i], rc);
    }
#ifdef __x86_64__
    rc = hypercall2((1UL << 32) | __HYPERVISOR_xen_version, XENVER_version, 0);
    check_rc("hypercall (1 << 32) | 17", rc, -ENOSYS);
#endif

    /* 256 MiB: above the domain's 64 MiB, no RAM there. */
    rc = hypercall_xen_version(XENVER_extraversion, phys_ptr(0x10000000));
    check_rc("XENVER_extraversion to an unpopulated GPA", rc, -EFAULT);

    check_preserved();
}
