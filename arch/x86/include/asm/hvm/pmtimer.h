/*
 * The ACPI PM1a event and control blocks and the PM timer of an HVM
 * domain, at the I/O ports the FADT names (ACPI_PM1A_*_PORT and
 * ACPI_PM_TMR_PORT in keel/acpi_tables.h).  The timer counts at
 * 3.579545 MHz from Keel's system time (24 bits); no SCI is raised.
 */
#ifndef ASM_HVM_PMTIMER_H
#define ASM_HVM_PMTIMER_H

#include <keel/types.h>
#include <keel/spinlock.h>

#define PMTMR_HZ 3579545

struct hvm_pmtimer {
    spinlock_t lock;
    uint16_t pm1_sts;               /* write-1-to-clear; nothing sets a bit yet */
    uint16_t pm1_en;
    uint16_t pm1_cnt;               /* BM_RLD and SLP_TYP as written */
};

struct domain;

void pmtimer_init(struct domain *d);
/* Any access overlapping the PM1a event/control blocks or the PM timer. */
bool pmtimer_claims(uint16_t port, unsigned int bytes);
void pmtimer_io(struct domain *d, uint16_t port, unsigned int bytes, bool in, uint32_t *val);

#endif /* ASM_HVM_PMTIMER_H */
