/*
 * Serial input through the emulated 16550A, as Linux's 8250 driver takes
 * it: FIFOs on, OUT2, IER = RX data | line status, IO-APIC pin 4 (edge) to
 * the vLAPIC; the handler reads IIR until "no interrupt", and RBR while
 * LSR.DR.  Once the guest says "ready for keys" the runner types
 * (TESTS keys=...) "ab", CTRL-a x3, ..., "cd" on Keel's serial line: the
 * focus cycle of common/console_input.c must give this domain (domain 1,
 * the first target without a dom0) exactly "abcd", the other keys going to
 * the next targets (the peer's console ring, Keel's debug keys: the TESTS
 * regexes want their lines).  No overrun, at least one interrupt, and
 * nothing else arrives.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Serial input through the 16550A's receiver and IRQ 4";

#define COM1    0x3f8
#define VEC     0x51
#define PIN     4
#define WANT    "abcd"

static volatile unsigned int irqs, overruns, got;
static volatile char buf[64];

static void uart_irq(struct cpu_regs *regs)
{
    (void)regs;
    irqs++;
    while ( !(inb(COM1 + 2) & 1) )
    {
        uint8_t lsr = inb(COM1 + 5);

        if ( lsr & 0x02 )
            overruns++;
        while ( inb(COM1 + 5) & 1 )
        {
            char c = inb(COM1);

            if ( got < sizeof(buf) - 1 )
                buf[got++] = c;
        }
    }
    apic_eoi();
}

void test_main(void)
{
    uint64_t end;

    irq_handlers[VEC] = uart_irq;
    apic_enable();
    ioapic_write(0x11 + 2 * PIN, 0);
    ioapic_write(0x10 + 2 * PIN, VEC);
    outb(0x03, COM1 + 3);               /* 8n1 */
    outb(0x07, COM1 + 2);               /* FIFOs on and cleared */
    outb(0x0b, COM1 + 4);               /* DTR RTS OUT2 */
    outb(0x05, COM1 + 1);               /* RX data, line status */
    (void)inb(COM1 + 5);
    (void)inb(COM1 + 2);
    printk("ready for keys\n");

    sti();
    if ( !wait_until(got >= strlen(WANT), 60000) )
    {
        cli();
        buf[got] = 0;
        return xtf_failure("Fail: %u of %u characters arrived ('%s')\n", got,
                           (unsigned int)strlen(WANT), buf);
    }
    end = tsc_after_ms(300);            /* anything more would come now */
    while ( rdtsc() < end )
        cpu_relax();
    cli();
    buf[got] = 0;
    printk("uart input: %s (%u interrupts)\n", buf, irqs);
    if ( got != strlen(WANT) || memcmp((const char *)buf, WANT, got) )
        xtf_failure("Fail: received '%s', expected '%s'\n", buf, WANT);
    check_eq("overruns", overruns, 0);
    if ( !irqs )
        xtf_failure("Fail: no RX interrupt\n");
    outb(0, COM1 + 1);
    outb(0, COM1 + 4);
}
