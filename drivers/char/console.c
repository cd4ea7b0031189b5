/*
 * Console: every byte printed is kept in a ring (readable later by the
 * toolstack's `kl dmesg`) and sent to the enabled outputs, COM1 and VGA.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/serial.h>
#include <keel/spinlock.h>

static char conring[CONRING_SIZE];
static size_t conring_prod;             /* total bytes ever written */
static DEFINE_SPINLOCK(console_lock);
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

static void outputs_put(const char *s, size_t len)
{
    for ( size_t i = 0; i < len; i++ )
    {
        if ( use_serial )
        {
            if ( s[i] == '\n' )
                ns16550_putc('\r');
            ns16550_putc(s[i]);
        }
        if ( use_vga )
            vga_putc(s[i]);
    }
}

void console_write(const char *s, size_t len)
{
    unsigned long flags;

    spin_lock_irqsave(&console_lock, flags);
    conring_put(s, len);
    outputs_put(s, len);
    spin_unlock_irqrestore(&console_lock, flags);
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

void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
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
