/*
 * ACPI table discovery.  The RSDP comes from the boot loader (multiboot2
 * copies it) or from a scan of the EBDA and the BIOS area; every table is
 * length- and checksum-checked before a field of it is believed.
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/printk.h>
#include <asm/config.h>
#include <asm/page.h>
#include <public/errno.h>

struct __packed acpi_rsdp {
    char signature[8];            /* "RSD PTR " */
    uint8_t checksum;             /* first 20 bytes sum to 0 */
    char oem_id[6];
    uint8_t revision;             /* 0: ACPI 1.0, 2: ACPI 2.0+ */
    uint32_t rsdt_address;
    uint32_t length;              /* ACPI 2.0+: whole structure */
    uint64_t xsdt_address;
    uint8_t extended_checksum;
    uint8_t reserved[3];
};

struct __packed acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};

#define ACPI_TABLE_MAX_LEN  (1u << 20)

static const struct acpi_header *root_table;   /* RSDT or XSDT */
static bool root_is_xsdt;

static uint8_t checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while ( len-- )
        sum += *b++;
    return sum;
}

/* Tables are read through the boot direct map, which covers 0..4 GiB. */
static const struct acpi_header *map_table(uint64_t pa)
{
    const struct acpi_header *h;

    if ( !pa || pa + sizeof(*h) > BOOT_MAPPED_BYTES )
        return NULL;
    h = maddr_to_virt(pa);
    if ( h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX_LEN ||
         pa + h->length > BOOT_MAPPED_BYTES || checksum(h, h->length) )
        return NULL;
    return h;
}

static bool rsdp_valid(const struct acpi_rsdp *r)
{
    if ( memcmp(r->signature, "RSD PTR ", 8) || checksum(r, 20) )
        return false;
    return r->revision < 2 || (r->length >= sizeof(*r) && r->length <= 4096 &&
                               !checksum(r, sizeof(*r)));
}

static paddr_t scan_for_rsdp(paddr_t start, size_t len)
{
    for ( size_t off = 0; off + sizeof(struct acpi_rsdp) <= len; off += 16 )
        if ( rsdp_valid(maddr_to_virt(start + off)) )
            return start + off;
    return 0;
}

static paddr_t bios_find_rsdp(void)
{
    /* The BIOS data area word at 0x40e holds the EBDA segment. */
    paddr_t ebda = (paddr_t)*(const uint16_t *)maddr_to_virt(0x40e) << 4;
    paddr_t pa = 0;

    if ( ebda >= 0x80000 && ebda < 0xa0000 )
        pa = scan_for_rsdp(ebda, 1024);
    return pa ? pa : scan_for_rsdp(0xe0000, 0x20000);
}

static int find_root_table(const struct boot_info *bi)
{
    struct acpi_rsdp rsdp;
    paddr_t pa = 0;

    memset(&rsdp, 0, sizeof(rsdp));
    if ( bi->have_rsdp )
        memcpy(&rsdp, bi->rsdp, sizeof(bi->rsdp));
    else if ( (pa = bios_find_rsdp()) != 0 )
        memcpy(&rsdp, maddr_to_virt(pa), sizeof(rsdp));
    if ( !rsdp_valid(&rsdp) )
        return -ENODEV;
    acpi_platform.rsdp_pa = pa;
    if ( rsdp.revision >= 2 && rsdp.xsdt_address )
    {
        root_table = map_table(rsdp.xsdt_address);
        root_is_xsdt = root_table != NULL;
    }
    if ( !root_table )
        root_table = map_table(rsdp.rsdt_address);
    if ( !root_table )
        return -ENODEV;
    printk("ACPI: RSDP rev %u (%s), %s at %#lx, OEM '%.6s'\n", rsdp.revision,
           bi->have_rsdp ? "from the boot loader" : "found in BIOS memory",
           root_is_xsdt ? "XSDT" : "RSDT", virt_to_maddr(root_table),
           rsdp.oem_id);
    return 0;
}

const void *acpi_find_table(const char sig[4])
{
    size_t entry_size = root_is_xsdt ? 8 : 4;
    size_t n;
    const uint8_t *entries;

    if ( !root_table )
        return NULL;
    n = (root_table->length - sizeof(*root_table)) / entry_size;
    entries = (const uint8_t *)(root_table + 1);
    for ( size_t i = 0; i < n; i++ )
    {
        uint64_t pa = 0;
        const struct acpi_header *h;

        memcpy(&pa, entries + i * entry_size, entry_size);
        h = map_table(pa);
        if ( h && !memcmp(h->signature, sig, 4) )
            return h;
    }
    return NULL;
}

struct acpi_platform acpi_platform;

int acpi_boot_init(const struct boot_info *bi, uint32_t boot_apic_id)
{
    const void *madt;
    const void *hpet;
    int rc = find_root_table(bi);

    if ( rc )
        return rc;
    madt = acpi_find_table("APIC");
    if ( !madt )
        return -ENODEV;
    acpi_parse_madt(madt, boot_apic_id);
    hpet = acpi_find_table("HPET");
    if ( hpet )
        acpi_parse_hpet(hpet);
    return 0;
}
