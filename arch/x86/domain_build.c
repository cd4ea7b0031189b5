/*
 * KEEL_DOMCTL_build: the toolstack hands Keel a kernel image (ELF or
 * bzImage), an optional ramdisk and a command line in dom0's memory, and
 * Keel builds a freshly created domain from them: PV through the PV
 * builder (as a domU: no SIF_INITDOMAIN, xenstore and console pages in
 * start_info) or PVH through the PVH builder (xenstore and console pages
 * in HVM params).  On Xen libxenguest does this in dom0; Keel keeps it in
 * the hypervisor so that its toolstack needs no ELF loader or p2m code.
 *
 * Everything dom0 gives is hostile until checked: lengths are bounded
 * before anything is allocated, images are copied once through the
 * guest-access helpers into Keel's own frames (so dom0 cannot change them
 * while they are parsed), and each refusal says why on the console (at
 * loglvl debug) and in the OUT field `error` (KEEL_BUILD_E*).
 *
 * Not preemptible: the copy and a bzImage's decompression run to their
 * end under the domctl lock.  They are bounded by the limits below (64 MiB
 * of kernel, 512 MiB of ramdisk, the domain's memory), and only dom0 can
 * ask: a long build delays dom0's other domctls, not other domains' CPUs
 * beyond the vCPU of dom0 that asked.
 */
#include <keel/lib.h>
#include <keel/bootinfo.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/grant_table.h>
#include <keel/kernel_image.h>
#include <keel/libelf.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <keel/xmalloc.h>
#include <asm/current.h>
#include <asm/domain_build.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <public/domctl.h>
#include <public/errno.h>

#define MIN_MEM_KB      (4UL << 10)     /* below this no kernel of ours fits */
#define MAX_MEM_KB      (64UL << 20)    /* 64 GiB: keeps the page arithmetic far from wrapping */

/* Keel's own copies of dom0's buffers, in heap frames. */
struct build_bufs {
    void *kernel, *ramdisk;
    unsigned int kernel_order, ramdisk_order;
    struct boot_module *kmod, *rmod;    /* the builders' view of them */
    struct kernel_image k;
    bool k_unpacked;
};

/* Set the reason and say it on the console; returns rc. */
static long refuse(struct keel_domctl_build *b, const struct domain *d, long rc,
                   uint32_t code, const char *why)
{
    b->error = code;
    printk(KLOG_DEBUG "d%u: build refused (%ld): %s\n", d->domain_id, rc, why);
    return rc;
}

static unsigned int order_for(uint64_t bytes)
{
    unsigned int order = 0;

    while ( ((uint64_t)PAGE_SIZE << order) < bytes )
        order++;
    return order;
}

/* dom0's [va, va + len) into fresh heap frames: 0, -ENOMEM or -EFAULT. */
static int copy_image(uint64_t va, uint64_t len, void **buf, unsigned int *order)
{
    *order = order_for(len);
    if ( !(*buf = alloc_xenheap_pages(*order, 0)) )
        return -ENOMEM;
    return copy_from_guest(*buf, va, len);
}

static void release(struct build_bufs *bb)
{
    if ( bb->k_unpacked )
        kernel_image_release(&bb->k);
    free_xenheap_pages(bb->kernel, bb->kernel_order);
    free_xenheap_pages(bb->ramdisk, bb->ramdisk_order);
    xfree(bb->kmod);
    xfree(bb->rmod);
}

/* The state and arguments checks, before anything is allocated. */
static long check_args(struct domain *d, struct keel_domctl_build *b)
{
    bool pvh = b->type == KEEL_BUILD_TYPE_PVH;

    if ( (b->type != KEEL_BUILD_TYPE_PV && !pvh) || b->flags )
        return refuse(b, d, -EINVAL, KEEL_BUILD_ETYPE, "type is neither PV (1) nor PVH (2), "
                      "or flags are not 0");
    if ( d == current->domain || d->is_privileged || d->domain_id == 0 )
        return refuse(b, d, -EINVAL, KEEL_BUILD_ESTATE, "dom0 is built at boot");
    if ( d->state != DOMAIN_running )
        return refuse(b, d, -EINVAL, KEEL_BUILD_ESTATE, "the domain is dying or shut down");
    if ( d->tot_pages || (d->vcpu[0] && d->vcpu[0]->context_set) )
        return refuse(b, d, -EEXIST, KEEL_BUILD_ESTATE, "the domain is already built");
    if ( !d->controller_pauses )
        return refuse(b, d, -EBUSY, KEEL_BUILD_ESTATE, "the domain is not paused");
    if ( pvh != d->arch.is_hvm )
        return refuse(b, d, -EINVAL, KEEL_BUILD_EDOMAIN, pvh
                      ? "type=pvh but the domain was created PV (no XEN_DOMCTL_CDF_hvm)"
                      : "type=pv but the domain was created HVM");
    if ( b->mem_kb < MIN_MEM_KB || b->mem_kb > MAX_MEM_KB || (b->mem_kb & 3) )
        return refuse(b, d, -EINVAL, KEEL_BUILD_EMEM, "mem_kb is below 4 MiB, above 64 GiB "
                      "or not a whole number of pages");
    if ( (b->mem_kb >> (PAGE_SHIFT - 10)) > d->max_pages )
        return refuse(b, d, -EINVAL, KEEL_BUILD_EMEM, "mem_kb is above max_mem");
    if ( (b->mem_kb >> (PAGE_SHIFT - 10)) > avail_heap_pages() )
        return refuse(b, d, -ENOMEM, KEEL_BUILD_EMEM, "not that much free memory");
    if ( !b->kernel_len )
        return refuse(b, d, -EINVAL, KEEL_BUILD_EKERNEL_SIZE, "no kernel (kernel_len 0)");
    if ( b->kernel_len > KEEL_BUILD_KERNEL_MAX )
        return refuse(b, d, -E2BIG, KEEL_BUILD_EKERNEL_SIZE, "kernel_len above 64 MiB");
    if ( b->ramdisk_len > KEEL_BUILD_RAMDISK_MAX || b->ramdisk_len >= b->mem_kb << 10 )
        return refuse(b, d, -E2BIG, KEEL_BUILD_ERAMDISK_SIZE, "ramdisk_len above 512 MiB "
                      "or the domain's memory");
    if ( b->cmdline_len > KEEL_BUILD_CMDLINE_MAX )
        return refuse(b, d, -E2BIG, KEEL_BUILD_ECMDLINE, "cmdline_len above 1024");
    if ( b->console_domid >= DOMID_FIRST_RESERVED || b->store_domid >= DOMID_FIRST_RESERVED )
        return refuse(b, d, -EINVAL, KEEL_BUILD_EPORT, "a backend domid is reserved");
    if ( pvh && !hvm_enabled )
        return refuse(b, d, -EOPNOTSUPP, KEEL_BUILD_ENOPVH, "this machine runs no HVM guests");
    return 0;
}

/* Copy the images and the command line in; classify the kernel. */
static long fetch_inputs(struct domain *d, struct keel_domctl_build *b,
                         struct build_bufs *bb, char *cmdline)
{
    struct elf_image img;
    struct xen_elf_notes notes;
    char err[160];
    int rc;

    cmdline[0] = '\0';
    if ( b->cmdline_len && copy_from_guest(cmdline, b->cmdline, b->cmdline_len) )
        return refuse(b, d, -EFAULT, KEEL_BUILD_EFAULT, "the command line is not readable");
    if ( b->cmdline_len && cmdline[b->cmdline_len - 1] != '\0' )
        return refuse(b, d, -EINVAL, KEEL_BUILD_ECMDLINE, "the command line lacks its NUL");
    if ( !(bb->kmod = xzalloc(struct boot_module)) )
        return refuse(b, d, -ENOMEM, KEEL_BUILD_EMEM, "no memory for the kernel's copy");
    rc = copy_image(b->kernel, b->kernel_len, &bb->kernel, &bb->kernel_order);
    if ( rc )
        return refuse(b, d, rc, rc == -EFAULT ? KEEL_BUILD_EFAULT : KEEL_BUILD_EMEM,
                      rc == -EFAULT ? "the kernel buffer is not readable"
                                    : "no memory for the kernel's copy");
    if ( b->ramdisk_len )
    {
        if ( !(bb->rmod = xzalloc(struct boot_module)) )
            return refuse(b, d, -ENOMEM, KEEL_BUILD_EMEM, "no memory for the ramdisk's copy");
        rc = copy_image(b->ramdisk, b->ramdisk_len, &bb->ramdisk, &bb->ramdisk_order);
        if ( rc )
            return refuse(b, d, rc, rc == -EFAULT ? KEEL_BUILD_EFAULT : KEEL_BUILD_EMEM,
                          rc == -EFAULT ? "the ramdisk buffer is not readable"
                                        : "no memory for the ramdisk's copy");
        bb->rmod->start = virt_to_maddr(bb->ramdisk);
        bb->rmod->size = b->ramdisk_len;
    }
    rc = kernel_image_unpack(bb->kernel, b->kernel_len, &bb->k, err, sizeof(err));
    if ( rc )
    {
        printk(KLOG_DEBUG "d%u: kernel image: %s\n", d->domain_id, err);
        return refuse(b, d, rc == -ENOMEM ? -ENOMEM : -EINVAL,
                      rc == -ENOMEM ? KEEL_BUILD_EMEM : KEEL_BUILD_EFORMAT,
                      "the kernel is neither an ELF nor a bzImage it can unpack");
    }
    bb->k_unpacked = true;
    rc = elf_init(&img, bb->k.elf, bb->k.elf_size, err, sizeof(err));
    if ( !rc )
        rc = elf_xen_parse_notes(&img, &notes, err, sizeof(err));
    if ( rc )
    {
        printk(KLOG_DEBUG "d%u: kernel ELF: %s\n", d->domain_id, err);
        return refuse(b, d, -EINVAL, KEEL_BUILD_EFORMAT, "the kernel's ELF is broken");
    }
    if ( b->type == KEEL_BUILD_TYPE_PV && !notes.nr_notes )
        return refuse(b, d, -EINVAL, KEEL_BUILD_ENOTES, "kernel has no Xen ELF notes and type=pv");
    if ( b->type == KEEL_BUILD_TYPE_PVH && !notes.has_phys32_entry )
        return refuse(b, d, -EINVAL, KEEL_BUILD_ENOPVH,
                      "kernel has no XEN_ELFNOTE_PHYS32_ENTRY and type=pvh");
    /* The builders read the unpacked ELF as a boot module. */
    bb->kmod->start = virt_to_maddr(bb->k.elf);
    bb->kmod->size = bb->k.elf_size;
    return 0;
}

/* Every vCPU the domain may have, as XEN_DOMCTL_max_vcpus would make them. */
int domain_make_vcpus(struct domain *d)
{
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( !d->vcpu[i] &&
             !vcpu_create(d, i, (d->domain_id + i) % num_online_cpus()) )
            return -ENOMEM;
    return 0;
}

/* The builder's own errors: -ENOMEM stays, anything else is a kernel that does not fit. */
static long builder_failed(struct keel_domctl_build *b, struct domain *d, int rc)
{
    if ( rc == -ENOMEM )
        return refuse(b, d, -ENOMEM, KEEL_BUILD_EMEM, "out of memory while building");
    return refuse(b, d, -EINVAL, KEEL_BUILD_ELAYOUT,
                  "the kernel does not fit the domain (see the line above)");
}

static long build(struct domain *d, struct keel_domctl_build *b, struct build_bufs *bb,
                  const char *cmdline)
{
    uint64_t mem = b->mem_kb << 10;
    int cport, sport, rc;

    cport = evtchn_alloc_unbound_port(d, b->console_domid);
    sport = cport > 0 ? evtchn_alloc_unbound_port(d, b->store_domid) : cport;
    if ( cport <= 0 || sport <= 0 )
        return refuse(b, d, sport < 0 ? sport : -ENOSPC, KEEL_BUILD_EPORT,
                      "no event channel for the console or xenstore");
    if ( domain_make_vcpus(d) )
        return refuse(b, d, -ENOMEM, KEEL_BUILD_EMEM, "no memory for the vCPUs");
    if ( b->type == KEEL_BUILD_TYPE_PV )
    {
        struct pv_domu_info info = { .store_evtchn = sport, .console_evtchn = cport };

        if ( (rc = pv_domu_build(d, bb->kmod, bb->rmod, mem, cmdline, &info)) != 0 )
            return builder_failed(b, d, rc);
        b->store_gfn = info.store_mfn;          /* a PV guest's frames are MFNs */
        b->console_gfn = info.console_mfn;
    }
    else
    {
        d->arch.hvm.pvh = true;
        rc = pvh_domu_build(d, bb->kmod, bb->rmod, mem, cmdline, &b->store_gfn,
                            &b->console_gfn);
        if ( rc )
            return builder_failed(b, d, rc);
        d->arch.hvm.params[HVM_PARAM_STORE_PFN] = b->store_gfn;
        d->arch.hvm.params[HVM_PARAM_STORE_EVTCHN] = sport;
        d->arch.hvm.params[HVM_PARAM_CONSOLE_PFN] = b->console_gfn;
        d->arch.hvm.params[HVM_PARAM_CONSOLE_EVTCHN] = cport;
    }
    /*
     * The reserved grant entries, as libxl's xc_dom_gnttab_seed writes
     * them: the console page for its backend, the xenstore page for
     * xenstored's domain (Debian's xenstored maps only by grant).
     */
    rc = gnttab_seed_reserved(d, b->console_domid, b->console_gfn,
                              b->store_domid, b->store_gfn);
    if ( rc )
        return refuse(b, d, rc, KEEL_BUILD_ESTATE, "the domain has no grant table to seed");
    b->console_port = cport;
    b->store_port = sport;
    b->error = KEEL_BUILD_EOK;
    printk("d%u: built %s by the toolstack: %lu MiB, kernel %lu KiB, ramdisk %lu KiB, "
           "console port %d gfn %#lx, xenstore port %d gfn %#lx\n", d->domain_id,
           b->type == KEEL_BUILD_TYPE_PV ? "PV" : "PVH", (unsigned long)(b->mem_kb >> 10),
           (unsigned long)(b->kernel_len >> 10), (unsigned long)(b->ramdisk_len >> 10),
           cport, (unsigned long)b->console_gfn, sport, (unsigned long)b->store_gfn);
    return 0;
}

long keel_domctl_build(struct domain *d, struct keel_domctl_build *b)
{
    struct build_bufs bb = { 0 };
    char *cmdline;
    long rc;

    b->error = KEEL_BUILD_EOK;
    b->console_port = b->store_port = 0;
    b->console_gfn = b->store_gfn = 0;
    if ( (rc = check_args(d, b)) != 0 )
        return rc;
    if ( !(cmdline = xmalloc_array(char, KEEL_BUILD_CMDLINE_MAX)) )
        return refuse(b, d, -ENOMEM, KEEL_BUILD_EMEM, "no memory for the command line");
    rc = fetch_inputs(d, b, &bb, cmdline);
    if ( !rc )
        rc = build(d, b, &bb, cmdline);
    release(&bb);
    xfree(cmdline);
    return rc;
}
