/*
 * Keel's emulated 16550A at 0x3f8 (arch/x86/hvm/vuart.c), as Linux's 8250
 * driver probes and drives it (PC16550D datasheet; Xen gives PVH domUs no
 * UART at all, so this checks Keel's own platform):
 *  - scratch register, LCR, DLAB and the divisor latch, IER's 4 bits;
 *  - FIFO detection: IIR bits 7:6 are 11 after FCR = 1, 00 after FCR = 0;
 *  - loopback (MCR.LOOP): a byte written comes back in RBR, MSR mirrors
 *    MCR (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD) with its delta bits, the
 *    17th byte overruns the FIFO (LSR.OE, once), without FIFOs the 2nd;
 *  - IIR priorities: line status > RX data (timeout below the trigger
 *    level) > THRE > modem status, each cleared its own way;
 *  - the THRE interrupt reaches the vLAPIC through IO-APIC pin 4 (edge) when
 *    IER.THRI is set with MCR.OUT2, once per THR write; none without OUT2,
 *    none in loopback, none with the entry masked;
 *  - every value written to every port (and 16/32-bit accesses, one across
 *    0x3ff) leaves it sane: after a reset the registers read as expected.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "16550A UART: registers, FIFO, loopback, interrupts";

#define COM1    0x3f8
#define RBR     0
#define IER     1
#define IIR     2
#define FCR     2
#define LCR     3
#define MCR     4
#define LSR     5
#define MSR     6
#define SCR     7
#define VEC     0x50
#define PIN     4

static volatile unsigned int irqs;
static volatile uint8_t irq_iir;

static uint8_t in(unsigned int reg) { return inb(COM1 + reg); }
static void out(unsigned int reg, uint8_t v) { outb(v, COM1 + reg); }

static void uart_irq(struct cpu_regs *regs)
{
    (void)regs;
    irqs++;
    irq_iir = in(IIR);                  /* acknowledges THRE */
    apic_eoi();
}

static void spin_ms(unsigned int ms)
{
    uint64_t end = tsc_after_ms(ms);

    while ( rdtsc() < end )
        cpu_relax();
}

/* Interrupts taken while IF is on for ms. */
static unsigned int irqs_within(unsigned int ms)
{
    unsigned int before = irqs;

    sti();
    spin_ms(ms);
    cli();
    return irqs - before;
}

/* Known state: 8n1, no interrupts, FIFOs on (trigger 1) and empty, nothing pending. */
static void reset(void)
{
    out(LCR, 0x03);
    out(IER, 0);
    out(MCR, 0);
    out(FCR, 0x07);
    (void)in(LSR);
    (void)in(MSR);
    (void)in(IIR);
}

static void registers(void)
{
    out(SCR, 0x55);
    check_eq("SCR 0x55", in(SCR), 0x55);
    out(SCR, 0xaa);
    check_eq("SCR 0xaa", in(SCR), 0xaa);
    out(LCR, 0x1b);
    check_eq("LCR read back", in(LCR), 0x1b);

    out(IER, 0xff);
    check_eq("IER keeps 4 bits", in(IER), 0x0f);
    out(IER, 0);
    out(LCR, 0x83);                     /* DLAB */
    out(RBR, 0x01);
    out(IER, 0x02);
    check_eq("DLL", in(RBR), 0x01);
    check_eq("DLM", in(IER), 0x02);
    out(LCR, 0x03);
    check_eq("IER again after DLAB", in(IER), 0);
    check_eq("RBR with nothing received", in(RBR), 0);
    out(LCR, 0x83);
    check_eq("DLL kept", in(RBR), 0x01);
    out(LCR, 0x03);

    out(FCR, 0);
    check_eq("IIR without FIFOs", in(IIR), 0x01);
    out(FCR, 1);
    check_eq("IIR with FIFOs (16550A)", in(IIR), 0xc1);
    check_eq("LSR idle", in(LSR), 0x60);
    check_eq("MSR: CTS DSR DCD", in(MSR), 0xb0);
}

static void loopback(void)
{
    reset();
    out(MCR, 0x1a);                     /* Linux's test: LOOP | OUT2 | RTS */
    check_eq("MSR & 0xf0 for MCR 0x1a", in(MSR) & 0xf0, 0x90);
    out(MCR, 0x1f);
    check_eq("MSR & 0xf0 for MCR 0x1f", in(MSR) & 0xf0, 0xf0);
    (void)in(MSR);
    out(MCR, 0x1b);                     /* OUT1 off: RI's trailing edge */
    check_eq("MSR after OUT1 off", in(MSR), 0xb4);
    check_eq("MSR deltas cleared by the read", in(MSR), 0xb0);
    out(MCR, 0x10);
    check_eq("MSR after all off", in(MSR), 0x0b);

    out(RBR, 'A');
    check_eq("LSR with a byte", in(LSR), 0x61);
    check_eq("RBR looped back", in(RBR), 'A');
    check_eq("LSR after reading it", in(LSR), 0x60);

    for ( unsigned int i = 0; i < 17; i++ )
        out(RBR, 0x30 + i);
    check_eq("LSR after 17 bytes: OE", in(LSR), 0x63);
    check_eq("LSR: OE read once", in(LSR), 0x61);
    for ( unsigned int i = 0; i < 16; i++ )
        if ( in(RBR) != 0x30 + i )
            xtf_failure("Fail: FIFO byte %u is not %#x\n", i, 0x30 + i);
    check_eq("LSR after 16 bytes out", in(LSR), 0x60);

    out(FCR, 0);                        /* one RBR: the 2nd byte overruns it */
    out(RBR, 'x');
    out(RBR, 'y');
    check_eq("LSR without FIFOs after 2 bytes", in(LSR), 0x63);
    check_eq("RBR overwritten", in(RBR), 'y');
    check_eq("LSR then", in(LSR), 0x60);
    out(FCR, 1);
    out(MCR, 0);
    check_eq("MSR out of loopback", in(MSR), 0xbb);
}

static void priorities(void)
{
    reset();
    out(MCR, 0x10);
    check_eq("MSR entering loopback", in(MSR), 0x0b);
    out(IER, 0x0f);                     /* THRI 0 -> 1: THRE pending */
    check_eq("IIR: THRE", in(IIR), 0xc2);
    check_eq("IIR: THRE acknowledged", in(IIR), 0xc1);
    out(MCR, 0x11);                     /* DTR -> DSR: modem status */
    check_eq("IIR: modem status", in(IIR), 0xc0);
    out(RBR, 'a');                      /* RX data and THRE */
    check_eq("IIR: RX data over THRE", in(IIR), 0xc4);
    for ( unsigned int i = 0; i < 16; i++ )
        out(RBR, 'b');
    check_eq("IIR: line status over RX data", in(IIR), 0xc6);
    check_eq("LSR: OE", in(LSR), 0x63);
    check_eq("IIR: RX data after LSR", in(IIR), 0xc4);
    for ( unsigned int i = 0; i < 16; i++ )
        (void)in(RBR);
    check_eq("IIR: THRE after the FIFO drained", in(IIR), 0xc2);
    check_eq("IIR: modem status left", in(IIR), 0xc0);
    check_eq("MSR with DDSR", in(MSR), 0x22);
    check_eq("IIR: nothing", in(IIR), 0xc1);

    out(FCR, 0xc1);                     /* trigger level 14 */
    for ( unsigned int i = 0; i < 3; i++ )
        out(RBR, 'c');
    check_eq("IIR: character timeout below the trigger", in(IIR), 0xcc);
    for ( unsigned int i = 0; i < 11; i++ )
        out(RBR, 'd');
    check_eq("IIR: RX data at the trigger", in(IIR), 0xc4);
    reset();
}

static void thre_interrupts(void)
{
    static const char msg[] = "uart thre marker: ok\n";
    unsigned int n;

    reset();
    irq_handlers[VEC] = uart_irq;
    apic_enable();
    ioapic_write(0x11 + 2 * PIN, 0);    /* physical destination 0 */
    ioapic_write(0x10 + 2 * PIN, VEC);  /* fixed, edge, unmasked */

    out(IER, 0x02);
    n = irqs_within(20);
    check_eq("THRE interrupts without OUT2", n, 0);
    check_eq("IIR says THRE all the same", in(IIR), 0xc2);

    out(IER, 0);
    out(MCR, 0x08);
    out(IER, 0x02);
    n = irqs_within(20);
    check_eq("THRE interrupts with OUT2", n, 1);
    check_eq("IIR in the handler", irq_iir, 0xc2);
    check_eq("IIR after the handler", in(IIR), 0xc1);

    for ( const char *p = msg; *p; p++ )
    {
        out(RBR, *p);                   /* leaves at once: THRE again */
        if ( irqs_within(5) != 1 )
            xtf_failure("Fail: not one THRE interrupt for byte %u\n", (unsigned int)(p - msg));
    }

    out(MCR, 0x18);                     /* loopback holds the output inactive */
    out(IER, 0);
    out(IER, 0x02);
    check_eq("THRE interrupts in loopback", irqs_within(20), 0);
    check_eq("IIR in loopback", in(IIR), 0xc2);

    out(MCR, 0x08);
    ioapic_write(0x10 + 2 * PIN, VEC | APIC_LVT_MASKED);
    out(IER, 0);
    out(IER, 0x02);
    check_eq("THRE interrupts with the entry masked", irqs_within(20), 0);
    (void)in(IIR);
    ioapic_write(0x10 + 2 * PIN, VEC);
    check_eq("THRE interrupts after unmasking (edge gone)", irqs_within(20), 0);

    out(IER, 0);
    out(IER, 0x02);                     /* one more edge: the entry works again */
    check_eq("THRE interrupts unmasked again", irqs_within(20), 1);
    out(IER, 0);
    out(MCR, 0);
}

static void hostile(void)
{
    ioapic_write(0x10 + 2 * PIN, VEC | APIC_LVT_MASKED);
    /* 7 down to 0: MCR ends in loopback and LCR with DLAB before THR is hit. */
    for ( int reg = 7; reg >= 0; reg-- )
        for ( unsigned int v = 0; v < 256; v++ )
            out(reg, v);
    out(LCR, 0x03);
    out(MCR, 0x10);
    for ( unsigned int reg = 0; reg < 8; reg++ )
        for ( unsigned int v = 0; v < 256; v++ )
        {
            out(reg, v);
            (void)in(reg);
            if ( reg == LCR )
                out(LCR, 0x03);
            if ( reg == MCR )
                out(MCR, 0x10);
        }
    for ( unsigned int reg = 0; reg < 8; reg++ )
    {
        outw(0xffff, COM1 + reg);
        outl(0xffffffff, COM1 + reg);
        (void)inw(COM1 + reg);
        (void)inl(COM1 + reg);
        out(LCR, 0x03);
        out(MCR, 0x10);
    }
    out(SCR, 0x5a);
    check_eq("inl(0x3fe): MSR, SCR, then nothing", inl(COM1 + 6) >> 8, 0xffff5a);
    reset();
    out(MCR, 0x10);
    while ( in(LSR) & 1 )
        (void)in(RBR);
    out(MCR, 0);
    reset();
    check_eq("IIR after the storm", in(IIR), 0xc1);
    check_eq("LSR after the storm", in(LSR), 0x60);
    check_eq("IER after the storm", in(IER), 0);
    check_eq("MSR after the storm", in(MSR) & 0xf0, 0xb0);
    out(SCR, 0xa5);
    check_eq("SCR after the storm", in(SCR), 0xa5);
}

void test_main(void)
{
    registers();
    loopback();
    priorities();
    thre_interrupts();
    hostile();
    printk("%u UART interrupts\n", irqs);
}
