/*
 * MADT ("APIC") and HPET tables: which CPUs exist, where the IO-APICs and
 * the HPET are, and how ISA IRQs map onto GSIs.
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/printk.h>

#define MADT_LAPIC           0
#define MADT_IOAPIC          1
#define MADT_OVERRIDE        2
#define MADT_LAPIC_ADDR      5
#define MADT_X2APIC          9
#define MADT_FLAG_PCAT       1u       /* dual 8259s present */
#define LAPIC_ENABLED        1u
#define LAPIC_ONLINE_CAPABLE 2u

struct __packed madt {
    uint8_t header[36];
    uint32_t lapic_addr;
    uint32_t flags;
};

struct __packed hpet_table {
    uint8_t header[36];
    uint32_t block_id;
    uint8_t space_id, bit_width, bit_offset, access_size;
    uint64_t address;
};

static void add_cpu(uint32_t apic_id, uint32_t flags, uint32_t boot_apic_id)
{
    struct acpi_platform *p = &acpi_platform;

    if ( !(flags & LAPIC_ENABLED) )
    {
        p->nr_disabled_cpus++;
        return;
    }
    for ( unsigned int i = 0; i < p->nr_cpus; i++ )
        if ( p->apic_ids[i] == apic_id )
            return;                   /* listed twice (LAPIC and x2APIC) */
    if ( p->nr_cpus == ARRAY_SIZE(p->apic_ids) )
    {
        printk(KLOG_WARNING "ACPI: CPU with APIC ID %u ignored: more than %zu CPUs\n",
               apic_id, ARRAY_SIZE(p->apic_ids));
        return;
    }
    p->apic_ids[p->nr_cpus++] = apic_id;
    /* Keep the boot CPU as CPU 0. */
    if ( apic_id == boot_apic_id && p->nr_cpus > 1 )
    {
        p->apic_ids[p->nr_cpus - 1] = p->apic_ids[0];
        p->apic_ids[0] = apic_id;
    }
}

static void add_ioapic(const uint8_t *e)
{
    struct acpi_platform *p = &acpi_platform;
    struct acpi_ioapic *io;

    if ( p->nr_ioapics == ACPI_MAX_IOAPICS )
        return;
    io = &p->ioapics[p->nr_ioapics++];
    io->id = e[2];
    memcpy(&io->addr, e + 4, 4);
    memcpy(&io->gsi_base, e + 8, 4);
}

static void add_override(const uint8_t *e)
{
    struct acpi_platform *p = &acpi_platform;
    struct acpi_irq_override *o;

    if ( p->nr_overrides == ACPI_MAX_OVERRIDES )
        return;
    o = &p->overrides[p->nr_overrides++];
    o->source_irq = e[3];
    memcpy(&o->gsi, e + 4, 4);
    memcpy(&o->flags, e + 8, 2);
}

static void parse_entry(const uint8_t *e, uint32_t boot_apic_id)
{
    uint32_t id, flags;
    uint64_t addr;

    switch ( e[0] )
    {
    case MADT_LAPIC:
        if ( e[1] < 8 )
            break;
        memcpy(&flags, e + 4, 4);
        add_cpu(e[3], flags, boot_apic_id);
        break;
    case MADT_X2APIC:
        if ( e[1] < 16 )
            break;
        memcpy(&id, e + 4, 4);
        memcpy(&flags, e + 8, 4);
        add_cpu(id, flags, boot_apic_id);
        break;
    case MADT_IOAPIC:
        if ( e[1] >= 12 )
            add_ioapic(e);
        break;
    case MADT_OVERRIDE:
        if ( e[1] >= 10 )
            add_override(e);
        break;
    case MADT_LAPIC_ADDR:
        if ( e[1] < 12 )
            break;
        memcpy(&addr, e + 4, 8);
        if ( addr < (1ULL << 32) )
            acpi_platform.lapic_addr = addr;
        break;
    }
}

void acpi_parse_madt(const void *table, uint32_t boot_apic_id)
{
    const struct madt *m = table;
    uint32_t length;
    const uint8_t *p = (const uint8_t *)(m + 1);
    const uint8_t *end;

    memcpy(&length, m->header + 4, 4);
    if ( length < sizeof(*m) )
        return;
    end = (const uint8_t *)m + length;
    acpi_platform.lapic_addr = m->lapic_addr;
    acpi_platform.pic_present = m->flags & MADT_FLAG_PCAT;
    /* Entries are (type, length, ...): a zero or overlong length ends the walk. */
    while ( p + 2 <= end && p[1] >= 2 && p + p[1] <= end )
    {
        parse_entry(p, boot_apic_id);
        p += p[1];
    }
    printk("ACPI: MADT: %u CPUs enabled (%u disabled), %u IO-APIC(s), "
           "%u ISA overrides, LAPIC at %#x%s\n", acpi_platform.nr_cpus,
           acpi_platform.nr_disabled_cpus, acpi_platform.nr_ioapics,
           acpi_platform.nr_overrides, acpi_platform.lapic_addr,
           acpi_platform.pic_present ? ", 8259 PIC present" : "");
}

void acpi_parse_hpet(const void *table)
{
    const struct hpet_table *h = table;
    uint32_t length;

    memcpy(&length, h->header + 4, 4);
    if ( length < sizeof(*h) || h->space_id != 0 )   /* must be system memory */
        return;
    acpi_platform.hpet_addr = h->address;
    printk("ACPI: HPET at %#lx\n", (unsigned long)h->address);
}
