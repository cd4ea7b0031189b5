/*
 * Console backend for boot-time domUs (include/keel/console_backend.h).
 * No toolstack runs yet, so nobody else would read their hvc0: Keel polls
 * each ring every POLL_MS from a timer (softirq context), copies what the
 * guest wrote, prints it line by line with the "(dN) " prefix, advances
 * out_cons and raises the guest's console port so a writer waiting for
 * room wakes (Linux's hvc_xen).  The ring is guest memory and hostile:
 * indices are read once per pass, a producer more than a ring ahead is
 * treated as a reset (the backlog is skipped, reported once), and at most
 * PASS_BYTES leave a ring per pass, so a guest can neither flood the
 * serial line nor keep Keel in the loop; a full ring just makes the guest
 * wait, so unlike console_io nothing it writes is dropped.
 */
#include <keel/lib.h>
#include <keel/console_backend.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <asm/hvm/hvm.h>
#include <public/errno.h>

#define MAX_BACKENDS 8
#define POLL_MS      20
#define PASS_BYTES   256                 /* ~12.8 KB/s per domain: the UART's pace */
#define LINE_MAX     160

/* struct xencons_interface (Xen's public/io/console.h): in[1024], out[2048], indices. */
#define RING_IN_SIZE   1024
#define RING_OUT_SIZE  2048
#define RING_OUT_OFF   RING_IN_SIZE
#define RING_IDX_OFF   (RING_IN_SIZE + RING_OUT_SIZE)   /* in_cons in_prod out_cons out_prod */

struct backend {
    domid_t domid;                       /* 0: slot free (dom0 is never served here) */
    uint64_t gpa;
    unsigned int port;
    bool reset_reported;
    size_t line_len;
    char line[LINE_MAX];
};

static struct backend backends[MAX_BACKENDS];
static struct timer poll_timer;
static bool timer_ready;

static void flush_line(struct backend *b)
{
    printk("(d%u) %.*s\n", b->domid, (int)b->line_len, b->line);
    b->line_len = 0;
}

static void take_bytes(struct backend *b, const char *s, size_t n)
{
    for ( size_t i = 0; i < n; i++ )
    {
        if ( s[i] == '\n' )
            flush_line(b);
        else if ( s[i] != '\r' )
        {
            b->line[b->line_len++] = s[i];
            if ( b->line_len == LINE_MAX )
                flush_line(b);
        }
    }
}

/* One pass over d's ring: false if the ring cannot be read (stop serving). */
static bool drain(struct backend *b, struct domain *d)
{
    uint32_t idx[4], cons, prod, avail, n;
    char buf[PASS_BYTES];

    if ( hvm_copy_from_phys(d, idx, b->gpa + RING_IDX_OFF, sizeof(idx)) )
        return false;
    cons = idx[2];
    prod = idx[3];
    avail = prod - cons;
    if ( avail > RING_OUT_SIZE )
    {
        if ( !b->reset_reported )
            printk(KLOG_WARNING "d%u: console ring indices %u/%u are %u apart: "
                   "output skipped\n", b->domid, cons, prod, avail);
        b->reset_reported = true;
        cons = prod;
        avail = 0;
    }
    n = min(avail, (uint32_t)PASS_BYTES);
    for ( uint32_t i = 0; i < n; )
    {
        uint32_t at = (cons + i) % RING_OUT_SIZE, chunk = min(n - i, RING_OUT_SIZE - at);

        if ( hvm_copy_from_phys(d, buf + i, b->gpa + RING_OUT_OFF + at, chunk) )
            return false;
        i += chunk;
    }
    take_bytes(b, buf, n);
    if ( n || cons != idx[2] )
    {
        cons += n;
        if ( hvm_copy_to_phys(d, b->gpa + RING_IDX_OFF + 8, &cons, sizeof(cons)) )
            return false;
        if ( d->vcpu[0] )
            evtchn_set_pending(d->vcpu[d->evtchn[b->port].notify_vcpu], b->port);
    }
    return true;
}

static void poll_all(void *unused)
{
    bool any = false;

    (void)unused;
    for ( unsigned int i = 0; i < MAX_BACKENDS; i++ )
    {
        struct backend *b = &backends[i];
        struct domain *d;

        if ( !b->domid )
            continue;
        d = domain_get(b->domid);
        if ( !d || d->state == DOMAIN_dying || !drain(b, d) )
        {
            if ( b->line_len )
                flush_line(b);
            b->domid = 0;                /* gone, or its ring unreadable */
        }
        if ( d )
            domain_put(d);
        any |= b->domid != 0;
    }
    if ( any )                           /* no ring left: the timer rests until an attach */
        set_timer(&poll_timer, NOW() + MILLISECS(POLL_MS));
}

/*
 * Slots change only at attach (boot) and when the poll drops a domain, so a
 * copy of the slot taken here is at worst one character late.  The guest
 * owns the indices: a ring that looks more than full takes nothing.
 */
int console_backend_input(struct domain *d, char c)
{
    struct backend b = { 0 };
    uint32_t idx[2], prod;

    for ( unsigned int i = 0; i < MAX_BACKENDS; i++ )
        if ( backends[i].domid && backends[i].domid == d->domain_id )
            b = backends[i];
    if ( !b.domid )
        return -ENOENT;
    if ( hvm_copy_from_phys(d, idx, b.gpa + RING_IDX_OFF, sizeof(idx)) )
        return -EFAULT;
    prod = idx[1];
    if ( prod - idx[0] >= RING_IN_SIZE )
        return -ENOSPC;
    if ( hvm_copy_to_phys(d, b.gpa + prod % RING_IN_SIZE, &c, 1) )
        return -EFAULT;
    barrier();                           /* the byte before the index (x86 keeps store order) */
    prod++;
    if ( hvm_copy_to_phys(d, b.gpa + RING_IDX_OFF + 4, &prod, sizeof(prod)) )
        return -EFAULT;
    if ( d->vcpu[0] )
        evtchn_set_pending(d->vcpu[d->evtchn[b.port].notify_vcpu], b.port);
    return 0;
}

int console_backend_attach(struct domain *d, uint64_t gfn, unsigned int port)
{
    for ( unsigned int i = 0; i < MAX_BACKENDS; i++ )
    {
        if ( backends[i].domid )
            continue;
        backends[i] = (struct backend){ .domid = d->domain_id, .gpa = gfn << PAGE_SHIFT,
                                        .port = port };
        if ( !timer_ready )
        {
            init_timer(&poll_timer, poll_all, NULL, 0);
            timer_ready = true;
        }
        if ( !timer_is_active(&poll_timer) )
            set_timer(&poll_timer, NOW() + MILLISECS(POLL_MS));
        return 0;
    }
    return -ENOSPC;
}
