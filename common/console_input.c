/*
 * Serial input routing (see keel/console_input.h).  Characters for dom0
 * wait in a bounded ring; when it is full the newest are dropped, as a
 * UART would drop them, so a guest that never reads costs nothing.
 */
#include <keel/lib.h>
#include <keel/console_input.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/keyhandler.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <public/xen.h>

#define RING_SIZE   1024            /* a power of two */
#define SWITCH_CODE 0x01            /* CTRL-a */

static DEFINE_SPINLOCK(ring_lock);
static char ring[RING_SIZE];
static unsigned int ring_head, ring_tail;   /* free-running */
static struct domain *input_domain;         /* NULL: Keel's debug keys */
static struct domain *hardware_domain;
static unsigned int switch_count;

static void announce(void)
{
    if ( input_domain )
        printk(KLOG_WARNING "*** Serial input to DOM0 (type 'CTRL-a' three times to "
               "switch input)\n");
    else
        printk(KLOG_WARNING "*** Serial input to Keel (type 'CTRL-a' three times to "
               "switch input)\n");
}

void console_input_to_hardware_domain(struct domain *d)
{
    hardware_domain = input_domain = d;
    announce();
}

static void to_domain(struct domain *d, unsigned char c)
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
}

void console_input_char(unsigned char c)
{
    if ( c == SWITCH_CODE && hardware_domain )
    {
        if ( ++switch_count == 3 )
        {
            switch_count = 0;
            input_domain = input_domain ? NULL : hardware_domain;
            announce();
        }
        return;
    }
    switch_count = 0;
    /* A dom0 that has gone gives the keys back to Keel. */
    if ( input_domain && input_domain->state != DOMAIN_running )
        input_domain = NULL;
    if ( input_domain )
        to_domain(input_domain, c);
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
