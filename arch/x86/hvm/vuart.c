/*
 * The emulated 16550A of an HVM domain (COM1: ports 0x3f8-0x3ff, ISA IRQ 4),
 * from the National Semiconductor PC16550D datasheet:
 *
 *  0  RBR (read) / THR (write); DLL while LCR.DLAB
 *  1  IER (4 bits); DLM while LCR.DLAB
 *  2  IIR (read) / FCR (write)
 *  3  LCR   4  MCR   5  LSR   6  MSR   7  SCR
 *
 * Transmission is instant: a byte written to THR leaves at once (to Keel's
 * console, or to the receiver in loopback), so THRE and TEMT always read 1
 * and the THRE interrupt is pending again right after each write; it is
 * cleared by an IIR read that reports it or by the next THR write, and set
 * when IER.ETBEI goes from 0 to 1 (the transmitter is always empty), as a
 * 16550 does.  Received bytes come from Keel's serial input (another CPU:
 * hence the lock) into a buffer of VUART_BACKLOG bytes in front of the
 * FIFO; the guest sees at most 16 of them as the FIFO level (1 without
 * FIFOs).  Loopback (MCR.LOOP) bytes go into the FIFO itself and overrun it
 * as on the chip.  The interrupt output reaches ISA IRQ 4 only while MCR.OUT2
 * is set (the PC's gate) and loopback is off (the chip then holds its
 * outputs inactive); the vIOAPIC sees a rising edge each time the line
 * goes up.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/guest_console.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vuart.h>

#define REG_DATA   0
#define REG_IER    1
#define REG_IIR    2                   /* FCR when written */
#define REG_LCR    3
#define REG_MCR    4
#define REG_LSR    5
#define REG_MSR    6
#define REG_SCR    7

#define IER_RDI    0x01
#define IER_THRI   0x02
#define IER_RLSI   0x04
#define IER_MSI    0x08
#define IER_MASK   0x0f

#define IIR_NO_INT   0x01
#define IIR_MSR      0x00
#define IIR_THRE     0x02
#define IIR_RDA      0x04
#define IIR_RLS      0x06
#define IIR_TIMEOUT  0x0c
#define IIR_FIFOS    0xc0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define FCR_KEPT     0xc9              /* enable, DMA mode, trigger level */

#define LCR_DLAB     0x80

#define MCR_DTR      0x01
#define MCR_RTS      0x02
#define MCR_OUT1     0x04
#define MCR_OUT2     0x08
#define MCR_LOOP     0x10
#define MCR_MASK     0x1f

#define LSR_DR       0x01
#define LSR_OE       0x02
#define LSR_THRE     0x20
#define LSR_TEMT     0x40

#define MSR_DCTS     0x01
#define MSR_DDSR     0x02
#define MSR_TERI     0x04
#define MSR_DDCD     0x08
#define MSR_CTS      0x10
#define MSR_DSR      0x20
#define MSR_RI       0x40
#define MSR_DCD      0x80
/* Outside loopback the "modem" is always there and ready. */
#define MSR_IDLE     (MSR_CTS | MSR_DSR | MSR_DCD)

static struct hvm_vuart *vu(struct domain *d)
{
    return &d->arch.hvm.vuart;
}

void vuart_init(struct domain *d)
{
    struct hvm_vuart *u = vu(d);

    memset(u, 0, sizeof(*u));
    spin_lock_init(&u->lock);
    u->dll = 0x0c;                     /* 9600 baud, as a PC BIOS leaves it */
    u->lcr = 0x03;                     /* 8n1 */
}

/* Collect output into lines so that each domain's text stays readable. */
static void line_putc(struct domain *d, char *line, unsigned int *len, size_t size, char c)
{
    if ( c != '\n' && *len < size - 1 )
    {
        if ( c != '\r' )
            line[(*len)++] = c;
        return;
    }
    guest_console_line(d, line, *len);    /* budgeted */
    *len = 0;
    if ( c != '\n' )
        line[(*len)++] = c;
}

void hvm_guest_putc(struct vcpu *v, char c)
{
    struct hvm_vcpu *h = &v->arch.hvm;

    line_putc(v->domain, h->line, &h->line_len, sizeof(h->line), c);
}

static unsigned int rx_count(const struct hvm_vuart *u)
{
    return u->rx_head - u->rx_tail;
}

static bool fifos_on(const struct hvm_vuart *u)
{
    return u->fcr & FCR_ENABLE;
}

/* What the guest sees of the buffer: the FIFO (or the one RBR). */
static unsigned int rx_level(const struct hvm_vuart *u)
{
    return min(rx_count(u), fifos_on(u) ? VUART_FIFO : 1u);
}

static unsigned int rx_trigger(const struct hvm_vuart *u)
{
    static const uint8_t level[4] = { 1, 4, 8, 14 };

    return fifos_on(u) ? level[u->fcr >> 6] : 1;
}

/* The highest-priority interrupt pending and enabled, as IIR bits 3:0. */
static uint8_t pending_iir(const struct hvm_vuart *u)
{
    if ( (u->ier & IER_RLSI) && u->lsr_err )
        return IIR_RLS;
    if ( (u->ier & IER_RDI) && rx_count(u) )
        /* Below the trigger level the data waits: the character timeout. */
        return rx_level(u) >= rx_trigger(u) ? IIR_RDA : IIR_TIMEOUT;
    if ( (u->ier & IER_THRI) && u->thre_pending )
        return IIR_THRE;
    if ( (u->ier & IER_MSI) && u->msr_delta )
        return IIR_MSR;
    return IIR_NO_INT;
}

/* Drive ISA IRQ 4 from the chip's state; called with the lock held. */
static void update_line(struct domain *d, struct hvm_vuart *u)
{
    bool up = pending_iir(u) != IIR_NO_INT && (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

    if ( up == u->irq_up )
        return;
    u->irq_up = up;
    if ( up )
        hvm_isa_irq_assert(d, VUART_ISA_IRQ);
    else
        hvm_isa_irq_deassert(d, VUART_ISA_IRQ);
}

static uint8_t modem_status(const struct hvm_vuart *u)
{
    if ( !(u->mcr & MCR_LOOP) )
        return MSR_IDLE;
    /* Loopback wires RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
    return (u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
           (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0);
}

static void mcr_write(struct hvm_vuart *u, uint8_t val)
{
    uint8_t old = modem_status(u), now;

    u->mcr = val & MCR_MASK;
    now = modem_status(u);
    if ( (old ^ now) & MSR_CTS )
        u->msr_delta |= MSR_DCTS;
    if ( (old ^ now) & MSR_DSR )
        u->msr_delta |= MSR_DDSR;
    if ( (old & MSR_RI) && !(now & MSR_RI) )
        u->msr_delta |= MSR_TERI;          /* trailing edge only */
    if ( (old ^ now) & MSR_DCD )
        u->msr_delta |= MSR_DDCD;
}

/* A byte into the receive buffer, at most limit deep: false on overrun. */
static bool rx_put(struct hvm_vuart *u, uint8_t c, unsigned int limit)
{
    if ( rx_count(u) >= limit )
    {
        u->lsr_err |= LSR_OE;
        u->rx_dropped++;
        if ( !fifos_on(u) && rx_count(u) == 1 )
            u->rx[(u->rx_head - 1) % VUART_BACKLOG] = c;  /* RBR overwritten */
        return false;
    }
    u->rx[u->rx_head++ % VUART_BACKLOG] = c;
    return true;
}

static uint8_t reg_read(struct hvm_vuart *u, unsigned int reg)
{
    uint8_t val;

    switch ( reg )
    {
    case REG_DATA:
        if ( u->lcr & LCR_DLAB )
            return u->dll;
        return rx_count(u) ? u->rx[u->rx_tail++ % VUART_BACKLOG] : 0;
    case REG_IER:
        return u->lcr & LCR_DLAB ? u->dlm : u->ier;
    case REG_IIR:
        val = pending_iir(u);
        if ( val == IIR_THRE )
            u->thre_pending = false;       /* reading IIR acknowledges THRE */
        return val | (fifos_on(u) ? IIR_FIFOS : 0);
    case REG_LCR:
        return u->lcr;
    case REG_MCR:
        return u->mcr;
    case REG_LSR:
        val = (rx_count(u) ? LSR_DR : 0) | u->lsr_err | LSR_THRE | LSR_TEMT;
        u->lsr_err = 0;
        return val;
    case REG_MSR:
        val = modem_status(u) | u->msr_delta;
        u->msr_delta = 0;
        return val;
    default:
        return u->scr;
    }
}

static void fcr_write(struct hvm_vuart *u, uint8_t val)
{
    /* Turning the FIFOs on or off resets them; the other bits need FCR0. */
    if ( ((val ^ u->fcr) & FCR_ENABLE) || ((val & FCR_ENABLE) && (val & FCR_CLEAR_RX)) )
        u->rx_tail = u->rx_head;
    u->fcr = val & FCR_ENABLE ? val & FCR_KEPT : 0;
}

/*
 * Called with the lock held.  THR bytes join the UART's own line (Linux
 * transmits from whichever vCPU takes the interrupt); printing under the
 * lock is fine: the console never calls back into the UART.
 */
static void reg_write(struct domain *d, struct hvm_vuart *u, unsigned int reg, uint8_t val)
{
    switch ( reg )
    {
    case REG_DATA:
        if ( u->lcr & LCR_DLAB )
            u->dll = val;
        else
        {
            u->thre_pending = true;        /* THR is empty again at once */
            if ( u->mcr & MCR_LOOP )
                rx_put(u, val, fifos_on(u) ? VUART_FIFO : 1);
            else
                line_putc(d, u->line, &u->line_len, sizeof(u->line), val);
        }
        break;
    case REG_IER:
        if ( u->lcr & LCR_DLAB )
            u->dlm = val;
        else
        {
            if ( !(u->ier & IER_THRI) != !(val & IER_THRI) )
                u->thre_pending = val & IER_THRI;  /* enabling it with THR empty */
            u->ier = val & IER_MASK;
        }
        break;
    case REG_IIR:
        fcr_write(u, val);
        break;
    case REG_LCR:
        u->lcr = val;
        break;
    case REG_MCR:
        mcr_write(u, val);
        break;
    case REG_SCR:
        u->scr = val;
        break;
    default:
        break;                             /* LSR, MSR: factory test, ignored */
    }
}

void vuart_io(struct vcpu *v, unsigned int reg, unsigned int bytes, bool in, uint32_t *val)
{
    struct domain *d = v->domain;
    struct hvm_vuart *u = vu(d);
    unsigned long flags;
    uint32_t result = 0;

    /* A wider access is the ISA bus's run of byte accesses; past 0x3ff nothing answers. */
    spin_lock_irqsave(&u->lock, flags);
    for ( unsigned int i = 0; i < bytes && i < 4; i++ )
    {
        if ( reg + i >= VUART_PORTS )
        {
            result |= 0xffu << (i * 8);
            continue;
        }
        if ( in )
            result |= (uint32_t)reg_read(u, reg + i) << (i * 8);
        else
            reg_write(d, u, reg + i, *val >> (i * 8));
    }
    update_line(d, u);
    spin_unlock_irqrestore(&u->lock, flags);
    if ( in )
        *val = result;
}

bool vuart_receive(struct domain *d, uint8_t c)
{
    struct hvm_vuart *u = vu(d);
    unsigned long flags;
    bool stored;

    spin_lock_irqsave(&u->lock, flags);
    stored = rx_put(u, c, VUART_BACKLOG);
    update_line(d, u);
    spin_unlock_irqrestore(&u->lock, flags);
    return stored;
}

bool vuart_rx_enabled(struct domain *d)
{
    return vu(d)->ier & IER_RDI;
}
