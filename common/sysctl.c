/*
 * sysctl: host-wide operations for the toolstack, at Xen 4.17's numbers,
 * layouts and interface version (0x15), dom0 only: readconsole (Keel's
 * console ring, with Xen's index/incremental/clear), physinfo, sched_id and
 * getdomaininfolist (ascending ids from first_domain).
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/mm.h>
#include <keel/smp.h>
#include <keel/time.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/sysctl.h>

/*
 * Keel's round-robin scheduler is none of Xen's (credit 5, credit2 6, ...):
 * it reports an id of its own, outside Xen's range ("KR").
 */
#define KEEL_SCHEDULER_RR 0x4b52

#define READ_CHUNK 256

/* Where a clearing read left the ring: bytes before it are not read again. */
static size_t conring_consumed;

static long read_console(struct xen_sysctl_readconsole *rc)
{
    char chunk[READ_CHUNK];
    size_t oldest, prod, c, done = 0;

    console_ring_window(&oldest, &prod);
    c = max(oldest, conring_consumed);
    /* Xen: an incremental read starts at index when that is newer. */
    if ( rc->incremental && (int32_t)(rc->index - (uint32_t)c) > 0 )
        c += (uint32_t)(rc->index - (uint32_t)c);
    while ( c < prod && done < rc->count )
    {
        size_t n = min(min((size_t)READ_CHUNK, prod - c), (size_t)rc->count - done);

        n = console_ring_read(chunk, c - oldest, n);
        if ( n == 0 )
            break;
        if ( copy_to_guest(rc->buffer + done, chunk, n) )
            return -EFAULT;
        done += n;
        c += n;
    }
    if ( rc->clear )
        conring_consumed = c;
    rc->count = done;
    rc->index = c;
    return 1;
}

static void physinfo(struct xen_sysctl_physinfo *pi)
{
    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = 1;
    pi->cores_per_socket = num_online_cpus();
    pi->nr_cpus = num_online_cpus();
    pi->max_cpu_id = NR_CPUS - 1;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = cpu_khz_get();
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv |
                       (hvm_enabled ? XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap : 0);
    pi->total_pages = total_heap_pages();
    pi->free_pages = avail_heap_pages();
    pi->max_mfn = max_page - 1;
}

static long domaininfo_list(struct xen_sysctl_getdomaininfolist *l)
{
    struct xen_domctl_getdomaininfo info;
    uint32_t n = 0;
    domid_t next = l->first_domain;
    struct domain *d;

    while ( n < l->max_domains && (d = domain_at_or_after(next)) != NULL )
    {
        domain_get_info(d, &info);
        if ( copy_to_guest(l->buffer + (uint64_t)n * sizeof(info), &info, sizeof(info)) )
            return -EFAULT;
        n++;
        next = d->domain_id + 1;
        if ( next == 0 )
            break;
    }
    l->num_domains = n;
    return 1;
}

static long sysctl_locked(struct xen_sysctl *op)
{
    long rc;

    if ( (rc = xsm_sysctl(current->domain, op->cmd)) != 0 )
        return rc;
    switch ( op->cmd )
    {
    case XEN_SYSCTL_readconsole:
        return read_console(&op->u.readconsole);
    case XEN_SYSCTL_physinfo:
        physinfo(&op->u.physinfo);
        return 1;
    case XEN_SYSCTL_sched_id:
        op->u.sched_id.sched_id = KEEL_SCHEDULER_RR;
        return 1;
    case XEN_SYSCTL_getdomaininfolist:
        return domaininfo_list(&op->u.getdomaininfolist);
    }
    return -EOPNOTSUPP;
}

long do_sysctl(uint64_t arg)
{
    struct xen_sysctl op;
    long rc;

    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XEN_SYSCTL_INTERFACE_VERSION )
        return -EACCES;
    domctl_lock();
    rc = sysctl_locked(&op);
    domctl_unlock();
    if ( rc == 1 )
        rc = copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
    return rc;
}
