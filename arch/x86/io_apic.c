/*
 * IO-APICs and the legacy 8259 PICs.  Keel owns no device interrupt of its
 * own, so every IO-APIC pin stays masked until a later owner (dom0 via
 * PIRQs) unmasks it, and the 8259s are remapped away from the exception
 * vectors and fully masked.
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/printk.h>
#include <asm/io.h>
#include <asm/mm.h>

#define IOAPIC_REGSEL   0x00
#define IOAPIC_WINDOW   0x10
#define IOAPIC_REG_VER  0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))
#define IOAPIC_MASKED   (1u << 16)

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

static uint32_t ioapic_read(volatile uint8_t *base, uint8_t reg)
{
    writel(reg, base + IOAPIC_REGSEL);
    return readl(base + IOAPIC_WINDOW);
}

static void ioapic_write(volatile uint8_t *base, uint8_t reg, uint32_t v)
{
    writel(reg, base + IOAPIC_REGSEL);
    writel(v, base + IOAPIC_WINDOW);
}

static void i8259_disable(void)
{
    /* ICW1..ICW4: edge, cascade, vectors 0x20/0x28, 8086 mode; then mask all. */
    outb(0x11, PIC1_CMD);
    outb(0x11, PIC2_CMD);
    outb(0x20, PIC1_DATA);
    outb(0x28, PIC2_DATA);
    outb(0x04, PIC1_DATA);
    outb(0x02, PIC2_DATA);
    outb(0x01, PIC1_DATA);
    outb(0x01, PIC2_DATA);
    outb(0xff, PIC1_DATA);
    outb(0xff, PIC2_DATA);
}

static unsigned int ioapic_mask_all(const struct acpi_ioapic *io)
{
    volatile uint8_t *base = ioremap(io->addr, 0x20);
    unsigned int pins;

    if ( !base )
        return 0;
    pins = ((ioapic_read(base, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
    for ( unsigned int pin = 0; pin < pins; pin++ )
    {
        ioapic_write(base, IOAPIC_REDIR(pin) + 1, 0);
        ioapic_write(base, IOAPIC_REDIR(pin), IOAPIC_MASKED);
    }
    return pins;
}

void io_apic_init(void)
{
    i8259_disable();
    for ( unsigned int i = 0; i < acpi_platform.nr_ioapics; i++ )
    {
        const struct acpi_ioapic *io = &acpi_platform.ioapics[i];
        unsigned int pins = ioapic_mask_all(io);

        printk("IO-APIC %u at %#x: GSIs %u-%u, all %u pins masked\n", io->id,
               io->addr, io->gsi_base, io->gsi_base + pins - 1, pins);
    }
}
