/*
 * Finding the compressed ELF kernel inside a Linux bzImage (x86 boot
 * protocol, Linux's Documentation/arch/x86/boot.rst; xen-guest-abi.md
 * §1.1).  Decompression is the caller's business: this only says where
 * the payload is and which compressor made it.
 */
#include <keel/lib.h>
#include <keel/libelf.h>
#include <public/errno.h>

/* Setup header fields, at their offsets in the image. */
#define BZ_SETUP_SECTS      0x1f1   /* u8: 512-byte setup sectors, 0 means 4 */
#define BZ_BOOT_FLAG        0x1fe   /* u16: 0xaa55 */
#define BZ_HEADER           0x202   /* "HdrS" */
#define BZ_VERSION          0x206   /* u16: major << 8 | minor */
#define BZ_PAYLOAD_OFFSET   0x248   /* u32, from the end of the setup code */
#define BZ_PAYLOAD_LENGTH   0x24c   /* u32 */
#define BZ_HEADER_END       0x250

/* payload_offset and payload_length appeared in protocol 2.08. */
#define BZ_MIN_VERSION      0x0208

static const struct {
    enum bzimage_compression comp;
    const char *name;
    uint8_t len;
    uint8_t magic[6];
} compressors[] = {
    { BZIMAGE_GZIP,  "gzip",  2, { 0x1f, 0x8b } },
    { BZIMAGE_BZIP2, "bzip2", 3, { 'B', 'Z', 'h' } },
    { BZIMAGE_XZ,    "xz",    6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
    { BZIMAGE_LZMA,  "lzma",  3, { 0x5d, 0x00, 0x00 } },
    { BZIMAGE_LZO,   "lzo",   4, { 0x89, 'L', 'Z', 'O' } },
    { BZIMAGE_LZ4,   "lz4",   4, { 0x02, 0x21, 0x4c, 0x18 } },
    { BZIMAGE_ZSTD,  "zstd",  4, { 0x28, 0xb5, 0x2f, 0xfd } },
};

const char *bzimage_compression_name(enum bzimage_compression comp)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(compressors); i++ )
        if ( compressors[i].comp == comp )
            return compressors[i].name;

    return "unknown";
}

static enum bzimage_compression identify(const uint8_t *p, size_t len)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(compressors); i++ )
        if ( len >= compressors[i].len &&
             !memcmp(p, compressors[i].magic, compressors[i].len) )
            return compressors[i].comp;

    return BZIMAGE_UNKNOWN;
}

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));

    return v;
}

static uint16_t get_u16(const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, sizeof(v));

    return v;
}

int bzimage_parse(const void *image, size_t size, struct bzimage *bz,
                  char *err, size_t errlen)
{
    const uint8_t *p = image;
    uint64_t setup_sects, off, len;

    memset(bz, 0, sizeof(*bz));

    if ( size < BZ_HEADER_END || memcmp(p + BZ_HEADER, "HdrS", 4) ||
         get_u16(p + BZ_BOOT_FLAG) != 0xaa55 )
        return errf(err, errlen, -ENOEXEC, "not a bzImage");

    bz->version = get_u16(p + BZ_VERSION);
    if ( bz->version < BZ_MIN_VERSION )
        return errf(err, errlen, -EINVAL,
                        "bzImage boot protocol %u.%02u is older than 2.08",
                        bz->version >> 8, bz->version & 0xff);

    setup_sects = p[BZ_SETUP_SECTS] ?: 4;
    off = (setup_sects + 1) * 512 + get_u32(p + BZ_PAYLOAD_OFFSET);
    len = get_u32(p + BZ_PAYLOAD_LENGTH);
    if ( off > size || len > size - off || !len )
        return errf(err, errlen, -EINVAL,
                        "bzImage payload 0x%lx+0x%lx is empty or beyond image size 0x%zx",
                        off, len, size);

    bz->payload = p + off;
    bz->payload_size = len;
    bz->compression = identify(bz->payload, len);

    return 0;
}
