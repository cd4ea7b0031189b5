/*
 * KEEL_DOMCTL_build (Keel-private, docs/domain-build.md) from a pv64 dom0,
 * as `kl create` uses it.  The runner (flag initrd=build_child) gives dom0
 * an initrd packing two test kernels: build_child's pvh and pv64 builds
 * ("KEELPACK" header: "<env> <offset> <size>" lines).  Keel-only: Xen has
 * no such domctl (its toolstack builds domains in dom0).
 *  - hostile arguments on a fresh, paused PV domain, each refused with its
 *    errno and KEEL_BUILD_E* code, and the domain left unbuilt (0 pages):
 *    kernel/ramdisk/cmdline handles at unmapped or non-canonical addresses
 *    -EFAULT; kernel_len 0 -EINVAL, above 64 MiB -E2BIG; ramdisk_len above
 *    512 MiB -E2BIG; cmdline_len 1025 -E2BIG, without its NUL -EINVAL; a
 *    garbage kernel -EINVAL (EFORMAT); an ELF without Xen notes as type PV
 *    -EINVAL (ENOTES), as type PVH -EINVAL (ENOPVH); mem above max_mem
 *    -EINVAL (EMEM); type 3 or flags 1 -EINVAL (ETYPE); type PVH on a PV
 *    domain -EINVAL (EDOMAIN); dom0 itself -EINVAL (ESTATE); a domain shut
 *    down before its build -EINVAL (ESTATE); a domain that was unpaused
 *    -EBUSY; no such domain -ESRCH; interface 0x14 -EACCES;
 *  - a PVH domU (domain 2) from the pvh build, with a ramdisk and a long
 *    command line: OUT ports distinct, unbound to dom0 (EVTCHNOP_status of
 *    the domU's ports); GFNs the two top frames of its memory; building it
 *    again -EEXIST; unpaused, it shuts down with reason poweroff (polled
 *    through getdomaininfo) and its own verdict is SUCCESS (the runner
 *    requires "(d2) Test result: SUCCESS"); destroyed;
 *  - the same for a PV domU (domain 1, the hostile rounds' domain) from
 *    the pv64 build; its xenstore/console frames are MFNs (Xen's PV ABI);
 *    before it runs, getvcpucontext of its vCPU 0 shows the builder's
 *    state (kernel mode, online, an entry point, an L4, rsi = start_info)
 *    and setvcpucontext on it is -EEXIST (Keel replaces no state);
 *  - all pages back afterwards (physinfo free_pages, within 2 s).
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "evtchn_ops.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"
#include <public/sysctl.h>
#include <public/sched.h>
#include <public/arch-x86/vcpu_guest_context.h>

const char test_title[] = "KEEL_DOMCTL_build: PV and PVH domUs from dom0's images";

#define MS 1000000ULL
#define MEM_KB (32ULL << 10)
#define RAMDISK_MAGIC "keel-build-ramdisk"
#define UNMAPPED_VA 0xffffffffc0000000ULL     /* far above dom0's boot region */
#define NONCANON_VA 0x0000800000000000ULL

struct image { const uint8_t *p; uint64_t len; };
static struct image pvh_image, pv_image;
static uint8_t ramdisk[3 * 4096 + 123];
static uint8_t garbage[8192];
static char cmdline[1024];
static uint8_t bare_elf[8192] __attribute__((aligned(4096)));
static struct vcpu_guest_context ctx;

static long simple(uint32_t cmd, domid_t_abi dom)
{
    struct xen_domctl op = { 0 };

    return domctl_op(cmd, dom, &op);
}

static domid_t_abi create(bool hvm)
{
    struct xen_domctl op = { 0 };
    long rc;

    op.u.createdomain = domain_config(hvm, 1);
    rc = domctl_op(XEN_DOMCTL_createdomain, 0, &op);
    check_rc(hvm ? "createdomain (HVM)" : "createdomain (PV)", rc, 0);
    if ( rc )
        return 0;
    memset(&op.u, 0, sizeof(op.u));
    op.u.max_mem.max_memkb = MEM_KB;
    check_rc("max_mem", domctl_op(XEN_DOMCTL_max_mem, op.domain, &op), 0);
    return op.domain;
}

/* Decimal number at *p, moving past it and one separator. */
static uint64_t number(const char **p)
{
    uint64_t n = 0;

    while ( **p >= '0' && **p <= '9' )
        n = n * 10 + (*(*p)++ - '0');
    if ( **p )
        (*p)++;
    return n;
}

static bool unpack(void)
{
    const char *h = (const char *)start_info->mod_start, *end = h + 4096;
    uint64_t len = start_info->mod_len;

    if ( len < 4096 || strncmp(h, "KEELPACK\n", 9) )
    {
        xtf_error("Error: no KEELPACK initrd (mod_len %lu): run with initrd=build_child\n",
                  (unsigned long)len);
        return false;
    }
    for ( h += 9; h < end && *h && *h != '\n'; )
    {
        struct image *img = !strncmp(h, "pvh ", 4) ? &pvh_image
                          : !strncmp(h, "pv64 ", 5) ? &pv_image : NULL;
        uint64_t off, size;

        while ( *h && *h != ' ' )
            h++;
        h++;
        off = number(&h);
        size = number(&h);
        if ( img && off >= 4096 && off + size <= len )
            *img = (struct image){ (const uint8_t *)start_info->mod_start + off, size };
    }
    printk("initrd: pvh kernel %lu bytes, pv64 kernel %lu bytes\n",
           (unsigned long)pvh_image.len, (unsigned long)pv_image.len);
    if ( !pvh_image.len || !pv_image.len )
        xtf_error("Error: the initrd lacks a pvh or pv64 kernel\n");
    return pvh_image.len && pv_image.len;
}

static void fill_inputs(void)
{
    size_t m = strlen(RAMDISK_MAGIC);

    memcpy(ramdisk, RAMDISK_MAGIC, m);
    for ( size_t i = m; i < sizeof(ramdisk); i++ )
        ramdisk[i] = (uint8_t)(i * 7);
    memset(garbage, 0x5a, sizeof(garbage));
    /* A 64-bit ELF, one PT_LOAD, no notes at all. */
    struct { uint8_t ident[16]; uint16_t type, machine; uint32_t version;
             uint64_t entry, phoff, shoff; uint32_t flags;
             uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; } eh = {
        .ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 }, .type = 2, .machine = 62,
        .version = 1, .entry = 0xffffffff80100000ULL, .phoff = 64, .ehsize = 64,
        .phentsize = 56, .phnum = 1,
    };
    struct { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; } ph = {
        .type = 1, .flags = 5, .offset = 4096, .vaddr = 0xffffffff80100000ULL,
        .paddr = 0x100000, .filesz = 4096, .memsz = 4096, .align = 4096,
    };
    memcpy(bare_elf, &eh, sizeof(eh));
    memcpy(bare_elf + 64, &ph, sizeof(ph));
    memset(bare_elf + 4096, 0x90, 4096);
}

/* The command line for a child: long, with a marker at its very end; its length with NUL. */
static uint32_t make_cmdline(const char *type)
{
    static const char head[] = "keel_build_child=", tail[] = " end-of-cmdline";
    size_t len = 0;

    memset(cmdline, 0, sizeof(cmdline));
    memcpy(cmdline, head, strlen(head));
    len += strlen(head);
    memcpy(cmdline + len, type, strlen(type));
    len += strlen(type);
    while ( len < 900 )
    {
        memcpy(cmdline + len, " pad=0123456789", 15);
        len += 15;
    }
    memcpy(cmdline + len, tail, strlen(tail));
    len += strlen(tail);
    return len + 1;
}

static void base_args(struct keel_domctl_build *b, uint32_t type, const struct image *k)
{
    *b = (struct keel_domctl_build){
        .type = type, .mem_kb = MEM_KB,
        .kernel = (uint64_t)k->p, .kernel_len = k->len,
        .ramdisk = (uint64_t)ramdisk, .ramdisk_len = sizeof(ramdisk),
        .cmdline = (uint64_t)cmdline,
        .cmdline_len = make_cmdline(type == KEEL_BUILD_TYPE_PV ? "pv" : "pvh"),
    };
}

static long build(domid_t_abi dom, struct keel_domctl_build *b)
{
    struct xen_domctl op = { 0 };
    long rc;

    op.u.keel_build = *b;
    rc = domctl_op(KEEL_DOMCTL_build, dom, &op);
    *b = op.u.keel_build;
    return rc;
}

/* One hostile variation: errno and reason, and nothing built. */
static void refused(const char *what, domid_t_abi dom, struct keel_domctl_build *b,
                    long want_rc, uint32_t want_error)
{
    struct xen_domctl_getdomaininfo info;
    long rc = build(dom, b);

    if ( rc != want_rc || b->error != want_error )
        xtf_failure("Fail: build with %s: rc %ld error %u, expected %ld error %u\n",
                    what, rc, b->error, want_rc, want_error);
    /* (-EEXIST: built before, and it must stay so.) */
    if ( dom && dom != 0x7fff && want_rc != -EEXIST && domain_info_exact(dom, &info) == 0 &&
         info.tot_pages )
        xtf_failure("Fail: build with %s left %lu pages\n", what,
                    (unsigned long)info.tot_pages);
}

static void destroy(domid_t_abi dom);

static void hostile(domid_t_abi dom, domid_t_abi hvm_dom)
{
    struct keel_domctl_build b;
    struct xen_domctl op = { 0 };

    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.kernel = UNMAPPED_VA;
    refused("an unmapped kernel", dom, &b, -EFAULT, KEEL_BUILD_EFAULT);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.kernel = NONCANON_VA;
    refused("a non-canonical kernel", dom, &b, -EFAULT, KEEL_BUILD_EFAULT);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.ramdisk = UNMAPPED_VA;
    refused("an unmapped ramdisk", dom, &b, -EFAULT, KEEL_BUILD_EFAULT);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.cmdline = UNMAPPED_VA;
    refused("an unmapped cmdline", dom, &b, -EFAULT, KEEL_BUILD_EFAULT);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.kernel_len = 0;
    refused("kernel_len 0", dom, &b, -EINVAL, KEEL_BUILD_EKERNEL_SIZE);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.kernel_len = (64ULL << 20) + 1;
    refused("kernel_len 64 MiB + 1", dom, &b, -E2BIG, KEEL_BUILD_EKERNEL_SIZE);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.ramdisk_len = (512ULL << 20) + 1;
    refused("ramdisk_len 512 MiB + 1", dom, &b, -E2BIG, KEEL_BUILD_ERAMDISK_SIZE);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.cmdline_len = 1025;
    refused("cmdline_len 1025", dom, &b, -E2BIG, KEEL_BUILD_ECMDLINE);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.cmdline_len -= 1;                             /* the NUL left out */
    refused("a cmdline without NUL", dom, &b, -EINVAL, KEEL_BUILD_ECMDLINE);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.kernel = (uint64_t)garbage;
    b.kernel_len = sizeof(garbage);
    refused("a garbage kernel", dom, &b, -EINVAL, KEEL_BUILD_EFORMAT);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.kernel = (uint64_t)bare_elf;
    b.kernel_len = sizeof(bare_elf);
    refused("an ELF without Xen notes, type PV", dom, &b, -EINVAL, KEEL_BUILD_ENOTES);
    base_args(&b, KEEL_BUILD_TYPE_PVH, &pv_image);
    b.kernel = (uint64_t)bare_elf;
    b.kernel_len = sizeof(bare_elf);
    refused("an ELF without PHYS32_ENTRY, type PVH", hvm_dom, &b, -EINVAL, KEEL_BUILD_ENOPVH);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.mem_kb = MEM_KB * 2;
    refused("mem above max_mem", dom, &b, -EINVAL, KEEL_BUILD_EMEM);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.type = 3;
    refused("type 3", dom, &b, -EINVAL, KEEL_BUILD_ETYPE);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    b.flags = 1;
    refused("flags 1", dom, &b, -EINVAL, KEEL_BUILD_ETYPE);
    base_args(&b, KEEL_BUILD_TYPE_PVH, &pvh_image);
    refused("type PVH on a PV domain", dom, &b, -EINVAL, KEEL_BUILD_EDOMAIN);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    refused("dom0 itself", 0, &b, -EINVAL, KEEL_BUILD_ESTATE);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    refused("no such domain", 0x7fff, &b, -ESRCH, 0);

    {
        /* A domain that was shut down before its build. */
        domid_t_abi gone_dom = create(false);
        struct sched_remote_shutdown rs = { .domain_id = gone_dom, .reason = SHUTDOWN_poweroff };

        check_rc("remote_shutdown", hypercall_sched_op(SCHEDOP_remote_shutdown, &rs), 0);
        base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
        refused("a shut-down domain", gone_dom, &b, -EINVAL, KEEL_BUILD_ESTATE);
        destroy(gone_dom);
    }
    check_rc("unpause the unbuilt domain", simple(XEN_DOMCTL_unpausedomain, dom), 0);
    base_args(&b, KEEL_BUILD_TYPE_PV, &pv_image);
    refused("a domain not paused", dom, &b, -EBUSY, KEEL_BUILD_ESTATE);
    check_rc("pause it again", simple(XEN_DOMCTL_pausedomain, dom), 0);

    op.u.keel_build = b;
    op.cmd = KEEL_DOMCTL_build;
    op.interface_version = 0x14;
    op.domain = dom;
    check_rc("KEEL_DOMCTL_build, interface 0x14", hypercall1(__HYPERVISOR_domctl, &op),
             -EACCES);
}

static void wait_poweroff(domid_t_abi dom)
{
    struct xen_domctl_getdomaininfo info = { 0 };
    uint64_t end = pv_now() + 60000 * MS;
    long rc;

    while ( (rc = domain_info_exact(dom, &info)) == 0 && !(info.flags & XEN_DOMINF_shutdown) &&
            pv_now() < end )
        spin_ns(10 * MS);
    check_rc("getdomaininfo while waiting", rc, 0);
    if ( !(info.flags & XEN_DOMINF_shutdown) )
        xtf_failure("Fail: d%u did not shut down within 60 s (flags %#x)\n", dom, info.flags);
    else
        check_eq("shutdown code", (info.flags >> XEN_DOMINF_shutdownshift) & 0xff,
                 SHUTDOWN_poweroff);
    printk("d%u: flags %#x after its run\n", dom, info.flags);
}

static void destroy(domid_t_abi dom)
{
    struct xen_domctl_getdomaininfo info;
    uint64_t end = pv_now() + 1000 * MS;

    check_rc("destroydomain", simple(XEN_DOMCTL_destroydomain, dom), 0);
    while ( domain_info_exact(dom, &info) == 0 && pv_now() < end )
        spin_ns(MS);
    check_rc("getdomaininfo after destroy", domain_info_exact(dom, &info), -ESRCH);
}

static void check_out_port(domid_t_abi dom, const char *what, uint32_t port)
{
    struct evtchn_status_arg st;

    check_rc(what, evtchn_status_of(dom, port, &st), 0);
    check_eq(what, st.status, EVTCHNSTAT_unbound);
    check_eq(what, st.u.unbound.dom, 0);
}

static long vcpu_context(uint32_t cmd, domid_t_abi dom, void *c)
{
    struct xen_domctl op = { 0 };

    op.u.vcpucontext.vcpu = 0;
    op.u.vcpucontext.ctxt = (uint64_t)c;
    return domctl_op(cmd, dom, &op);
}

static void check_vcpu0(domid_t_abi dom)
{
    uint64_t want = VGCF_in_kernel | VGCF_online;

    check_rc("getvcpucontext of the built vCPU 0",
             vcpu_context(XEN_DOMCTL_getvcpucontext, dom, &ctx), 0);
    printk("d%u vCPU 0: flags %#lx rip %#lx rsp %#lx rsi %#lx cr3 %#lx cs %#x\n", dom,
           (unsigned long)ctx.flags, (unsigned long)ctx.user_regs.rip,
           (unsigned long)ctx.user_regs.rsp, (unsigned long)ctx.user_regs.rsi,
           (unsigned long)ctx.ctrlreg[3], ctx.user_regs.cs);
    if ( (ctx.flags & want) != want || ctx.user_regs.rip < GUEST_VIRT_BASE ||
         ctx.user_regs.rsi < GUEST_VIRT_BASE || !ctx.ctrlreg[3] ||
         ctx.user_regs.cs != FLAT_KERNEL_CS )
        xtf_failure("Fail: the built vCPU 0 does not read as the builder left it\n");
    check_rc("setvcpucontext of the built vCPU 0",
             vcpu_context(XEN_DOMCTL_setvcpucontext, dom, &ctx), -EEXIST);
}

static void run_domu(domid_t_abi dom, uint32_t type, const struct image *k)
{
    struct keel_domctl_build b;
    long rc;

    base_args(&b, type, k);
    rc = build(dom, &b);
    check_rc(type == KEEL_BUILD_TYPE_PV ? "build PV" : "build PVH", rc, 0);
    printk("d%u built: error %u, console port %u gfn %#lx, xenstore port %u gfn %#lx\n",
           dom, b.error, b.console_port, (unsigned long)b.console_gfn, b.store_port,
           (unsigned long)b.store_gfn);
    if ( rc )
        return;
    check_eq("error on success", b.error, 0);
    if ( !b.console_port || !b.store_port || b.console_port == b.store_port ||
         !b.console_gfn || !b.store_gfn || b.console_gfn == b.store_gfn )
        xtf_failure("Fail: OUT ports/frames are not two distinct ones\n");
    check_out_port(dom, "console port", b.console_port);
    check_out_port(dom, "xenstore port", b.store_port);
    if ( type == KEEL_BUILD_TYPE_PVH )
    {
        check_eq("PVH store_gfn", b.store_gfn, (MEM_KB >> 2) - 2);
        check_eq("PVH console_gfn", b.console_gfn, (MEM_KB >> 2) - 1);
    }
    if ( type == KEEL_BUILD_TYPE_PV )
        check_vcpu0(dom);
    base_args(&b, type, k);
    refused("a built domain", dom, &b, -EEXIST, KEEL_BUILD_ESTATE);
    check_rc("unpause", simple(XEN_DOMCTL_unpausedomain, dom), 0);
    wait_poweroff(dom);
    destroy(dom);
}

void test_main(void)
{
    uint64_t free0 = host_free_pages(), free1, end;
    domid_t_abi pv, hvm;
    struct xen_domctl op = { 0 };

    if ( !unpack() )
        return;
    fill_inputs();
    pv = create(false);
    hvm = create(true);
    printk("PV domain %u, HVM domain %u, %lu pages free\n", pv, hvm, (unsigned long)free0);
    if ( !pv || !hvm )
        return;
    op.u.max_vcpus.max = 2;
    check_rc("max_vcpus 2 of a 1-vCPU domain", domctl_op(XEN_DOMCTL_max_vcpus, hvm, &op), -EINVAL);
    op.u.max_vcpus.max = 1;
    check_rc("max_vcpus 1", domctl_op(XEN_DOMCTL_max_vcpus, hvm, &op), 0);
    hostile(pv, hvm);
    run_domu(hvm, KEEL_BUILD_TYPE_PVH, &pvh_image);
    run_domu(pv, KEEL_BUILD_TYPE_PV, &pv_image);
    end = pv_now() + 2000 * MS;
    while ( (free1 = host_free_pages()) < free0 && pv_now() < end )
        spin_ns(10 * MS);
    printk("free pages: %lu before, %lu after\n", (unsigned long)free0, (unsigned long)free1);
    if ( free1 < free0 )
        xtf_failure("Fail: %lu pages not given back\n", (unsigned long)(free0 - free1));
}
