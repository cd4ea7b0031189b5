/*
 * VIRQ_CON_RING: dom0 is told when the hypervisor's console ring grows, so
 * that a log reader (xenconsoled --log=hv) need not poll.  TESTS runs this
 * dom0 beside a PVH peer (peer=timer_liveness) whose console lines reach
 * Keel's ring as "(d1) ...".  dom0 binds the global VIRQ on vCPU 0, then
 * each time the port is pending clears it and reads what is new with an
 * incremental sysctl readconsole, until the peer's verdict line is in what
 * it read.  It fails if the port never fires within 60 s of system time,
 * or if the ring grew (readconsole has new bytes) for 5 s without the port
 * becoming pending: a notification lost.
 */
#include "pv.h"
#include "pv_clock.h"
#include "pv_events.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "evtchn_ops.h"
#include <public/sysctl.h>

const char test_title[] = "VIRQ_CON_RING tells dom0 of new hypervisor console output";

#define MS 1000000ULL
#define PEER_VERDICT "(d1) Test result: "

static char seen[8192];                 /* the tail of what was read */
static size_t seen_len;

static long read_new(uint32_t *index, char *buf, uint32_t size)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_readconsole,
                             .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
    long rc;

    op.u.readconsole.incremental = 1;
    op.u.readconsole.index = *index;
    op.u.readconsole.buffer = (unsigned long)buf;
    op.u.readconsole.count = size;
    rc = hypercall1(__HYPERVISOR_sysctl, &op);
    if ( rc < 0 )
        return rc;
    *index = op.u.readconsole.index;
    return op.u.readconsole.count;
}

static void remember(const char *buf, size_t n)
{
    if ( n >= sizeof(seen) )
    {
        buf += n - (sizeof(seen) - 1);
        n = sizeof(seen) - 1;
    }
    if ( seen_len + n >= sizeof(seen) )
    {
        size_t drop = seen_len + n - (sizeof(seen) - 1);

        memmove(seen, seen + drop, seen_len - drop);
        seen_len -= drop;
    }
    memcpy(seen + seen_len, buf, n);
    seen_len += n;
    seen[seen_len] = 0;
}

static bool verdict_seen(void)
{
    return strstr(seen, PEER_VERDICT) != NULL;
}

void test_main(void)
{
    static char buf[2048];
    uint32_t index = 0;
    unsigned int fired = 0;
    uint64_t start = pv_now(), unnotified_since = 0;
    long port = bind_virq(VIRQ_CON_RING, 0), n;

    if ( port < 0 )
        return xtf_failure("Fail: bind_virq(VIRQ_CON_RING, 0): rc %ld\n", port);
    printk("VIRQ_CON_RING bound to port %ld\n", port);
    /* Skip what the ring held before the bind. */
    while ( (n = read_new(&index, buf, sizeof(buf))) > 0 )
        ;
    if ( n < 0 )
        return xtf_failure("Fail: readconsole: rc %ld\n", n);
    evtchn_clear_in(shared_info, port);

    while ( !verdict_seen() )
    {
        uint64_t now = pv_now();

        if ( now - start > 60000 * MS )
            return xtf_failure("Fail: no peer verdict in the ring after 60 s (%u notifications)\n",
                               fired);
        if ( evtchn_pending_in(shared_info, port) )
        {
            evtchn_clear_in(shared_info, port);
            fired++;
            unnotified_since = 0;
            while ( (n = read_new(&index, buf, sizeof(buf))) > 0 )
                remember(buf, n);
            continue;
        }
        /* Not pending: new bytes may only be those our own last read raced with. */
        n = read_new(&index, buf, sizeof(buf));
        if ( n > 0 )
        {
            remember(buf, n);
            if ( !unnotified_since )
                unnotified_since = now;
        }
        if ( unnotified_since && now - unnotified_since > 5000 * MS )
            return xtf_failure("Fail: the ring grew for 5 s without VIRQ_CON_RING\n");
        spin_ns(1 * MS);
    }
    printk("peer's verdict read from the ring after %u notifications\n", fired);
    if ( fired == 0 )
        xtf_failure("Fail: the verdict came without a notification\n");
}
