/*
 * Builder of PVH domains: RAM from guest-physical 0, the kernel's PT_LOAD
 * segments at their physical addresses, an hvm_start_info (with a memory
 * map, the command line and an optional initrd module) and the vCPU in
 * 32-bit flat protected mode at PHYS32_ENTRY with ebx pointing at it.
 *
 * A PVH domain gets ACPI tables (common/acpi_tables.c: RSDP, XSDT, FADT,
 * DSDT, a MADT with its vCPUs) in a page at the top of its memory, outside
 * the RAM of its memory map (reserved), found through rsdp_paddr.  A PVH
 * domU built by the toolstack (KEEL_DOMCTL_build) also gets two special
 * pages above it, reserved too (as Xen's special pages are), for xenstore
 * and the console; the caller puts their GFNs in the HVM params.
 *
 * Plain HVM (a 64-bit ELF without Xen notes) gets the same memory and
 * start info, plus identity-mapping page tables (2 MiB pages over its RAM),
 * and starts in 64-bit mode at e_entry with rsi pointing at the start info.
 */
#include <keel/lib.h>
#include <keel/acpi_tables.h>
#include <keel/bootinfo.h>
#include <keel/domain.h>
#include <keel/libelf.h>
#include <keel/printk.h>
#include <keel/xmalloc.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vlapic.h>
#include <asm/page.h>
#include <public/errno.h>
#include <public/xen.h>

#define HVM_START_MAGIC   0x336ec578
#define IOAPIC_GFN        (0xfec00000UL >> PAGE_SHIFT)

struct __packed hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct __packed hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

struct __packed hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};

/* Device pages: every access traps into the emulated platform. */
static int map_device_pages(struct domain *d)
{
    if ( p2m_set_entry(&d->arch.hvm.p2m, VLAPIC_BASE >> PAGE_SHIFT, 0, p2m_mmio_emul) ||
         p2m_set_entry(&d->arch.hvm.p2m, IOAPIC_GFN, 0, p2m_mmio_emul) ||
         p2m_set_entry(&d->arch.hvm.p2m, HPET_BASE >> PAGE_SHIFT, 0, p2m_mmio_emul) )
        return -ENOMEM;
    return 0;
}

static bool is_device_gfn(uint64_t gfn)
{
    return gfn == VLAPIC_BASE >> PAGE_SHIFT || gfn == IOAPIC_GFN ||
           gfn == HPET_BASE >> PAGE_SHIFT;
}

/* Fresh zeroed frames at [gfn, end), 2 MiB leaves where aligned. */
static int populate_range(struct domain *d, unsigned long gfn, unsigned long end)
{
    while ( gfn < end )
    {
        unsigned int order = 9;
        struct page_info *pg;

        while ( order && ((gfn & ((1UL << order) - 1)) || (1UL << order) > end - gfn) )
            order--;
        while ( !(pg = alloc_domheap_pages(d, order)) && order )
            order--;
        if ( !pg )
            return -ENOMEM;
        for ( unsigned long i = 0; i < (1UL << order); i++ )
            memset(mfn_to_virt(page_to_mfn(pg) + i), 0, PAGE_SIZE);
        /* A whole aligned 2 MiB block gets one nested-paging leaf. */
        if ( order == 9 )
        {
            if ( p2m_set_superpage(&d->arch.hvm.p2m, gfn, page_to_mfn(pg), p2m_ram_rw) )
                return -ENOMEM;
            gfn += 512;
            continue;
        }
        for ( unsigned long i = 0; i < (1UL << order); i++, gfn++ )
            if ( p2m_set_entry(&d->arch.hvm.p2m, gfn, page_to_mfn(pg) + i, p2m_ram_rw) )
                return -ENOMEM;
    }
    return 0;
}

/* The guest's frames [0, nr_pages); max_pages is the caller's. */
int hvm_populate_ram(struct domain *d, unsigned long nr_pages)
{
    int rc;

    p2m_size_pool(&d->arch.hvm.p2m, nr_pages);
    rc = populate_range(d, 0, nr_pages);
    return rc ? rc : map_device_pages(d);
}

static int copy_cb(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return hvm_copy_to_phys(ctx, gpa, src, len) ? -EINVAL : 0;
}

static int zero_cb(void *ctx, uint64_t gpa, size_t len)
{
    struct domain *d = ctx;
    uint8_t zero[256];

    memset(zero, 0, sizeof(zero));
    for ( ; len; )
    {
        size_t n = min(len, sizeof(zero));

        if ( hvm_copy_to_phys(d, gpa, zero, n) )
            return -EINVAL;
        gpa += n;
        len -= n;
    }
    return 0;
}

/* What the start info describes besides modules and command line. */
struct start_layout {
    const struct hvm_memmap_entry *map;
    unsigned int nr_map;
    uint64_t limit;                 /* everything placed must end below this */
    uint64_t rsdp;
    uint32_t flags;                 /* SIF_* (dom0: privileged, initial domain) */
};

/* Place start info, memory map, modules and command line from at on. */
static int write_start_info(struct domain *d, uint64_t at, const struct start_layout *l,
                            const struct boot_module *initrd, const char *cmdline,
                            uint64_t *start_info_gpa)
{
    struct hvm_start_info si = { .magic = HVM_START_MAGIC, .version = 1,
                                 .rsdp_paddr = l->rsdp, .flags = l->flags };
    struct hvm_modlist_entry mod = { 0, 0, 0, 0 };
    uint64_t p = ROUNDUP(at, PAGE_SIZE);
    size_t cmdlen = strlen(cmdline) + 1;
    size_t maplen = l->nr_map * sizeof(l->map[0]);
    int rc = 0;

    si.memmap_paddr = p + sizeof(si);
    si.memmap_entries = l->nr_map;
    si.cmdline_paddr = si.memmap_paddr + maplen;
    if ( si.cmdline_paddr + cmdlen > l->limit )
        return -ENOMEM;
    if ( initrd )
    {
        mod.paddr = ROUNDUP(si.cmdline_paddr + cmdlen, PAGE_SIZE);
        mod.size = initrd->size;
        si.modlist_paddr = ROUNDUP(mod.paddr + mod.size, 64);
        si.nr_modules = 1;
        if ( si.modlist_paddr + sizeof(mod) > l->limit || mod.paddr + mod.size < mod.paddr )
            return -ENOMEM;
        rc |= hvm_copy_to_phys(d, mod.paddr, maddr_to_virt(initrd->start), initrd->size) != 0;
        rc |= hvm_copy_to_phys(d, si.modlist_paddr, &mod, sizeof(mod)) != 0;
    }
    rc |= hvm_copy_to_phys(d, p, &si, sizeof(si)) != 0;
    rc |= hvm_copy_to_phys(d, si.memmap_paddr, l->map, maplen) != 0;
    rc |= hvm_copy_to_phys(d, si.cmdline_paddr, cmdline, cmdlen) != 0;
    *start_info_gpa = p;
    return rc ? -ENOMEM : 0;
}

/*
 * PML4, one PDPT, and one PD per GiB, identity-mapping at least 4 GiB with
 * 2 MiB pages: RAM and the LAPIC/IO-APIC pages below 4 GiB alike.
 */
int hvm_build_identity_tables(struct domain *d, uint64_t at, unsigned long nr_pages,
                              uint64_t *cr3)
{
    uint64_t ram = (uint64_t)nr_pages << PAGE_SHIFT;
    unsigned int nr_pd = max(4UL, (unsigned long)((ram + (1UL << 30) - 1) >> 30));
    uint64_t pml4 = ROUNDUP(at, PAGE_SIZE), pdpt = pml4 + PAGE_SIZE, pd = pdpt + PAGE_SIZE;
    uint64_t e;
    int rc = 0;

    if ( nr_pd > 512 || pd + nr_pd * PAGE_SIZE > ram )
        return -ENOMEM;
    e = pdpt | 0x7;                                  /* present, writable, user */
    rc |= hvm_copy_to_phys(d, pml4, &e, sizeof(e)) != 0;
    for ( unsigned int g = 0; g < nr_pd; g++ )
    {
        e = (pd + g * PAGE_SIZE) | 0x7;
        rc |= hvm_copy_to_phys(d, pdpt + g * 8, &e, sizeof(e)) != 0;
        for ( unsigned int i = 0; i < 512; i++ )
        {
            e = (((uint64_t)g << 30) + ((uint64_t)i << 21)) | 0x87;   /* 2 MiB page */
            rc |= hvm_copy_to_phys(d, pd + g * PAGE_SIZE + i * 8, &e, sizeof(e)) != 0;
        }
    }
    *cr3 = pml4;
    return rc ? -ENOMEM : 0;
}

/* The kernel must sit in the domain's RAM, above the first page. */
static int check_fits(const struct elf_image *img, unsigned long nr_pages, char *err,
                      size_t errlen)
{
    if ( img->pend > ((uint64_t)nr_pages << PAGE_SHIFT) || img->pstart < 0x1000 )
        return errf(err, errlen, -EINVAL, "kernel at %#lx-%#lx does not fit in %lu MiB",
                        (unsigned long)img->pstart, (unsigned long)img->pend,
                        nr_pages >> 8);
    return 0;
}

/*
 * What both builders do: RAM, the kernel's segments, the start info with a
 * map of RAM below nr_pages - nr_special and those special pages reserved.
 */
static int load_kernel(struct domain *d, const struct elf_image *img, unsigned long nr_pages,
                       unsigned int nr_special, const struct boot_module *initrd,
                       const char *cmdline, uint64_t rsdp, uint64_t *start_info)
{
    uint64_t ram_end = (uint64_t)(nr_pages - nr_special) << PAGE_SHIFT;
    const struct hvm_memmap_entry map[2] = {
        { 0, ram_end, E820_RAM, 0 },
        { ram_end, (uint64_t)nr_special << PAGE_SHIFT, E820_RESERVED, 0 },
    };
    const struct start_layout l = { map, nr_special ? 2 : 1, ram_end, rsdp, 0 };
    int rc = hvm_populate_ram(d, nr_pages);

    if ( !rc )
        rc = elf_load(img, 0, copy_cb, zero_cb, d);
    if ( !rc )
        rc = write_start_info(d, img->pend, &l, initrd, cmdline, start_info);
    return rc;
}

/* The ACPI tables in the reserved page at gfn, for d's vCPUs: a PC's or PVH's. */
int hvm_write_acpi_tables(struct domain *d, uint64_t gfn, bool pc)
{
    uint8_t page[PAGE_SIZE];
    size_t len = (pc ? acpi_build_tables_pc : acpi_build_tables)(page, sizeof(page),
                                                                 gfn << PAGE_SHIFT,
                                                                 d->max_vcpus);

    if ( !len )
        return -EINVAL;
    return hvm_copy_to_phys(d, gfn << PAGE_SHIFT, page, len) ? -ENOMEM : 0;
}

int hvm_build_plain(struct domain *d, const struct boot_module *kernel,
                    uint64_t mem_bytes, const char *cmdline)
{
    unsigned long nr_pages = mem_bytes >> PAGE_SHIFT;
    struct elf_image img;
    uint64_t start_info, cr3;
    char err[160];
    int rc;

    rc = elf_init(&img, maddr_to_virt(kernel->start), kernel->size, err, sizeof(err));
    if ( !rc )
        rc = check_fits(&img, nr_pages, err, sizeof(err));
    if ( rc )
    {
        printk(KLOG_ERR "d%u: HVM kernel refused: %s\n", d->domain_id, err);
        return rc;
    }
    d->max_pages = nr_pages;
    rc = load_kernel(d, &img, nr_pages, 0, NULL, cmdline, 0, &start_info);
    if ( !rc )
        rc = hvm_build_identity_tables(d, start_info + PAGE_SIZE * 2, nr_pages, &cr3);
    if ( rc )
    {
        printk(KLOG_ERR "d%u: HVM build failed (%d)\n", d->domain_id, rc);
        return rc;
    }
    hvm_funcs->set_long_mode_entry_state(d->vcpu[0], img.entry, start_info, cr3);
    d->vcpu[0]->context_set = true;
    printk("d%u: HVM, %lu MiB, 64-bit kernel %#lx-%#lx, entry %#lx, paging on with an "
           "identity map\n", d->domain_id, nr_pages >> 8, (unsigned long)img.pstart,
           (unsigned long)img.pend, (unsigned long)img.entry);
    return 0;
}

static int build_pvh(struct domain *d, const struct boot_module *kernel,
                     const struct boot_module *initrd, unsigned long nr_pages,
                     unsigned int nr_special, const char *cmdline)
{
    struct elf_image img;
    struct xen_elf_notes notes;
    uint64_t start_info, acpi_gfn;
    char err[160];
    int rc;

    rc = elf_init(&img, maddr_to_virt(kernel->start), kernel->size, err, sizeof(err));
    if ( !rc )
        rc = elf_xen_parse_notes(&img, &notes, err, sizeof(err));
    if ( !rc && !notes.has_phys32_entry )
        rc = errf(err, sizeof(err), -ENOEXEC, "no PHYS32_ENTRY note: not a PVH kernel");
    if ( !rc )
        rc = check_fits(&img, nr_pages - nr_special, err, sizeof(err));
    if ( rc )
    {
        printk(KLOG_ERR "d%u: PVH kernel refused: %s\n", d->domain_id, err);
        return rc;
    }
    /* The ACPI page is the lowest of the reserved ones (nr_special counts it). */
    acpi_gfn = nr_pages - nr_special;
    rc = load_kernel(d, &img, nr_pages, nr_special, initrd, cmdline,
                     acpi_gfn << PAGE_SHIFT, &start_info);
    if ( !rc )
        rc = hvm_write_acpi_tables(d, acpi_gfn, false);
    if ( rc )
    {
        printk(KLOG_ERR "d%u: PVH build failed (%d)\n", d->domain_id, rc);
        return rc;
    }
    hvm_funcs->set_pvh_entry_state(d->vcpu[0], notes.phys32_entry, start_info);
    d->vcpu[0]->context_set = true;
    printk("d%u: PVH, %lu MiB (%lu 2 MiB nested pages), %s kernel %#lx-%#lx, entry %#lx, "
           "start info at %#lx, ACPI tables at %#lx (%u vCPUs)\n", d->domain_id,
           nr_pages >> 8, d->arch.hvm.p2m.nr_superpages, img.elf32 ? "ELF32" : "ELF64",
           (unsigned long)img.pstart,
           (unsigned long)img.pend, (unsigned long)notes.phys32_entry,
           (unsigned long)start_info, (unsigned long)(acpi_gfn << PAGE_SHIFT), d->max_vcpus);
    return 0;
}

int pvh_build(struct domain *d, const struct boot_module *kernel,
              const struct boot_module *initrd, uint64_t mem_bytes, const char *cmdline)
{
    d->max_pages = mem_bytes >> PAGE_SHIFT;
    return build_pvh(d, kernel, initrd, mem_bytes >> PAGE_SHIFT, 1, cmdline);
}

/*
 * PVH dom0 (dom0=pvh): the host's memory map.  Host RAM ranges get fresh
 * frames at the same addresses, in order, until the budget (mem_bytes less
 * the ACPI page) is used; the page after the last RAM taken holds Keel's
 * ACPI tables (reserved).  Every other host range below 4 GiB, and every
 * non-RAM page of the first MiB (VGA, option ROMs, BIOS), is mapped to
 * the host's own frames at the same address (p2m_mmio_direct, uncached)
 * and listed with its host type; the emulated LAPIC and IO-APIC pages
 * stay emulated.
 */
#define DOM0_MAP_MAX (BOOT_MAX_MEMMAP + 4)
#define LOW_MEG_GFNS 256
#define FOUR_GB      (1ULL << 32)

struct dom0_map {
    struct hvm_memmap_entry e[DOM0_MAP_MAX];
    unsigned int n;
};

static void map_add(struct dom0_map *m, uint64_t addr, uint64_t size, uint32_t type)
{
    if ( size && m->n < DOM0_MAP_MAX )
        m->e[m->n++] = (struct hvm_memmap_entry){ addr, size, type, 0 };
}

static bool in_host_ram(const struct boot_info *bi, uint64_t gfn)
{
    uint64_t a = gfn << PAGE_SHIFT;

    for ( unsigned int i = 0; i < bi->nr_memmap; i++ )
        if ( bi->memmap[i].type == E820_RAM && a >= bi->memmap[i].addr &&
             a - bi->memmap[i].addr < bi->memmap[i].size )
            return true;
    return false;
}

static int identity_map(struct domain *d, uint64_t first, uint64_t end)
{
    for ( uint64_t gfn = first; gfn < end; gfn++ )
        if ( !is_device_gfn(gfn) &&
             p2m_set_entry(&d->arch.hvm.p2m, gfn, gfn, p2m_mmio_direct) )
            return -ENOMEM;
    return 0;
}

/* RAM where the host has RAM, the rest identity-mapped; the ACPI gfn out. */
static int dom0_memory(struct domain *d, const struct boot_info *bi, unsigned long budget,
                       struct dom0_map *m, uint64_t *acpi_gfn)
{
    int rc = 0;

    *acpi_gfn = 0;
    for ( unsigned int i = 0; i < bi->nr_memmap && !rc; i++ )
    {
        const struct boot_memrange *r = &bi->memmap[i];
        uint64_t first = ROUNDUP(r->addr, PAGE_SIZE) >> PAGE_SHIFT;
        uint64_t end = (r->addr + r->size) >> PAGE_SHIFT, take;

        if ( r->type != E820_RAM )
        {
            if ( r->addr >= FOUR_GB )
                continue;
            first = r->addr >> PAGE_SHIFT;
            end = min((uint64_t)ROUNDUP(r->addr + r->size, PAGE_SIZE), (uint64_t)FOUR_GB) >> PAGE_SHIFT;
            map_add(m, first << PAGE_SHIFT, (end - first) << PAGE_SHIFT, r->type);
            rc = identity_map(d, first, end);
            continue;
        }
        if ( end <= first )
            continue;
        take = min(end - first, (uint64_t)budget);
        if ( take )
        {
            map_add(m, first << PAGE_SHIFT, take << PAGE_SHIFT, E820_RAM);
            rc = populate_range(d, first, first + take);
            budget -= take;
        }
        if ( !rc && !budget && !*acpi_gfn && first + take < end )
        {
            *acpi_gfn = first + take;
            map_add(m, *acpi_gfn << PAGE_SHIFT, PAGE_SIZE, E820_RESERVED);
            rc = populate_range(d, *acpi_gfn, *acpi_gfn + 1);
        }
    }
    for ( uint64_t gfn = 0; gfn < LOW_MEG_GFNS && !rc; gfn++ )
    {
        p2m_type_t t;

        p2m_lookup(&d->arch.hvm.p2m, gfn, &t);
        if ( t == p2m_invalid && !in_host_ram(bi, gfn) )
            rc = identity_map(d, gfn, gfn + 1);
    }
    if ( !rc && !*acpi_gfn )
        rc = -ENOMEM;                     /* the host has no RAM left for the tables */
    return rc ? rc : map_device_pages(d);
}

/* The end of the dom0 RAM entry holding gpa (where the start info may go). */
static uint64_t ram_limit(const struct dom0_map *m, uint64_t gpa)
{
    for ( unsigned int i = 0; i < m->n; i++ )
        if ( m->e[i].type == E820_RAM && gpa >= m->e[i].addr &&
             gpa - m->e[i].addr < m->e[i].size )
            return m->e[i].addr + m->e[i].size;
    return 0;
}

int pvh_dom0_build(struct domain *d, const struct boot_module *kernel,
                   const struct boot_module *initrd, uint64_t mem_bytes, const char *cmdline,
                   const struct boot_info *bi)
{
    unsigned long nr_pages = mem_bytes >> PAGE_SHIFT;
    struct dom0_map *m = xzalloc(struct dom0_map);
    struct xen_elf_notes notes;
    struct start_layout l;
    struct elf_image img;
    uint64_t acpi_gfn, start_info;
    char err[160];
    int rc;

    if ( !m )
        return -ENOMEM;
    rc = elf_init(&img, maddr_to_virt(kernel->start), kernel->size, err, sizeof(err));
    if ( !rc )
        rc = elf_xen_parse_notes(&img, &notes, err, sizeof(err));
    if ( !rc && !notes.has_phys32_entry )
        rc = errf(err, sizeof(err), -ENOEXEC, "no PHYS32_ENTRY note: not a PVH kernel");
    if ( rc )
    {
        printk(KLOG_ERR "d0: PVH dom0 kernel refused: %s\n", err);
        goto out;
    }
    d->max_pages = nr_pages;
    /* Room for RAM and for identity-mapping everything below 4 GiB. */
    p2m_size_pool(&d->arch.hvm.p2m, nr_pages + (FOUR_GB >> PAGE_SHIFT));
    rc = dom0_memory(d, bi, nr_pages - 1, m, &acpi_gfn);
    if ( !rc && ram_limit(m, img.pstart) < img.pend )
        rc = errf(err, sizeof(err), -EINVAL, "kernel at %#lx-%#lx is not in dom0's RAM",
                  (unsigned long)img.pstart, (unsigned long)img.pend);
    if ( !rc )
        rc = elf_load(&img, 0, copy_cb, zero_cb, d);
    l = (struct start_layout){ m->e, m->n, ram_limit(m, img.pend), acpi_gfn << PAGE_SHIFT,
                               SIF_PRIVILEGED | SIF_INITDOMAIN };
    if ( !rc )
        rc = write_start_info(d, img.pend, &l, initrd, cmdline, &start_info);
    if ( !rc )
        rc = hvm_write_acpi_tables(d, acpi_gfn, false);
    if ( rc )
    {
        printk(KLOG_ERR "d0: PVH dom0 build failed (%d)%s%s\n", rc, err[0] ? ": " : "", err);
        goto out;
    }
    hvm_funcs->set_pvh_entry_state(d->vcpu[0], notes.phys32_entry, start_info);
    d->vcpu[0]->context_set = true;
    printk("d0: PVH dom0, %lu MiB in the host's RAM ranges, %u memory map entries "
           "(non-RAM below 4 GiB identity-mapped), kernel %#lx-%#lx, entry %#lx, "
           "ACPI tables at %#lx (%u vCPUs)\n", nr_pages >> 8, m->n,
           (unsigned long)img.pstart, (unsigned long)img.pend,
           (unsigned long)notes.phys32_entry, (unsigned long)(acpi_gfn << PAGE_SHIFT),
           d->max_vcpus);
 out:
    xfree(m);
    return rc;
}

int pvh_domu_build(struct domain *d, const struct boot_module *kernel,
                   const struct boot_module *initrd, uint64_t mem_bytes,
                   const char *cmdline, uint64_t *store_gfn, uint64_t *console_gfn)
{
    unsigned long nr_pages = mem_bytes >> PAGE_SHIFT;
    int rc;

    if ( nr_pages < 16 )
        return -ENOMEM;
    rc = build_pvh(d, kernel, initrd, nr_pages, 3, cmdline);   /* ACPI, store, console */
    if ( rc )
        return rc;
    *store_gfn = nr_pages - 2;
    *console_gfn = nr_pages - 1;
    return 0;
}
