/*
 * IO-APICs and the legacy 8259 PICs.  Keel owns no device interrupt of its
 * own: every IO-APIC pin starts masked, and a pin is programmed (Keel's
 * vector, the boot CPU as destination, trigger and polarity from the MADT
 * or dom0's PHYSDEVOP_setup_gsi) and unmasked only while dom0 has its GSI
 * bound to an event channel (arch/x86/irq.c).  The 8259s are remapped away
 * from the exception vectors and fully masked.
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/mm.h>
#include <public/errno.h>

#define IOAPIC_REGSEL   0x00
#define IOAPIC_WINDOW   0x10
#define IOAPIC_REG_VER  0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))
#define IOAPIC_MASKED   (1u << 16)
#define IOAPIC_LEVEL    (1u << 15)
#define IOAPIC_LOW      (1u << 13)

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

/* MPS INTI flags of a MADT interrupt source override. */
#define INTI_POLARITY(f)  ((f) & 3)         /* 1 high, 3 low, 0 bus default */
#define INTI_TRIGGER(f)   (((f) >> 2) & 3)  /* 1 edge, 3 level, 0 bus default */

static struct {
    volatile uint8_t *base;
    unsigned int pins;
} ioapics[ACPI_MAX_IOAPICS];

static unsigned int nr_gsis = 16;
/* One lock for every IO-APIC: REGSEL then WINDOW must not interleave. */
static DEFINE_SPINLOCK(ioapic_lock);

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

static unsigned int ioapic_mask_all(volatile uint8_t *base)
{
    unsigned int pins = ((ioapic_read(base, IOAPIC_REG_VER) >> 16) & 0xff) + 1;

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
        volatile uint8_t *base = ioremap(io->addr, 0x20);

        if ( !base )
            continue;
        ioapics[i].base = base;
        ioapics[i].pins = ioapic_mask_all(base);
        /* Xen's nr_irqs_gsi: one past the highest GSI, at least 16. */
        nr_gsis = max(nr_gsis, io->gsi_base + ioapics[i].pins);
        printk("IO-APIC %u at %#x: GSIs %u-%u, all %u pins masked\n", io->id,
               io->addr, io->gsi_base, io->gsi_base + ioapics[i].pins - 1,
               ioapics[i].pins);
    }
    irq_init();
}

unsigned int io_apic_nr_gsis(void)
{
    return nr_gsis;
}

/* The IO-APIC and pin of a GSI, or -1. */
static int gsi_pin(unsigned int gsi, unsigned int *pin)
{
    for ( unsigned int i = 0; i < acpi_platform.nr_ioapics; i++ )
    {
        unsigned int base = acpi_platform.ioapics[i].gsi_base;

        if ( ioapics[i].base && gsi >= base && gsi - base < ioapics[i].pins )
        {
            *pin = gsi - base;
            return i;
        }
    }
    return -1;
}

bool io_apic_has_gsi(unsigned int gsi)
{
    unsigned int pin;

    return gsi_pin(gsi, &pin) >= 0;
}

/*
 * ISA IRQs are edge-triggered and active high, PCI GSIs (16 and up) level
 * and active low, unless an interrupt source override says otherwise.
 */
void io_apic_default_mode(unsigned int gsi, bool *level, bool *active_low)
{
    *level = gsi >= 16;
    *active_low = gsi >= 16;
    for ( unsigned int i = 0; i < acpi_platform.nr_overrides; i++ )
    {
        const struct acpi_irq_override *o = &acpi_platform.overrides[i];

        if ( o->gsi != gsi )
            continue;
        if ( INTI_TRIGGER(o->flags) )
            *level = INTI_TRIGGER(o->flags) == 3;
        else
            *level = false;             /* the ISA bus default */
        if ( INTI_POLARITY(o->flags) )
            *active_low = INTI_POLARITY(o->flags) == 3;
        else
            *active_low = false;
    }
}

int io_apic_route(unsigned int gsi, uint8_t vector, bool level, bool active_low,
                  uint32_t dest_apic_id, bool masked)
{
    unsigned int pin;
    int i = gsi_pin(gsi, &pin);
    unsigned long flags;
    uint32_t lo = vector | (level ? IOAPIC_LEVEL : 0) | (active_low ? IOAPIC_LOW : 0) |
                  (masked ? IOAPIC_MASKED : 0);

    if ( i < 0 )
        return -EINVAL;
    spin_lock_irqsave(&ioapic_lock, flags);
    /* Masked first, so that no half-written entry is ever live. */
    ioapic_write(ioapics[i].base, IOAPIC_REDIR(pin), IOAPIC_MASKED);
    ioapic_write(ioapics[i].base, IOAPIC_REDIR(pin) + 1, dest_apic_id << 24);
    ioapic_write(ioapics[i].base, IOAPIC_REDIR(pin), lo);
    spin_unlock_irqrestore(&ioapic_lock, flags);
    return 0;
}

void io_apic_mask(unsigned int gsi, bool masked)
{
    unsigned int pin;
    int i = gsi_pin(gsi, &pin);
    unsigned long flags;
    uint32_t lo;

    if ( i < 0 )
        return;
    spin_lock_irqsave(&ioapic_lock, flags);
    lo = ioapic_read(ioapics[i].base, IOAPIC_REDIR(pin));
    lo = masked ? lo | IOAPIC_MASKED : lo & ~IOAPIC_MASKED;
    ioapic_write(ioapics[i].base, IOAPIC_REDIR(pin), lo);
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

/* PHYSDEVOP_apic_read: any register of the IO-APIC at physbase, as Xen. */
int io_apic_guest_read(uint64_t physbase, uint32_t reg, uint32_t *val)
{
    unsigned long flags;

    for ( unsigned int i = 0; i < acpi_platform.nr_ioapics; i++ )
    {
        if ( !ioapics[i].base || acpi_platform.ioapics[i].addr != physbase )
            continue;
        spin_lock_irqsave(&ioapic_lock, flags);
        *val = ioapic_read(ioapics[i].base, reg);
        spin_unlock_irqrestore(&ioapic_lock, flags);
        return 0;
    }
    return -EINVAL;
}

bool io_apic_at(uint64_t physbase)
{
    for ( unsigned int i = 0; i < acpi_platform.nr_ioapics; i++ )
        if ( ioapics[i].base && acpi_platform.ioapics[i].addr == physbase )
            return true;
    return false;
}
