/*
 * An unmodified Linux as an HVM guest: a bzImage entered at its 64-bit
 * entry as a boot loader would (the Linux/x86 boot protocol; the data side
 * is common/linux_boot.c).  No Xen feature is needed by the guest: it finds
 * a PC (ACPI tables of the PC flavour, the emulated UART, PIT, RTC, HPET,
 * PM timer, IO-APIC and LAPICs) and an e820 map.
 *
 * Guest-physical layout (RAM from 0, the last page reserved for ACPI):
 *   0x7000  zero page (struct boot_params)     0x8000  command line
 *   0x9000  identity page tables (6 pages)     0xf000  GDT (boot CS/DS, a TSS)
 *   pref_address (16 MiB for Debian's)         the protected-mode kernel,
 *                                              init_size bytes reserved
 *   below the end of RAM                       the initrd, page aligned
 *   e820: RAM 0-0x9fc00, reserved to 1 MiB (EBDA, BIOS area), RAM 1 MiB to
 *   the ACPI page, that page reserved.
 */
#include <keel/lib.h>
#include <keel/bootinfo.h>
#include <keel/domain.h>
#include <keel/linux_boot.h>
#include <keel/printk.h>
#include <asm/hvm/hvm.h>
#include <asm/page.h>
#include <public/errno.h>

#define ZERO_PAGE_GPA  0x7000UL
#define CMDLINE_GPA    0x8000UL
#define CMDLINE_MAX    0x1000UL
#define PAGETABLE_GPA  0x9000UL
#define GDT_GPA        0xf000UL
#define LOW_RAM_END    0x9fc00UL
#define HIGH_RAM_START 0x100000UL

/* Null, unused, boot CS (64-bit code), boot DS (flat data), a busy TSS. */
static const uint64_t boot_gdt[] = {
    0, 0, 0x00af9a000000ffffUL, 0x00cf92000000ffffUL, 0x00008b0000000067UL, 0,
};

static int copy_in(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return hvm_copy_to_phys(d, gpa, src, len) ? -ENOMEM : 0;
}

/* Where the initrd goes: as high as RAM and the header allow, above the kernel. */
static int place_initrd(const struct linux_image *li, uint64_t ram_end, uint64_t size,
                        uint64_t *at)
{
    uint64_t top = min(ram_end, (uint64_t)li->initrd_addr_max + 1);

    if ( size > top )
        return -ENOMEM;
    *at = (top - size) & ~(uint64_t)(PAGE_SIZE - 1);
    return *at < li->pref_address + li->init_size ? -ENOMEM : 0;
}

static int load_pieces(struct domain *d, const struct linux_image *li, const uint8_t *image,
                       const struct boot_module *initrd, uint64_t ram_end,
                       const char *cmdline, uint64_t *cr3)
{
    const struct linux_e820_entry map[] = {
        { 0, LOW_RAM_END, LINUX_E820_RAM },
        { LOW_RAM_END, HIGH_RAM_START - LOW_RAM_END, LINUX_E820_RESERVED },
        { HIGH_RAM_START, ram_end - HIGH_RAM_START, LINUX_E820_RAM },
        { ram_end, PAGE_SIZE, LINUX_E820_RESERVED },
    };
    struct linux_boot_args a = {
        .cmdline = CMDLINE_GPA, .rsdp = ram_end, .map = map, .nr_map = ARRAY_SIZE(map),
    };
    size_t cmdlen = min(strlen(cmdline), min((size_t)li->cmdline_size, (size_t)CMDLINE_MAX - 1));
    uint8_t zp[LINUX_ZERO_PAGE_SIZE];
    int rc;

    if ( initrd && (rc = place_initrd(li, ram_end, initrd->size, &a.initrd)) )
        return rc;
    a.initrd_size = initrd ? initrd->size : 0;
    rc = linux_boot_params(zp, image, &a);
    if ( !rc )
        rc = copy_in(d, li->pref_address, image + li->kernel_offset, li->kernel_size);
    if ( !rc && initrd )
        rc = copy_in(d, a.initrd, maddr_to_virt(initrd->start), initrd->size);
    if ( !rc )
        rc = copy_in(d, ZERO_PAGE_GPA, zp, sizeof(zp));
    if ( !rc )
        rc = copy_in(d, CMDLINE_GPA, cmdline, cmdlen);   /* the page is zero: NUL follows */
    if ( !rc )
        rc = copy_in(d, GDT_GPA, boot_gdt, sizeof(boot_gdt));
    if ( !rc )
        rc = hvm_build_identity_tables(d, PAGETABLE_GPA, ram_end >> PAGE_SHIFT, cr3);
    return rc;
}

int hvm_build_linux(struct domain *d, const struct boot_module *kernel,
                    const struct boot_module *initrd, uint64_t mem_bytes, const char *cmdline)
{
    unsigned long nr_pages = mem_bytes >> PAGE_SHIFT;
    uint64_t ram_end = (uint64_t)(nr_pages - 1) << PAGE_SHIFT;   /* the last page: ACPI */
    const uint8_t *image = maddr_to_virt(kernel->start);
    struct linux_image li;
    char err[128];
    uint64_t cr3;
    int rc;

    rc = linux_image_parse(image, kernel->size, &li, err, sizeof(err));
    if ( rc == -ENOEXEC )
        return rc;
    if ( !rc && li.pref_address + li.init_size > ram_end )
        rc = errf(err, sizeof(err), -ENOMEM, "the kernel needs %#lx-%#lx: more than %lu MiB",
                  (unsigned long)li.pref_address,
                  (unsigned long)(li.pref_address + li.init_size), nr_pages >> 8);
    if ( rc )
    {
        printk(KLOG_ERR "d%u: Linux kernel refused: %s\n", d->domain_id, err);
        return rc;
    }
    d->max_pages = nr_pages;
    rc = hvm_populate_ram(d, nr_pages);
    if ( !rc )
        rc = load_pieces(d, &li, image, initrd, ram_end, cmdline, &cr3);
    if ( !rc )
        rc = hvm_write_acpi_tables(d, ram_end >> PAGE_SHIFT, true);
    if ( rc )
    {
        printk(KLOG_ERR "d%u: HVM Linux build failed (%d)\n", d->domain_id, rc);
        return rc;
    }
    hvm_funcs->set_linux64_entry_state(d->vcpu[0], li.pref_address + LINUX_ENTRY64_OFFSET,
                                       ZERO_PAGE_GPA, cr3, GDT_GPA, sizeof(boot_gdt) - 1);
    d->vcpu[0]->context_set = true;
    printk("d%u: HVM Linux (boot protocol %u.%02u), %lu MiB, kernel at %#lx (%#x bytes to "
           "run), initrd %lu KiB, ACPI tables at %#lx (%u vCPUs)\n", d->domain_id,
           li.version >> 8, li.version & 0xff, nr_pages >> 8, (unsigned long)li.pref_address,
           li.init_size, (unsigned long)(initrd ? initrd->size >> 10 : 0),
           (unsigned long)ram_end, d->max_vcpus);
    return 0;
}
