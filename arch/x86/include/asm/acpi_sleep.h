/* ACPI sleep states entered for dom0 (XENPF_enter_acpi_sleep): acpi_sleep.c. */
#ifndef ASM_ACPI_SLEEP_H
#define ASM_ACPI_SLEEP_H

struct xenpf_enter_acpi_sleep;

/* Xen 4.17's checks; S5 powers the machine off and does not return. */
long acpi_enter_sleep(const struct xenpf_enter_acpi_sleep *sleep);

#endif /* ASM_ACPI_SLEEP_H */
