/*
 * Minimal ACPI tables for an HVM/PVH guest, built from the domain's
 * configuration (never the host's tables): RSDP 2.0, XSDT, FADT with
 * HW_REDUCED_ACPI, an empty DSDT, and a MADT with one enabled local APIC
 * per vCPU (APIC id = vCPU id, as Keel's vLAPIC reports it).
 */
#ifndef KEEL_ACPI_TABLES_H
#define KEEL_ACPI_TABLES_H

#include <keel/types.h>

/* The most vCPUs whose tables fit the one page the builders reserve. */
#define ACPI_TABLES_MAX_VCPUS 128

/*
 * Write the tables into buf (len bytes, to sit at guest-physical base):
 * the RSDP first, at offset 0.  Returns the bytes used, or 0 if they do
 * not fit or nr_vcpus is 0 or above ACPI_TABLES_MAX_VCPUS.
 */
size_t acpi_build_tables(uint8_t *buf, size_t len, uint64_t base, unsigned int nr_vcpus);

#endif /* KEEL_ACPI_TABLES_H */
