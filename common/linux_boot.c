/*
 * The Linux/x86 boot protocol's data side (keel/linux_boot.h).  Offsets
 * are those of struct boot_params and its setup header (at 0x1f1) in the
 * protocol's documentation; every field the image provides is read with
 * a bound, since the image comes from whoever built the domain.
 */
#include <keel/lib.h>
#include <keel/linux_boot.h>
#include <public/errno.h>

/* struct boot_params */
#define BP_ACPI_RSDP      0x070
#define BP_EXT_RAMDISK    0x0c0          /* ext_ramdisk_image, ext_ramdisk_size */
#define BP_EXT_CMDLINE    0x0c8
#define BP_E820_ENTRIES   0x1e8
#define BP_SENTINEL       0x1ef
#define BP_HDR            0x1f1
#define BP_E820_TABLE     0x2d0
#define E820_ENTRY_SIZE   20

/* its setup header, at the same offsets in the image's first sectors */
#define HDR_SETUP_SECTS   0x1f1
#define HDR_BOOT_FLAG     0x1fe
#define HDR_JUMP          0x200          /* its second byte: the header's length - 0x202 */
#define HDR_MAGIC         0x202
#define HDR_VERSION       0x206
#define HDR_LOADER_TYPE   0x210
#define HDR_LOADFLAGS     0x211
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE  0x21c
#define HDR_HEAP_END      0x224
#define HDR_CMD_LINE_PTR  0x228
#define HDR_INITRD_MAX    0x22c
#define HDR_KERNEL_ALIGN  0x230
#define HDR_RELOCATABLE   0x234
#define HDR_XLOADFLAGS    0x236
#define HDR_CMDLINE_SIZE  0x238
#define HDR_PREF_ADDRESS  0x258
#define HDR_INIT_SIZE     0x260
#define HDR_END_MIN       0x264          /* through init_size: protocol 2.10 */

#define LOADED_HIGH       (1u << 0)
#define CAN_USE_HEAP      (1u << 7)
#define XLF_KERNEL_64     (1u << 0)
#define LOADER_UNDEFINED  0xff
#define MIN_VERSION       0x020c         /* 2.12: xloadflags, the 64-bit entry */

static uint16_t get16(const uint8_t *p) { return p[0] | (p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | ((uint32_t)get16(p + 2) << 16); }
static uint64_t get64(const uint8_t *p) { return get32(p) | ((uint64_t)get32(p + 4) << 32); }
static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

/* The setup header's end in the image: 0x202 plus the jump's displacement. */
static size_t header_end(const uint8_t *p)
{
    return HDR_MAGIC + p[HDR_JUMP + 1];
}

int linux_image_parse(const void *image, size_t size, struct linux_image *li,
                      char *err, size_t errlen)
{
    const uint8_t *p = image;
    size_t setup_sects;

    memset(li, 0, sizeof(*li));
    if ( size < HDR_END_MIN || memcmp(p + HDR_MAGIC, "HdrS", 4) ||
         get16(p + HDR_BOOT_FLAG) != 0xaa55 )
        return errf(err, errlen, -ENOEXEC, "not a bzImage");
    li->version = get16(p + HDR_VERSION);
    if ( li->version < MIN_VERSION )
        return errf(err, errlen, -EINVAL, "boot protocol %u.%02u: 2.12 or later needed "
                    "for the 64-bit entry", li->version >> 8, li->version & 0xff);
    if ( header_end(p) < HDR_END_MIN || header_end(p) > size )
        return errf(err, errlen, -EINVAL, "setup header ends at %#zx", header_end(p));
    if ( !(get16(p + HDR_XLOADFLAGS) & XLF_KERNEL_64) )
        return errf(err, errlen, -EINVAL, "no 64-bit entry (XLF_KERNEL_64 clear)");
    if ( !(p[HDR_LOADFLAGS] & LOADED_HIGH) )
        return errf(err, errlen, -EINVAL, "not a bzImage loaded high (zImage)");
    setup_sects = p[HDR_SETUP_SECTS] ?: 4;
    li->kernel_offset = (setup_sects + 1) * 512;
    if ( li->kernel_offset >= size )
        return errf(err, errlen, -EINVAL, "%zu setup sectors: no kernel in %zu bytes",
                    setup_sects, size);
    li->kernel_size = size - li->kernel_offset;
    li->pref_address = get64(p + HDR_PREF_ADDRESS);
    li->init_size = get32(p + HDR_INIT_SIZE);
    li->kernel_alignment = get32(p + HDR_KERNEL_ALIGN);
    li->initrd_addr_max = get32(p + HDR_INITRD_MAX);
    li->cmdline_size = get32(p + HDR_CMDLINE_SIZE);
    li->relocatable = p[HDR_RELOCATABLE];
    if ( li->init_size < li->kernel_size )
        return errf(err, errlen, -EINVAL, "init_size %#x is smaller than the kernel (%#zx)",
                    li->init_size, li->kernel_size);
    if ( li->pref_address & 0xfff || li->pref_address < 0x100000 ||
         li->pref_address + li->init_size > (1ULL << 32) )
        return errf(err, errlen, -EINVAL, "preferred load address %#lx (+%#x) is unusable",
                    (unsigned long)li->pref_address, li->init_size);
    return 0;
}

static int put_e820(uint8_t *zp, const struct linux_boot_args *a)
{
    if ( a->nr_map > LINUX_E820_MAX )
        return -EINVAL;
    for ( unsigned int i = 0; i < a->nr_map; i++ )
    {
        uint8_t *e = zp + BP_E820_TABLE + i * E820_ENTRY_SIZE;

        put64(e, a->map[i].addr);
        put64(e + 8, a->map[i].size);
        put32(e + 16, a->map[i].type);
    }
    zp[BP_E820_ENTRIES] = a->nr_map;
    return 0;
}

int linux_boot_params(uint8_t zp[LINUX_ZERO_PAGE_SIZE], const void *image,
                      const struct linux_boot_args *a)
{
    const uint8_t *p = image;
    size_t end = header_end(p);

    if ( a->cmdline >> 32 || (a->initrd + a->initrd_size) >> 32 )
        return -EINVAL;                   /* ext_* fields exist, but Keel keeps it low */
    memset(zp, 0, LINUX_ZERO_PAGE_SIZE);
    memcpy(zp + BP_HDR, p + BP_HDR, min(end, (size_t)LINUX_ZERO_PAGE_SIZE) - BP_HDR);
    zp[BP_SENTINEL] = 0;                  /* a careful loader: the rest is valid */
    zp[HDR_LOADER_TYPE] = LOADER_UNDEFINED;
    zp[HDR_LOADFLAGS] = (zp[HDR_LOADFLAGS] | LOADED_HIGH) & ~CAN_USE_HEAP;
    put16(zp + HDR_HEAP_END, 0);
    put32(zp + HDR_CMD_LINE_PTR, a->cmdline);
    put32(zp + HDR_RAMDISK_IMAGE, a->initrd_size ? a->initrd : 0);
    put32(zp + HDR_RAMDISK_SIZE, a->initrd_size);
    put64(zp + BP_ACPI_RSDP, a->rsdp);
    return put_e820(zp, a);
}
