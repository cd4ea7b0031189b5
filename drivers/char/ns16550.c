/*
 * 16550 UART, polled.  Keel keeps one serial line (COM1 by default) for its
 * own console; the rest of the UARTs go to dom0 later.
 */
#include <keel/lib.h>
#include <keel/serial.h>
#include <asm/io.h>
#include <public/errno.h>

#define UART_CLOCK_HZ  1843200   /* standard PC crystal */
#define UART_RBR  0   /* receive buffer (read) */
#define UART_THR  0   /* transmit holding (write) */
#define UART_IER  1   /* interrupt enable */
#define UART_FCR  2   /* FIFO control (write) */
#define UART_IIR  2   /* interrupt identification (read): bits 7:6 = FIFOs on */
#define UART_LCR  3   /* line control */
#define UART_MCR  4   /* modem control */
#define UART_LSR  5   /* line status */
#define UART_SCR  7   /* scratch */
#define UART_DLL  0   /* divisor latch low, when LCR.DLAB */
#define UART_DLM  1   /* divisor latch high, when LCR.DLAB */
#define LCR_DLAB  0x80
#define LSR_DR    0x01   /* data ready */
#define LSR_THRE  0x20   /* transmit holding register empty */
#define MCR_DTR   0x01
#define MCR_RTS   0x02
#define FCR_ENABLE_CLEAR 0x07

#define IIR_FIFO_ON 0xc0
#define FIFO_DEPTH 16     /* 16550A transmit FIFO */

static uint16_t uart_base;
static unsigned int tx_fifo_depth = 1;

int serial_parse_config(const char *s, struct serial_config *cfg)
{
    const char *p = s;
    unsigned long baud, base;

    baud = simple_strtoul(p, &p, 10);
    if ( p == s || baud < 50 || baud > 115200 )
        return -EINVAL;
    cfg->baud = baud;
    if ( *p == '\0' )
        return 0;
    if ( *p++ != ',' )
        return -EINVAL;
    if ( p[0] < '5' || p[0] > '8' || !strchr("noe", p[1]) || p[1] == '\0' ||
         (p[2] != '1' && p[2] != '2') )
        return -EINVAL;
    cfg->data_bits = p[0] - '0';
    cfg->parity = p[1];
    cfg->stop_bits = p[2] - '0';
    p += 3;
    if ( *p == '\0' )
        return 0;
    if ( *p++ != ',' )
        return -EINVAL;
    base = simple_strtoul(p, &p, 0);
    if ( base == 0 || base > 0xfff8 || *p != '\0' )
        return -EINVAL;
    cfg->io_base = base;
    return 0;
}

static uint8_t line_control_bits(const struct serial_config *cfg)
{
    uint8_t lcr = cfg->data_bits - 5;

    if ( cfg->stop_bits == 2 )
        lcr |= 0x04;
    if ( cfg->parity == 'o' )
        lcr |= 0x08;
    else if ( cfg->parity == 'e' )
        lcr |= 0x18;
    return lcr;
}

void ns16550_init(const struct serial_config *cfg)
{
    uint16_t base = cfg->io_base;
    unsigned int divisor = UART_CLOCK_HZ / 16 / cfg->baud;
    uint8_t lcr = line_control_bits(cfg);

    outb(0, base + UART_IER);                 /* polled: no interrupts */
    outb(lcr | LCR_DLAB, base + UART_LCR);
    outb(divisor & 0xff, base + UART_DLL);
    outb(divisor >> 8, base + UART_DLM);
    outb(lcr, base + UART_LCR);
    outb(FCR_ENABLE_CLEAR, base + UART_FCR);
    outb(MCR_DTR | MCR_RTS, base + UART_MCR);
    /* A 16450 (or a 16550 with broken FIFOs) takes one byte per THRE. */
    tx_fifo_depth = (inb(base + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON ? FIFO_DEPTH : 1;
    uart_base = base;
}

/* Bytes the transmitter takes now without waiting: a FIFO load once THR is empty. */
size_t ns16550_tx_room(void)
{
    if ( !uart_base )
        return SIZE_MAX;                      /* no UART: everything "sent" */
    return (inb(uart_base + UART_LSR) & LSR_THRE) ? tx_fifo_depth : 0;
}

void ns16550_tx_byte(char c)
{
    if ( uart_base )
        outb(c, uart_base + UART_THR);
}

bool ns16550_present(void)
{
    return uart_base != 0;
}

void ns16550_putc(char c)
{
    unsigned int spins = 0;

    if ( !uart_base )
        return;
    /* Bounded wait: a dead UART must not hang the console forever. */
    while ( !(inb(uart_base + UART_LSR) & LSR_THRE) && ++spins < 100000 )
        __builtin_ia32_pause();
    outb(c, uart_base + UART_THR);
}

int ns16550_getc(void)
{
    if ( !uart_base || !(inb(uart_base + UART_LSR) & LSR_DR) )
        return -1;
    return inb(uart_base + UART_RBR);
}
