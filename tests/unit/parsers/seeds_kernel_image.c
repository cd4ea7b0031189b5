/*
 * Seeds for fuzz_kernel_image: the libelf tests' Linux-like ELF as is, and
 * inside bzImages with a gzip or xz payload (Debian's reference encoders),
 * an unsupported compressor and a size trailer that lies.
 */
#include "seeds.h"
#include "../decompress/gen.h"
#include "../libelf/builder.h"

#include <stdlib.h>
#include <string.h>

#define SETUP_BYTES 1024

const char *const seed_tokens[] = {
    "HdrS", "\x7f" "ELF", "\x1f\x8b\x08", "\xfd" "7zXZ", "\x5d\x00\x00",
    "\x55\xaa", "\xff\xff\xff\xff", "\x00\x00\x00\x00", "\x00\x00\x00\x20",
    "\x0f\x02", "\x07\x02", "\x01",
};
const unsigned int seed_nr_tokens = sizeof(seed_tokens) / sizeof(seed_tokens[0]);

/* A bzImage (boot protocol 2.15, one setup sector) around a payload. */
static uint8_t *wrap(const uint8_t *payload, size_t len, size_t *size)
{
    uint8_t *img = calloc(1, SETUP_BYTES + len);

    img[0x1f1] = 1;                         /* setup_sects */
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = 0x0f;
    img[0x207] = 0x02;
    wr32(img + 0x248, 0);                   /* payload_offset */
    wr32(img + 0x24c, len);                 /* payload_length */
    memcpy(img + SETUP_BYTES, payload, len);
    *size = SETUP_BYTES + len;

    return img;
}

/*
 * The payload as Linux builds it: an xz stream, then the size (LE32); a
 * gzip file ends with the size already (ISIZE).  claimed replaces it.
 */
static uint8_t *compressed(const struct timage *t, unsigned int kind,
                           uint32_t claimed, size_t *len)
{
    uint8_t *c, *p;
    size_t clen;

    if ( kind == 0 )
    {
        struct gz_opts o = { .level = 9, .window_bits = 15, .mem_level = 8 };

        c = gz_encode(t->buf, t->size, &o, &clen);
    }
    else
    {
        struct xz_opts o = { .preset = 6, .lc = -1, .lp = -1, .pb = -1,
                             .check = LZMA_CHECK_CRC32, .x86 = true };

        c = xz_encode(t->buf, t->size, &o, &clen);
    }
    if ( kind == 0 )
    {
        wr32(c + clen - 4, claimed);
        *len = clen;
        return c;
    }
    p = malloc(clen + 4);
    memcpy(p, c, clen);
    wr32(p + clen, claimed);
    free(c);
    *len = clen + 4;

    return p;
}

uint8_t *seed_make(unsigned int i, size_t *size)
{
    static struct timage t;
    uint8_t *p, *img;
    size_t len;

    if ( i > 5 )
        return NULL;
    tb_linux(&t);
    tb_build(&t);
    if ( i == 0 )
    {
        img = malloc(t.size);
        memcpy(img, t.buf, t.size);
        *size = t.size;
        return img;
    }
    p = compressed(&t, i % 2, i == 3 ? t.size / 2 : i == 4 ? 0xffffffff : t.size,
                   &len);
    if ( i == 5 )
        memcpy(p, "\x5d\x00\x00", 3);       /* lzma: refused */
    img = wrap(p, len, size);
    free(p);

    return img;
}

void seed_hot_range(size_t *start, size_t *end)
{
    *start = 0x1f0;
    *end = SETUP_BYTES + 32;
}
