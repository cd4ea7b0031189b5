/*
 * Serial input routing (see keel/console_input.h).  The targets, in the
 * order CTRL-a three times cycles through them: dom0 (if any), the domUs
 * Keel started at boot (domain 1, 2, ...), then Keel's debug keys.  A
 * target is held by its domid and looked up for each character, so a
 * domain that dies just loses the focus.  Nothing here ever waits for a
 * guest: characters for dom0 wait in a bounded ring, a domU's go into its
 * UART's buffer or its console ring, and when any of them is full the
 * character is dropped, as a UART would drop it.
 */
#include <keel/lib.h>
#include <keel/console_backend.h>
#include <keel/console_input.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/keyhandler.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <asm/hvm/hvm.h>
#include <public/errno.h>
#include <public/xen.h>

#define RING_SIZE   1024            /* a power of two */
#define SWITCH_CODE 0x01            /* CTRL-a */
#define MAX_TARGETS 16

static DEFINE_SPINLOCK(ring_lock);
static char ring[RING_SIZE];
static unsigned int ring_head, ring_tail;   /* free-running */

/*
 * Set up at boot before the console poll timer runs; from then on only that
 * timer (console_input_char) reads or changes them.
 */
static domid_t targets[MAX_TARGETS];
static unsigned int nr_targets;
static unsigned int focus;                  /* index in targets; nr_targets: Keel */
static unsigned int switch_count;
static bool drop_reported;                  /* since the last switch */

static void announce(void)
{
    if ( focus < nr_targets )
        printk(KLOG_WARNING "*** Serial input to DOM%u (type 'CTRL-a' three times to "
               "switch input)\n", targets[focus]);
    else
        printk(KLOG_WARNING "*** Serial input to Keel (type 'CTRL-a' three times to "
               "switch input)\n");
}

/* dom0 comes first in the cycle; start_dom0 runs before any domU is added. */
void console_input_to_hardware_domain(struct domain *d)
{
    if ( nr_targets )
        return;
    targets[nr_targets++] = d->domain_id;
    focus = 0;
    announce();
}

void console_input_add_domain(struct domain *d)
{
    if ( nr_targets == MAX_TARGETS )
        return;
    targets[nr_targets++] = d->domain_id;
    if ( nr_targets == 1 )
    {
        focus = 0;                          /* no dom0: the first domU has it */
        announce();
    }
    else if ( focus == nr_targets - 1 )
        focus = nr_targets;                 /* Keel keeps it */
}

static bool to_dom0(struct domain *d, unsigned char c)
{
    unsigned long flags;
    bool stored = false;

    spin_lock_irqsave(&ring_lock, flags);
    if ( ring_head - ring_tail < RING_SIZE )
    {
        ring[ring_head++ % RING_SIZE] = c;
        stored = true;
    }
    spin_unlock_irqrestore(&ring_lock, flags);
    if ( stored && d->vcpu && d->vcpu[0] )
        send_guest_vcpu_virq(d->vcpu[0], VIRQ_CONSOLE);
    return stored;
}

/*
 * A domU reads its vUART when a driver listens on it (receive interrupt
 * enabled) or it has no console ring Keel serves; otherwise its ring.
 */
static bool to_domu(struct domain *d, unsigned char c)
{
    int rc;

    if ( is_hvm_domain(d) && vuart_rx_enabled(d) )
        return vuart_receive(d, c);
    rc = console_backend_input(d, c);
    if ( rc == -ENOENT && is_hvm_domain(d) )
        return vuart_receive(d, c);
    return rc == 0;
}

static struct domain *live_target(unsigned int i)
{
    struct domain *d = domain_get(targets[i]);

    if ( d && d->state != DOMAIN_running )
    {
        domain_put(d);
        d = NULL;
    }
    return d;
}

static void switch_focus(void)
{
    struct domain *d = NULL;

    /* The next target that still runs, or Keel. */
    do {
        focus = focus >= nr_targets ? 0 : focus + 1;
    } while ( focus < nr_targets && !(d = live_target(focus)) );
    if ( d )
        domain_put(d);
    drop_reported = false;
    announce();
}

static void to_target(unsigned char c)
{
    struct domain *d = live_target(focus);
    bool stored;

    if ( !d )
    {
        /* It has gone: the keys go back to Keel (this one is not taken as a key). */
        focus = nr_targets;
        announce();
        return;
    }
    stored = d->domain_id == 0 ? to_dom0(d, c) : to_domu(d, c);
    if ( !stored && !drop_reported )
        printk(KLOG_WARNING "d%u does not read its input: characters dropped\n",
               d->domain_id);
    drop_reported = !stored;
    domain_put(d);
}

void console_input_char(unsigned char c)
{
    if ( c == SWITCH_CODE && nr_targets )
    {
        if ( ++switch_count == 3 )
        {
            switch_count = 0;
            switch_focus();
        }
        return;
    }
    switch_count = 0;
    if ( focus < nr_targets )
        to_target(c);
    else
        handle_keypress(c);
}

size_t console_input_read(char *buf, size_t len)
{
    unsigned long flags;
    size_t n = 0;

    spin_lock_irqsave(&ring_lock, flags);
    while ( n < len && ring_tail != ring_head )
        buf[n++] = ring[ring_tail++ % RING_SIZE];
    spin_unlock_irqrestore(&ring_lock, flags);
    return n;
}
