/* The ACPI tables Keel itself reads: RSDP -> RSDT/XSDT -> MADT, HPET. */
#ifndef KEEL_ACPI_H
#define KEEL_ACPI_H

#include <keel/types.h>
#include <keel/bootinfo.h>

#define ACPI_MAX_IOAPICS    8
#define ACPI_MAX_OVERRIDES  16

struct acpi_ioapic {
    uint8_t id;
    uint32_t addr;
    uint32_t gsi_base;
};

struct acpi_irq_override {
    uint8_t source_irq;
    uint32_t gsi;
    uint16_t flags;        /* MPS INTI flags: polarity, trigger mode */
};

struct acpi_platform {
    paddr_t rsdp_pa;
    uint32_t lapic_addr;
    unsigned int nr_cpus;                 /* enabled processors, boot CPU first */
    uint32_t apic_ids[64];
    unsigned int nr_disabled_cpus;
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;
    struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
    paddr_t hpet_addr;                    /* 0 when there is no HPET */
    bool pic_present;                     /* MADT PCAT_COMPAT: 8259s to mask */
};

extern struct acpi_platform acpi_platform;

/* Find the tables and fill acpi_platform; 0 or -ENODEV without usable ACPI. */
int acpi_boot_init(const struct boot_info *bi, uint32_t boot_apic_id);
/* drivers/acpi/madt.c: read a validated MADT / HPET table into acpi_platform. */
void acpi_parse_madt(const void *madt, uint32_t boot_apic_id);
void acpi_parse_hpet(const void *hpet);

/* A validated table by signature, or NULL. */
const void *acpi_find_table(const char sig[4]);

#endif /* KEEL_ACPI_H */
