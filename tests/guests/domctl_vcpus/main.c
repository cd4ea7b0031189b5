/*
 * The vCPU and scheduling domctls a toolstack issues after createdomain,
 * at Xen 4.17's numbers and layouts; expected answers are Xen's
 * (xen/common/domctl.c, sched/core.c, arch/x86/domctl.c), checked on Xen
 * with `run.sh build xen domctl_vcpus`.  On a new PV domain with 2 vCPUs:
 *  - max_vcpus: 3 (not createdomain's) -EINVAL; 2 makes the vCPUs
 *    (max_vcpu_id 1, none online), twice is fine;
 *  - getvcpucontext: vCPU 7 -EINVAL; vCPU 0, never given a state,
 *    -ENODATA; setvcpucontext with a null handle (Xen's reset of a vCPU
 *    never started) 0; with a context whose kernel L4 (cr3 0) is not the
 *    domain's -EINVAL, and nothing kept (get still -ENODATA);
 *  - getvcpuaffinity: vCPU 9 -EINVAL, flags 0 -EINVAL, a null bitmap
 *    -EINVAL; setvcpuaffinity hard to the vCPU's own CPU (getvcpuinfo) 0
 *    and reported back as that CPU alone, bytes beyond it zeroed; get
 *    reads it back; soft to every CPU is reported as soft & hard & online
 *    (that CPU); a hard map with no CPU -EINVAL;
 *  - scheduler_op getinfo with the id sysctl sched_id gives: 0; another
 *    scheduler's id -EINVAL; an unknown command -EINVAL;
 *  - set_address_size 64 0, 48 -EINVAL; get_address_size 64.  (32 is not
 *    tried: Xen switches the domain to compat mode, Keel has no 32-bit PV.)
 *  - all of it leaves no page behind (destroy, free_pages back), measured
 *    over a second round (the first one grows Xen's xmalloc pools).
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"
#include <public/sysctl.h>
#include <public/arch-x86/vcpu_guest_context.h>

const char test_title[] = "domctl max_vcpus, vcpu context, affinity, scheduler_op, address size";

#define MS 1000000ULL

static struct vcpu_guest_context ctx;

static domid_t_abi create(void)
{
    struct xen_domctl op = { 0 };

    op.u.createdomain = domain_config(false, 2);
    check_rc("createdomain", domctl_op(XEN_DOMCTL_createdomain, 0, &op), 0);
    return op.domain;
}

static long max_vcpus(domid_t_abi dom, uint32_t n)
{
    struct xen_domctl op = { 0 };

    op.u.max_vcpus.max = n;
    return domctl_op(XEN_DOMCTL_max_vcpus, dom, &op);
}

static void check_max_vcpus(domid_t_abi dom)
{
    struct xen_domctl op = { 0 };

    check_rc("max_vcpus 3", max_vcpus(dom, 3), -EINVAL);
    check_rc("max_vcpus 2", max_vcpus(dom, 2), 0);
    check_rc("max_vcpus 2 again", max_vcpus(dom, 2), 0);
    check_rc("getdomaininfo", domctl_op(XEN_DOMCTL_getdomaininfo, dom, &op), 0);
    check_eq("max_vcpu_id", op.u.getdomaininfo.max_vcpu_id, 1);
    check_eq("nr_online_vcpus", op.u.getdomaininfo.nr_online_vcpus, 0);
}

static long vcpu_context(uint32_t cmd, domid_t_abi dom, uint32_t vcpu, void *c)
{
    struct xen_domctl op = { 0 };

    op.u.vcpucontext.vcpu = vcpu;
    op.u.vcpucontext.ctxt = (uint64_t)c;
    return domctl_op(cmd, dom, &op);
}

static void check_context(domid_t_abi dom)
{
    check_rc("getvcpucontext vCPU 7", vcpu_context(XEN_DOMCTL_getvcpucontext, dom, 7, &ctx),
             -EINVAL);
    check_rc("getvcpucontext of a vCPU never started",
             vcpu_context(XEN_DOMCTL_getvcpucontext, dom, 0, &ctx), -ENODATA);
    check_rc("setvcpucontext null (reset)",
             vcpu_context(XEN_DOMCTL_setvcpucontext, dom, 0, NULL), 0);
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = FLAT_KERNEL_SS;
    check_rc("setvcpucontext with cr3 0", vcpu_context(XEN_DOMCTL_setvcpucontext, dom, 0, &ctx),
             -EINVAL);
    check_rc("getvcpucontext after the refused set",
             vcpu_context(XEN_DOMCTL_getvcpucontext, dom, 0, &ctx), -ENODATA);
}

static long affinity(uint32_t cmd, domid_t_abi dom, uint32_t vcpu, uint32_t flags,
                     uint8_t *hard, uint8_t *soft, uint32_t bits)
{
    struct xen_domctl op = { 0 };

    op.u.vcpuaffinity = (struct xen_domctl_vcpuaffinity){
        .vcpu = vcpu, .flags = flags,
        .cpumap_hard = { (uint64_t)hard, hard ? bits : 0 },
        .cpumap_soft = { (uint64_t)soft, soft ? bits : 0 },
    };
    return domctl_op(cmd, dom, &op);
}

static void check_affinity(domid_t_abi dom)
{
    struct xen_domctl op = { 0 };
    uint8_t hard[2], soft[2];
    unsigned int cpu;

    op.u.getvcpuinfo.vcpu = 0;
    check_rc("getvcpuinfo", domctl_op(XEN_DOMCTL_getvcpuinfo, dom, &op), 0);
    cpu = op.u.getvcpuinfo.cpu;
    printk("vCPU 0 on CPU %u\n", cpu);
    if ( cpu >= 8 )
    {
        xtf_error("Error: vCPU 0 on CPU %u: this test needs one of the first 8\n", cpu);
        return;
    }
    check_rc("getvcpuaffinity vCPU 9", affinity(XEN_DOMCTL_getvcpuaffinity, dom, 9,
             XEN_VCPUAFFINITY_HARD, hard, NULL, 16), -EINVAL);
    check_rc("getvcpuaffinity flags 0", affinity(XEN_DOMCTL_getvcpuaffinity, dom, 0, 0,
             hard, soft, 16), -EINVAL);
    check_rc("getvcpuaffinity null bitmap", affinity(XEN_DOMCTL_getvcpuaffinity, dom, 0,
             XEN_VCPUAFFINITY_HARD, NULL, NULL, 16), -EINVAL);

    hard[0] = 1u << cpu;
    hard[1] = 0xff;                     /* beyond the CPUs: must come back zero */
    check_rc("setvcpuaffinity hard", affinity(XEN_DOMCTL_setvcpuaffinity, dom, 0,
             XEN_VCPUAFFINITY_HARD, hard, NULL, 16), 0);
    check_eq("effective hard affinity", hard[0], 1u << cpu);
    check_eq("hard affinity byte 1", hard[1], 0);
    memset(hard, 0xff, sizeof(hard));
    check_rc("getvcpuaffinity hard", affinity(XEN_DOMCTL_getvcpuaffinity, dom, 0,
             XEN_VCPUAFFINITY_HARD, hard, NULL, 16), 0);
    check_eq("hard affinity read back", hard[0], 1u << cpu);
    check_eq("hard affinity read back, byte 1", hard[1], 0);
    soft[0] = soft[1] = 0xff;
    check_rc("setvcpuaffinity soft", affinity(XEN_DOMCTL_setvcpuaffinity, dom, 0,
             XEN_VCPUAFFINITY_SOFT, NULL, soft, 16), 0);
    check_eq("effective soft affinity", soft[0], 1u << cpu);
    check_eq("soft affinity byte 1", soft[1], 0);
    hard[0] = hard[1] = 0;
    check_rc("setvcpuaffinity to no CPU", affinity(XEN_DOMCTL_setvcpuaffinity, dom, 0,
             XEN_VCPUAFFINITY_HARD, hard, NULL, 16), -EINVAL);
}

static long sched_op(domid_t_abi dom, uint32_t id, uint32_t cmd)
{
    struct xen_domctl op = { 0 };

    op.u.scheduler_op.sched_id = id;
    op.u.scheduler_op.cmd = cmd;
    return domctl_op(XEN_DOMCTL_scheduler_op, dom, &op);
}

static void check_scheduler(domid_t_abi dom)
{
    struct xen_sysctl s = { 0 };
    uint32_t id;

    check_rc("sysctl sched_id", sysctl_op(XEN_SYSCTL_sched_id, &s), 0);
    id = s.u.sched_id.sched_id;
    printk("scheduler %#x\n", id);
    check_rc("scheduler_op getinfo", sched_op(dom, id, XEN_DOMCTL_SCHEDOP_getinfo), 0);
    check_rc("scheduler_op another scheduler's id",
             sched_op(dom, id ^ 0x100, XEN_DOMCTL_SCHEDOP_getinfo), -EINVAL);
    check_rc("scheduler_op command 7", sched_op(dom, id, 7), -EINVAL);
}

static long address_size(uint32_t cmd, domid_t_abi dom, uint32_t *size)
{
    struct xen_domctl op = { 0 };
    long rc;

    op.u.address_size.size = *size;
    rc = domctl_op(cmd, dom, &op);
    *size = op.u.address_size.size;
    return rc;
}

static void check_address_size(domid_t_abi dom)
{
    uint32_t size = 64;

    check_rc("set_address_size 64", address_size(XEN_DOMCTL_set_address_size, dom, &size), 0);
    size = 48;
    check_rc("set_address_size 48", address_size(XEN_DOMCTL_set_address_size, dom, &size),
             -EINVAL);
    size = 0;
    check_rc("get_address_size", address_size(XEN_DOMCTL_get_address_size, dom, &size), 0);
    check_eq("address size", size, 64);
}

static bool gone(domid_t_abi dom)
{
    struct xen_domctl op = { 0 };
    long rc = domctl_op(XEN_DOMCTL_getdomaininfo, dom, &op);

    return rc == -ESRCH || (rc == 0 && op.domain != dom);
}

static void one_round(void)
{
    struct xen_domctl op = { 0 };
    domid_t_abi dom = create();
    uint64_t end;

    if ( !dom )
        return;
    check_max_vcpus(dom);
    check_context(dom);
    check_affinity(dom);
    check_scheduler(dom);
    check_address_size(dom);
    check_rc("destroydomain", domctl_op(XEN_DOMCTL_destroydomain, dom, &op), 0);
    end = pv_now() + 1000 * MS;
    while ( !gone(dom) && pv_now() < end )
        spin_ns(MS);
}

void test_main(void)
{
    uint64_t free0, free1, end;

    /* A first round warms Xen's xmalloc pools (pages they keep); the second is measured. */
    one_round();
    free0 = host_free_pages();
    one_round();
    end = pv_now() + 2000 * MS;
    while ( (free1 = host_free_pages()) < free0 && pv_now() < end )
        spin_ns(10 * MS);
    printk("free pages: %lu before the second round, %lu after\n", (unsigned long)free0,
           (unsigned long)free1);
    if ( free1 < free0 )
        xtf_failure("Fail: %lu pages not given back\n", (unsigned long)(free0 - free1));
}
