/*
 * The emulated IO-APIC of an HVM domain (82093AA-style, version 0x11, 24
 * pins, at 0xfec00000): redirection entries as the guest writes them, and
 * delivery of the ISA lines of the emulated devices to the vLAPICs they
 * name.  Fixed and lowest-priority delivery, physical (APIC id = vCPU id,
 * 0xff: all) and logical destinations, flat or cluster (vlapic.c); lowest
 * priority goes to the first vCPU that matches.  Other delivery modes
 * (SMI, NMI, INIT, ExtINT) are not offered: such an entry delivers nothing.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vlapic.h>

#define IOAPIC_VERSION   0x11
#define RTE_VECTOR       0xffUL
#define RTE_MODE_SHIFT   8
#define RTE_MODE_MASK    (7UL << RTE_MODE_SHIFT)
#define RTE_LOGICAL      (1UL << 11)
#define RTE_REMOTE_IRR   (1UL << 14)
#define RTE_LEVEL        (1UL << 15)
#define RTE_MASKED       (1UL << 16)
#define RTE_DEST_SHIFT   56
#define RTE_RO_BITS      ((1UL << 12) | RTE_REMOTE_IRR)    /* delivery status, remote IRR */

static struct hvm_vioapic *vio(struct domain *d)
{
    return &d->arch.hvm.vioapic;
}

void vioapic_init(struct domain *d)
{
    struct hvm_vioapic *io = vio(d);

    memset(io, 0, sizeof(*io));
    spin_lock_init(&io->lock);
    for ( unsigned int pin = 0; pin < VIOAPIC_PINS; pin++ )
        io->redir[pin] = RTE_MASKED;
}

static bool dest_matches(struct vcpu *v, uint64_t rte)
{
    return vlapic_match_dest(v, rte >> RTE_DEST_SHIFT, rte & RTE_LOGICAL);
}

/* Called with the lock held; true if some vLAPIC took the vector. */
static bool deliver(struct domain *d, uint64_t rte)
{
    unsigned int mode = (rte & RTE_MODE_MASK) >> RTE_MODE_SHIFT;
    bool hit = false;
    struct vcpu *v;

    if ( mode > 1 || d->state == DOMAIN_dying )
        return false;                     /* fixed and lowest priority only */
    for_each_vcpu(d, v)
    {
        if ( !dest_matches(v, rte) )
            continue;
        vlapic_set_irq(v, rte & RTE_VECTOR);
        hit = true;
        if ( mode == 1 )
            break;                        /* lowest priority: one of them */
    }
    if ( hit )
        vio(d)->nr_delivered++;
    return hit;
}

/* A level entry fires while its line is high and no EOI is outstanding. */
static void level_check(struct domain *d, unsigned int pin)
{
    uint64_t *rte = &vio(d)->redir[pin];

    if ( !(*rte & RTE_LEVEL) || (*rte & (RTE_MASKED | RTE_REMOTE_IRR)) ||
         !(vio(d)->level & (1u << pin)) )
        return;
    if ( deliver(d, *rte) )
        *rte |= RTE_REMOTE_IRR;
}

static unsigned int isa_pin(unsigned int isa_irq)
{
    return isa_irq == 0 ? 2 : isa_irq;
}

static void pin_assert(struct domain *d, unsigned int pin)
{
    struct hvm_vioapic *io = vio(d);
    unsigned long flags;
    bool rising;

    spin_lock_irqsave(&io->lock, flags);
    rising = !(io->level & (1u << pin));
    io->level |= 1u << pin;
    if ( io->redir[pin] & RTE_LEVEL )
        level_check(d, pin);
    else if ( rising && !(io->redir[pin] & RTE_MASKED) )
        deliver(d, io->redir[pin]);
    spin_unlock_irqrestore(&io->lock, flags);
}

static void pin_deassert(struct domain *d, unsigned int pin)
{
    struct hvm_vioapic *io = vio(d);
    unsigned long flags;

    spin_lock_irqsave(&io->lock, flags);
    io->level &= ~(1u << pin);
    spin_unlock_irqrestore(&io->lock, flags);
}

void hvm_isa_irq_assert(struct domain *d, unsigned int isa_irq)
{
    if ( isa_irq < HVM_ISA_IRQS )
        pin_assert(d, isa_pin(isa_irq));
}

void hvm_isa_irq_deassert(struct domain *d, unsigned int isa_irq)
{
    if ( isa_irq < HVM_ISA_IRQS )
        pin_deassert(d, isa_pin(isa_irq));
}

void hvm_gsi_assert(struct domain *d, unsigned int gsi)
{
    if ( gsi < VIOAPIC_PINS )
        pin_assert(d, gsi);
}

void hvm_gsi_deassert(struct domain *d, unsigned int gsi)
{
    if ( gsi < VIOAPIC_PINS )
        pin_deassert(d, gsi);
}

void hvm_isa_irq_pulse(struct domain *d, unsigned int isa_irq)
{
    hvm_isa_irq_assert(d, isa_irq);
    hvm_isa_irq_deassert(d, isa_irq);
}

void vioapic_eoi(struct vcpu *v, uint8_t vector)
{
    struct domain *d = v->domain;
    struct hvm_vioapic *io = vio(d);
    unsigned long flags;

    spin_lock_irqsave(&io->lock, flags);
    for ( unsigned int pin = 0; pin < VIOAPIC_PINS; pin++ )
    {
        uint64_t *rte = &io->redir[pin];

        if ( !(*rte & RTE_REMOTE_IRR) || (*rte & RTE_VECTOR) != vector )
            continue;
        *rte &= ~RTE_REMOTE_IRR;
        level_check(d, pin);
    }
    spin_unlock_irqrestore(&io->lock, flags);
}

static uint32_t ioregsel_read(struct hvm_vioapic *io)
{
    uint32_t sel = io->regsel;

    if ( sel == 0 )
        return 0;                                     /* ID 0 */
    if ( sel == 1 )
        return ((VIOAPIC_PINS - 1) << 16) | IOAPIC_VERSION;
    if ( sel >= 0x10 && sel < 0x10 + 2 * VIOAPIC_PINS )
    {
        uint64_t e = io->redir[(sel - 0x10) / 2];

        return sel & 1 ? e >> 32 : (uint32_t)e;
    }
    return 0;
}

/* Unmasking an entry, or making it level, may fire a line that is high. */
static void ioregsel_write(struct domain *d, uint32_t val)
{
    struct hvm_vioapic *io = vio(d);
    uint32_t sel = io->regsel;
    unsigned int pin;
    uint64_t *e;

    if ( sel < 0x10 || sel >= 0x10 + 2 * VIOAPIC_PINS )
        return;                           /* ID, version, arbitration: read-only here */
    pin = (sel - 0x10) / 2;
    e = &io->redir[pin];
    if ( sel & 1 )
        *e = (*e & 0xffffffffUL) | ((uint64_t)(val & 0xff000000u) << 32);
    else
        *e = (*e & (0xffffffff00000000UL | RTE_RO_BITS)) | (val & ~(uint32_t)RTE_RO_BITS);
    if ( !(*e & RTE_LEVEL) )
        *e &= ~RTE_REMOTE_IRR;
    level_check(d, pin);
}

void vioapic_mmio(struct domain *d, unsigned int off, uint32_t *val, bool write)
{
    struct hvm_vioapic *io = vio(d);
    unsigned long flags;

    spin_lock_irqsave(&io->lock, flags);
    if ( off == 0x00 )
    {
        if ( write )
            io->regsel = *val & 0xff;
        else
            *val = io->regsel;
    }
    else if ( off == 0x10 )
    {
        if ( write )
            ioregsel_write(d, *val);
        else
            *val = ioregsel_read(io);
    }
    else if ( !write )
        *val = 0;
    spin_unlock_irqrestore(&io->lock, flags);
}
