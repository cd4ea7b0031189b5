/*
 * console_io: guests write to Keel's console.  dom0's text goes out as it
 * is and in full (it owns the machine's console, as on Xen); other
 * domains' lines get a "(dN) " prefix and a budget.  Writes are taken in
 * bounded chunks.
 *
 * The budget is a token bucket of bytes per domain (DOMU_BURST at once,
 * DOMU_RATE per second after that): beyond it output is dropped without
 * even being copied, and the drop is reported once the domain may write
 * again.  So a domU flooding the console costs O(1) per hypercall and
 * never keeps Keel's UART, or the CPU feeding it, from other domains.
 * Xen rate-limits guest_loglvl messages in the same spirit.
 *
 * dom0's long writes are preemptible instead: when work is pending on the
 * CPU (a timer, the scheduler), the hypercall is continued, as Xen's
 * guest_console_write does with hypercall_create_continuation.  The
 * progress travels in bits 32-63 of the command, which Xen's ABI leaves
 * unused (cmd is 32-bit there).
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/console_input.h>
#include <keel/domain.h>
#include <keel/guest_console.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/time.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>

#define CHUNK          128
#define DOMU_BURST     (8 * 1024)       /* bytes a domU may write at once */
#define DOMU_RATE      (2 * 1024)       /* bytes per second after that */
#define REPORT_INTERVAL SECONDS(5)      /* Xen's printk_ratelimit_ms */
#define CMD_MASK       0xffffffffUL     /* the command; above it, dom0's progress */
#define CMD_DONE_SHIFT 32

/* A new domain starts with its whole burst: a boot banner is never cut. */
void guest_console_init(struct domain *d)
{
    spin_lock_init(&d->console.lock);
    d->console.tokens = DOMU_BURST;
    d->console.refilled_at = NOW();
}

/* Up to want bytes of d's budget: how many it may write now. */
static size_t budget_take(struct domain *d, size_t want)
{
    struct console_budget *b = &d->console;
    s_time_t now = NOW(), elapsed;
    uint64_t refill;
    size_t n;

    spin_lock(&b->lock);
    elapsed = min(now - (s_time_t)b->refilled_at, (s_time_t)SECONDS(10)); /* no overflow below */
    refill = (uint64_t)elapsed * DOMU_RATE / SECONDS(1);
    if ( refill )
    {
        b->tokens = min(b->tokens + refill, (uint64_t)DOMU_BURST);
        b->refilled_at = now;
    }
    /* Whole chunks or nothing: a drained bucket must not dribble bytes. */
    n = b->tokens >= min(want, (size_t)CHUNK) ? min((uint64_t)want, b->tokens) : 0;
    b->tokens -= n;
    b->dropped += want - n;
    spin_unlock(&b->lock);
    return n;
}

/*
 * Once a domain may write again, say how much of its output was dropped;
 * at most once per REPORT_INTERVAL, so the reports cannot flood either.
 */
static void report_dropped(struct domain *d)
{
    struct console_budget *b = &d->console;
    s_time_t now = NOW();
    uint64_t dropped = 0;

    spin_lock(&b->lock);
    if ( b->dropped && (!b->reported_at || now - b->reported_at >= REPORT_INTERVAL) )
    {
        dropped = b->dropped;
        b->dropped = 0;
        b->reported_at = now;
    }
    spin_unlock(&b->lock);
    if ( dropped )
        printk(KLOG_WARNING "d%u: %lu bytes of console output dropped (rate limit)\n",
               d->domain_id, (unsigned long)dropped);
}

void guest_console_line(struct domain *d, const char *s, size_t len)
{
    if ( budget_take(d, len + 1) < len + 1 )
        return;
    report_dropped(d);
    printk("(d%u) %.*s\n", d->domain_id, (int)len, s);
}

static void emit(const struct domain *d, const char *buf, size_t len)
{
    if ( d->domain_id == 0 )
        console_write(buf, len);
    else
        printk("(d%u) %.*s", d->domain_id, (int)len, buf);
}

/* Copy and print [done, done + len) of the buffer; 0 or -EFAULT. */
static long write_chunks(struct domain *d, uint64_t buffer, unsigned long done,
                         unsigned long len)
{
    char buf[CHUNK];

    for ( unsigned long end = done + len; done < end; )
    {
        size_t n = min((unsigned long)CHUNK, end - done);

        if ( copy_from_guest(buf, buffer + done, n) )
            return -EFAULT;
        emit(d, buf, n);
        done += n;
    }
    return 0;
}

/* dom0: in full, continued when this CPU has other work. */
static long hwdom_write(unsigned long cmd, uint64_t buffer, unsigned long count)
{
    struct domain *d = current->domain;
    unsigned long done = cmd >> CMD_DONE_SHIFT;
    long rc;

    while ( done < count )
    {
        unsigned long n = min((unsigned long)CHUNK, count - done);

        rc = write_chunks(d, buffer, done, n);
        if ( rc )
            return rc;
        done += n;
        if ( done < count && softirq_pending(smp_processor_id()) )
        {
            rc = pv_hypercall_continuation(__HYPERVISOR_console_io, cmd,
                                           (cmd & CMD_MASK) |
                                           (done << CMD_DONE_SHIFT));
            if ( rc )
                return rc;
        }
    }
    return 0;
}

static long domu_write(struct domain *d, uint64_t buffer, unsigned long count)
{
    size_t allowed = budget_take(d, count);

    if ( !allowed )
        return 0;
    report_dropped(d);
    return write_chunks(d, buffer, 0, allowed);
}

/* Only the domain that has the input reads it (Xen: the hardware domain). */
static long console_read_to_guest(uint64_t buffer, unsigned long count)
{
    char buf[CHUNK];
    size_t n;

    if ( current->domain->domain_id != 0 )
        return -EPERM;
    if ( count && !guest_range_ok(buffer, count) )
        return -EFAULT;
    n = console_input_read(buf, min((unsigned long)CHUNK, count));
    if ( n && copy_to_guest(buffer, buf, n) )
        return -EFAULT;
    return n;
}

long do_console_io(unsigned long cmd, unsigned long count, uint64_t buffer)
{
    struct domain *d = current->domain;

    if ( count > (1UL << 20) )
        return -E2BIG;
    switch ( cmd & CMD_MASK )
    {
    case CONSOLEIO_write:
        if ( d->domain_id == 0 && !is_hvm_domain(d) )
            return hwdom_write(cmd, buffer, count);
        if ( cmd >> CMD_DONE_SHIFT )
            return -ENOSYS;
        return domu_write(d, buffer, count);
    case CONSOLEIO_read:
        if ( cmd >> CMD_DONE_SHIFT )
            return -ENOSYS;
        return console_read_to_guest(buffer, count);
    }
    return -ENOSYS;
}
