/*
 * Booted as a PVH dom0 (Keel's dom0=pvh, dom0_mem=64M; TESTS flag
 * dom0=pvh), the test checks what Xen's PVH dom0 interface promises:
 *  - the start info says SIF_PRIVILEGED | SIF_INITDOMAIN;
 *  - the memory map is the host's: RAM at 0 ending below 640 KiB (the
 *    host's EBDA), RAM from 1 MiB, nothing called RAM in between, about
 *    64 MiB of RAM in all, and non-RAM ranges of the host listed below
 *    4 GiB;
 *  - those holes are the host's own memory: the firmware's ACPI RSDP
 *    ("RSD PTR ", checksummed) is found in the BIOS area 0xe0000-0xfffff
 *    as on bare metal (a domU reads zeroes or all ones there);
 *  - I/O ports outside Keel's emulated devices reach the machine: QEMU's
 *    fw_cfg selector 0 (port 0x510) reads back "QEMU" from port 0x511;
 *  - privileged hypercalls work: domctl getdomaininfo of domain 0.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"

const char test_title[] = "PVH dom0: flags, host memory map, host memory and ports";

#define MIB (1ULL << 20)

static void check_map(void)
{
    const struct hvm_memmap_table_entry *map = phys_ptr(start_info->memmap_paddr);
    uint64_t ram = 0;
    bool ram_at_0 = false, ram_at_1m = false;
    unsigned int holes = 0;

    for ( unsigned int i = 0; i < start_info->memmap_entries && i < 256; i++ )
    {
        uint64_t a = map[i].addr, e = a + map[i].size;

        printk("  map %u: %#010lx-%#010lx type %u\n", i, (unsigned long)a,
               (unsigned long)e, map[i].type);
        if ( map[i].type != HVM_MEMMAP_TYPE_RAM )
        {
            holes += a < (4ULL << 30);
            continue;
        }
        ram += map[i].size;
        if ( a == 0 )
        {
            ram_at_0 = true;
            if ( e > 0xa0000 )
                xtf_failure("Fail: RAM at 0 runs to %#lx, past 640 KiB\n", (unsigned long)e);
        }
        if ( a == MIB )
            ram_at_1m = true;
        if ( a < MIB && e > 0xa0000 )
            xtf_failure("Fail: RAM %#lx-%#lx inside the legacy hole\n", (unsigned long)a,
                        (unsigned long)e);
    }
    if ( !ram_at_0 || !ram_at_1m )
        xtf_failure("Fail: RAM at 0 %d, at 1 MiB %d: not the host's layout\n", ram_at_0,
                    ram_at_1m);
    if ( ram < 60 * MIB || ram > 64 * MIB )
        xtf_failure("Fail: %lu KiB of RAM, expected about 64 MiB\n", (unsigned long)(ram >> 10));
    if ( holes < 2 )
        xtf_failure("Fail: %u non-RAM ranges below 4 GiB: the host's are missing\n", holes);
}

/* The firmware's RSDP, searched as an OS does on a PC (16-byte steps). */
static void check_host_memory(void)
{
    for ( uint32_t a = 0xe0000; a < 0x100000; a += 16 )
    {
        const uint8_t *p = phys_ptr(a);
        uint8_t sum = 0;

        if ( memcmp(p, "RSD PTR ", 8) )
            continue;
        for ( unsigned int i = 0; i < 20; i++ )
            sum += p[i];
        if ( sum )
            continue;
        printk("host RSDP at %#x (OEM %.6s)\n", a, (const char *)p + 9);
        return;
    }
    xtf_failure("Fail: no RSDP in 0xe0000-0xfffff: the BIOS area is not the host's\n");
}

static void check_ports(void)
{
    char sig[5] = { 0 };

    asm volatile ("outw %0, %1" :: "a" ((uint16_t)0), "Nd" ((uint16_t)0x510));
    for ( unsigned int i = 0; i < 4; i++ )
        sig[i] = inb(0x511);
    printk("fw_cfg signature: %02x %02x %02x %02x\n", (uint8_t)sig[0], (uint8_t)sig[1],
           (uint8_t)sig[2], (uint8_t)sig[3]);
    if ( memcmp(sig, "QEMU", 4) )
        xtf_failure("Fail: fw_cfg reads %02x%02x%02x%02x, not \"QEMU\": ports do not reach "
                    "the machine\n", (uint8_t)sig[0], (uint8_t)sig[1], (uint8_t)sig[2],
                    (uint8_t)sig[3]);
}

void test_main(void)
{
    struct xen_domctl_getdomaininfo info;

    printk("start info flags %#x, %u map entries\n", start_info->flags,
           start_info->memmap_entries);
    check_eq("SIF_PRIVILEGED | SIF_INITDOMAIN",
             start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN),
             SIF_PRIVILEGED | SIF_INITDOMAIN);
    check_map();
    check_host_memory();
    check_ports();
    check_rc("domctl getdomaininfo of domain 0", domain_info_exact(0, &info), 0);
}
