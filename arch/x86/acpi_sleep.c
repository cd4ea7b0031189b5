/*
 * ACPI sleep for dom0 (XENPF_enter_acpi_sleep).  dom0's ACPI code computes
 * the PM1 control values from the DSDT's \_Sx package and hands them to
 * the hypervisor instead of writing the registers, as Linux does on Xen.
 * Keel does S5 only: it stops the other CPUs and writes PM1a/PM1b control
 * (from the FADT), which powers the machine off.  S3 needs a wakeup path
 * (a real-mode resume of Keel) that Keel has not.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/acpi.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <keel/time.h>
#include <asm/acpi_sleep.h>
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/processor.h>
#include <public/errno.h>
#include <public/platform.h>

#define ACPI_STATE_S3        3
#define ACPI_STATE_S5        5
#define ACPI_SLEEP_ENABLE    0x2000      /* PM1 control SLP_EN */

/* FADT offsets (ACPI 6.x, 5.2.9). */
#define FADT_PM1A_CNT_BLK    64
#define FADT_PM1B_CNT_BLK    68
#define FADT_X_PM1A_CNT_BLK  172
#define FADT_X_PM1B_CNT_BLK  184
#define FADT_SLEEP_CONTROL   244
#define FADT_SLEEP_STATUS    256
#define GAS_SIZE             12
#define GAS_SPACE_MEMORY     0
#define GAS_SPACE_IO         1

struct pm1_reg {
    uint8_t space;
    uint64_t address;                    /* 0: absent */
};

static uint32_t fadt_length(const uint8_t *fadt)
{
    uint32_t len;

    memcpy(&len, fadt + 4, 4);
    return len;
}

/* A control register: the 64-bit GAS when the FADT has one, else the port. */
static struct pm1_reg fadt_reg(const uint8_t *fadt, unsigned int legacy, unsigned int gas)
{
    struct pm1_reg r = { GAS_SPACE_IO, 0 };
    uint32_t port = 0;

    if ( gas + GAS_SIZE <= fadt_length(fadt) )
    {
        r.space = fadt[gas];
        memcpy(&r.address, fadt + gas + 4, 8);
    }
    if ( !r.address && legacy + 4 <= fadt_length(fadt) )
    {
        memcpy(&port, fadt + legacy, 4);
        r = (struct pm1_reg){ GAS_SPACE_IO, port };
    }
    return r;
}

static bool fadt_has(const uint8_t *fadt, unsigned int gas)
{
    uint64_t a = 0;

    if ( gas + GAS_SIZE <= fadt_length(fadt) )
        memcpy(&a, fadt + gas + 4, 8);
    return a != 0;
}

static void pm1_write(const struct pm1_reg *r, uint16_t val)
{
    volatile uint16_t *p;

    if ( !r->address )
        return;
    if ( r->space == GAS_SPACE_IO && r->address <= 0xfffe )
        outw(val, r->address);
    else if ( r->space == GAS_SPACE_MEMORY && (p = ioremap(r->address, 2)) != NULL )
        *p = val;
}

static void __noreturn enter_s5(const uint8_t *fadt, uint16_t val_a, uint16_t val_b)
{
    struct pm1_reg a = fadt_reg(fadt, FADT_PM1A_CNT_BLK, FADT_X_PM1A_CNT_BLK);
    struct pm1_reg b = fadt_reg(fadt, FADT_PM1B_CNT_BLK, FADT_X_PM1B_CNT_BLK);

    printk("Preparing system for ACPI S5 state.\n");
    console_flush();
    smp_stop_other_cpus();
    __asm__ __volatile__("cli" ::: "memory");
    /* The sleep type first, then with SLP_EN: the order ACPI asks for. */
    pm1_write(&a, val_a & ~ACPI_SLEEP_ENABLE);
    pm1_write(&b, val_b & ~ACPI_SLEEP_ENABLE);
    pm1_write(&a, val_a);
    pm1_write(&b, val_b);
    udelay(100000);
    printk("ACPI S5 did not power the machine off: halting\n");
    for ( ;; )
        halt();
}

long acpi_enter_sleep(const struct xenpf_enter_acpi_sleep *sleep)
{
    const uint8_t *fadt = acpi_find_table("FACP");

    if ( sleep->sleep_state == ACPI_STATE_S3 )
        return -EOPNOTSUPP;              /* Xen: when it has no wakeup vector */
    if ( sleep->flags & XENPF_ACPI_SLEEP_EXTENDED )
    {
        /* Hardware-reduced ACPI: sleep control/status registers. */
        if ( !fadt || !fadt_has(fadt, FADT_SLEEP_CONTROL) || !fadt_has(fadt, FADT_SLEEP_STATUS) )
            return -EPERM;
        if ( sleep->flags & ~XENPF_ACPI_SLEEP_EXTENDED )
            return -EINVAL;
        return -EOPNOTSUPP;              /* Keel writes PM1 control only */
    }
    if ( !fadt || !fadt_reg(fadt, FADT_PM1A_CNT_BLK, FADT_X_PM1A_CNT_BLK).address )
        return -EPERM;
    if ( sleep->val_b && ((sleep->val_a ^ sleep->val_b) & ACPI_SLEEP_ENABLE) )
        return -EINVAL;                  /* Xen: mismatched pm1a/pm1b setting */
    if ( sleep->flags )
        return -EINVAL;
    if ( sleep->sleep_state == 0 || sleep->sleep_state > ACPI_STATE_S5 )
        return -EINVAL;
    if ( sleep->sleep_state != ACPI_STATE_S5 )
        return -EOPNOTSUPP;
    enter_s5(fadt, sleep->val_a, sleep->val_b);
}
