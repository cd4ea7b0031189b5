/*
 * Console: every byte printed is kept in a ring (readable later by the
 * toolstack's `kl dmesg`) and sent to the enabled outputs, COM1 and VGA.
 * After boot the serial line is fed from a transmit queue (see
 * console_write), so no writer holds interrupts off while the UART works.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/event.h>
#include <public/xen.h>
#include <keel/serial.h>
#include <keel/softirq.h>
#include <keel/spinlock.h>
#include <keel/time.h>
#include <keel/timer.h>

#define TXRING_SIZE   (16 * 1024)       /* serial bytes queued (Xen's serial_tx_buffer) */
#define KICK_BURST    4096              /* bytes a writer sends itself, if the UART takes them */
#define DRAIN_BURST   4096              /* bytes per softirq run */
#define TX_SPIN_LIMIT 100000            /* pauses before a silent UART is written anyway */

static char conring[CONRING_SIZE];
static size_t conring_prod;             /* total bytes ever written */
static char txring[TXRING_SIZE];
static size_t tx_prod, tx_cons;         /* serial bytes ever queued / sent */
static DEFINE_SPINLOCK(console_lock);   /* both rings and the UART */
static bool console_async;              /* after boot, until a panic */
static bool ring_notify;                /* new ring bytes dom0 has not been told of */
static struct timer drain_timer;
static bool use_serial = true;
static bool use_vga;

static void parse_console_list(const char *opt)
{
    const char *p = opt;

    use_serial = use_vga = false;
    while ( *p )
    {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if ( len == 4 && !strncmp(p, "com1", 4) )
            use_serial = true;
        else if ( len == 3 && !strncmp(p, "vga", 3) )
            use_vga = true;
        p += len;
        if ( *p == ',' )
            p++;
    }
}

void console_init_preirq(const char *console_opt, const char *com1_opt)
{
    struct serial_config cfg = {
        .io_base = 0x3f8, .baud = 115200, .data_bits = 8, .parity = 'n',
        .stop_bits = 1,
    };
    bool bad_com1 = false;

    if ( console_opt && *console_opt )
        parse_console_list(console_opt);
    if ( com1_opt && *com1_opt && serial_parse_config(com1_opt, &cfg) )
        bad_com1 = true;
    if ( use_serial )
        ns16550_init(&cfg);
    if ( use_vga )
        vga_init();
    if ( bad_com1 )
        console_write("(KEEL) bad com1= option, using 115200,8n1,0x3f8\n", 50);
}

static void conring_put(const char *s, size_t len)
{
    for ( size_t i = 0; i < len; i++ )
        conring[(conring_prod + i) % CONRING_SIZE] = s[i];
    conring_prod += len;
}

static void vga_put(const char *s, size_t len)
{
    if ( use_vga )
        for ( size_t i = 0; i < len; i++ )
            vga_putc(s[i]);
}

/* Straight to the UART, waiting for it per byte: boot and the last words only. */
static void serial_put_sync(const char *s, size_t len)
{
    for ( size_t i = 0; i < len; i++ )
    {
        if ( s[i] == '\n' )
            ns16550_putc('\r');
        ns16550_putc(s[i]);
    }
}

static size_t tx_used(void)
{
    return tx_prod - tx_cons;
}

/* Queue up to len bytes of s (LF as CR LF); how many of s were taken. */
static size_t tx_put(const char *s, size_t len)
{
    size_t i;

    for ( i = 0; i < len && tx_used() + 2 <= TXRING_SIZE; i++ )
    {
        if ( s[i] == '\n' )
            txring[tx_prod++ % TXRING_SIZE] = '\r';
        txring[tx_prod++ % TXRING_SIZE] = s[i];
    }
    return i;
}

/*
 * Move what the UART takes now (at most one FIFO load) from the ring to
 * it: interrupts are off for those few bytes, never for a whole message.
 * force: send one FIFO load even if the UART does not say it is ready (a
 * dead UART must not stop the console, as ns16550_putc's bounded wait).
 */
static size_t tx_send_some(bool force)
{
    unsigned long flags;
    size_t room, n = 0;

    spin_lock_irqsave(&console_lock, flags);
    room = ns16550_tx_room();
    if ( !room && force )
        room = 1;
    while ( n < room && tx_cons != tx_prod )
    {
        ns16550_tx_byte(txring[tx_cons++ % TXRING_SIZE]);
        n++;
    }
    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

/* Send up to max bytes, as fast as the UART takes them, without waiting. */
static size_t tx_drain(size_t max)
{
    size_t sent = 0, n;

    while ( sent < max && (n = tx_send_some(false)) )
        sent += n;
    return sent;
}

/* The ring is full: wait (boundedly) until the UART has taken something. */
static void tx_wait_for_room(void)
{
    for ( unsigned int spins = 0; !tx_send_some(spins >= TX_SPIN_LIMIT); spins++ )
        __builtin_ia32_pause();
}

/*
 * Background draining: the CPU that queued output raises CONSOLE_SOFTIRQ
 * (lock-free, so safe from any context); the softirq sends a bounded
 * amount and, while the UART lags behind, retries from a timer.
 */
static void console_softirq(void)
{
    /*
     * VIRQ_CON_RING (xenconsoled --log=hv reads the ring when it fires).
     * Sent from here, not from console_write, because printk runs under
     * any lock, the event channel locks included.
     */
    if ( __atomic_exchange_n(&ring_notify, false, __ATOMIC_SEQ_CST) )
        send_global_virq(VIRQ_CON_RING);
    tx_drain(DRAIN_BURST);
    if ( tx_used() && !timer_is_active(&drain_timer) )
        set_timer(&drain_timer, NOW() + MILLISECS(1));
}

static void drain_timer_fn(void *data)
{
    (void)data;
    raise_softirq(CONSOLE_SOFTIRQ);
}

void console_endboot(void)
{
    init_timer(&drain_timer, drain_timer_fn, NULL, 0);
    open_softirq(CONSOLE_SOFTIRQ, console_softirq);
    __atomic_store_n(&console_async, true, __ATOMIC_SEQ_CST);
}

/*
 * Every byte printed: the history ring, VGA, and the serial line.  During
 * boot and after a panic the serial line is written at once; otherwise the
 * bytes are queued and the UART is fed as fast as it takes them, a few at
 * a time.  Nothing is dropped: a writer that finds the queue full waits
 * for room with interrupts on between FIFO loads (guests' output is
 * budgeted before it gets here, common/guest_console.c).
 */
void console_write(const char *s, size_t len)
{
    unsigned long flags;
    size_t n;

    spin_lock_irqsave(&console_lock, flags);
    conring_put(s, len);
    vga_put(s, len);
    if ( !console_async || !use_serial )
    {
        if ( use_serial )
            serial_put_sync(s, len);
        spin_unlock_irqrestore(&console_lock, flags);
        return;
    }
    while ( (n = tx_put(s, len)) < len )
    {
        s += n;
        len -= n;
        spin_unlock_irqrestore(&console_lock, flags);
        tx_wait_for_room();
        spin_lock_irqsave(&console_lock, flags);
    }
    spin_unlock_irqrestore(&console_lock, flags);
    tx_drain(KICK_BURST);
    __atomic_store_n(&ring_notify, true, __ATOMIC_SEQ_CST);
    raise_softirq(CONSOLE_SOFTIRQ);         /* dom0's VIRQ_CON_RING; a lagging UART */
}

void console_flush(void)
{
    while ( tx_used() )
        tx_wait_for_room();
}

size_t console_ring_size(void)
{
    return conring_prod < CONRING_SIZE ? conring_prod : CONRING_SIZE;
}

size_t console_ring_read(char *buf, size_t from, size_t len)
{
    size_t avail, oldest, n = 0;
    unsigned long flags;

    spin_lock_irqsave(&console_lock, flags);
    avail = console_ring_size();
    oldest = conring_prod - avail;
    if ( from < avail )
    {
        n = min(len, avail - from);
        for ( size_t i = 0; i < n; i++ )
            buf[i] = conring[(oldest + from + i) % CONRING_SIZE];
    }
    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

int console_getc(void)
{
    return use_serial ? ns16550_getc() : -1;
}

/* Panic: take the lock whoever held it, send what is queued, then write through. */
void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
    console_flush();
    console_async = false;
}

/* Absolute ring positions: bytes ever written, and the oldest still kept. */
void console_ring_window(size_t *oldest, size_t *prod)
{
    unsigned long flags;

    spin_lock_irqsave(&console_lock, flags);
    *prod = conring_prod;
    *oldest = conring_prod - console_ring_size();
    spin_unlock_irqrestore(&console_lock, flags);
}
