/*
 * Host tests of common/decompress: Keel's xz and gzip decoders against
 * Debian's liblzma and zlib, and against hostile input.  `test_decompress
 * <group>` runs one group and exits non-zero when a check failed; the
 * Makefile prints PASS/FAIL.  The "kernel" group decodes a real Debian
 * vmlinuz (KEEL_VMLINUZ, else ext/linux/vmlinuz) and exits 77 (SKIP)
 * when there is none.
 *
 * Every decode gets its input and its output in heap blocks of exactly
 * their size, and a state full of garbage, so that ASan sees any access
 * outside them and no result depends on the state's previous contents.
 */
#include <keel/decompress.h>
#include <keel/libelf.h>
#include <public/errno.h>
#include "gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define ERRLEN 160

static int checks, failures;
static char err[ERRLEN];
static struct decompress_state *st;

static bool check(bool ok, const char *what, const char *file, int line)
{
    checks++;
    if ( !ok )
    {
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
        failures++;
    }

    return ok;
}

#define CHECK(c)    check(!!(c), #c, __FILE__, __LINE__)

/* rc must be want and err must contain msg (when msg is not NULL). */
static bool check_rc(int rc, int want, const char *msg, const char *what,
                     const char *file, int line)
{
    bool ok = rc == want && (!msg || strstr(err, msg));

    if ( !ok )
        fprintf(stderr, "  got %d \"%s\", want %d \"...%s...\"\n", rc, err,
                want, msg ? msg : "");

    return check(ok, what, file, line);
}

#define CHECK_RC(expr, want, msg) \
    check_rc((expr), (want), (msg), #expr, __FILE__, __LINE__)

enum dec { DEC_XZ, DEC_GZ, DEC_PAYLOAD_XZ, DEC_PAYLOAD_GZ };

static const char *dec_prefix(enum dec d)
{
    return d == DEC_XZ ? "xz: " : d == DEC_GZ ? "gzip: " : "";
}

/*
 * Decode in with an output buffer of out_max bytes; returns the decoder's
 * result, the output (malloc'd, for the caller to free) in *outp when
 * outp, its length in *out_len.  Also checks the error message promise.
 */
static int decode(enum dec d, const uint8_t *in, size_t in_len,
                  size_t out_max, uint8_t **outp, size_t *out_len)
{
    uint8_t *ic = malloc(in_len + !in_len);
    uint8_t *out = malloc(out_max + !out_max);
    size_t len = 0x5a5a5a5a;
    int rc;

    memcpy(ic, in, in_len);
    memset(st, 0xa5, sizeof(*st));
    memset(err, 'x', sizeof(err) - 1);
    err[sizeof(err) - 1] = '\0';
    switch ( d )
    {
    case DEC_XZ:
        rc = xz_decode(ic, in_len, out, out_max, &len, &st->xz, err, ERRLEN);
        break;
    case DEC_GZ:
        rc = gunzip(ic, in_len, out, out_max, &len, &st->gz, err, ERRLEN);
        break;
    case DEC_PAYLOAD_XZ:
        rc = decompress_payload(BZIMAGE_XZ, ic, in_len, out, out_max, &len,
                                st, err, ERRLEN);
        break;
    default:
        rc = decompress_payload(BZIMAGE_GZIP, ic, in_len, out, out_max, &len,
                                st, err, ERRLEN);
        break;
    }
    free(ic);

    CHECK(len <= out_max);
    if ( rc )
    {
        bool ok = (rc == -EINVAL || rc == -ENOSPC || rc == -EOPNOTSUPP) &&
                  err[0] && strlen(err) < ERRLEN - 1 && !strchr(err, '\n') &&
                  !strncmp(err, dec_prefix(d), strlen(dec_prefix(d)));

        if ( !ok )
            fprintf(stderr, "  bad failure: %d \"%s\"\n", rc, err);
        CHECK(ok);
    }
    else
        CHECK(!strchr(err, '\n'));
    if ( out_len )
        *out_len = len;
    if ( outp )
        *outp = out;
    else
        free(out);

    return rc;
}

/* out must be exactly [data, data + len) and rc 0. */
static bool same(int rc, const uint8_t *out, size_t out_len,
                 const uint8_t *data, size_t len)
{
    if ( rc )
        fprintf(stderr, "  rc %d: %s\n", rc, err);
    else if ( out_len != len )
        fprintf(stderr, "  %zu bytes, want %zu\n", out_len, len);
    else if ( memcmp(out, data, len) )
        fprintf(stderr, "  output differs\n");

    return !rc && out_len == len && !memcmp(out, data, len);
}

static const lzma_check xz_checks[] = {
    LZMA_CHECK_NONE, LZMA_CHECK_CRC32, LZMA_CHECK_CRC64,
};

static struct xz_opts xz_default(void)
{
    return (struct xz_opts){
        .preset = 6, .lc = -1, .lp = -1, .pb = -1,
        .check = LZMA_CHECK_CRC32,
    };
}

/*
 * Compress data with o, decode it, compare; with short, also decode into
 * a buffer one byte short, which must fail without writing past it.
 */
static void xz_roundtrip(const uint8_t *data, size_t len,
                         const struct xz_opts *o, bool short_buf,
                         const char *what)
{
    size_t clen, olen;
    uint8_t *c = xz_encode(data, len, o, &clen), *out;
    int rc;

    rc = decode(DEC_XZ, c, clen, len, &out, &olen);
    if ( !CHECK(same(rc, out, olen, data, len)) )
        fprintf(stderr, "  in %s: %zu bytes, preset %u, check %d, x86 %d, blocks %zu\n",
                what, len, o->preset, o->check, o->x86, o->block_size);
    free(out);
    if ( short_buf && len )
    {
        rc = decode(DEC_XZ, c, clen, len - 1, NULL, &olen);
        if ( !CHECK(rc == -ENOSPC && olen <= len - 1) )
            fprintf(stderr, "  in %s: a byte short gave %d (%s)\n", what,
                    rc, err);
    }
    free(c);
}

static const size_t small_sizes[] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 100, 255, 256, 1000, 4095,
    4096, 65535, 65536, 65537, 100000, 262144,
};

/* Every data kind at many sizes, presets and checks. */
static void test_xz_kinds(void)
{
    unsigned int n = 0;

    for ( enum data_kind k = 0; k < D_NR; k++ )
        for ( unsigned int i = 0; i < sizeof(small_sizes) / sizeof(small_sizes[0]); i++ )
        {
            size_t len = small_sizes[i];
            uint8_t *data = gen_alloc(len, k);
            struct xz_opts o = xz_default();

            o.preset = (n % 4) * 2;         /* 0, 2, 4, 6 */
            /*
             * A dictionary no bigger than the data, mostly: a preset's
             * full one costs the encoder more time than the test.
             */
            if ( n % 3 )
                o.dict = len < 4096 ? 4096 : len;
            o.check = xz_checks[n % 3];
            o.x86 = k == D_X86 || k == D_SELF || (k == D_BYTES && n % 2);
            if ( n % 5 == 4 && len )
                o.block_size = 1 + rnd() % len;
            xz_roundtrip(data, len, &o, true, data_kind_name(k));
            free(data);
            n++;
        }
}

/* Presets 0-9, normal and extreme, on text and code. */
static void test_xz_presets(void)
{
    uint8_t *text = gen_alloc(200000, D_TEXT);
    uint8_t *code = gen_alloc(200000, D_SELF);

    for ( uint32_t p = 0; p <= 9; p++ )
        for ( unsigned int e = 0; e < 2; e++ )
        {
            struct xz_opts o = xz_default();

            o.preset = p | (e ? LZMA_PRESET_EXTREME : 0);
            /* Presets 7-9 only grow the dictionary; keep memory sane. */
            if ( p >= 7 )
                o.dict = 8 << 20;
            o.check = xz_checks[p % 3];
            xz_roundtrip(p % 2 ? text : code, 200000, &o, p == 6,
                         "presets");
            if ( e )
                continue;
            o.x86 = true;
            xz_roundtrip(code, 200000, &o, false, "presets x86");
        }
    free(text);
    free(code);
}

/* Every lc/lp/pb LZMA2 allows (lc + lp <= 4, pb <= 4). */
static void test_xz_lclppb(void)
{
    uint8_t *data = gen_alloc(40000, D_TEXT);
    uint8_t *code = gen_alloc(40000, D_X86);

    for ( int lc = 0; lc <= 4; lc++ )
        for ( int lp = 0; lc + lp <= 4; lp++ )
            for ( int pb = 0; pb <= 4; pb++ )
            {
                struct xz_opts o = xz_default();

                o.preset = 1 + (lc + lp + pb) % 6;
                o.lc = lc;
                o.lp = lp;
                o.pb = pb;
                xz_roundtrip((lc + pb) % 2 ? data : code, 40000, &o, false,
                             "lc/lp/pb");
            }
    free(data);
    free(code);
}

/* Dictionary sizes, including the 3 * 2^n ones, smaller than the data. */
static void test_xz_dict(void)
{
    static const uint32_t dicts[] = {
        4096, 6144, 8192, 12288, 65536, 98304, 1 << 20, 3 << 19, 1 << 22,
        1000000,
    };
    uint8_t *data = gen_alloc(600000, D_TEXT);

    for ( unsigned int i = 0; i < sizeof(dicts) / sizeof(dicts[0]); i++ )
    {
        struct xz_opts o = xz_default();

        o.preset = i % 2 ? 6 : 3;
        o.dict = dicts[i];
        xz_roundtrip(data, 600000, &o, false, "dict");
    }
    free(data);
}

/* Multi-block streams: blocks restart LZMA2, BCJ and the check. */
static void test_xz_blocks(void)
{
    static const size_t blocks[] = { 1, 7, 1000, 65536, 1 << 20 };
    uint8_t *data = gen_alloc(1500000, D_SELF);

    for ( unsigned int i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++ )
    {
        struct xz_opts o = xz_default();
        size_t len = blocks[i] < 10 ? 20000 : 1500000;

        o.preset = 1 + i;
        o.block_size = blocks[i];
        o.check = xz_checks[i % 3];
        o.x86 = i % 2;
        o.x86_start = i * 0x1000;
        xz_roundtrip(data, len, &o, i == 2, "blocks");
        /* The threaded encoder's blocks record their sizes. */
        o.mt = true;
        xz_roundtrip(data, len, &o, i == 3, "blocks mt");
    }
    free(data);
}

/* Sizes of a kernel's order, and the data that stress LZMA2's chunks. */
static void test_xz_large(void)
{
    struct xz_opts o = xz_default();
    uint8_t *data = gen_alloc(3 << 20, D_SELF);

    /* Debian's: xz --check=crc32 --x86 --lzma2=dict=... */
    o.x86 = true;
    o.dict = 1 << 20;
    xz_roundtrip(data, 3 << 20, &o, true, "kernel-like");
    free(data);

    data = gen_alloc(5 << 20, D_ZEROS);
    o = xz_default();
    xz_roundtrip(data, 5 << 20, &o, true, "zeros");
    free(data);

    /* Incompressible: stored chunks (control 1 and 2). */
    data = gen_alloc(2 << 20, D_RANDOM);
    o.preset = 0;
    o.check = LZMA_CHECK_CRC64;
    xz_roundtrip(data, 2 << 20, &o, true, "random");
    free(data);

    /* Mixed: stored and LZMA chunks in one block. */
    data = gen_alloc(1 << 20, D_TEXT);
    gen_data(data + 300000, 200000, D_RANDOM);
    gen_data(data + 700000, 200000, D_REPEAT);
    o.preset = 6;
    xz_roundtrip(data, 1 << 20, &o, false, "mixed");
    free(data);
}

/* Concatenated streams, with stream padding between and after. */
static void test_xz_streams(void)
{
    uint8_t *a = gen_alloc(50000, D_TEXT), *b = gen_alloc(30000, D_X86);
    uint8_t *both = malloc(80000), *cat, *out;
    struct xz_opts oa = xz_default(), ob = xz_default();
    size_t la, lb, lcat, olen;
    uint8_t *ca, *cb;
    int rc;

    oa.check = LZMA_CHECK_CRC64;
    ob.check = LZMA_CHECK_NONE;
    ob.x86 = true;
    ob.block_size = 7000;
    ca = xz_encode(a, 50000, &oa, &la);
    cb = xz_encode(b, 30000, &ob, &lb);
    memcpy(both, a, 50000);
    memcpy(both + 50000, b, 30000);
    cat = malloc(la + lb + 32);

    for ( unsigned int pad = 0; pad <= 12; pad++ )
    {
        bool ok = pad % 4 == 0;

        memcpy(cat, ca, la);
        memset(cat + la, 0, pad);
        memcpy(cat + la + pad, cb, lb);
        lcat = la + pad + lb;
        rc = decode(DEC_XZ, cat, lcat, 80000, &out, &olen);
        if ( ok )
            CHECK(same(rc, out, olen, both, 80000));
        else
            CHECK_RC(rc, -EINVAL, "stream padding");
        free(out);

        /* Padding after the last stream. */
        memset(cat + lcat, 0, pad);
        rc = decode(DEC_XZ, cat, lcat + pad, 80000, &out, &olen);
        if ( ok )
            CHECK(same(rc, out, olen, both, 80000));
        else
            CHECK_RC(rc, -EINVAL, "stream padding");
        free(out);
    }
    /* Padding first is not a stream. */
    memset(cat, 0, 4);
    memcpy(cat + 4, ca, la);
    CHECK_RC(decode(DEC_XZ, cat, la + 4, 80000, NULL, NULL), -EINVAL,
             "not an xz file");
    /* Nor is anything else after one. */
    memcpy(cat, ca, la);
    memcpy(cat + la, "\0\0\0\0junk", 8);
    CHECK_RC(decode(DEC_XZ, cat, la + 8, 80000, NULL, NULL), -EINVAL,
             "neither padding nor a stream");
    /* An empty file holds no stream. */
    CHECK_RC(decode(DEC_XZ, cat, 0, 80000, NULL, NULL), -EINVAL, "empty");
    free(a);
    free(b);
    free(both);
    free(ca);
    free(cb);
    free(cat);
}

/* The x86 BCJ corners: many tiny blocks, each with a fresh filter. */
static void test_xz_bcj(void)
{
    static const uint32_t starts[] = {
        0, 1, 5, 0x1000, 0x7ffffffb, 0xfffffff0, 0xffffffff,
    };
    uint8_t *data = malloc(400000);

    for ( unsigned int i = 0; i < sizeof(starts) / sizeof(starts[0]); i++ )
    {
        struct xz_opts o = xz_default();

        gen_data(data, 400000, i % 2 ? D_BYTES : D_X86);
        o.preset = 0;
        o.check = LZMA_CHECK_CRC32;
        o.x86 = true;
        o.x86_start = starts[i];
        /* Blocks of 1..24 bytes: every short-buffer edge of the filter. */
        o.block_size = 24;
        o.random_blocks = true;
        xz_roundtrip(data, 60000, &o, false, "bcj tiny blocks");
        /* One block: the filter's state across the whole buffer. */
        o.block_size = 0;
        o.random_blocks = false;
        xz_roundtrip(data, 400000, &o, false, "bcj one block");
    }
    free(data);
}

static void group_xz(void)
{
    test_xz_kinds();
    test_xz_presets();
    test_xz_lclppb();
    test_xz_dict();
    test_xz_streams();
}

static void group_xz_large(void)
{
    test_xz_blocks();
    test_xz_large();
    test_xz_bcj();
}

/* Offsets into a one-block stream from lzma_stream_buffer_encode. */
struct xz_layout {
    size_t block;           /* block header */
    size_t bhsize;
    size_t data;            /* compressed data */
    size_t csize;
    size_t index;
    size_t index_size;
    size_t footer;
};

static void xz_layout(const uint8_t *c, size_t len, struct xz_layout *l)
{
    size_t p;
    uint64_t v = 0;

    l->block = 12;
    l->bhsize = (c[12] + 1) * 4;
    l->data = l->block + l->bhsize;
    /* The buffer encoder records the compressed size first. */
    p = 14;
    for ( unsigned int s = 0; ; s += 7 )
    {
        v |= (uint64_t)(c[p] & 0x7f) << s;
        if ( !(c[p++] & 0x80) )
            break;
    }
    l->csize = v;
    l->footer = len - 12;
    l->index_size = (rd32(c + len - 8) + 1) * 4;
    l->index = l->footer - l->index_size;
}

static void fix_stream_header(uint8_t *c)
{
    wr32(c + 8, lzma_crc32(c + 6, 2, 0));
}

static void fix_block_header(uint8_t *c, const struct xz_layout *l)
{
    wr32(c + l->block + l->bhsize - 4,
         lzma_crc32(c + l->block, l->bhsize - 4, 0));
}

static void fix_index(uint8_t *c, const struct xz_layout *l)
{
    wr32(c + l->footer - 4,
         lzma_crc32(c + l->index, l->index_size - 4, 0));
}

static void fix_footer(uint8_t *c, const struct xz_layout *l)
{
    wr32(c + l->footer, lzma_crc32(c + l->footer + 4, 6, 0));
}

/* A stream to edit: a copy of ref, decoded with out_max after edit(). */
struct xz_case {
    const char *what;
    void (*edit)(uint8_t *c, size_t *len, const struct xz_layout *l);
    int rc;
    const char *msg;
};

static void e_magic(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len, (void)l;
    c[3] ^= 1;
}

static void e_header_crc(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len, (void)l;
    c[9] ^= 0x10;
}

static void e_flags_reserved(uint8_t *c, size_t *len,
                             const struct xz_layout *l)
{
    (void)len, (void)l;
    c[6] = 1;
    fix_stream_header(c);
}

static void e_check_type(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len, (void)l;
    c[7] = 2;
    fix_stream_header(c);
}

static void e_check_reserved(uint8_t *c, size_t *len,
                             const struct xz_layout *l)
{
    (void)len, (void)l;
    c[7] |= 0x10;
    fix_stream_header(c);
}

static void e_bh_crc(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->block + l->bhsize - 1] ^= 0x80;
}

static void e_bh_reserved(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->block + 1] |= 0x08;
    fix_block_header(c, l);
}

static void e_bh_padding(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->block + l->bhsize - 5] = 1;
    fix_block_header(c, l);
}

static void e_bh_size(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->block] = 0xff;
}

static void e_bh_two_filters(uint8_t *c, size_t *len,
                             const struct xz_layout *l)
{
    (void)len;
    c[l->block + 1] |= 1;
    fix_block_header(c, l);
}

/* The LZMA2 properties byte is the header's last before padding. */
static size_t bh_dict_byte(const uint8_t *c, const struct xz_layout *l)
{
    size_t p = l->block + l->bhsize - 5;

    while ( !c[p] )
        p--;

    return p;
}

static void e_bh_dict(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[bh_dict_byte(c, l)] = 41;
    fix_block_header(c, l);
}

/* The sizes in the header: 2-byte numbers in the 1000-byte stream. */
static void e_bh_csize_more(uint8_t *c, size_t *len,
                            const struct xz_layout *l)
{
    (void)len;
    c[l->block + 2]++;
    fix_block_header(c, l);
}

static void e_bh_csize_less(uint8_t *c, size_t *len,
                            const struct xz_layout *l)
{
    (void)len;
    c[l->block + 2]--;
    fix_block_header(c, l);
}

static void e_bh_usize_more(uint8_t *c, size_t *len,
                            const struct xz_layout *l)
{
    (void)len;
    c[l->block + 4]++;
    fix_block_header(c, l);
}

static void e_bh_usize_huge(uint8_t *c, size_t *len,
                            const struct xz_layout *l)
{
    (void)len;
    c[l->block + 5] = 0x7f;
    fix_block_header(c, l);
}

static void e_block_padding(uint8_t *c, size_t *len,
                            const struct xz_layout *l)
{
    (void)len;
    c[l->data + l->csize] = 1;
}

static void e_check_value(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->index - 1] ^= 1;
}

static void e_index_count(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->index + 1] = 2;
    fix_index(c, l);
}

static void e_index_unpadded(uint8_t *c, size_t *len,
                             const struct xz_layout *l)
{
    (void)len;
    c[l->index + 2]++;
    fix_index(c, l);
}

static void e_index_crc(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->footer - 2] ^= 4;
}

static void e_index_indicator(uint8_t *c, size_t *len,
                              const struct xz_layout *l)
{
    (void)len;
    /* A block header of size 4 * (0x40 + 1) where the index was. */
    c[l->index] = 0x40;
}

static void e_footer_backward(uint8_t *c, size_t *len,
                              const struct xz_layout *l)
{
    (void)len;
    c[l->footer + 4]++;
    fix_footer(c, l);
}

static void e_footer_flags(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->footer + 9] ^= 5;
    fix_footer(c, l);
}

static void e_footer_magic(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->footer + 11] = 'Y';
}

static void e_footer_crc(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)len;
    c[l->footer] ^= 1;
}

static void e_trailing(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    (void)l;
    memcpy(c + *len, "\0\0\0\0junk", 8);
    *len += 8;
}

/* Replace the index with one of given records; fix the footer. */
static void set_index(uint8_t *c, size_t *len, const struct xz_layout *l,
                      uint64_t count, const uint64_t *recs, unsigned int n)
{
    uint8_t *p = c + l->index, *start = p, footer[12];
    struct xz_layout nl = *l;

    memcpy(footer, c + l->footer, 12);
    *p++ = 0;
    for ( uint64_t v = count; ; v >>= 7 )
    {
        *p++ = (v & 0x7f) | (v >= 0x80 ? 0x80 : 0);
        if ( v < 0x80 )
            break;
    }
    for ( unsigned int i = 0; i < n; i++ )
        for ( uint64_t v = recs[i]; ; v >>= 7 )
        {
            *p++ = (v & 0x7f) | (v >= 0x80 ? 0x80 : 0);
            if ( v < 0x80 )
                break;
        }
    while ( (p - start) % 4 )
        *p++ = 0;
    wr32(p, lzma_crc32(start, p - start, 0));
    p += 4;
    nl.index_size = p - start;
    nl.footer = p - c;
    memcpy(p, footer, 12);
    wr32(p + 4, nl.index_size / 4 - 1);
    fix_footer(c, &nl);
    *len = nl.footer + 12;
}

static void e_index_absurd(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    uint64_t recs[2] = { 0x7fffffffffffffffULL, 0x7fffffffffffffffULL };

    set_index(c, len, l, 1, recs, 2);
}

static void e_index_huge_count(uint8_t *c, size_t *len,
                               const struct xz_layout *l)
{
    set_index(c, len, l, 1ULL << 40, NULL, 0);
}

static void e_index_empty(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    set_index(c, len, l, 0, NULL, 0);
}

static void e_index_usize(uint8_t *c, size_t *len, const struct xz_layout *l)
{
    uint64_t recs[2] = { l->bhsize + l->csize + 4, 1001 };

    set_index(c, len, l, 1, recs, 2);
}

static void e_index_bad_vli(uint8_t *c, size_t *len,
                            const struct xz_layout *l)
{
    (void)len;
    /* 0x80 0x00 is a non-minimal encoding of 0. */
    c[l->index + 1] = 0x81;
    c[l->index + 2] = 0x00;
    fix_index(c, l);
}

static const struct xz_case xz_cases[] = {
    { "magic", e_magic, -EINVAL, "not an xz file" },
    { "header crc", e_header_crc, -EINVAL, "stream header at 0x0: CRC32" },
    { "reserved flags", e_flags_reserved, -EOPNOTSUPP, "reserved flags" },
    { "check type 2", e_check_type, -EOPNOTSUPP, "check type 2 not supported" },
    { "check reserved", e_check_reserved, -EOPNOTSUPP, "reserved flags" },
    { "block header crc", e_bh_crc, -EINVAL, "block header at 0xc: CRC32" },
    { "block reserved", e_bh_reserved, -EOPNOTSUPP, "reserved flags 0x" },
    { "block padding", e_bh_padding, -EINVAL, "non-zero padding" },
    { "block header size", e_bh_size, -EINVAL, "truncated" },
    { "two filters", e_bh_two_filters, -EINVAL, NULL },
    { "dict 41", e_bh_dict, -EINVAL, "bad LZMA2 properties" },
    { "csize + 1", e_bh_csize_more, -EINVAL, NULL },
    { "csize - 1", e_bh_csize_less, -EINVAL, NULL },
    { "usize + 1", e_bh_usize_more, -EINVAL, "differ from its header" },
    { "usize huge", e_bh_usize_huge, -ENOSPC, "do not fit" },
    { "data padding", e_block_padding, -EINVAL, "bad block padding" },
    { "check value", e_check_value, -EINVAL, "CRC32 mismatch" },
    { "index count", e_index_count, -EINVAL, "lists 2 blocks" },
    { "index unpadded", e_index_unpadded, -EINVAL, "block sizes differ" },
    { "index crc", e_index_crc, -EINVAL, "index at" },
    { "index indicator", e_index_indicator, -EINVAL, NULL },
    { "index absurd", e_index_absurd, -EINVAL, "block sizes differ" },
    { "index 2^40", e_index_huge_count, -EINVAL, "lists 1099511627776 blocks" },
    { "index empty", e_index_empty, -EINVAL, "lists 0 blocks" },
    { "index usize", e_index_usize, -EINVAL, "block sizes differ" },
    { "index vli", e_index_bad_vli, -EINVAL, "bad record count" },
    { "footer backward", e_footer_backward, -EINVAL, "backward size" },
    { "footer flags", e_footer_flags, -EINVAL, NULL },
    { "footer magic", e_footer_magic, -EINVAL, "bad magic" },
    { "footer crc", e_footer_crc, -EINVAL, "footer at" },
    { "trailing", e_trailing, -EINVAL, "neither padding nor a stream" },
};

/* Corrupt headers, one field at a time, CRCs fixed to reach the check. */
static void test_xz_fields(void)
{
    uint8_t *data = gen_alloc(1000, D_TEXT), *c, *buf, *out;
    struct xz_opts o = xz_default();
    struct xz_layout l;
    size_t clen, len, olen;
    int rc;

    /* Padding after the data: a compressed size not a multiple of 4. */
    do
    {
        free(c = NULL);
        gen_data(data, 1000, D_TEXT);
        c = xz_encode(data, 1000, &o, &clen);
        xz_layout(c, clen, &l);
    } while ( l.csize % 4 == 0 || l.csize < 128 || l.bhsize != 16 ||
              (l.csize & 0x7f) == 0 || (l.csize & 0x7f) == 0x7f ||
              ((l.csize + 20) & 0x7f) == 0x7f );
    buf = malloc(clen + 64);

    for ( unsigned int i = 0; i < sizeof(xz_cases) / sizeof(xz_cases[0]); i++ )
    {
        memcpy(buf, c, clen);
        len = clen;
        xz_cases[i].edit(buf, &len, &l);
        rc = decode(DEC_XZ, buf, len, 2000, &out, &olen);
        if ( !CHECK_RC(rc, xz_cases[i].rc, xz_cases[i].msg) )
            fprintf(stderr, "  in case \"%s\"\n", xz_cases[i].what);
        free(out);
    }

    /* The unedited stream, and a large output buffer. */
    rc = decode(DEC_XZ, c, clen, 1 << 20, &out, &olen);
    CHECK(same(rc, out, olen, data, 1000));
    free(out);
    /* Bad arguments. */
    CHECK_RC(xz_decode(NULL, 10, buf, 10, &olen, &st->xz, err, ERRLEN),
             -EINVAL, "bad arguments");
    CHECK_RC(xz_decode(c, clen, NULL, 10, &olen, &st->xz, err, ERRLEN),
             -EINVAL, "bad arguments");
    CHECK_RC(xz_decode(c, clen, buf, 10, &olen, NULL, err, ERRLEN),
             -EINVAL, "bad arguments");
    /* No error buffer, no out_len: still refused, nothing written. */
    free(buf);
    buf = malloc(1000);
    CHECK(xz_decode(c, clen - 1, buf, 1000, NULL, &st->xz, NULL, 0) ==
          -EINVAL);
    /* A short error buffer is truncated, NUL-terminated. */
    memset(err, 'x', sizeof(err));
    CHECK(xz_decode(c, 3, buf, 1000, &olen, &st->xz, err, 8) == -EINVAL &&
          strlen(err) == 7);
    free(buf);
    free(c);
    free(data);
}

/* Filters and checks that are valid xz but not supported. */
static void test_xz_unsupported(void)
{
    static const struct {
        lzma_vli id;
        const char *name;
    } filters[] = {
        { LZMA_FILTER_DELTA, "(delta)" },
        { LZMA_FILTER_ARM, "(ARM BCJ)" },
        { LZMA_FILTER_ARMTHUMB, "(ARM-Thumb BCJ)" },
        { LZMA_FILTER_POWERPC, "(PowerPC BCJ)" },
        { LZMA_FILTER_IA64, "(IA-64 BCJ)" },
        { LZMA_FILTER_SPARC, "(SPARC BCJ)" },
#ifdef LZMA_FILTER_ARM64
        { LZMA_FILTER_ARM64, "(ARM64 BCJ)" },
#endif
    };
    uint8_t *data = gen_alloc(5000, D_TEXT), *c;
    struct xz_opts o = xz_default();
    size_t clen;

    for ( unsigned int i = 0; i < sizeof(filters) / sizeof(filters[0]); i++ )
    {
        o.filter = filters[i].id;
        c = xz_encode(data, 5000, &o, &clen);
        if ( !CHECK_RC(decode(DEC_XZ, c, clen, 5000, NULL, NULL),
                       -EOPNOTSUPP, filters[i].name) )
            fprintf(stderr, "  in filter %s\n", filters[i].name);
        free(c);
    }
    o.filter = 0;
    o.check = LZMA_CHECK_SHA256;
    c = xz_encode(data, 5000, &o, &clen);
    CHECK_RC(decode(DEC_XZ, c, clen, 5000, NULL, NULL), -EOPNOTSUPP,
             "SHA-256 check not supported");
    free(c);
    free(data);
}

/* Every truncation of a stream must be refused as corrupt. */
static void truncations(enum dec d, const uint8_t *c, size_t clen,
                        size_t out_max, const char *what)
{
    unsigned int bad = 0;

    for ( size_t n = 0; n < clen; n++ )
    {
        int rc = decode(d, c, n, out_max, NULL, NULL);

        if ( rc != -EINVAL && bad++ < 5 )
            fprintf(stderr, "  %s cut to %zu of %zu: %d (%s)\n", what, n,
                    clen, rc, err);
    }
    CHECK(!bad);
}

static void test_xz_truncations(void)
{
    uint8_t *text = gen_alloc(2000, D_TEXT), *rand = gen_alloc(300, D_RANDOM);
    uint8_t *code = gen_alloc(4000, D_X86), *c;
    struct xz_opts o = xz_default();
    size_t clen;

    c = xz_encode(text, 2000, &o, &clen);
    truncations(DEC_XZ, c, clen, 2000, "text");
    free(c);

    o.check = LZMA_CHECK_CRC64;
    o.x86 = true;
    c = xz_encode(code, 4000, &o, &clen);
    truncations(DEC_XZ, c, clen, 4000, "x86");
    free(c);

    o.check = LZMA_CHECK_NONE;
    o.x86 = false;
    o.block_size = 500;
    c = xz_encode(text, 2000, &o, &clen);
    truncations(DEC_XZ, c, clen, 2000, "blocks");
    free(c);

    o.block_size = 0;
    c = xz_encode(rand, 300, &o, &clen);
    truncations(DEC_XZ, c, clen, 300, "stored");
    free(c);
    free(text);
    free(rand);
    free(code);
}

/* liblzma's decoding of in, or NULL when it refuses it. */
static uint8_t *lzma_ref_decode(const uint8_t *in, size_t len, size_t out_max,
                                size_t *out_len)
{
    uint64_t memlimit = UINT64_MAX;
    size_t in_pos = 0, out_pos = 0;
    uint8_t *out = malloc(out_max + 1);

    if ( lzma_stream_buffer_decode(&memlimit, LZMA_IGNORE_CHECK, NULL, in,
                                   &in_pos, len, out, &out_pos,
                                   out_max) != LZMA_OK || in_pos != len )
    {
        free(out);
        return NULL;
    }
    *out_len = out_pos;

    return out;
}

/*
 * Every single-bit flip: with CRC32 each must be refused; without a check
 * each must at least stay in bounds, and agree with liblzma when both
 * accept it.
 */
static void flips(const uint8_t *c, size_t clen, size_t out_max,
                  bool checked, const char *what)
{
    uint8_t *buf = malloc(clen);
    unsigned int bad = 0, accepted = 0;

    for ( size_t bit = 0; bit < clen * 8; bit++ )
    {
        uint8_t *out, *ref;
        size_t olen, rlen;
        int rc;

        memcpy(buf, c, clen);
        buf[bit / 8] ^= 1U << (bit % 8);
        rc = decode(DEC_XZ, buf, clen, out_max, &out, &olen);
        if ( checked && rc == 0 && bad++ < 5 )
            fprintf(stderr, "  %s: flip of bit %zu accepted\n", what, bit);
        if ( !checked && rc == 0 )
        {
            accepted++;
            ref = lzma_ref_decode(buf, clen, out_max, &rlen);
            if ( ref && (rlen != olen || memcmp(ref, out, olen)) &&
                 bad++ < 5 )
                fprintf(stderr, "  %s: flip of bit %zu decodes unlike liblzma\n",
                        what, bit);
            free(ref);
        }
        free(out);
    }
    CHECK(!bad);
    if ( !checked )
        printf("  %s: %u of %zu flips decode without a check\n", what,
               accepted, clen * 8);
    free(buf);
}

static void test_xz_flips(void)
{
    uint8_t *text = gen_alloc(1500, D_TEXT), *code = gen_alloc(2000, D_X86);
    struct xz_opts o = xz_default();
    uint8_t *c;
    size_t clen;

    c = xz_encode(text, 1500, &o, &clen);
    flips(c, clen, 1500, true, "text crc32");
    free(c);
    o.x86 = true;
    o.block_size = 700;
    c = xz_encode(code, 2000, &o, &clen);
    flips(c, clen, 2000, true, "x86 blocks crc32");
    free(c);
    o.check = LZMA_CHECK_NONE;
    c = xz_encode(code, 2000, &o, &clen);
    flips(c, clen, 2000, false, "x86 blocks unchecked");
    free(c);
    o.x86 = false;
    o.block_size = 0;
    c = xz_encode(text, 1500, &o, &clen);
    flips(c, clen, 1500, false, "text unchecked");
    free(c);
    free(text);
    free(code);
}

/* Random multi-byte damage, with output buffers of random sizes. */
static void test_xz_damage(void)
{
    uint8_t *data = gen_alloc(20000, D_X86), *c, *buf;
    struct xz_opts o = xz_default();
    size_t clen;

    o.check = LZMA_CHECK_NONE;
    o.x86 = true;
    o.block_size = 6000;
    c = xz_encode(data, 20000, &o, &clen);
    buf = malloc(clen);
    for ( unsigned int i = 0; i < 1500; i++ )
    {
        size_t len = clen;

        memcpy(buf, c, clen);
        for ( unsigned int k = 1 + rnd() % 4; k; k-- )
            buf[rnd() % clen] = rnd();
        if ( rnd() % 4 == 0 )
            len = rnd() % (clen + 1);
        decode(DEC_XZ, buf, len, rnd() % 2 ? 20000 : rnd() % 30000, NULL,
               NULL);
    }
    free(buf);
    free(c);
    free(data);
}

/* A raw LZMA2 stream, wrapped; decoded with out_max. */
static int lzma2_case(const uint8_t *raw, size_t len, size_t usize,
                      size_t out_max, uint8_t **out, size_t *olen)
{
    size_t xlen;
    uint8_t *x = xz_wrap_lzma2(raw, len, usize, &xlen);
    int rc = decode(DEC_XZ, x, xlen, out_max, out, olen);

    free(x);

    return rc;
}

/* The offsets of the chunks of a raw LZMA2 stream. */
static unsigned int lzma2_chunks(const uint8_t *raw, size_t len,
                                 size_t *offs, unsigned int max)
{
    unsigned int n = 0;
    size_t p = 0;

    while ( p < len && raw[p] && n < max )
    {
        offs[n++] = p;
        if ( raw[p] < 0x80 )
            p += 3 + ((raw[p + 1] << 8 | raw[p + 2]) + 1);
        else
            p += 5 + (raw[p] >= 0xc0) + ((raw[p + 3] << 8 | raw[p + 4]) + 1);
    }

    return n;
}

/* Hand-made LZMA2 data in a valid container. */
static void test_lzma2_crafted(void)
{
    uint8_t *text = gen_alloc(3 << 20, D_TEXT), *raw, *out, *big;
    size_t rlen, olen, offs[64];
    unsigned int n;
    int rc;

    /* The wrapper itself, on liblzma's raw LZMA2. */
    raw = lzma2_raw_encode(text, 100000, 6, &rlen);
    rc = lzma2_case(raw, rlen, 100000, 100000, &out, &olen);
    CHECK(same(rc, out, olen, text, 100000));
    free(out);

    /* A chunk one byte longer or shorter than its data. */
    CHECK(raw[0] >= 0xe0);
    raw[2]++;
    CHECK_RC(lzma2_case(raw, rlen, 100000, 200000, NULL, NULL), -EINVAL,
             NULL);
    raw[2] -= 2;
    CHECK_RC(lzma2_case(raw, rlen, 100000, 200000, NULL, NULL), -EINVAL,
             NULL);
    raw[2]++;
    /* Its compressed size one byte off. */
    raw[4]--;
    CHECK_RC(lzma2_case(raw, rlen, 100000, 200000, NULL, NULL), -EINVAL,
             NULL);
    raw[4] += 2;
    CHECK_RC(lzma2_case(raw, rlen, 100000, 200000, NULL, NULL), -EINVAL,
             NULL);
    raw[4]--;
    /* A range coder that does not start with 0. */
    raw[6] = 1;
    CHECK_RC(lzma2_case(raw, rlen, 100000, 200000, NULL, NULL), -EINVAL,
             "bad range coder start");
    raw[6] = 0;
    /* Bad properties: out of range, and lc + lp > 4. */
    raw[5] = 225;
    CHECK_RC(lzma2_case(raw, rlen, 100000, 200000, NULL, NULL), -EINVAL,
             "bad LZMA2 properties 0xe1");
    raw[5] = 1 * 9 + 4;
    CHECK_RC(lzma2_case(raw, rlen, 100000, 200000, NULL, NULL), -EINVAL,
             "bad LZMA2 properties 0x0d");
    free(raw);

    /* A dictionary reset in the middle: matches reach before it. */
    raw = lzma2_raw_encode(text, 3 << 20, 6, &rlen);
    n = lzma2_chunks(raw, rlen, offs, 64);
    CHECK(n >= 3 && raw[offs[1]] >= 0x80 && raw[offs[1]] < 0xc0);
    if ( n >= 3 )
    {
        uint8_t *mod = malloc(rlen + 1);
        size_t at = offs[1];

        memcpy(mod, raw, at + 5);
        mod[at] = 0xe0 | (raw[at] & 0x1f);
        mod[at + 5] = 0x5d;
        memcpy(mod + at + 6, raw + at + 5, rlen - at - 5);
        CHECK_RC(lzma2_case(mod, rlen + 1, 3 << 20, 3 << 20, NULL, NULL),
                 -EINVAL, NULL);
        /* A chunk that claims more output than the buffer has. */
        CHECK_RC(lzma2_case(raw, rlen, 3 << 20, (3 << 20) - 1, NULL, NULL),
                 -ENOSPC, "too small");
        CHECK_RC(lzma2_case(raw, rlen, 3 << 20, offs[1] ? 4096 : 0, NULL,
                            NULL), -ENOSPC, "too small");
        free(mod);
    }
    free(raw);

    /* Stored chunks. */
    big = malloc(70000);
    memcpy(big, "\x01\x00\x04hello\x02\x00\x00!\x00", 13);
    rc = lzma2_case(big, 13, 6, 6, &out, &olen);
    CHECK(same(rc, out, olen, (const uint8_t *)"hello!", 6));
    free(out);
    /* 64 KiB into 100 bytes. */
    big[0] = 1;
    big[1] = big[2] = 0xff;
    memset(big + 3, 'a', 65536);
    big[3 + 65536] = 0;
    CHECK_RC(lzma2_case(big, 65540, 65536, 100, NULL, NULL), -ENOSPC,
             "too small");
    /* More than the input has. */
    CHECK_RC(lzma2_case(big, 1000, 65536, 65536, NULL, NULL), -EINVAL,
             "truncated");
    /* No dictionary reset first; bad control bytes. */
    CHECK_RC(lzma2_case((const uint8_t *)"\x02\x00\x00" "a\x00", 5, 1, 10,
                        NULL, NULL), -EINVAL, "dictionary reset");
    CHECK_RC(lzma2_case((const uint8_t *)"\x03\x00\x00" "a\x00", 5, 1, 10,
                        NULL, NULL), -EINVAL, "dictionary reset");
    CHECK_RC(lzma2_case((const uint8_t *)"\x01\x00\x00" "a\x03\x00", 6, 1, 10,
                        NULL, NULL), -EINVAL, "bad LZMA2 control byte 0x03");
    /* An LZMA chunk without properties after a reset. */
    CHECK_RC(lzma2_case((const uint8_t *)"\x01\x00\x00" "a\x80\x00\x00\x00\x04"
                        "\x00\x00\x00\x00\x00\x00", 15, 2, 10, NULL, NULL),
             -EINVAL, "lacks properties");
    /* An LZMA chunk of 2 MiB into a 4 KiB buffer. */
    CHECK_RC(lzma2_case((const uint8_t *)"\xff\xff\xff\x00\x04\x5d"
                        "\x00\x00\x00\x00\x00\x00", 12, 2 << 20, 4096, NULL,
                        NULL), -ENOSPC, "too small");
    /* Too short to start a range coder. */
    CHECK_RC(lzma2_case((const uint8_t *)"\xe0\x00\x00\x00\x03\x5d"
                        "\x00\x00\x00\x00\x00", 11, 1, 10, NULL, NULL),
             -EINVAL, "range coder");
    /* Truncated in the chunk header, and no end. */
    CHECK_RC(lzma2_case((const uint8_t *)"\xe0\x00", 2, 1, 10, NULL, NULL),
             -EINVAL, "truncated");
    CHECK_RC(lzma2_case((const uint8_t *)"\x01\x00\x00" "a", 4, 1, 10, NULL,
                        NULL), -EINVAL, "truncated");
    free(big);
    free(text);
}

/* LZMA1 with an end marker, which LZMA2 chunks may not contain. */
static void test_lzma2_end_marker(void)
{
    uint8_t *data = gen_alloc(3000, D_TEXT), *lz1, *raw;
    lzma_options_lzma opt;
    lzma_filter f[2] = {
        { LZMA_FILTER_LZMA1, &opt }, { LZMA_VLI_UNKNOWN, NULL },
    };
    size_t pos = 0, cap = 8000;
    uint8_t *out;
    size_t olen;
    int rc;

    lzma_lzma_preset(&opt, 6);
    lz1 = malloc(cap);
    CHECK(lzma_raw_buffer_encode(f, NULL, data, 3000, lz1, &pos, cap) ==
          LZMA_OK);
    raw = malloc(pos + 7);
    /* Size - 1 in 21 bits + 16 bits, lc=3 lp=0 pb=2. */
    raw[0] = 0xe0;
    raw[3] = (pos - 1) >> 8;
    raw[4] = pos - 1;
    raw[5] = 0x5d;
    memcpy(raw + 6, lz1, pos);
    raw[6 + pos] = 0;

    /* All of the data: the marker is left over. */
    raw[1] = (3000 - 1) >> 8;
    raw[2] = (3000 - 1) & 0xff;
    rc = lzma2_case(raw, pos + 7, 3000, 3000, &out, &olen);
    CHECK_RC(rc, -EINVAL, "ends 0x");
    CHECK(!memcmp(out, data, 3000));
    free(out);
    /* One byte more: the marker is decoded. */
    raw[1] = 3000 >> 8;
    raw[2] = 3000 & 0xff;
    CHECK_RC(lzma2_case(raw, pos + 7, 3001, 3001, NULL, NULL), -EINVAL,
             "end marker");
    free(raw);
    free(lz1);
    free(data);
}

static void group_xz_hostile(void)
{
    test_xz_fields();
    test_xz_unsupported();
    test_xz_truncations();
    test_xz_flips();
    test_xz_damage();
    test_lzma2_crafted();
    test_lzma2_end_marker();
}

/* gzip */

static struct gz_opts gz_default(void)
{
    return (struct gz_opts){
        .level = 6, .window_bits = 15, .mem_level = 8,
        .strategy = Z_DEFAULT_STRATEGY,
    };
}

static void gz_roundtrip(const uint8_t *data, size_t len,
                         const struct gz_opts *o, bool short_buf,
                         const char *what)
{
    size_t clen, olen;
    uint8_t *c = gz_encode(data, len, o, &clen), *out;
    int rc;

    rc = decode(DEC_GZ, c, clen, len, &out, &olen);
    if ( !CHECK(same(rc, out, olen, data, len)) )
        fprintf(stderr, "  in %s: %zu bytes, level %d, wbits %d, strategy %d\n",
                what, len, o->level, o->window_bits, o->strategy);
    free(out);
    if ( short_buf && len )
    {
        rc = decode(DEC_GZ, c, clen, len - 1, NULL, &olen);
        if ( !CHECK(rc == -ENOSPC && olen <= len - 1) )
            fprintf(stderr, "  in %s: a byte short gave %d (%s)\n", what,
                    rc, err);
    }
    free(c);
}

static void test_gz_levels(void)
{
    static const int strategies[] = {
        Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED,
    };
    unsigned int n = 0;

    for ( enum data_kind k = 0; k < D_NR; k++ )
        for ( unsigned int i = 0; i < sizeof(small_sizes) / sizeof(small_sizes[0]); i++ )
        {
            size_t len = small_sizes[i];
            uint8_t *data = gen_alloc(len, k);
            struct gz_opts o = gz_default();

            o.level = n % 10;
            o.strategy = strategies[n % 5];
            o.header = n % 3 == 0;
            gz_roundtrip(data, len, &o, true, data_kind_name(k));
            free(data);
            n++;
        }
}

static void test_gz_params(void)
{
    uint8_t *text = gen_alloc(400000, D_TEXT), *code = gen_alloc(400000, D_SELF);

    for ( int level = 0; level <= 9; level++ )
        for ( int wbits = 9; wbits <= 15; wbits += 3 )
        {
            struct gz_opts o = gz_default();

            o.level = level;
            o.window_bits = wbits;
            o.mem_level = 1 + (level + wbits) % 9;
            o.header = level % 2;
            gz_roundtrip(level % 2 ? text : code, 400000, &o, level == 6,
                         "levels");
        }
    /* Full flushes and new levels: stored, fixed and dynamic mixed. */
    for ( size_t every = 1; every <= 100000; every *= 10 )
    {
        struct gz_opts o = gz_default();

        o.flush_every = every;
        o.level = every % 7;
        gz_roundtrip(text, every == 1 ? 3000 : 400000, &o, false, "flushes");
    }
    free(text);
    free(code);
}

static void test_gz_large(void)
{
    uint8_t *data = gen_alloc(4 << 20, D_SELF);
    struct gz_opts o = gz_default();

    o.level = 9;
    gz_roundtrip(data, 4 << 20, &o, true, "large code");
    gen_data(data, 4 << 20, D_ZEROS);
    gz_roundtrip(data, 4 << 20, &o, true, "large zeros");
    gen_data(data, 4 << 20, D_RANDOM);
    o.level = 1;
    gz_roundtrip(data, 4 << 20, &o, true, "large random");
    free(data);
}

/* Concatenated members; matches may not reach into the previous one. */
static void test_gz_members(void)
{
    uint8_t *a = gen_alloc(30000, D_TEXT), *both = malloc(60000), *cat, *out;
    struct gz_opts o = gz_default();
    size_t la, lb, olen;
    uint8_t *ca, *cb;
    int rc;

    ca = gz_encode(a, 30000, &o, &la);
    o.header = true;
    cb = gz_encode(a, 30000, &o, &lb);
    memcpy(both, a, 30000);
    memcpy(both + 30000, a, 30000);
    cat = malloc(la + lb + 8);
    memcpy(cat, ca, la);
    memcpy(cat + la, cb, lb);
    rc = decode(DEC_GZ, cat, la + lb, 60000, &out, &olen);
    CHECK(same(rc, out, olen, both, 60000));
    free(out);
    memcpy(cat + la, "\0\0\0\0", 4);
    CHECK_RC(decode(DEC_GZ, cat, la + 4, 60000, NULL, NULL), -EINVAL,
             "not another member");
    CHECK_RC(decode(DEC_GZ, cat, 0, 60000, NULL, NULL), -EINVAL, "empty");
    /* An empty member. */
    free(ca);
    ca = gz_encode(a, 0, &o, &la);
    rc = decode(DEC_GZ, ca, la, 0, &out, &olen);
    CHECK(same(rc, out, olen, a, 0));
    free(out);
    free(a);
    free(both);
    free(ca);
    free(cb);
    free(cat);
}

static void group_gzip(void)
{
    test_gz_levels();
    test_gz_params();
    test_gz_large();
    test_gz_members();
}

/* A deflate bit writer for hand-made streams. */
struct bw {
    uint8_t buf[4096];
    size_t n;
    unsigned int bits, cnt;
};

static void bw_put(struct bw *w, unsigned int v, unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++ )
    {
        w->bits |= ((v >> i) & 1) << w->cnt;
        if ( ++w->cnt == 8 )
        {
            w->buf[w->n++] = w->bits;
            w->bits = w->cnt = 0;
        }
    }
}

/* A Huffman code: most significant bit first. */
static void bw_code(struct bw *w, unsigned int code, unsigned int len)
{
    while ( len-- )
        bw_put(w, (code >> len) & 1, 1);
}

static void bw_flush(struct bw *w)
{
    if ( w->cnt )
        bw_put(w, 0, 8 - w->cnt);
}

/* The fixed code (RFC 1951 3.2.6) of a literal/length symbol. */
static void bw_fixed(struct bw *w, unsigned int sym)
{
    if ( sym < 144 )
        bw_code(w, 0x30 + sym, 8);
    else if ( sym < 256 )
        bw_code(w, 0x190 + sym - 144, 9);
    else if ( sym < 280 )
        bw_code(w, sym - 256, 7);
    else
        bw_code(w, 0xc0 + sym - 280, 8);
}

/* A gzip member around w's deflate data, with the CRC of data. */
static uint8_t *gz_wrap(const struct bw *w, const uint8_t *data, size_t len,
                        size_t *out_len)
{
    uint8_t *out = malloc(w->n + 18);

    memcpy(out, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
    memcpy(out + 10, w->buf, w->n);
    wr32(out + 10 + w->n, crc32(0, data, len));
    wr32(out + 14 + w->n, len);
    *out_len = w->n + 18;

    return out;
}

static int gz_case(const struct bw *w, const uint8_t *data, size_t len,
                   size_t out_max)
{
    size_t glen;
    uint8_t *g = gz_wrap(w, data, len, &glen), *out;
    size_t olen;
    int rc = decode(DEC_GZ, g, glen, out_max, &out, &olen);

    if ( !rc && (olen != len || memcmp(out, data, len)) )
        rc = 1;     /* decoded, but not what was meant */
    free(out);
    free(g);

    return rc;
}

/*
 * A dynamic block header: the code length code gives symbols 0 and 8 one
 * bit each ('0' and '1'), then each of nlit + ndist lengths is 0 or 8.
 */
static void bw_dynamic(struct bw *w, unsigned int nlit, unsigned int ndist,
                       const uint8_t *lens, bool final)
{
    bw_put(w, final, 1);
    bw_put(w, 2, 2);
    bw_put(w, nlit - 257, 5);
    bw_put(w, ndist - 1, 5);
    bw_put(w, 5 - 4, 4);        /* 16, 17, 18, 0, 8 */
    bw_put(w, 0, 3);
    bw_put(w, 0, 3);
    bw_put(w, 0, 3);
    bw_put(w, 1, 3);
    bw_put(w, 1, 3);
    for ( unsigned int i = 0; i < nlit + ndist; i++ )
        bw_code(w, lens[i] == 8, 1);
}

static void test_gz_crafted(void)
{
    static const uint8_t ab[] = "abababab";
    uint8_t lens[320];
    struct bw w;

    /* Fixed: "ab", then a match of 6 at distance 2. */
    memset(&w, 0, sizeof(w));
    bw_put(&w, 1, 1);
    bw_put(&w, 1, 2);
    bw_fixed(&w, 'a');
    bw_fixed(&w, 'b');
    bw_fixed(&w, 260);          /* length 6 */
    bw_code(&w, 1, 5);          /* distance 2 */
    bw_fixed(&w, 256);
    bw_flush(&w);
    CHECK(gz_case(&w, ab, 8, 8) == 0);
    CHECK_RC(gz_case(&w, ab, 8, 7), -ENOSPC, "too small");

    /* A distance before the start. */
    memset(&w, 0, sizeof(w));
    bw_put(&w, 1, 1);
    bw_put(&w, 1, 2);
    bw_fixed(&w, 'a');
    bw_fixed(&w, 257);
    bw_code(&w, 1, 5);
    bw_fixed(&w, 256);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 4, 100), -EINVAL, "distance 2 reaches before");

    /* Length codes 286 and 287, distance codes 30 and 31. */
    for ( unsigned int bad = 0; bad < 4; bad++ )
    {
        memset(&w, 0, sizeof(w));
        bw_put(&w, 1, 1);
        bw_put(&w, 1, 2);
        bw_fixed(&w, 'a');
        bw_fixed(&w, bad < 2 ? 286 + bad : 257);
        bw_code(&w, bad < 2 ? 0 : 28 + bad, 5);
        bw_fixed(&w, 256);
        bw_flush(&w);
        CHECK_RC(gz_case(&w, ab, 4, 100), -EINVAL,
                 bad < 2 ? "invalid length code" : "invalid distance code");
    }

    /* Block type 3. */
    memset(&w, 0, sizeof(w));
    bw_put(&w, 1, 1);
    bw_put(&w, 3, 2);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 0, 100), -EINVAL, "reserved block type");

    /* Stored: good, then LEN and NLEN that disagree. */
    memset(&w, 0, sizeof(w));
    bw_put(&w, 1, 1);
    bw_put(&w, 0, 2);
    bw_flush(&w);
    bw_put(&w, 3, 16);
    bw_put(&w, 0xfffc, 16);
    bw_put(&w, 'a', 8);
    bw_put(&w, 'b', 8);
    bw_put(&w, 'a', 8);
    CHECK(gz_case(&w, ab, 3, 3) == 0);
    w.buf[3] ^= 1;
    CHECK_RC(gz_case(&w, ab, 3, 3), -EINVAL, "bad length check");

    /* Dynamic: literals 0..255 and end-of-block, no distances. */
    memset(lens, 0, sizeof(lens));
    memset(lens, 8, 256);
    memset(&w, 0, sizeof(w));
    lens[255] = 0;
    lens[256] = 8;
    bw_dynamic(&w, 257, 1, lens, true);
    bw_code(&w, 'a', 8);
    bw_code(&w, 255, 8);        /* 256 is the 256th code of length 8 */
    bw_flush(&w);
    CHECK(gz_case(&w, ab, 1, 1) == 0);
    /* Without end-of-block. */
    lens[255] = 8;
    lens[256] = 0;
    memset(&w, 0, sizeof(w));
    bw_dynamic(&w, 257, 1, lens, true);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 0, 10), -EINVAL, "without an end-of-block");
    /* Over-subscribed and incomplete literal codes. */
    lens[256] = 8;
    memset(&w, 0, sizeof(w));
    bw_dynamic(&w, 257, 1, lens, true);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 0, 10), -EINVAL, "bad Huffman code lengths");
    memset(lens + 128, 0, 128);
    memset(&w, 0, sizeof(w));
    bw_dynamic(&w, 257, 1, lens, true);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 0, 10), -EINVAL, "bad Huffman code lengths");
    /* 287 literal/length codes. */
    memset(&w, 0, sizeof(w));
    bw_dynamic(&w, 287, 1, lens, true);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 0, 10), -EINVAL, "287 length");

    /* A code length code that is over-subscribed: three of length 1. */
    memset(&w, 0, sizeof(w));
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 4);
    for ( unsigned int i = 0; i < 4; i++ )
        bw_put(&w, i ? 1 : 0, 3);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 0, 10), -EINVAL, "bad code length code");

    /* Repeat (16) first; zeros (18) past the end. */
    memset(&w, 0, sizeof(w));
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 4);           /* 16, 17, 18, 0: lengths 1, 0, 1, 0 */
    bw_put(&w, 1, 3);
    bw_put(&w, 0, 3);
    bw_put(&w, 1, 3);
    bw_put(&w, 0, 3);
    bw_code(&w, 0, 1);          /* 16 */
    bw_put(&w, 0, 2);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 0, 10), -EINVAL, "repeat with no length");
    memset(&w, 0, sizeof(w));
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 4);
    bw_put(&w, 1, 3);
    bw_put(&w, 0, 3);
    bw_put(&w, 1, 3);
    bw_put(&w, 0, 3);
    bw_code(&w, 1, 1);          /* 18: 138 zeros */
    bw_put(&w, 127, 7);
    bw_code(&w, 1, 1);
    bw_put(&w, 127, 7);
    bw_flush(&w);
    CHECK_RC(gz_case(&w, ab, 0, 10), -EINVAL, "code lengths overflow");
}

static void test_gz_header_fields(void)
{
    uint8_t *data = gen_alloc(2000, D_TEXT), *c, *buf;
    struct gz_opts o = gz_default();
    size_t clen;

    o.header = true;
    c = gz_encode(data, 2000, &o, &clen);
    buf = malloc(clen + 8);
    CHECK(c[3] == 0x1f);        /* FTEXT FHCRC FEXTRA FNAME FCOMMENT */
    CHECK(decode(DEC_GZ, c, clen, 2000, NULL, NULL) == 0);

#define GZ_EDIT(stmt, rc, msg) do {                                     \
        memcpy(buf, c, clen);                                           \
        stmt;                                                           \
        CHECK_RC(decode(DEC_GZ, buf, clen, 2000, NULL, NULL), rc, msg); \
    } while ( 0 )
    GZ_EDIT(buf[0] = 0x1e, -EINVAL, "not a gzip file");
    GZ_EDIT(buf[2] = 7, -EOPNOTSUPP, "compression method 7");
    GZ_EDIT(buf[3] |= 0x20, -EINVAL, "reserved flags");
    GZ_EDIT(buf[4] ^= 1, -EINVAL, "header CRC16 mismatch");
    GZ_EDIT(buf[11] = 0xff, -EINVAL, "truncated");      /* XLEN */
    GZ_EDIT(buf[clen - 5] ^= 1, -EINVAL, "CRC32 mismatch");
    GZ_EDIT(buf[clen - 4] ^= 1, -EINVAL, "trailer says");
#undef GZ_EDIT
    /* FNAME never terminated. */
    memcpy(buf, "\x1f\x8b\x08\x08\0\0\0\0\0\x03name", 14);
    CHECK_RC(decode(DEC_GZ, buf, 14, 10, NULL, NULL), -EINVAL, "truncated");
    /* Trailing garbage. */
    memcpy(buf, c, clen);
    memcpy(buf + clen, "junk", 4);
    CHECK_RC(decode(DEC_GZ, buf, clen + 4, 2000, NULL, NULL), -EINVAL,
             "not another member");
    CHECK_RC(gunzip(c, clen, NULL, 2000, NULL, &st->gz, err, ERRLEN),
             -EINVAL, "bad arguments");
    free(buf);
    free(c);
    free(data);
}

/* Every truncation, every bit flip (refused, or harmless). */
static void test_gz_truncations_flips(void)
{
    uint8_t *text = gen_alloc(3000, D_TEXT), *c, *buf;
    struct gz_opts o = gz_default();
    unsigned int bad = 0;
    size_t clen;

    for ( unsigned int v = 0; v < 3; v++ )
    {
        o.level = v == 0 ? 0 : 6;
        o.strategy = v == 2 ? Z_FIXED : Z_DEFAULT_STRATEGY;
        o.header = v == 1;
        c = gz_encode(text, 3000, &o, &clen);
        truncations(DEC_GZ, c, clen, 3000, v == 0 ? "stored" : "gzip");
        free(c);
    }

    o = gz_default();
    o.header = true;
    c = gz_encode(text, 3000, &o, &clen);
    buf = malloc(clen);
    for ( size_t bit = 0; bit < clen * 8; bit++ )
    {
        uint8_t *out;
        size_t olen;
        int rc;

        memcpy(buf, c, clen);
        buf[bit / 8] ^= 1U << (bit % 8);
        rc = decode(DEC_GZ, buf, clen, 3000, &out, &olen);
        /* Unused bits after the last block and FTEXT are not checked. */
        if ( !rc && (olen != 3000 || memcmp(out, text, 3000)) && bad++ < 5 )
            fprintf(stderr, "  flip of bit %zu decodes to other data\n", bit);
        free(out);
    }
    CHECK(!bad);
    /* Random damage. */
    for ( unsigned int i = 0; i < 3000; i++ )
    {
        memcpy(buf, c, clen);
        for ( unsigned int k = 1 + rnd() % 4; k; k-- )
            buf[rnd() % clen] = rnd();
        decode(DEC_GZ, buf, rnd() % 4 ? clen : rnd() % clen, rnd() % 4000,
               NULL, NULL);
    }
    free(buf);
    free(c);
    free(text);
}

static void group_gzip_hostile(void)
{
    test_gz_crafted();
    test_gz_header_fields();
    test_gz_truncations_flips();
}

static void group_crc(void)
{
    uint8_t *buf = gen_alloc(5000, D_RANDOM);

    CHECK(crc32_ieee(0, "123456789", 9) == 0xcbf43926U);
    CHECK(crc64_ecma(0, "123456789", 9) == 0x995dc9bbdf1939faULL);
    CHECK(crc32_ieee(0, NULL, 0) == 0 && crc64_ecma(0, NULL, 0) == 0);
    for ( size_t len = 0; len < 600; len++ )
        for ( size_t off = 0; off < 8; off++ )
        {
            size_t cut = len ? rnd() % len : 0;
            uint32_t c32 = crc32_ieee(crc32_ieee(0, buf + off, cut),
                                      buf + off + cut, len - cut);
            uint64_t c64 = crc64_ecma(crc64_ecma(0, buf + off, cut),
                                      buf + off + cut, len - cut);

            CHECK(crc32_ieee(0, buf + off, len) == crc32(0, buf + off, len));
            CHECK(c32 == crc32(0, buf + off, len));
            CHECK(crc64_ecma(0, buf + off, len) ==
                  lzma_crc64(buf + off, len, 0));
            CHECK(c64 == lzma_crc64(buf + off, len, 0));
        }
    free(buf);
}

/* The bzImage payload dispatcher. */
static void group_payload(void)
{
    static const enum bzimage_compression refused[] = {
        BZIMAGE_BZIP2, BZIMAGE_LZMA, BZIMAGE_LZO, BZIMAGE_LZ4, BZIMAGE_ZSTD,
    };
    uint8_t *data = gen_alloc(100000, D_SELF), *c, *p, *out;
    struct xz_opts o = xz_default();
    struct gz_opts g = gz_default();
    size_t clen, olen;
    char want[100];
    int rc;

    /* xz with Linux's size_append. */
    o.x86 = true;
    c = xz_encode(data, 100000, &o, &clen);
    p = malloc(clen + 4);
    memcpy(p, c, clen);
    wr32(p + clen, 100000);
    CHECK(decompress_size_hint(p, clen + 4) == 100000);
    rc = decode(DEC_PAYLOAD_XZ, p, clen + 4, 100000, &out, &olen);
    CHECK(same(rc, out, olen, data, 100000));
    free(out);
    CHECK_RC(decode(DEC_PAYLOAD_XZ, p, clen + 4, 99999, NULL, NULL), -ENOSPC,
             "too small");
    wr32(p + clen, 100001);
    CHECK_RC(decode(DEC_PAYLOAD_XZ, p, clen + 4, 200000, NULL, NULL),
             -EINVAL, "its trailer says 0x186a1");
    CHECK_RC(decode(DEC_PAYLOAD_XZ, p, clen, 200000, NULL, NULL), -EINVAL,
             "xz: ");
    CHECK_RC(decode(DEC_PAYLOAD_XZ, p, 3, 200000, NULL, NULL), -EINVAL,
             "no size trailer");
    CHECK(decompress_size_hint(p, 3) == 0);
    free(p);
    free(c);

    /* gzip: ISIZE is the size. */
    c = gz_encode(data, 100000, &g, &clen);
    CHECK(decompress_size_hint(c, clen) == 100000);
    rc = decode(DEC_PAYLOAD_GZ, c, clen, 100000, &out, &olen);
    CHECK(same(rc, out, olen, data, 100000));
    free(out);
    free(c);

    for ( unsigned int i = 0; i < sizeof(refused) / sizeof(refused[0]); i++ )
    {
        snprintf(want, sizeof(want), "%s payloads are not supported",
                 bzimage_compression_name(refused[i]));
        CHECK_RC(decompress_payload(refused[i], data, 1000, data, 1000,
                                    &olen, st, err, ERRLEN),
                 -EOPNOTSUPP, want);
        CHECK(strstr(err, "CONFIG_KERNEL_XZ or CONFIG_KERNEL_GZIP"));
    }
    CHECK_RC(decompress_payload(BZIMAGE_UNKNOWN, data, 1000, data, 1000,
                                &olen, st, err, ERRLEN),
             -EOPNOTSUPP, "not recognised");
    CHECK_RC(decompress_payload(BZIMAGE_XZ, data, 1000, data, 1000, &olen,
                                NULL, err, ERRLEN), -EINVAL, "bad arguments");
    free(data);
}

/* A minimal bzImage around a payload, as bzimage_parse reads it. */
static uint8_t *make_bzimage(const uint8_t *payload, size_t len,
                             size_t *size)
{
    uint8_t *img = calloc(1, 1024 + len);

    img[0x1f1] = 1;                         /* setup_sects */
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = 0x0f;                      /* protocol 2.15 */
    img[0x207] = 0x02;
    wr32(img + 0x248, 0);
    wr32(img + 0x24c, len);
    memcpy(img + 1024, payload, len);
    *size = 1024 + len;

    return img;
}

/*
 * Decode a bzImage the way the dom0 builder will: bzimage_parse, the size
 * hint, decompress_payload.  The result must be an ELF of the hinted size
 * and, for xz, what liblzma makes of the payload.
 */
static int decode_vmlinuz(const uint8_t *img, size_t size, bool real)
{
    struct bzimage bz;
    struct elf_image elf;
    uint8_t *out;
    size_t hint, olen;
    struct timespec t0, t1;
    int rc;

    rc = bzimage_parse(img, size, &bz, err, ERRLEN);
    if ( !CHECK(rc == 0) )
    {
        fprintf(stderr, "  bzimage_parse: %s\n", err);
        return rc;
    }
    hint = decompress_size_hint(bz.payload, bz.payload_size);
    if ( real )
        printf("  %s payload: %zu bytes, says %zu uncompressed\n",
               bzimage_compression_name(bz.compression), bz.payload_size,
               hint);
    out = malloc(hint + !hint);
    memset(st, 0xa5, sizeof(*st));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = decompress_payload(bz.compression, bz.payload, bz.payload_size, out,
                            hint, &olen, st, err, ERRLEN);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if ( rc )
    {
        if ( real )
            printf("  refused: %d (%s)\n", rc, err);
        free(out);
        return rc;
    }
    if ( real )
        printf("  decoded %zu bytes in %.3f s (sanitizer build)\n", olen,
               (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    CHECK(olen == hint);
    if ( real && !CHECK(elf_init(&elf, out, olen, err, ERRLEN) == 0) )
        fprintf(stderr, "  elf_init: %s\n", err);
    if ( bz.compression == BZIMAGE_XZ )
    {
        size_t rlen;
        uint8_t *ref = NULL;
        uint64_t memlimit = UINT64_MAX;
        size_t in_pos = 0;

        /* liblzma stops after the stream, before the size trailer. */
        ref = malloc(hint + 1);
        rlen = 0;
        CHECK(lzma_stream_buffer_decode(&memlimit, 0, NULL, bz.payload,
                                        &in_pos, bz.payload_size, ref, &rlen,
                                        hint + 1) == LZMA_OK);
        CHECK(rlen == olen && !memcmp(ref, out, olen));
        free(ref);
    }
    if ( bz.compression == BZIMAGE_GZIP )
    {
        uint8_t *ref = malloc(hint + 1);
        z_stream z;

        /* zlib's decoding of the (first) member. */
        memset(&z, 0, sizeof(z));
        CHECK(inflateInit2(&z, 16 + 15) == Z_OK);
        z.next_in = (Bytef *)bz.payload;
        z.avail_in = bz.payload_size;
        z.next_out = ref;
        z.avail_out = hint + 1;
        CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
        CHECK(z.total_out == olen && !memcmp(ref, out, olen));
        inflateEnd(&z);
        free(ref);
    }
    free(out);

    return 0;
}

static void group_bzimage(void)
{
    uint8_t *data = gen_alloc(200000, D_SELF), *c, *p, *img;
    struct xz_opts o = xz_default();
    size_t clen, size;

    o.x86 = true;
    c = xz_encode(data, 200000, &o, &clen);
    p = malloc(clen + 4);
    memcpy(p, c, clen);
    wr32(p + clen, 200000);
    img = make_bzimage(p, clen + 4, &size);
    CHECK(decode_vmlinuz(img, size, false) == 0);
    free(img);
    memcpy(p, "\x02\x21\x4c\x18", 4);        /* lz4's magic */
    img = make_bzimage(p, clen + 4, &size);
    CHECK_RC(decode_vmlinuz(img, size, false), -EOPNOTSUPP,
             "lz4 payloads are not supported");
    free(img);
    free(p);
    free(c);
    free(data);
}

/* 77: the automake convention for a skipped test. */
#define EXIT_SKIP 77

static int run_kernel(const char *path)
{
    FILE *f;
    uint8_t *img;
    long size;
    int rc;

    if ( !path || !*path )
        path = getenv("KEEL_VMLINUZ");
    if ( !path || !*path )
        path = "../../../ext/linux/vmlinuz";
    f = fopen(path, "rb");
    if ( !f )
    {
        printf("no kernel at %s (set KEEL_VMLINUZ)\n", path);
        return EXIT_SKIP;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    img = malloc(size);
    if ( fread(img, 1, size, f) != (size_t)size )
        size = 0;
    fclose(f);
    printf("kernel %s, %ld bytes\n", path, size);
    rc = decode_vmlinuz(img, size, true);
    /* Only xz and gzip are expected to decode; others must be refused. */
    CHECK(rc == 0 || (rc == -EOPNOTSUPP && strstr(err, "CONFIG_KERNEL_XZ")));
    free(img);
    printf("kernel: %d checks, %d failed\n", checks, failures);

    return failures ? 1 : 0;
}

static const struct {
    const char *name;
    void (*fn)(void);
} groups[] = {
    { "crc",          group_crc },
    { "xz",           group_xz },
    { "xz-large",     group_xz_large },
    { "xz-hostile",   group_xz_hostile },
    { "gzip",         group_gzip },
    { "gzip-hostile", group_gzip_hostile },
    { "payload",      group_payload },
    { "bzimage",      group_bzimage },
};

int main(int argc, char **argv)
{
    st = malloc(sizeof(*st));
    rnd_seed(0x1234567);

    if ( argc > 1 && !strcmp(argv[1], "kernel") )
        return run_kernel(argc > 2 ? argv[2] : NULL);
    for ( unsigned int i = 0; i < sizeof(groups) / sizeof(groups[0]); i++ )
    {
        if ( argc > 1 && strcmp(argv[1], groups[i].name) )
            continue;
        groups[i].fn();
        printf("%s: %d checks, %d failed\n", groups[i].name, checks, failures);
        free(st);
        return failures ? 1 : 0;
    }

    fprintf(stderr, "usage: %s crc|xz|xz-large|xz-hostile|gzip|gzip-hostile|payload|bzimage|kernel [vmlinuz]\n",
            argv[0]);
    return 2;
}
