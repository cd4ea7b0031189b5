/*
 * xen_version: every sub-command a PV kernel uses returns sane values.
 *  - version: major >= 4, and the same value through the hypercall page;
 *  - extraversion: a NUL-terminated string within 16 bytes;
 *  - capabilities: contains "xen-3.0-x86_64";
 *  - pagesize: 4096;
 *  - platform_parameters: virt_start = 0xffff800000000000;
 *  - get_features: dom0 gets XENFEAT_dom0, PV never auto_translated_physmap
 *    or writable_page_tables; an out-of-range submap index is -EINVAL;
 *  - commandline: readable (dom0 only), NUL-terminated, non-empty;
 *  - compile_info / changeset / guest_handle readable;
 *  - an unknown sub-command is -ENOSYS.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include <public/features.h>

const char test_title[] = "xen_version sub-commands";

static union {
    xen_extraversion_t extra;
    xen_capabilities_info_t caps;
    xen_commandline_t cmdline;
    xen_changeset_info_t changeset;
    struct xen_compile_info ci;
    struct xen_platform_parameters pp;
    xen_domain_handle_t handle;
    char raw[2048];
} u;

static void fill(void)
{
    memset(&u, 0x5a, sizeof(u));
}

void test_main(void)
{
    struct xen_feature_info fi;
    long ver, rc;

    ver = hypercall_xen_version(XENVER_version, NULL);
    printk("version %ld.%ld\n", ver >> 16, ver & 0xffff);
    if ( ver < 0 || (ver >> 16) < 4 )
        xtf_failure("Fail: XENVER_version %#lx, expected >= 4.0\n", ver);
    hypercall_via_page = true;
    rc = hypercall_xen_version(XENVER_version, NULL);
    hypercall_via_page = false;
    check_eq("version via the hypercall page", rc, ver);

    fill();
    rc = hypercall_xen_version(XENVER_extraversion, u.extra);
    check_rc("XENVER_extraversion", rc, 0);
    if ( strnlen(u.extra, sizeof(u.extra)) == sizeof(u.extra) )
        xtf_failure("Fail: extraversion not NUL-terminated\n");
    else
        printk("extraversion '%s'\n", u.extra);

    fill();
    rc = hypercall_xen_version(XENVER_capabilities, u.caps);
    check_rc("XENVER_capabilities", rc, 0);
    if ( strnlen(u.caps, sizeof(u.caps)) == sizeof(u.caps) )
        xtf_failure("Fail: capabilities not NUL-terminated\n");
    else if ( !strstr(u.caps, "xen-3.0-x86_64") )
        xtf_failure("Fail: capabilities '%s' lack xen-3.0-x86_64\n", u.caps);
    else
        printk("capabilities '%s'\n", u.caps);

    check_rc("XENVER_pagesize", hypercall_xen_version(XENVER_pagesize, NULL), 4096);

    fill();
    rc = hypercall_xen_version(XENVER_platform_parameters, &u.pp);
    check_rc("XENVER_platform_parameters", rc, 0);
    check_eq("platform_parameters.virt_start", u.pp.virt_start, HYPERVISOR_VIRT_START_ABI);

    fi.submap_idx = 0;
    fi.submap = 0xdeadbeef;
    rc = hypercall_xen_version(XENVER_get_features, &fi);
    check_rc("XENVER_get_features(0)", rc, 0);
    printk("features[0] %#x\n", fi.submap);
    if ( (start_info->flags & SIF_INITDOMAIN) && !(fi.submap & (1U << XENFEAT_dom0)) )
        xtf_failure("Fail: dom0 without XENFEAT_dom0 (%#x)\n", fi.submap);
    if ( fi.submap & ((1U << XENFEAT_auto_translated_physmap) |
                      (1U << XENFEAT_writable_page_tables)) )
        xtf_failure("Fail: PV guest offered translated/writable page tables (%#x)\n",
                    fi.submap);
    fi.submap_idx = 1000;
    rc = hypercall_xen_version(XENVER_get_features, &fi);
    check_rc("XENVER_get_features(1000)", rc, -EINVAL);

    fill();
    rc = hypercall_xen_version(XENVER_commandline, u.cmdline);
    check_rc("XENVER_commandline", rc, 0);
    if ( strnlen(u.cmdline, sizeof(u.cmdline)) == sizeof(u.cmdline) )
        xtf_failure("Fail: commandline not NUL-terminated\n");
    else if ( !u.cmdline[0] )
        xtf_failure("Fail: empty hypervisor command line\n");
    else
        printk("commandline '%s'\n", u.cmdline);

    fill();
    check_rc("XENVER_compile_info", hypercall_xen_version(XENVER_compile_info, &u.ci), 0);
    if ( strnlen(u.ci.compiler, sizeof(u.ci.compiler)) == sizeof(u.ci.compiler) )
        xtf_failure("Fail: compile_info.compiler not NUL-terminated\n");
    fill();
    check_rc("XENVER_changeset", hypercall_xen_version(XENVER_changeset, u.changeset), 0);
    if ( strnlen(u.changeset, sizeof(u.changeset)) == sizeof(u.changeset) )
        xtf_failure("Fail: changeset not NUL-terminated\n");
    fill();
    check_rc("XENVER_guest_handle", hypercall_xen_version(XENVER_guest_handle, u.handle), 0);

    check_rc("xen_version(9999)", hypercall_xen_version(9999, u.raw), -ENOSYS);
}
