/*
 * Debian's Linux 6.1 bzImage, as shipped, built by KEEL_DOMCTL_build as a
 * PV domU and then as a PVH domU from a pv64 dom0 (the runner's flag
 * initrd=linux packs ext/linux/vmlinuz as dom0's initrd).  Keel-only.
 * There is no xenstored or xenconsoled here: Linux's console is
 * earlyprintk=xen (console_io, shown by Keel as "(dN) ..." within a domU's
 * console budget, 8 KiB then 2 KiB/s: the rest of its boot log is
 * dropped), and the TESTS regexes require its first lines: the banner
 * (start_kernel reached), as PV "ACPI in unprivileged domain disabled"
 * (no SIF_INITDOMAIN), as PVH "Booting kernel on Xen PVH".  Without a
 * xenstored, Linux later waits for it (the PV vCPU is then sampled in
 * SCHEDOP_block, getvcpucontext).  dom0 checks:
 *  - each build succeeds (the bzImage unpacked, its Xen notes honoured);
 *  - unpaused, the domU neither crashes nor shuts down for WATCH_S
 *    seconds, or powers off / reboots (panic=-1) on its own (a crash, or
 *    any other shutdown code, fails);
 *  - destroyed, every page comes back.
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"
#include <public/sysctl.h>
#include <public/sched.h>
#include <public/arch-x86/vcpu_guest_context.h>

static struct vcpu_guest_context ctx;
/* Where a domU that is still running is: a few samples of its vCPU 0 (PV only). */
static void sample(domid_t_abi dom)
{
    struct xen_domctl op = { 0 };

    for ( unsigned int i = 0; i < 4; i++ )
    {
        memset(&op, 0, sizeof(op));
        op.u.vcpucontext.ctxt = (uint64_t)&ctx;
        if ( domctl_op(XEN_DOMCTL_getvcpucontext, dom, &op) == 0 )
            printk("d%u vCPU 0: rip %#lx rsp %#lx rflags %#lx\n", dom,
                   (unsigned long)ctx.user_regs.rip, (unsigned long)ctx.user_regs.rsp,
                   (unsigned long)ctx.user_regs.rflags);
        spin_ns(100 * 1000000ULL);
    }
}

const char test_title[] = "Debian's Linux bzImage as a PV and a PVH domU (KEEL_DOMCTL_build)";

#define MS 1000000ULL
#define MEM_KB (192ULL << 10)
#define WATCH_S 15

static const uint8_t *linux_image;
static uint64_t linux_len;
static const char cmdline[] = "earlyprintk=xen keep_bootcon loglevel=7 panic=-1 "
                              "xen_emul_unplug=never";

static bool unpack(void)
{
    const char *h = (const char *)start_info->mod_start;
    uint64_t len = start_info->mod_len, off = 0, size = 0;

    if ( len < 4096 || strncmp(h, "KEELPACK\nlinux ", 15) )
    {
        xtf_error("Error: no KEELPACK initrd with a linux kernel: run with initrd=linux\n");
        return false;
    }
    for ( h += 15; *h >= '0' && *h <= '9'; h++ )
        off = off * 10 + (*h - '0');
    for ( h++; *h >= '0' && *h <= '9'; h++ )
        size = size * 10 + (*h - '0');
    if ( off < 4096 || off + size > len || !size )
    {
        xtf_error("Error: the pack's linux entry is out of bounds\n");
        return false;
    }
    linux_image = (const uint8_t *)start_info->mod_start + off;
    linux_len = size;
    printk("linux bzImage: %lu bytes\n", (unsigned long)size);
    return true;
}

static void run(bool pvh)
{
    struct xen_domctl op = { 0 };
    struct xen_domctl_getdomaininfo info = { 0 };
    const char *what = pvh ? "PVH" : "PV";
    uint64_t end;
    domid_t_abi dom;
    long rc;

    op.u.createdomain = domain_config(pvh, 1);
    check_rc("createdomain", domctl_op(XEN_DOMCTL_createdomain, 0, &op), 0);
    dom = op.domain;
    memset(&op.u, 0, sizeof(op.u));
    op.u.max_mem.max_memkb = MEM_KB;
    check_rc("max_mem", domctl_op(XEN_DOMCTL_max_mem, dom, &op), 0);
    memset(&op.u, 0, sizeof(op.u));
    op.u.keel_build = (struct keel_domctl_build){
        .type = pvh ? KEEL_BUILD_TYPE_PVH : KEEL_BUILD_TYPE_PV, .mem_kb = MEM_KB,
        .kernel = (uint64_t)linux_image, .kernel_len = linux_len,
        .cmdline = (uint64_t)cmdline, .cmdline_len = sizeof(cmdline),
    };
    rc = domctl_op(KEEL_DOMCTL_build, dom, &op);
    printk("d%u: build %s: rc %ld error %u\n", dom, what, rc, op.u.keel_build.error);
    check_rc(pvh ? "build Linux as PVH" : "build Linux as PV", rc, 0);
    if ( rc == 0 )
    {
        memset(&op.u, 0, sizeof(op.u));
        check_rc("unpause", domctl_op(XEN_DOMCTL_unpausedomain, dom, &op), 0);
        end = pv_now() + WATCH_S * 1000 * MS;
        while ( domain_info_exact(dom, &info) == 0 && !(info.flags & XEN_DOMINF_shutdown) &&
                pv_now() < end )
            spin_ns(50 * MS);
        if ( !pvh && !(info.flags & XEN_DOMINF_shutdown) )
            sample(dom);
        printk("d%u (%s): flags %#x after %s\n", dom, what, info.flags,
               info.flags & XEN_DOMINF_shutdown ? "its shutdown" : "the watch");
        if ( info.flags & XEN_DOMINF_shutdown )
        {
            unsigned int code = (info.flags >> XEN_DOMINF_shutdownshift) & 0xff;

            if ( code != SHUTDOWN_poweroff && code != SHUTDOWN_reboot )
                xtf_failure("Fail: Linux as %s shut down with code %u\n", what, code);
        }
    }
    memset(&op.u, 0, sizeof(op.u));
    check_rc("destroydomain", domctl_op(XEN_DOMCTL_destroydomain, dom, &op), 0);
    end = pv_now() + 2000 * MS;
    while ( domain_info_exact(dom, &info) == 0 && pv_now() < end )
        spin_ns(MS);
}

void test_main(void)
{
    uint64_t free0 = host_free_pages(), free1, end;

    if ( !unpack() )
        return;
    run(false);
    run(true);
    end = pv_now() + 2000 * MS;
    while ( (free1 = host_free_pages()) < free0 && pv_now() < end )
        spin_ns(10 * MS);
    printk("free pages: %lu before, %lu after\n", (unsigned long)free0, (unsigned long)free1);
    if ( free1 < free0 )
        xtf_failure("Fail: %lu pages not given back\n", (unsigned long)(free0 - free1));
}
