/*
 * ACPI PM1a event block, PM1a control block and PM timer of an HVM domain
 * (ACPI 6.0 4.8.3), at the ports of keel/acpi_tables.h.
 *
 * The registers are decoded byte by byte, as a chipset's I/O decode does:
 * an access of 1, 2 or 4 bytes anywhere in the blocks gets the bytes it
 * covers (a byte read of the timer gives that byte of one snapshot); bytes
 * between or beyond the blocks read as all ones and ignore writes.
 *  - PM1_STS: write-1-to-clear; no event sets a bit (no SCI is wired), so
 *    it reads 0.  PM1_EN keeps its defined enable bits.
 *  - PM1_CNT: SCI_EN always reads 1 (the domain starts in ACPI mode, so
 *    there is no SMI_CMD handshake); BM_RLD and SLP_TYP read back,
 *    GBL_RLS and SLP_EN are write-only.  SLP_EN with SLP_TYP =
 *    ACPI_S5_TYPE powers the domain off.
 *  - PM_TMR: 24 bits at 3.579545 MHz of Keel's NOW(), bits 31:24 zero;
 *    read-only.
 */
#include <keel/lib.h>
#include <keel/acpi_tables.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/pmtimer.h>
#include <public/sched.h>

#define PM1_EN_MASK     0x4721    /* TMR, GBL, PWRBTN, SLPBTN, RTC enables, PCIEXP_WAKE_DIS */
#define PM1_CNT_STORED  (0x0002 | ACPI_PM1_CNT_SLP_TYP_MASK)    /* BM_RLD, SLP_TYP */
#define PM_TMR_MASK     0xffffff
#define PM_BLOCKS_START ACPI_PM1A_EVT_PORT
#define PM_BLOCKS_END   (ACPI_PM_TMR_PORT + ACPI_PM_TMR_LEN)

static struct hvm_pmtimer *pmt(struct domain *d)
{
    return &d->arch.hvm.pmtimer;
}

static uint32_t pm_tmr_now(void)
{
    uint64_t ns = NOW();

    /* Split so that the product cannot overflow whatever the uptime. */
    return ((ns / NSEC_PER_SEC) * PMTMR_HZ +
            (ns % NSEC_PER_SEC) * PMTMR_HZ / NSEC_PER_SEC) & PM_TMR_MASK;
}

bool pmtimer_claims(uint16_t port, unsigned int bytes)
{
    return port < PM_BLOCKS_END && port + bytes > PM_BLOCKS_START;
}

void pmtimer_init(struct domain *d)
{
    memset(pmt(d), 0, sizeof(*pmt(d)));
    spin_lock_init(&pmt(d)->lock);
}

/* The byte at port of a 16-bit register at base whose value is reg. */
static uint8_t reg_byte(uint16_t reg, uint16_t base, uint16_t port)
{
    return reg >> ((port - base) * 8);
}

static uint8_t read_byte(struct hvm_pmtimer *p, uint16_t port, uint32_t tmr)
{
    if ( port >= ACPI_PM1A_EVT_PORT && port < ACPI_PM1A_EVT_PORT + 2 )
        return reg_byte(p->pm1_sts, ACPI_PM1A_EVT_PORT, port);
    if ( port >= ACPI_PM1A_EVT_PORT + 2 && port < ACPI_PM1A_EVT_PORT + 4 )
        return reg_byte(p->pm1_en, ACPI_PM1A_EVT_PORT + 2, port);
    if ( port >= ACPI_PM1A_CNT_PORT && port < ACPI_PM1A_CNT_PORT + ACPI_PM1A_CNT_LEN )
        return reg_byte(p->pm1_cnt | ACPI_PM1_CNT_SCI_EN, ACPI_PM1A_CNT_PORT, port);
    if ( port >= ACPI_PM_TMR_PORT && port < ACPI_PM_TMR_PORT + ACPI_PM_TMR_LEN )
        return tmr >> ((port - ACPI_PM_TMR_PORT) * 8);
    return 0xff;
}

/* Replace the byte at port of a 16-bit register at base. */
static uint16_t merge_byte(uint16_t reg, uint16_t base, uint16_t port, uint8_t val)
{
    unsigned int shift = (port - base) * 8;

    return (reg & ~(0xffu << shift)) | (uint16_t)(val << shift);
}

/* True when the write asks for S5. */
static bool write_byte(struct hvm_pmtimer *p, uint16_t port, uint8_t val)
{
    uint16_t cnt;

    if ( port >= ACPI_PM1A_EVT_PORT && port < ACPI_PM1A_EVT_PORT + 2 )
        p->pm1_sts &= ~(uint16_t)(val << ((port - ACPI_PM1A_EVT_PORT) * 8));
    else if ( port >= ACPI_PM1A_EVT_PORT + 2 && port < ACPI_PM1A_EVT_PORT + 4 )
        p->pm1_en = merge_byte(p->pm1_en, ACPI_PM1A_EVT_PORT + 2, port, val) & PM1_EN_MASK;
    else if ( port >= ACPI_PM1A_CNT_PORT && port < ACPI_PM1A_CNT_PORT + ACPI_PM1A_CNT_LEN )
    {
        cnt = merge_byte(p->pm1_cnt, ACPI_PM1A_CNT_PORT, port, val);
        p->pm1_cnt = cnt & PM1_CNT_STORED;
        /* SLP_EN and SLP_TYP share the high byte: one write holds both. */
        return port == ACPI_PM1A_CNT_PORT + 1 && (cnt & ACPI_PM1_CNT_SLP_EN) &&
               ((cnt & ACPI_PM1_CNT_SLP_TYP_MASK) >> ACPI_PM1_CNT_SLP_TYP_SHIFT) == ACPI_S5_TYPE;
    }
    return false;                         /* the timer and the gaps ignore writes */
}

void pmtimer_io(struct domain *d, uint16_t port, unsigned int bytes, bool in, uint32_t *val)
{
    struct hvm_pmtimer *p = pmt(d);
    uint32_t tmr = pm_tmr_now(), out = 0;
    bool s5 = false;
    unsigned long flags;

    spin_lock_irqsave(&p->lock, flags);
    for ( unsigned int i = 0; i < bytes && i < 4; i++ )
    {
        if ( in )
            out |= (uint32_t)read_byte(p, port + i, tmr) << (i * 8);
        else
            s5 |= write_byte(p, port + i, *val >> (i * 8));
    }
    spin_unlock_irqrestore(&p->lock, flags);
    if ( in )
        *val = out;
    if ( s5 )
    {
        printk(KLOG_INFO "d%u: ACPI S5 requested through PM1a_CNT\n", d->domain_id);
        domain_shutdown(d, SHUTDOWN_poweroff);
    }
}
