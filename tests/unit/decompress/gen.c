/* Test data and reference encoders for the decompressor tests. */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;

    return rng_state;
}

void rnd_seed(uint64_t seed)
{
    rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

void wr32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

static void gen_text(uint8_t *buf, size_t len)
{
    static const char *const words[] = {
        "the", "of", "and", "a", "to", "in", "is", "you", "that", "it",
        "he", "was", "for", "on", "are", "as", "with", "his", "they", "I",
        "hypervisor", "domain", "page", "table", "interrupt", "vcpu",
        "schedule", "grant", "event", "channel", "memory", "kernel",
        "0x1000", "return", "static", "int", "struct", "unsigned", "long",
    };
    size_t i = 0;

    while ( i < len )
    {
        /* Skewed: low indices are common, as in natural text. */
        unsigned int w = (rnd() % 40) * (rnd() % 40) / 40;
        const char *s = words[w % (sizeof(words) / sizeof(words[0]))];
        size_t n = strlen(s);

        for ( size_t k = 0; k < n && i < len; k++ )
            buf[i++] = s[k];
        if ( i < len )
            buf[i++] = rnd() % 12 ? ' ' : rnd() % 3 ? '\n' : ',';
    }
}

static void gen_repeat(uint8_t *buf, size_t len)
{
    size_t period = 1 + rnd() % 300;
    uint8_t pat[300];

    for ( size_t i = 0; i < period; i++ )
        pat[i] = rnd();
    for ( size_t i = 0; i < len; i++ )
    {
        if ( rnd() % 1000 == 0 )
            pat[i % period] = rnd();
        buf[i] = pat[i % period];
    }
}

/* Instruction-like bytes: calls and jumps to a few targets, and filler. */
static void gen_x86(uint8_t *buf, size_t len)
{
    uint32_t targets[32];
    size_t i = 0;

    for ( unsigned int k = 0; k < 32; k++ )
        targets[k] = rnd() % (len + 0x20000) - 0x10000;
    while ( i < len )
    {
        unsigned int r = rnd() % 100;
        uint32_t rel;

        if ( r < 35 && len - i >= 5 )
        {
            /* A near call or jump: top byte 00 or ff after conversion. */
            buf[i] = r < 28 ? 0xe8 : 0xe9;
            rel = targets[rnd() % 32] - (uint32_t)(i + 5);
            if ( r < 3 )
                rel = rnd();            /* far, or data that looks like it */
            wr32(buf + i + 1, rel);
            i += 5;
        }
        else if ( r < 40 )
            buf[i++] = 0xe8;            /* an E8 that is no call */
        else if ( r < 60 && len - i >= 3 )
        {
            buf[i++] = 0x48;
            buf[i++] = 0x89;
            buf[i++] = 0xc0 | (rnd() & 0x3f);
        }
        else
            buf[i++] = rnd() % 4 ? rnd() : 0;
    }
}

static void gen_bytes(uint8_t *buf, size_t len)
{
    static const uint8_t alphabet[8] = {
        0xe8, 0xe9, 0x00, 0xff, 0x01, 0x80, 0x7f, 0xfe,
    };

    for ( size_t i = 0; i < len; i++ )
        buf[i] = alphabet[rnd() % 8];
}

static uint8_t *self_data;
static size_t self_size;

static void gen_self(uint8_t *buf, size_t len)
{
    size_t off;

    if ( !self_data )
    {
        FILE *f = fopen("/proc/self/exe", "rb");
        long n;

        if ( !f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 )
            abort();
        rewind(f);
        self_size = n;
        self_data = malloc(self_size);
        if ( fread(self_data, 1, self_size, f) != self_size )
            abort();
        fclose(f);
    }
    off = rnd() % self_size;
    for ( size_t i = 0; i < len; i++ )
        buf[i] = self_data[(off + i) % self_size];
}

void gen_data(uint8_t *buf, size_t len, enum data_kind kind)
{
    switch ( kind )
    {
    case D_ZEROS:
        memset(buf, 0, len);
        break;
    case D_RANDOM:
        for ( size_t i = 0; i < len; i++ )
            buf[i] = rnd() >> 24;
        break;
    case D_TEXT:
        gen_text(buf, len);
        break;
    case D_REPEAT:
        gen_repeat(buf, len);
        break;
    case D_X86:
        gen_x86(buf, len);
        break;
    case D_BYTES:
        gen_bytes(buf, len);
        break;
    default:
        gen_self(buf, len);
        break;
    }
}

const char *data_kind_name(enum data_kind kind)
{
    static const char *const names[D_NR] = {
        "zeros", "random", "text", "repeat", "x86", "bytes", "self",
    };

    return kind < D_NR ? names[kind] : "?";
}

uint8_t *gen_alloc(size_t len, enum data_kind kind)
{
    uint8_t *buf = malloc(len + !len);

    gen_data(buf, len, kind);

    return buf;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "%s failed: %d\n", what, rc);
    abort();
}

/* The filter chain of o, in f[0..3]. */
static void xz_filters(const struct xz_opts *o, lzma_filter *f,
                       lzma_options_lzma *lz, lzma_options_bcj *bcj,
                       lzma_options_delta *delta)
{
    unsigned int n = 0;

    if ( lzma_lzma_preset(lz, o->preset) )
        die("lzma_lzma_preset", o->preset);
    if ( o->dict )
        lz->dict_size = o->dict;
    if ( o->lc >= 0 )
        lz->lc = o->lc;
    if ( o->lp >= 0 )
        lz->lp = o->lp;
    if ( o->pb >= 0 )
        lz->pb = o->pb;
    memset(bcj, 0, sizeof(*bcj));
    bcj->start_offset = o->x86_start;
    memset(delta, 0, sizeof(*delta));
    delta->type = LZMA_DELTA_TYPE_BYTE;
    delta->dist = 1;
    if ( o->x86 )
        f[n++] = (lzma_filter){ LZMA_FILTER_X86, bcj };
    else if ( o->filter == LZMA_FILTER_DELTA )
        f[n++] = (lzma_filter){ LZMA_FILTER_DELTA, delta };
    else if ( o->filter )
        f[n++] = (lzma_filter){ o->filter, NULL };
    f[n++] = (lzma_filter){ LZMA_FILTER_LZMA2, lz };
    f[n] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
}

static uint8_t *xz_stream_encode(const uint8_t *in, size_t len,
                                 const struct xz_opts *o, lzma_filter *f,
                                 size_t *out_len)
{
    lzma_stream s = LZMA_STREAM_INIT;
    size_t per = o->random_blocks ? 1 : o->block_size;
    size_t cap = lzma_stream_buffer_bound(len) + 4096 + (len / per + 1) * 64;
    uint8_t *out = malloc(cap);
    size_t off = 0;
    lzma_ret ret;

    if ( o->mt )
    {
        lzma_mt mt = {
            .threads = 2, .block_size = o->block_size, .filters = f,
            .check = o->check,
        };

        ret = lzma_stream_encoder_mt(&s, &mt);
    }
    else
        ret = lzma_stream_encoder(&s, f, o->check);
    if ( ret != LZMA_OK )
        die("lzma_stream_encoder", ret);
    s.next_out = out;
    s.avail_out = cap;
    do
    {
        size_t want = o->mt ? len : o->random_blocks ? 1 + rnd() % o->block_size
                                                     : o->block_size;
        size_t n = len - off < want ? len - off : want;
        lzma_action act = off + n == len ? LZMA_FINISH : LZMA_FULL_FLUSH;

        s.next_in = in + off;
        s.avail_in = n;
        do
            ret = lzma_code(&s, act);
        while ( ret == LZMA_OK );
        if ( ret != LZMA_STREAM_END )
            die("lzma_code", ret);
        off += n;
    } while ( off < len );
    *out_len = cap - s.avail_out;
    lzma_end(&s);

    return out;
}

uint8_t *xz_encode(const uint8_t *in, size_t len, const struct xz_opts *o,
                   size_t *out_len)
{
    lzma_options_lzma lz;
    lzma_options_bcj bcj;
    lzma_options_delta delta;
    lzma_filter f[4];
    size_t cap, pos = 0;
    uint8_t *out;
    lzma_ret ret;

    xz_filters(o, f, &lz, &bcj, &delta);
    if ( o->block_size )
        return xz_stream_encode(in, len, o, f, out_len);
    cap = lzma_stream_buffer_bound(len);
    out = malloc(cap);
    ret = lzma_stream_buffer_encode(f, o->check, NULL, in, len, out, &pos,
                                    cap);
    if ( ret != LZMA_OK )
        die("lzma_stream_buffer_encode", ret);
    *out_len = pos;

    return out;
}

uint8_t *lzma2_raw_encode(const uint8_t *in, size_t len, uint32_t preset,
                          size_t *out_len)
{
    struct xz_opts o = { .preset = preset, .lc = -1, .lp = -1, .pb = -1 };
    lzma_options_lzma lz;
    lzma_options_bcj bcj;
    lzma_options_delta delta;
    lzma_filter f[4];
    size_t cap = lzma_stream_buffer_bound(len), pos = 0;
    uint8_t *out = malloc(cap);
    lzma_ret ret;

    xz_filters(&o, f, &lz, &bcj, &delta);
    ret = lzma_raw_buffer_encode(f, NULL, in, len, out, &pos, cap);
    if ( ret != LZMA_OK )
        die("lzma_raw_buffer_encode", ret);
    *out_len = pos;

    return out;
}

static size_t put_vli(uint8_t *p, uint64_t v)
{
    size_t n = 0;

    while ( v >= 0x80 )
    {
        p[n++] = (v & 0x7f) | 0x80;
        v >>= 7;
    }
    p[n++] = v;

    return n;
}

uint8_t *xz_wrap_lzma2(const uint8_t *lzma2, size_t len, uint64_t usize,
                       size_t *out_len)
{
    uint8_t *out = malloc(len + 128);
    size_t p = 0, index, bh;

    memcpy(out, "\xfd" "7zXZ\0\0\0", 8);
    wr32(out + 8, lzma_crc32(out + 6, 2, 0));
    p = 12;
    /* Block header: the compressed size, one filter: LZMA2, 16 MiB. */
    out[p + 1] = 0x40;
    bh = 2 + put_vli(out + p + 2, len);
    memcpy(out + p + bh, "\x21\x01\x18", 3);
    bh += 3;
    while ( (bh + 4) % 4 )
        out[p + bh++] = 0;
    out[p] = (bh + 4) / 4 - 1;
    wr32(out + p + bh, lzma_crc32(out + p, bh, 0));
    bh += 4;
    p += bh;
    memcpy(out + p, lzma2, len);
    p += len;
    while ( p & 3 )
        out[p++] = 0;
    index = p;
    out[p++] = 0;
    p += put_vli(out + p, 1);
    p += put_vli(out + p, bh + len);
    p += put_vli(out + p, usize);
    while ( p & 3 )
        out[p++] = 0;
    wr32(out + p, lzma_crc32(out + index, p - index, 0));
    p += 4;
    wr32(out + p + 4, (p - index) / 4 - 1);
    out[p + 8] = 0;
    out[p + 9] = 0;
    wr32(out + p, lzma_crc32(out + p + 4, 6, 0));
    out[p + 10] = 'Y';
    out[p + 11] = 'Z';
    *out_len = p + 12;

    return out;
}

uint8_t *gz_encode(const uint8_t *in, size_t len, const struct gz_opts *o,
                   size_t *out_len)
{
    static char extra[] = "AB\x04\0xyzw";
    z_stream s;
    gz_header h;
    size_t cap, off = 0;
    uint8_t *out;
    int ret, level = o->level;

    memset(&s, 0, sizeof(s));
    ret = deflateInit2(&s, level, Z_DEFLATED, 16 + o->window_bits,
                       o->mem_level, o->strategy);
    if ( ret != Z_OK )
        die("deflateInit2", ret);
    if ( o->header )
    {
        memset(&h, 0, sizeof(h));
        h.text = 1;
        h.time = 0x5eadbeef;
        h.os = 3;
        h.extra = (Bytef *)extra;
        h.extra_len = sizeof(extra) - 1;
        h.name = (Bytef *)"vmlinux.bin";
        h.comment = (Bytef *)"a comment";
        h.hcrc = 1;
        if ( deflateSetHeader(&s, &h) != Z_OK )
            die("deflateSetHeader", 0);
    }
    cap = deflateBound(&s, len) * 2 + 4096 +
          (o->flush_every ? len / o->flush_every * 16 : 0);
    out = malloc(cap);
    s.next_out = out;
    s.avail_out = cap;
    do
    {
        size_t n = len - off;
        int flush = Z_FINISH;

        if ( o->flush_every && n > o->flush_every )
        {
            n = o->flush_every;
            flush = Z_FULL_FLUSH;
        }
        s.next_in = (Bytef *)in + off;
        s.avail_in = n;
        ret = deflate(&s, flush);
        if ( flush == Z_FINISH ? ret != Z_STREAM_END : ret != Z_OK ||
             s.avail_in )
            die("deflate", ret);
        off += n;
        if ( flush != Z_FINISH )
        {
            /* A new level each time mixes stored, fixed and dynamic. */
            level = (level + 4) % 10;
            if ( deflateParams(&s, level, o->strategy) != Z_OK )
                die("deflateParams", level);
        }
    } while ( off < len );
    *out_len = cap - s.avail_out;
    deflateEnd(&s);

    return out;
}
