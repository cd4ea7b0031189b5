/*
 * common/acpi_tables.c: for 1..ACPI_TABLES_MAX_VCPUS vCPUs, every table
 * found the way an OS finds it (RSDP -> XSDT -> FADT -> DSDT, XSDT ->
 * MADT), signatures, lengths and checksums right, HW_REDUCED_ACPI set,
 * one enabled local APIC per vCPU with APIC id = vCPU id; the limits
 * (0 vCPUs, too many, a buffer too small) refused.  The PC flavour (plain
 * HVM): PM blocks, SCI and FACS in the FADT, the IO-APIC and the two
 * interrupt source overrides in the MADT, the HPET table.
 */
#include <keel/acpi_tables.h>
#include <string.h>

#include "harness.h"

#define BASE 0x3ffd000ULL                 /* where a 64 MiB domU's page sits */

static uint8_t page[4096];

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | ((uint64_t)get32(p + 4) << 32);
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while ( len-- )
        s += *p++;
    return s;
}

/* The table at guest address gpa, checked: its offset in page, or -1. */
static long table(uint64_t gpa, const char *sig, size_t used)
{
    uint64_t off = gpa - BASE;
    uint32_t len;

    if ( gpa < BASE || off + 36 > used )
        return -1;
    len = get32(page + off + 4);
    CHECK(memcmp(page + off, sig, 4) == 0);
    CHECK(len >= 36 && off + len <= used);
    CHECK_UINT(sum(page + off, len), 0);
    return (long)off;
}

static void check_vcpus(unsigned int n)
{
    size_t used = acpi_build_tables(page, sizeof(page), BASE, n);
    long xsdt, fadt, dsdt, madt;
    uint32_t madt_len;

    CHECK(used > 0);
    CHECK(memcmp(page, "RSD PTR ", 8) == 0);
    CHECK_UINT(page[15], 2);
    CHECK_UINT(sum(page, 20), 0);
    CHECK_UINT(sum(page, get32(page + 20)), 0);
    CHECK_UINT(get32(page + 20), 36);
    xsdt = table(get64(page + 24), "XSDT", used);
    CHECK(xsdt >= 0);
    if ( xsdt < 0 )
        return;
    CHECK_UINT(get32(page + xsdt + 4), 36 + 2 * 8);
    fadt = table(get64(page + xsdt + 36), "FACP", used);
    madt = table(get64(page + xsdt + 44), "APIC", used);
    CHECK(fadt >= 0 && madt >= 0);
    if ( fadt < 0 || madt < 0 )
        return;
    CHECK_UINT(get32(page + fadt + 4), 276);
    CHECK(get32(page + fadt + 112) & (1u << 20));          /* HW_REDUCED_ACPI */
    CHECK_UINT(get32(page + fadt + 40), get64(page + fadt + 140));
    dsdt = table(get64(page + fadt + 140), "DSDT", used);
    CHECK(dsdt >= 0);
    /* The sleep registers: SystemIO byte ports, and \_S5 in the DSDT. */
    CHECK_UINT(page[fadt + 244], 1);
    CHECK_UINT(get64(page + fadt + 248), ACPI_SLEEP_CONTROL_PORT);
    CHECK_UINT(page[fadt + 256], 1);
    CHECK_UINT(get64(page + fadt + 260), ACPI_SLEEP_STATUS_PORT);
    if ( dsdt >= 0 )
    {
        CHECK_UINT(get32(page + dsdt + 4), 36 + 15);
        CHECK(memcmp(page + dsdt + 36, "\x08\\_S5_\x12", 7) == 0);
    }
    madt_len = get32(page + madt + 4);
    CHECK_UINT(madt_len, 44 + 8 * n);
    CHECK_UINT(get32(page + madt + 36), 0xfee00000u);
    for ( unsigned int i = 0; i < n; i++ )
    {
        const uint8_t *e = page + madt + 44 + 8 * i;

        CHECK_UINT(e[0], 0);
        CHECK_UINT(e[1], 8);
        CHECK_UINT(e[2], i);
        CHECK_UINT(e[3], i);
        CHECK_UINT(get32(e + 4), 1);
    }
}

static void test_every_count(void)
{
    for ( unsigned int n = 1; n <= ACPI_TABLES_MAX_VCPUS; n++ )
        check_vcpus(n);
}

static void test_limits(void)
{
    CHECK_UINT(acpi_build_tables(page, sizeof(page), BASE, 0), 0);
    CHECK_UINT(acpi_build_tables(page, sizeof(page), BASE, ACPI_TABLES_MAX_VCPUS + 1), 0);
    /* One vCPU: the MADT (44 + 8 bytes) ends at 0x200 + 52 = 564. */
    CHECK_UINT(acpi_build_tables(page, 563, BASE, 1), 0);
    CHECK_UINT(acpi_build_tables(page, 564, BASE, 1), 564);
}

static uint16_t get16(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

/* The PC flavour's FADT: PM blocks, SCI, FACS, boot flags; not reduced. */
static void check_pc_fadt(long fadt, size_t used)
{
    uint32_t facs = get32(page + fadt + 36);

    CHECK_UINT(get32(page + fadt + 4), 276);
    CHECK_UINT(get32(page + fadt + 112) & (1u << 20), 0);  /* not HW_REDUCED */
    CHECK_UINT(get32(page + fadt + 112) & (1u << 8), 0);   /* 24-bit PM timer */
    CHECK_UINT(get16(page + fadt + 46), 9);                /* SCI_INT */
    CHECK_UINT(get32(page + fadt + 48), 0);                /* no SMI_CMD: in ACPI mode */
    CHECK_UINT(get32(page + fadt + 56), ACPI_PM1A_EVT_PORT);
    CHECK_UINT(get32(page + fadt + 64), ACPI_PM1A_CNT_PORT);
    CHECK_UINT(get32(page + fadt + 76), ACPI_PM_TMR_PORT);
    CHECK_UINT(page[fadt + 88], 4);
    CHECK_UINT(page[fadt + 89], 2);
    CHECK_UINT(page[fadt + 91], 4);
    CHECK_UINT(get16(page + fadt + 109), 0xd);             /* legacy, no VGA, no MSI; no 8042 */
    /* The FACS: 64-byte aligned, inside the page, signature and length. */
    CHECK(facs >= BASE && facs - BASE + 64 <= used && (facs & 63) == 0);
    if ( facs >= BASE && facs - BASE + 64 <= used )
    {
        CHECK(memcmp(page + (facs - BASE), "FACS", 4) == 0);
        CHECK_UINT(get32(page + (facs - BASE) + 4), 64);
    }
    CHECK(table(get64(page + fadt + 140), "DSDT", used) >= 0);
}

/* The PC flavour's MADT: the LAPICs, then the IO-APIC and two overrides. */
static void check_pc_madt(long madt, unsigned int n)
{
    const uint8_t *e = page + madt + 44 + 8 * n;

    CHECK_UINT(get32(page + madt + 4), 44 + 8 * n + 12 + 2 * 10);
    CHECK_UINT(get32(page + madt + 40), 1);                /* PCAT_COMPAT */
    CHECK_UINT(page[madt + 44 + 8 * (n - 1) + 3], n - 1);  /* last LAPIC's id */
    CHECK_UINT(e[0], 1);
    CHECK_UINT(e[1], 12);
    CHECK_UINT(get32(e + 4), 0xfec00000u);
    CHECK_UINT(get32(e + 8), 0);
    e += 12;
    CHECK_UINT(e[0], 2);                                   /* IRQ 0 -> GSI 2 */
    CHECK_UINT(e[3], 0);
    CHECK_UINT(get32(e + 4), 2);
    CHECK_UINT(get16(e + 8), 0);
    e += 10;
    CHECK_UINT(e[0], 2);                                   /* SCI: IRQ 9, level high */
    CHECK_UINT(e[3], 9);
    CHECK_UINT(get32(e + 4), 9);
    CHECK_UINT(get16(e + 8), 0xd);
}

static void check_pc(unsigned int n)
{
    size_t used = acpi_build_tables_pc(page, sizeof(page), BASE, n);
    long xsdt, fadt, madt, hpet;

    CHECK(used > 0);
    CHECK_UINT(sum(page, 20), 0);
    CHECK_UINT(sum(page, 36), 0);
    xsdt = table(get64(page + 24), "XSDT", used);
    CHECK(xsdt >= 0);
    if ( xsdt < 0 )
        return;
    CHECK_UINT(get32(page + xsdt + 4), 36 + 3 * 8);
    fadt = table(get64(page + xsdt + 36), "FACP", used);
    madt = table(get64(page + xsdt + 44), "APIC", used);
    hpet = table(get64(page + xsdt + 52), "HPET", used);
    CHECK(fadt >= 0 && madt >= 0 && hpet >= 0);
    if ( fadt < 0 || madt < 0 || hpet < 0 )
        return;
    check_pc_fadt(fadt, used);
    check_pc_madt(madt, n);
    CHECK_UINT(get32(page + hpet + 4), 56);
    CHECK_UINT(page[hpet + 40], 0);                        /* SystemMemory */
    CHECK_UINT(get64(page + hpet + 44), ACPI_HPET_BASE);
}

static void test_pc(void)
{
    for ( unsigned int n = 1; n <= ACPI_TABLES_MAX_VCPUS; n++ )
        check_pc(n);
    CHECK_UINT(acpi_build_tables_pc(page, sizeof(page), BASE, 0), 0);
    CHECK_UINT(acpi_build_tables_pc(page, sizeof(page), BASE, ACPI_TABLES_MAX_VCPUS + 1), 0);
    /* One vCPU: MADT at 0x280, 44 + 8 + 12 + 20 bytes: 0x280 + 84 = 724. */
    CHECK_UINT(acpi_build_tables_pc(page, 723, BASE, 1), 0);
    CHECK_UINT(acpi_build_tables_pc(page, 724, BASE, 1), 724);
}

int main(void)
{
    h_run("tables for 1..max vCPUs", test_every_count);
    h_run("limits", test_limits);
    h_run("PC flavour for 1..max vCPUs, limits", test_pc);
    return h_finish("test_acpi_tables");
}
