/*
 * The ACPI tables Keel builds for a PVH domain (vcpus=2), found and read
 * the way Linux does: hvm_start_info.rsdp_paddr -> RSDP (revision 2, both
 * checksums) -> XSDT -> FADT (HW_REDUCED_ACPI, X_DSDT = DSDT) -> DSDT, and
 * XSDT -> MADT: the local APIC at 0xfee00000, exactly one enabled local
 * APIC entry per vCPU the domain has (VCPUOP_is_up answers for ids 0..31),
 * the BSP's entry carrying the APIC id its LAPIC ID register reads.  Every
 * table's signature, length and checksum; the tables lie in a reserved
 * range of the memory map, never in RAM the kernel may reuse.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "ACPI tables: RSDP, XSDT, FADT, DSDT, MADT";

struct __attribute__((packed)) acpi_header {
    char sig[4];
    uint32_t len;
    uint8_t rev, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
};

static uint8_t bytesum(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    uint8_t s = 0;

    while ( len-- )
        s += *b++;
    return s;
}

static bool in_reserved(uint64_t gpa, uint32_t len)
{
    const struct hvm_start_info *si = start_info;
    const struct hvm_memmap_table_entry *map = phys_ptr(si->memmap_paddr);

    for ( unsigned int i = 0; i < si->memmap_entries; i++ )
        if ( gpa >= map[i].addr && gpa + len <= map[i].addr + map[i].size )
            return map[i].type != 1;     /* anything but RAM */
    return false;
}

static const struct acpi_header *table(uint64_t gpa, const char *sig)
{
    const struct acpi_header *h;

    if ( !gpa || gpa >= (64ULL << 20) )
    {
        xtf_failure("Fail: %s at %#llx, outside the domain's memory\n", sig,
                    (unsigned long long)gpa);
        return NULL;
    }
    h = phys_ptr(gpa);
    if ( memcmp(h->sig, sig, 4) || h->len < sizeof(*h) || h->len > 4096 )
    {
        xtf_failure("Fail: at %#llx: signature %.4s, length %u; expected %s\n",
                    (unsigned long long)gpa, h->sig, h->len, sig);
        return NULL;
    }
    if ( bytesum(h, h->len) )
        xtf_failure("Fail: %s checksum wrong\n", sig);
    if ( !in_reserved(gpa, h->len) )
        xtf_failure("Fail: %s at %#llx is not in a reserved range of the memory map\n", sig,
                    (unsigned long long)gpa);
    printk("%.4s at %#llx, %u bytes, revision %u\n", sig, (unsigned long long)gpa, h->len,
           h->rev);
    return h;
}

static unsigned int vcpus_present(void)
{
    unsigned int n = 0;

    for ( unsigned int i = 0; i < 32; i++ )
        if ( hypercall_vcpu_op(VCPUOP_is_up, i, NULL) >= 0 )
            n++;
    return n;
}

static void check_madt(const struct acpi_header *madt)
{
    const uint8_t *p = (const uint8_t *)madt + sizeof(*madt);
    const uint8_t *end = (const uint8_t *)madt + madt->len;
    unsigned int enabled = 0, want = vcpus_present();
    uint32_t bsp_id = *(volatile uint32_t *)phys_ptr(0xfee00020) >> 24;
    bool bsp_listed = false;

    check_eq("MADT local APIC address", *(const uint32_t *)p, 0xfee00000U);
    for ( p += 8; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1] )
    {
        if ( p[0] != 0 )
            continue;
        if ( p[1] != 8 )
            xtf_failure("Fail: local APIC entry of length %u\n", p[1]);
        if ( *(const uint32_t *)(p + 4) & 1 )
        {
            enabled++;
            bsp_listed |= p[3] == bsp_id;
        }
    }
    if ( p != end )
        xtf_failure("Fail: MADT entries do not end at the table's end\n");
    printk("MADT: %u enabled local APICs, %u vCPUs, BSP APIC id %u\n", enabled, want, bsp_id);
    check_eq("enabled local APICs = vCPUs", enabled, want);
    if ( !bsp_listed )
        xtf_failure("Fail: the BSP's APIC id %u is not in the MADT\n", bsp_id);
}

void test_main(void)
{
    const struct hvm_start_info *si = start_info;
    const uint8_t *rsdp;
    const struct acpi_header *xsdt, *fadt, *madt = NULL;
    uint64_t dsdt;

    if ( !si->rsdp_paddr )
        return xtf_failure("Fail: hvm_start_info has no rsdp_paddr\n");
    rsdp = phys_ptr(si->rsdp_paddr);
    if ( memcmp(rsdp, "RSD PTR ", 8) )
        return xtf_failure("Fail: no RSDP signature at %#llx\n",
                           (unsigned long long)si->rsdp_paddr);
    check_eq("RSDP revision", rsdp[15], 2);
    check_eq("RSDP checksum (20 bytes)", bytesum(rsdp, 20), 0);
    check_eq("RSDP extended checksum", bytesum(rsdp, *(const uint32_t *)(rsdp + 20)), 0);
    if ( !in_reserved(si->rsdp_paddr, 36) )
        xtf_failure("Fail: the RSDP is not in a reserved range\n");
    if ( !(xsdt = table(*(const uint64_t *)(rsdp + 24), "XSDT")) )
        return;
    for ( uint32_t off = sizeof(*xsdt); off + 8 <= xsdt->len; off += 8 )
    {
        uint64_t gpa = *(const uint64_t *)((const uint8_t *)xsdt + off);
        const struct acpi_header *h = phys_ptr(gpa);

        if ( !memcmp(h->sig, "FACP", 4) )
        {
            if ( !(fadt = table(gpa, "FACP")) )
                return;
            if ( !(*(const uint32_t *)((const uint8_t *)fadt + 112) & (1u << 20)) )
                xtf_failure("Fail: FADT without HW_REDUCED_ACPI\n");
            dsdt = *(const uint64_t *)((const uint8_t *)fadt + 140);
            check_eq("FADT DSDT = X_DSDT", *(const uint32_t *)((const uint8_t *)fadt + 40),
                     (uint32_t)dsdt);
            table(dsdt, "DSDT");
        }
        else if ( !memcmp(h->sig, "APIC", 4) )
            madt = table(gpa, "APIC");
    }
    if ( !madt )
        return xtf_failure("Fail: no MADT in the XSDT\n");
    check_madt(madt);
}
