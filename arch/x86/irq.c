/*
 * Physical interrupts routed to guests (asm/irq.h).  An interrupt arrives
 * at a Keel vector on the boot CPU; Keel acknowledges it the way Xen does
 * for each kind and raises the event channel of the pirq it is mapped to:
 * - edge-triggered IO-APIC pins and MSIs: LAPIC EOI at once, nothing asked
 *   of the guest (Xen's ACKTYPE_NONE);
 * - level-triggered pins: mask the pin, LAPIC EOI, and unmask only at the
 *   guest's PHYSDEVOP_eoi (ACKTYPE_UNMASK), so a line the guest has not
 *   served yet cannot storm.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/xmalloc.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/irq.h>
#include <asm/msi.h>
#include <asm/traps.h>
#include <public/errno.h>

DEFINE_SPINLOCK(irq_lock);
unsigned int nr_irqs_gsi, nr_irqs;

static struct irq_desc *irq_descs;
static int16_t vector_irq[256];        /* -1: no irq behind the vector */
static uint8_t next_vector = FIRST_DYNAMIC_VECTOR;
static uint32_t dest_apic_id;

struct irq_desc *irq_to_desc(int irq)
{
    if ( irq < 0 || (unsigned int)irq >= nr_irqs )
        return NULL;
    return &irq_descs[irq];
}

uint32_t irq_dest_apic_id(void)
{
    return dest_apic_id;
}

static void device_interrupt(struct cpu_user_regs *regs);

static int desc_irq(const struct irq_desc *desc)
{
    return desc - irq_descs;
}

int irq_alloc_msi(void)
{
    for ( unsigned int irq = nr_irqs_gsi; irq < nr_irqs; irq++ )
        if ( irq_descs[irq].kind == IRQ_NONE )
        {
            irq_descs[irq].kind = IRQ_MSI;
            return irq;
        }
    return -ENOSPC;
}

void irq_free_msi(int irq)
{
    struct irq_desc *desc = irq_to_desc(irq);
    uint8_t vector;

    if ( !desc || (unsigned int)irq < nr_irqs_gsi )
        return;
    vector = desc->vector;
    memset(desc, 0, sizeof(*desc));
    desc->vector = vector;             /* vectors are never given back */
}

/* Vectors are handed out once, in order: there are more than Keel's irqs use. */
int irq_assign_vector(struct irq_desc *desc)
{
    if ( desc->vector )
        return 0;
    if ( next_vector > LAST_DYNAMIC_VECTOR )
        return -ENOSPC;
    desc->vector = next_vector++;
    vector_irq[desc->vector] = desc_irq(desc);
    set_vector_handler(desc->vector, device_interrupt);
    return 0;
}

static void device_interrupt(struct cpu_user_regs *regs)
{
    int irq = vector_irq[regs->entry_vector & 0xff];
    struct irq_desc *desc = irq_to_desc(irq);
    unsigned long flags;

    if ( !desc )
    {
        apic_eoi();
        return;
    }
    spin_lock_irqsave(&irq_lock, flags);
    if ( desc->kind == IRQ_IOAPIC && desc->level )
    {
        /* Masked before the EOI: the line stays quiet until the guest's EOI. */
        io_apic_mask(irq, true);
        desc->in_flight = desc->bound;
    }
    apic_eoi();
    if ( desc->bound && desc->owner )
        send_guest_pirq(desc->owner, desc->pirq);
    else if ( desc->kind == IRQ_IOAPIC )
        io_apic_mask(irq, true);        /* nobody listens: keep it quiet */
    spin_unlock_irqrestore(&irq_lock, flags);
}

int irq_startup(struct irq_desc *desc)
{
    int irq = desc_irq(desc), rc;

    if ( (rc = irq_assign_vector(desc)) != 0 )
        return rc;
    desc->in_flight = false;
    switch ( desc->kind )
    {
    case IRQ_IOAPIC:
        return io_apic_route(irq, desc->vector, desc->level, desc->active_low,
                             dest_apic_id, false);
    case IRQ_MSI:
    case IRQ_MSIX:
        msi_set_mask(desc, false);
        return 0;
    }
    return -EINVAL;
}

void irq_shutdown(struct irq_desc *desc)
{
    switch ( desc->kind )
    {
    case IRQ_IOAPIC:
        io_apic_mask(desc_irq(desc), true);
        break;
    case IRQ_MSI:
    case IRQ_MSIX:
        msi_set_mask(desc, true);
        break;
    }
    desc->in_flight = false;
}

bool irq_needs_guest_eoi(const struct irq_desc *desc)
{
    return desc->kind == IRQ_IOAPIC && desc->level;
}

void irq_guest_eoi(struct irq_desc *desc)
{
    if ( !desc->in_flight )
        return;
    desc->in_flight = false;
    if ( desc->bound )
        io_apic_mask(desc_irq(desc), false);
}

void irq_init(void)
{
    nr_irqs_gsi = io_apic_nr_gsis();
    nr_irqs = nr_irqs_gsi + NR_MSI_IRQS;
    irq_descs = xzalloc_array(struct irq_desc, nr_irqs);
    if ( !irq_descs )
    {
        printk(KLOG_ERR "IRQ: no memory for %u descriptors\n", nr_irqs);
        nr_irqs = nr_irqs_gsi = 0;
        return;
    }
    for ( unsigned int v = 0; v < 256; v++ )
        vector_irq[v] = -1;
    for ( unsigned int gsi = 0; gsi < nr_irqs_gsi; gsi++ )
    {
        struct irq_desc *desc = &irq_descs[gsi];

        if ( !io_apic_has_gsi(gsi) )
            continue;
        desc->kind = IRQ_IOAPIC;
        io_apic_default_mode(gsi, &desc->level, &desc->active_low);
    }
    dest_apic_id = apic_current_id();
    printk("IRQ limits: %u GSI, %u MSI/MSI-X\n", nr_irqs_gsi, NR_MSI_IRQS);
}
