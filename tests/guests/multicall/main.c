/*
 * multicall: each entry's result is written back in order, a failing entry
 * does not stop the batch, an unknown op gives -ENOSYS in its slot, a
 * nested multicall is refused in its slot, a bad argument pointer inside
 * an entry gives -EFAULT in its slot; the list at an unmapped address is
 * -EFAULT; nr = 0 is a no-op.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "multicall batching";

static struct multicall_entry mc[8], inner[1];

static void set(struct multicall_entry *e, unsigned long op, unsigned long a0,
                unsigned long a1, unsigned long a2)
{
    memset(e, 0, sizeof(*e));
    e->op = op;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
    e->result = 0xdead0000dead0000UL;
}

void test_main(void)
{
    static const char msg[] = "written from a multicall\n";
    long ver = hypercall_xen_version(XENVER_version, NULL);
    long rc;

    set(&inner[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    set(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    set(&mc[1], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    set(&mc[2], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, (unsigned long)msg);
    set(&mc[3], 63, 0, 0, 0);
    set(&mc[4], __HYPERVISOR_multicall, (unsigned long)inner, 1, 0);
    set(&mc[5], __HYPERVISOR_xen_version, XENVER_extraversion, 0x1000, 0);
    set(&mc[6], __HYPERVISOR_xen_version, XENVER_version, 0, 0);

    rc = hypercall_multicall(mc, 7);
    check_rc("multicall of 7", rc, 0);
    for ( unsigned int i = 0; i < 7; i++ )
        printk("entry %u: op %lu result %ld\n", i, mc[i].op, (long)mc[i].result);
    check_eq("entry 0 (version)", mc[0].result, ver);
    check_eq("entry 1 (pagesize)", mc[1].result, 4096);
    check_eq("entry 2 (console_io)", mc[2].result, 0);
    check_eq("entry 3 (op 63)", mc[3].result, -ENOSYS);
    check_eq("entry 4 (nested multicall)", mc[4].result, -EINVAL);
    check_eq("inner entry untouched", inner[0].result, 0xdead0000dead0000UL);
    check_eq("entry 5 (bad pointer)", mc[5].result, -EFAULT);
    check_eq("entry 6 (after failures)", mc[6].result, ver);
    check_eq("entry 0 op unchanged", mc[0].op, __HYPERVISOR_xen_version);

    rc = hypercall_multicall((struct multicall_entry *)0x1000, 1);
    check_rc("multicall list at 0x1000", rc, -EFAULT);
    rc = hypercall_multicall((struct multicall_entry *)0xffff800000000000UL, 1);
    check_rc("multicall list in the hypervisor hole", rc, -EFAULT);
    set(&mc[7], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    rc = hypercall_multicall(&mc[7], 0);
    check_rc("multicall of 0", rc, 0);
    check_eq("nr = 0 leaves the entry alone", mc[7].result, 0xdead0000dead0000UL);
}
