/*
 * ACPI tables for a guest (include/keel/acpi_tables.h).  Without a MADT,
 * Linux 6.1 as a PVH guest takes the "virtual wire, no configuration"
 * path: native_smp_prepare_cpus returns before setting up the per-CPU
 * clock events, xen_time_init's Xen clockevent is never installed, and the
 * guest's clock stops.  Xen's toolstack always builds these tables for
 * PVH (tools/libacpi); the layout facts below are ACPI 6.x's.
 *
 * Layout in the buffer (all little-endian, packed as the spec lays out):
 *   0x000 RSDP (36 bytes, revision 2: XSDT address, both checksums)
 *   0x040 XSDT (header + 2 entries: FADT, MADT)
 *   0x080 FADT (276 bytes, revision 6.0, HW_REDUCED_ACPI, X_DSDT, the
 *         sleep control/status registers)
 *   0x1c0 DSDT (a header and \_S5: the one object, so that the OS can
 *         power the domain off; no devices)
 *   0x200 MADT (header, LAPIC address, then one type-0 entry per vCPU)
 *
 * The PC flavour (a plain HVM guest: acpi_build_tables_pc) instead:
 *   0x000 RSDP, 0x040 XSDT (FADT, MADT, HPET)
 *   0x080 FADT (276 bytes, not hardware-reduced: PM1a event/control
 *         blocks, PM timer, SCI_INT 9, FACS, boot flags: legacy devices,
 *         no 8042, no VGA, no MSI)
 *   0x1c0 FACS (64 bytes, 64-byte aligned), 0x200 DSDT (\_S5)
 *   0x240 HPET (56 bytes), 0x280 MADT (LAPICs, the IO-APIC, two
 *         interrupt source overrides)
 */
#include <keel/lib.h>
#include <keel/acpi_tables.h>

#define RSDP_OFF  0x000
#define XSDT_OFF  0x040
#define FADT_OFF  0x080
#define DSDT_OFF  0x1c0
#define MADT_OFF  0x200

#define HDR_LEN        36
#define RSDP_LEN       36
#define RSDP_V1_LEN    20
#define FADT_LEN       276
#define MADT_LAPIC_LEN 8
#define MADT_IOAPIC_LEN 12
#define MADT_ISO_LEN   10
#define FACS_LEN       64
#define HPET_LEN       56
#define IOAPIC_ADDR    0xfec00000u

#define PC_FACS_OFF    0x1c0
#define PC_DSDT_OFF    0x200
#define PC_HPET_OFF    0x240
#define PC_MADT_OFF    0x280
/* HPET general capabilities, low half: rev 1, 3 comparators, 64-bit, vendor. */
#define HPET_BLOCK_ID  0x80862201u
#define LAPIC_ADDR     0xfee00000u

/* FADT fields (offsets from the table's start). */
#define FADT_FACS        36
#define FADT_DSDT        40
#define FADT_SCI_INT     46
#define FADT_PM1A_EVT    56
#define FADT_PM1A_CNT    64
#define FADT_PM_TMR      76
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN  91
#define FADT_BOOT_ARCH   109
#define FADT_BOOT_LEGACY (1u << 0)        /* ISA devices: UART, PIT, RTC, PIC */
#define FADT_BOOT_NO_VGA (1u << 2)
#define FADT_BOOT_NO_MSI (1u << 3)        /* no PCI at all */
#define FADT_F_WBINVD    (1u << 0)
#define FADT_F_PROC_C1   (1u << 2)
#define FADT_F_PWR_BTN   (1u << 4)        /* no fixed-feature power button */
#define FADT_F_SLP_BTN   (1u << 5)        /* ... nor sleep button */
#define FADT_F_FIX_RTC   (1u << 6)        /* no RTC wake status in PM1 */
#define FADT_FLAGS       112
#define FADT_MINOR       131
#define FADT_X_DSDT      140
#define FADT_SLEEP_CTL   244              /* Generic Address Structures (5.0) */
#define FADT_SLEEP_STS   256
#define FADT_HYPERVISOR  268              /* "Hypervisor Vendor Identity" (6.0) */
#define FADT_F_HW_REDUCED (1u << 20)

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

/* The byte that makes the first len bytes sum to 0 (mod 256). */
static uint8_t checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for ( size_t i = 0; i < len; i++ )
        sum += p[i];
    return (uint8_t)-sum;
}

/* The common header; its checksum (byte 9) is filled last by seal(). */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "KEEL  ", 6);          /* OEM ID */
    memcpy(t + 16, "KEELHVM ", 8);        /* OEM table ID */
    put32(t + 24, 1);                     /* OEM revision */
    memcpy(t + 28, "KEEL", 4);            /* creator ID */
    put32(t + 32, 1);                     /* creator revision */
}

static void seal(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = checksum(t, len);
}

static void build_rsdp(uint8_t *r, uint64_t xsdt)
{
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "KEEL  ", 6);
    r[15] = 2;                            /* revision: ACPI 2.0+, XSDT valid */
    put32(r + 16, 0);                     /* no RSDT: 32-bit OSes use the XSDT */
    put32(r + 20, RSDP_LEN);
    put64(r + 24, xsdt);
    r[8] = checksum(r, RSDP_V1_LEN);      /* the first 20 bytes */
    r[32] = checksum(r, RSDP_LEN);        /* the whole structure */
}

/* A Generic Address Structure for a one-byte I/O port. */
static void io_gas(uint8_t *g, uint16_t port)
{
    g[0] = 1;                             /* SystemIO */
    g[1] = 8;                             /* register bit width */
    g[2] = 0;                             /* bit offset */
    g[3] = 1;                             /* byte access */
    put64(g + 4, port);
}

/*
 * The DSDT's AML: Name (\_S5, Package (4) { 5, 5, 0, 0 }) -- NameOp,
 * the root-relative name, PackageOp with a one-byte PkgLength (8: itself,
 * the count and six bytes of elements), two BytePrefix constants and two
 * ZeroOps.  The SLP_TYP it gives is ACPI_S5_TYPE.
 */
static const uint8_t dsdt_s5[] = {
    0x08, '\\', '_', 'S', '5', '_',
    0x12, 0x08, 0x04, 0x0a, ACPI_S5_TYPE, 0x0a, ACPI_S5_TYPE, 0x00, 0x00,
};

static void build_fadt(uint8_t *f, uint64_t dsdt)
{
    header(f, "FACP", FADT_LEN, 6);
    put32(f + FADT_DSDT, (uint32_t)dsdt);
    /*
     * Hardware-reduced: no PM1 blocks, no PM timer, no SCI, no 8042/VGA/
     * CMOS probing through FADT; the OS takes the hardware-reduced path.
     */
    put32(f + FADT_FLAGS, FADT_F_HW_REDUCED);
    f[FADT_MINOR] = 0;
    put64(f + FADT_X_DSDT, dsdt);
    io_gas(f + FADT_SLEEP_CTL, ACPI_SLEEP_CONTROL_PORT);
    io_gas(f + FADT_SLEEP_STS, ACPI_SLEEP_STATUS_PORT);
    memcpy(f + FADT_HYPERVISOR, "KeelHVM\0", 8);
    seal(f, FADT_LEN);
}

/* The MADT's header, LAPIC address, flags and one LAPIC per vCPU; its length so far. */
static uint32_t madt_lapics(uint8_t *m, unsigned int nr_vcpus, uint32_t flags)
{
    put32(m + HDR_LEN, LAPIC_ADDR);
    put32(m + HDR_LEN + 4, flags);
    for ( unsigned int i = 0; i < nr_vcpus; i++ )
    {
        uint8_t *e = m + HDR_LEN + 8 + i * MADT_LAPIC_LEN;

        e[0] = 0;                         /* Processor Local APIC */
        e[1] = MADT_LAPIC_LEN;
        e[2] = i;                         /* ACPI processor UID */
        e[3] = i;                         /* APIC id = vCPU id (vlapic.c) */
        put32(e + 4, 1);                  /* enabled */
    }
    return HDR_LEN + 8 + nr_vcpus * MADT_LAPIC_LEN;
}

static uint32_t build_madt(uint8_t *m, unsigned int nr_vcpus)
{
    uint32_t len = madt_lapics(m, nr_vcpus, 0);   /* no PCAT_COMPAT: no 8259 pair */

    header(m, "APIC", len, 4);
    seal(m, len);
    return len;
}

/* An interrupt source override: ISA irq is GSI gsi with these MPS flags. */
static void madt_iso(uint8_t *e, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    e[0] = 2;
    e[1] = MADT_ISO_LEN;
    e[2] = 0;                             /* bus: ISA */
    e[3] = irq;
    put32(e + 4, gsi);
    put16(e + 8, flags);
}

/* The PC's MADT: the LAPICs, the IO-APIC, IRQ 0 on pin 2, the SCI level high. */
static uint32_t build_madt_pc(uint8_t *m, unsigned int nr_vcpus)
{
    uint32_t len = madt_lapics(m, nr_vcpus, 1);   /* PCAT_COMPAT: an 8259 pair */
    uint8_t *e = m + len;

    e[0] = 1;                             /* I/O APIC */
    e[1] = MADT_IOAPIC_LEN;
    e[2] = 0;                             /* its id (hvm/vioapic.c reads 0) */
    put32(e + 4, IOAPIC_ADDR);
    put32(e + 8, 0);                      /* GSI base */
    madt_iso(e + MADT_IOAPIC_LEN, 0, 2, 0);
    madt_iso(e + MADT_IOAPIC_LEN + MADT_ISO_LEN, ACPI_SCI_IRQ, ACPI_SCI_IRQ,
             0x000d);                     /* active high (01), level (11) */
    len += MADT_IOAPIC_LEN + 2 * MADT_ISO_LEN;
    header(m, "APIC", len, 4);
    seal(m, len);
    return len;
}

static void build_fadt_pc(uint8_t *f, uint64_t dsdt, uint64_t facs)
{
    header(f, "FACP", FADT_LEN, 6);
    put32(f + FADT_FACS, (uint32_t)facs);
    put32(f + FADT_DSDT, (uint32_t)dsdt);
    put16(f + FADT_SCI_INT, ACPI_SCI_IRQ);
    /* SMI_CMD 0: the platform is in ACPI mode already (PM1a_CNT.SCI_EN reads 1). */
    put32(f + FADT_PM1A_EVT, ACPI_PM1A_EVT_PORT);
    put32(f + FADT_PM1A_CNT, ACPI_PM1A_CNT_PORT);
    put32(f + FADT_PM_TMR, ACPI_PM_TMR_PORT);
    f[FADT_PM1_EVT_LEN] = 4;
    f[FADT_PM1_CNT_LEN] = 2;
    f[FADT_PM_TMR_LEN] = 4;
    put16(f + FADT_BOOT_ARCH, FADT_BOOT_LEGACY | FADT_BOOT_NO_VGA | FADT_BOOT_NO_MSI);
    /* TMR_VAL_EXT clear: a 24-bit PM timer. */
    put32(f + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BTN |
                          FADT_F_SLP_BTN | FADT_F_FIX_RTC);
    f[FADT_MINOR] = 0;
    put64(f + FADT_X_DSDT, dsdt);
    memcpy(f + FADT_HYPERVISOR, "KeelHVM\0", 8);
    seal(f, FADT_LEN);
}

/* The FACS has no checksum; version 2, no global lock owner, no waking vector. */
static void build_facs(uint8_t *f)
{
    memcpy(f, "FACS", 4);
    put32(f + 4, FACS_LEN);
    f[32] = 2;                            /* version */
}

static void build_hpet(uint8_t *h)
{
    header(h, "HPET", HPET_LEN, 1);
    put32(h + 36, HPET_BLOCK_ID);
    h[40] = 0;                            /* base address: SystemMemory */
    h[41] = 64;                           /* register bit width */
    put64(h + 44, ACPI_HPET_BASE);
    h[52] = 0;                            /* HPET number */
    put16(h + 53, 0x80);                  /* minimum clock ticks in periodic mode */
    h[55] = 0;                            /* no page protection claimed */
    seal(h, HPET_LEN);
}

static void build_dsdt(uint8_t *d)
{
    header(d, "DSDT", HDR_LEN + sizeof(dsdt_s5), 2);
    memcpy(d + HDR_LEN, dsdt_s5, sizeof(dsdt_s5));
    seal(d, HDR_LEN + sizeof(dsdt_s5));
}

static void build_xsdt(uint8_t *x, const uint64_t *entries, unsigned int n)
{
    header(x, "XSDT", HDR_LEN + n * 8, 1);
    for ( unsigned int i = 0; i < n; i++ )
        put64(x + HDR_LEN + i * 8, entries[i]);
    seal(x, HDR_LEN + n * 8);
}

size_t acpi_build_tables(uint8_t *buf, size_t len, uint64_t base, unsigned int nr_vcpus)
{
    size_t used = MADT_OFF + HDR_LEN + 8 + (size_t)nr_vcpus * MADT_LAPIC_LEN;
    uint8_t *xsdt = buf + XSDT_OFF;

    if ( !nr_vcpus || nr_vcpus > ACPI_TABLES_MAX_VCPUS || used > len )
        return 0;
    memset(buf, 0, used);
    build_rsdp(buf + RSDP_OFF, base + XSDT_OFF);
    build_xsdt(xsdt, (const uint64_t[]){ base + FADT_OFF, base + MADT_OFF }, 2);
    build_fadt(buf + FADT_OFF, base + DSDT_OFF);
    build_dsdt(buf + DSDT_OFF);
    build_madt(buf + MADT_OFF, nr_vcpus);
    return used;
}

size_t acpi_build_tables_pc(uint8_t *buf, size_t len, uint64_t base, unsigned int nr_vcpus)
{
    size_t used = PC_MADT_OFF + HDR_LEN + 8 + (size_t)nr_vcpus * MADT_LAPIC_LEN +
                  MADT_IOAPIC_LEN + 2 * MADT_ISO_LEN;

    if ( !nr_vcpus || nr_vcpus > ACPI_TABLES_MAX_VCPUS || used > len )
        return 0;
    memset(buf, 0, used);
    build_rsdp(buf + RSDP_OFF, base + XSDT_OFF);
    build_xsdt(buf + XSDT_OFF, (const uint64_t[]){ base + FADT_OFF, base + PC_MADT_OFF,
                                                   base + PC_HPET_OFF }, 3);
    build_fadt_pc(buf + FADT_OFF, base + PC_DSDT_OFF, base + PC_FACS_OFF);
    build_facs(buf + PC_FACS_OFF);
    build_dsdt(buf + PC_DSDT_OFF);
    build_hpet(buf + PC_HPET_OFF);
    build_madt_pc(buf + PC_MADT_OFF, nr_vcpus);
    return used;
}
