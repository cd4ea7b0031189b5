/*
 * Minimal ACPI tables for an HVM/PVH guest, built from the domain's
 * configuration (never the host's tables): RSDP 2.0, XSDT, FADT with
 * HW_REDUCED_ACPI and the ACPI 5 sleep registers, a DSDT holding only
 * \_S5, and a MADT with one enabled local APIC per vCPU (APIC id = vCPU
 * id, as Keel's vLAPIC reports it).  A plain HVM guest gets the PC
 * flavour instead (acpi_build_tables_pc).
 */
#ifndef KEEL_ACPI_TABLES_H
#define KEEL_ACPI_TABLES_H

#include <keel/types.h>

/*
 * The FADT's SLEEP_CONTROL_REG and SLEEP_STATUS_REG: one-byte I/O ports
 * that arch/x86/hvm/io.c emulates.  Writing SLP_EN with the \_S5 type
 * (ACPI_S5_TYPE) to the control register powers the domain off.
 */
#define ACPI_SLEEP_CONTROL_PORT 0xb000
#define ACPI_SLEEP_STATUS_PORT  0xb001
#define ACPI_SLEEP_TYP_SHIFT    2
#define ACPI_SLEEP_TYP_MASK     (7u << ACPI_SLEEP_TYP_SHIFT)
#define ACPI_SLEEP_EN           (1u << 5)
#define ACPI_S5_TYPE            5

/*
 * The PC flavour's fixed-hardware blocks (acpi_build_tables_pc), emulated
 * by arch/x86/hvm/pmtimer.c: PM1a event (4 bytes: status +0, enable +2),
 * PM1a control (2 bytes: SCI_EN reads 1; SLP_TYP 10-12 with SLP_EN 13
 * sleeps: only S5), and the 24-bit PM timer at 3.579545 MHz (4 bytes).
 * SCI is ISA IRQ 9 (nothing raises it yet).
 */
#define ACPI_PM1A_EVT_PORT      0xb004
#define ACPI_PM1A_EVT_LEN       4
#define ACPI_PM1A_CNT_PORT      0xb008
#define ACPI_PM1A_CNT_LEN       2
#define ACPI_PM_TMR_PORT        0xb00c
#define ACPI_PM_TMR_LEN         4
#define ACPI_PM1_CNT_SCI_EN     (1u << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK  (7u << ACPI_PM1_CNT_SLP_TYP_SHIFT)
#define ACPI_PM1_CNT_SLP_EN     (1u << 13)
#define ACPI_SCI_IRQ            9
#define ACPI_HPET_BASE          0xfed00000UL

/* The most vCPUs whose tables fit the one page the builders reserve. */
#define ACPI_TABLES_MAX_VCPUS 128

/*
 * Write the tables into buf (len bytes, to sit at guest-physical base):
 * the RSDP first, at offset 0.  Returns the bytes used, or 0 if they do
 * not fit or nr_vcpus is 0 or above ACPI_TABLES_MAX_VCPUS.
 */
size_t acpi_build_tables(uint8_t *buf, size_t len, uint64_t base, unsigned int nr_vcpus);

/*
 * The same for a plain HVM guest, which sees a PC (acpi_build_tables_pc):
 * a full FADT (PM1a event/control blocks, PM timer, SCI on IRQ 9, a FACS,
 * legacy devices, no 8042, no VGA), the MADT with the IO-APIC at
 * 0xfec00000 (GSI base 0), ISA IRQ 0 overridden to GSI 2 and IRQ 9 level
 * high, PCAT_COMPAT (an 8259 pair exists), and an HPET table for the
 * block at ACPI_HPET_BASE.  Same return convention.
 */
size_t acpi_build_tables_pc(uint8_t *buf, size_t len, uint64_t base, unsigned int nr_vcpus);

#endif /* KEEL_ACPI_TABLES_H */
