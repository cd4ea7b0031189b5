/*
 * Multiboot1 and multiboot2 information, turned into struct boot_info.
 * The loader's structures are read through the boot direct map (first
 * 4 GiB), every length bounded by what the structure itself declares.
 */
#include <keel/lib.h>
#include <keel/bootinfo.h>
#include <keel/printk.h>
#include <asm/page.h>
#include <public/errno.h>

#define MB1_BOOT_MAGIC  0x2badb002
#define MB2_BOOT_MAGIC  0x36d76289

#define MB1_FLAG_CMDLINE  (1u << 2)
#define MB1_FLAG_MODS     (1u << 3)
#define MB1_FLAG_MMAP     (1u << 6)
#define MB1_FLAG_LOADER   (1u << 9)

#define MB2_TAG_END        0
#define MB2_TAG_CMDLINE    1
#define MB2_TAG_LOADER     2
#define MB2_TAG_MODULE     3
#define MB2_TAG_MMAP       6
#define MB2_TAG_ACPI_OLD  14
#define MB2_TAG_ACPI_NEW  15

/* Everything the loader gives is below 4 GiB, which the boot map covers. */
static const void *boot_ptr(paddr_t pa)
{
    return pa && pa < BOOT_MAPPED_BYTES ? maddr_to_virt(pa) : NULL;
}

static void copy_string(char *dst, size_t size, paddr_t pa, size_t limit)
{
    const char *src = boot_ptr(pa);
    size_t n = 0;

    if ( !src )
    {
        dst[0] = '\0';
        return;
    }
    while ( n + 1 < size && n < limit && src[n] )
    {
        dst[n] = src[n];
        n++;
    }
    dst[n] = '\0';
}

static void add_memrange(struct boot_info *bi, uint64_t addr, uint64_t size,
                         uint32_t type)
{
    if ( bi->nr_memmap == BOOT_MAX_MEMMAP || size == 0 )
        return;
    bi->memmap[bi->nr_memmap++] = (struct boot_memrange){ addr, size, type };
}

static void add_module(struct boot_info *bi, uint32_t start, uint32_t end,
                       paddr_t cmdline_pa, size_t cmdline_limit)
{
    struct boot_module *m;

    if ( bi->nr_modules == BOOT_MAX_MODULES || end < start )
        return;
    m = &bi->modules[bi->nr_modules++];
    m->start = start;
    m->size = end - start;
    copy_string(m->cmdline, sizeof(m->cmdline), cmdline_pa, cmdline_limit);
}

/*
 * Multiboot1 loaders (QEMU, GRUB) put the image's path first on the command
 * line; options never contain '/', so such a first word is dropped.
 */
static void drop_image_name(char *cmdline)
{
    char *p = cmdline, *end;
    bool has_slash = false;

    while ( *p == ' ' )
        p++;
    for ( end = p; *end && *end != ' '; end++ )
        has_slash |= *end == '/';
    if ( !has_slash )
        return;
    while ( *end == ' ' )
        end++;
    memmove(cmdline, end, strlen(end) + 1);
}

static int parse_mb1(paddr_t info_pa, struct boot_info *bi)
{
    const uint32_t *mbi = boot_ptr(info_pa);
    uint32_t flags;

    if ( !mbi )
        return -EINVAL;
    flags = mbi[0];
    bi->protocol = "multiboot1";
    if ( flags & MB1_FLAG_CMDLINE )
    {
        copy_string(bi->cmdline, sizeof(bi->cmdline), mbi[4], SIZE_MAX);
        drop_image_name(bi->cmdline);
    }
    if ( flags & MB1_FLAG_LOADER )
        copy_string(bi->loader, sizeof(bi->loader), mbi[16], SIZE_MAX);
    if ( flags & MB1_FLAG_MODS )
    {
        const uint32_t *mod = boot_ptr(mbi[6]);

        for ( uint32_t i = 0; mod && i < mbi[5] && i < BOOT_MAX_MODULES; i++ )
            add_module(bi, mod[i * 4], mod[i * 4 + 1], mod[i * 4 + 2], SIZE_MAX);
    }
    if ( flags & MB1_FLAG_MMAP )
    {
        const uint8_t *p = boot_ptr(mbi[12]);
        const uint8_t *end = p + mbi[11];

        /* Each entry: u32 size (not counting itself), u64 addr, u64 len, u32 type. */
        while ( p && p + 24 <= end )
        {
            uint32_t size;
            uint64_t addr, len;
            uint32_t type;

            memcpy(&size, p, 4);
            memcpy(&addr, p + 4, 8);
            memcpy(&len, p + 12, 8);
            memcpy(&type, p + 20, 4);
            add_memrange(bi, addr, len, type);
            if ( size < 20 )
                break;
            p += size + 4;
        }
    }
    return 0;
}

static void parse_mb2_mmap(const uint8_t *tag, uint32_t tag_size,
                           struct boot_info *bi)
{
    uint32_t entry_size;

    memcpy(&entry_size, tag + 8, 4);
    if ( entry_size < 24 )
        return;
    /* Header: type, size, entry_size, entry_version; then the entries. */
    for ( uint32_t off = 16; off + 24 <= tag_size; off += entry_size )
    {
        uint64_t addr, len;
        uint32_t type;

        memcpy(&addr, tag + off, 8);
        memcpy(&len, tag + off + 8, 8);
        memcpy(&type, tag + off + 16, 4);
        add_memrange(bi, addr, len, type);
    }
}

static void parse_mb2_tag(paddr_t tag_pa, const uint8_t *tag, uint32_t type,
                          uint32_t size, struct boot_info *bi)
{
    uint32_t start, end;

    switch ( type )
    {
    case MB2_TAG_CMDLINE:
        copy_string(bi->cmdline, sizeof(bi->cmdline), tag_pa + 8, size - 8);
        break;
    case MB2_TAG_LOADER:
        copy_string(bi->loader, sizeof(bi->loader), tag_pa + 8, size - 8);
        break;
    case MB2_TAG_MODULE:
        if ( size < 16 )
            break;
        memcpy(&start, tag + 8, 4);
        memcpy(&end, tag + 12, 4);
        add_module(bi, start, end, tag_pa + 16, size - 16);
        break;
    case MB2_TAG_MMAP:
        if ( size >= 16 )
            parse_mb2_mmap(tag, size, bi);
        break;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        /* Prefer the ACPI 2.0 copy; take the 1.0 one only if nothing else. */
        if ( size > 8 && (type == MB2_TAG_ACPI_NEW || !bi->have_rsdp) )
        {
            memset(bi->rsdp, 0, sizeof(bi->rsdp));
            memcpy(bi->rsdp, tag + 8, min((size_t)size - 8, sizeof(bi->rsdp)));
            bi->have_rsdp = true;
        }
        break;
    }
}

static int parse_mb2(paddr_t info_pa, struct boot_info *bi)
{
    const uint8_t *mbi = boot_ptr(info_pa);
    uint32_t total, off = 8;

    if ( !mbi )
        return -EINVAL;
    memcpy(&total, mbi, 4);
    if ( total < 16 || total > 1024 * 1024 )
        return -EINVAL;
    bi->protocol = "multiboot2";
    while ( off + 8 <= total )
    {
        uint32_t type, size;

        memcpy(&type, mbi + off, 4);
        memcpy(&size, mbi + off + 4, 4);
        if ( type == MB2_TAG_END || size < 8 || off + size > total )
            break;
        parse_mb2_tag(info_pa + off, mbi + off, type, size, bi);
        off += ROUNDUP(size, 8);
    }
    return 0;
}

int multiboot_parse(uint32_t magic, paddr_t info_pa, struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    if ( magic == MB2_BOOT_MAGIC )
        return parse_mb2(info_pa, bi);
    if ( magic == MB1_BOOT_MAGIC )
        return parse_mb1(info_pa, bi);
    return -EINVAL;
}
