/*
 * Single-call gzip decoder: the RFC 1952 member format around RFC 1951
 * deflate, written for Keel from the RFCs.  The output buffer is the
 * deflate window, so matches are copied within it.
 *
 * Hostile input: the bit reader feeds zeros past the end of the input
 * rather than branch out of the hot loop, and counts them; a block that
 * needed them is refused, and every loop stops on such an overrun or on
 * producing output, so neither runs away.  Huffman codes are decoded
 * through a table indexed by the next INFLATE_FAST_BITS bits; longer codes
 * (rare) take the canonical walk.
 */
#include <keel/decompress.h>
#include <keel/lib.h>
#include <public/errno.h>

#define GZ_ERR(g, rc, fmt, ...) \
    errf((g)->err, (g)->errlen, (rc), "gzip: " fmt, ##__VA_ARGS__)

/* The input, least significant bit first. */
struct bits {
    const uint8_t *in;
    size_t len;
    size_t pos;             /* next byte to load; may pass len (zeros) */
    uint64_t buf;
    unsigned int cnt;       /* bits in buf */
};

static __always_inline void bits_fill(struct bits *b)
{
    while ( b->cnt <= 56 )
    {
        uint64_t byte = b->pos < b->len ? b->in[b->pos] : 0;

        b->pos++;
        b->buf |= byte << b->cnt;
        b->cnt += 8;
    }
}

/* n <= 32 bits. */
static __always_inline unsigned int bits_get(struct bits *b, unsigned int n)
{
    unsigned int v;

    bits_fill(b);
    v = b->buf & ((1ULL << n) - 1);
    b->buf >>= n;
    b->cnt -= n;

    return v;
}

/* Whether bits beyond the input have been consumed. */
static __always_inline bool bits_overrun(const struct bits *b)
{
    return b->pos - b->cnt / 8 > b->len;
}

/* Drop the bits to the next byte boundary and unread the whole bytes. */
static void bits_align(struct bits *b)
{
    b->pos -= b->cnt / 8;
    b->buf = 0;
    b->cnt = 0;
}

struct gz_ctx {
    struct bits b;
    uint8_t *out;
    size_t out_max;
    size_t op;
    size_t member;          /* where the current member's output starts */
    struct gunzip_state *st;
    char *err;
    size_t errlen;
};

#define HUFF_MAX_BITS   15
#define FAST_MASK       ((1U << INFLATE_FAST_BITS) - 1)

static unsigned int rev_bits(unsigned int code, unsigned int len)
{
    unsigned int r = 0;

    while ( len-- )
    {
        r = (r << 1) | (code & 1);
        code >>= 1;
    }

    return r;
}

/*
 * The canonical code of lens[0..n).  Over-subscribed lengths are refused;
 * so is an incomplete code, except one with at most one code, of length
 * 1, when allow_single (RFC 1951 §3.2.7: one distance code is one bit).
 */
static bool huff_build(struct inflate_huff *h, const uint8_t *lens,
                       unsigned int n, bool allow_single)
{
    uint16_t offs[HUFF_MAX_BITS + 2];
    unsigned int len, i, codes, code, idx;
    int left = 1;

    memset(h->count, 0, sizeof(h->count));
    for ( i = 0; i < n; i++ )
        h->count[lens[i]]++;
    h->count[0] = 0;
    for ( len = 1; len <= HUFF_MAX_BITS; len++ )
    {
        left = 2 * left - h->count[len];
        if ( left < 0 )
            return false;
    }
    codes = n;
    for ( i = 0; i < n; i++ )
        codes -= !lens[i];
    if ( left && !(allow_single && (codes == 0 || (codes == 1 && h->count[1]))) )
        return false;

    offs[1] = 0;
    for ( len = 1; len <= HUFF_MAX_BITS; len++ )
        offs[len + 1] = offs[len] + h->count[len];
    for ( i = 0; i < n; i++ )
        if ( lens[i] )
            h->sym[offs[lens[i]]++] = i;

    /* Codes of up to INFLATE_FAST_BITS, in canonical order. */
    memset(h->fast, 0, sizeof(h->fast));
    code = idx = 0;
    for ( len = 1; len <= INFLATE_FAST_BITS; len++, code <<= 1 )
        for ( i = 0; i < h->count[len]; i++, code++, idx++ )
            for ( unsigned int j = rev_bits(code, len); j <= FAST_MASK;
                  j += 1U << len )
                h->fast[j] = h->sym[idx] << 4 | len;

    return true;
}

/* A code longer than the table's, or none: walk the canonical lengths. */
static int huff_slow(struct bits *b, const struct inflate_huff *h)
{
    unsigned int first = 0, idx = 0, code = 0, len;
    uint64_t buf = b->buf;

    for ( len = 1; len <= HUFF_MAX_BITS; len++ )
    {
        code |= buf & 1;
        buf >>= 1;
        if ( code - first < h->count[len] )
        {
            b->buf >>= len;
            b->cnt -= len;
            return h->sym[idx + code - first];
        }
        idx += h->count[len];
        first = (first + h->count[len]) << 1;
        code <<= 1;
    }

    return -1;
}

static __always_inline int huff_decode(struct bits *b,
                                       const struct inflate_huff *h)
{
    unsigned int e;

    bits_fill(b);
    e = h->fast[b->buf & FAST_MASK];
    if ( likely(e) )
    {
        b->buf >>= e & 15;
        b->cnt -= e & 15;
        return e >> 4;
    }

    return huff_slow(b, h);
}

/* Lengths 257..285 and distances 0..29: base and extra bits (RFC 1951). */
static const uint16_t len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};

/*
 * No room for a symbol's output.  Unless the symbol was made of the zeros
 * read past the end of the input: then the input was cut short.
 */
static int inflate_full(struct gz_ctx *g, const struct bits *b)
{
    if ( bits_overrun(b) )
        return GZ_ERR(g, -EINVAL, "deflate data truncated");

    return GZ_ERR(g, -ENOSPC, "output buffer of 0x%zx bytes is too small",
                  g->out_max);
}

/* The symbols of a fixed or dynamic block, up to end-of-block. */
static int inflate_codes(struct gz_ctx *g)
{
    const struct inflate_huff *lit = &g->st->lit, *dist = &g->st->dist;
    struct bits b = g->b;
    uint8_t *out = g->out;
    size_t op = g->op, out_max = g->out_max;
    int rc = 0;

    for ( ;; )
    {
        int sym;
        unsigned int len, d;

        if ( unlikely(bits_overrun(&b)) )
        {
            rc = GZ_ERR(g, -EINVAL, "deflate data truncated");
            break;
        }
        sym = huff_decode(&b, lit);
        if ( sym < 256 )
        {
            if ( unlikely(sym < 0) )
            {
                rc = GZ_ERR(g, -EINVAL, "invalid literal/length code at 0x%zx",
                            b.pos);
                break;
            }
            if ( unlikely(op == out_max) )
            {
                rc = inflate_full(g, &b);
                break;
            }
            out[op++] = sym;
            continue;
        }
        if ( sym == 256 )
            break;
        sym -= 257;
        if ( unlikely(sym >= 29) )
        {
            rc = GZ_ERR(g, -EINVAL, "invalid length code %d", sym + 257);
            break;
        }
        len = len_base[sym] + bits_get(&b, len_extra[sym]);
        sym = huff_decode(&b, dist);
        if ( unlikely(sym < 0 || sym >= 30) )
        {
            rc = GZ_ERR(g, -EINVAL, "invalid distance code at 0x%zx", b.pos);
            break;
        }
        d = dist_base[sym] + bits_get(&b, dist_extra[sym]);
        if ( unlikely(d > op - g->member) )
        {
            rc = GZ_ERR(g, -EINVAL, "distance %u reaches before the start of the data",
                        d);
            break;
        }
        if ( unlikely(len > out_max - op) )
        {
            rc = inflate_full(g, &b);
            break;
        }
        {
            const uint8_t *src = out + op - d;
            uint8_t *dst = out + op;

            /* Byte by byte: a match may overlap its own output. */
            op += len;
            do
                *dst++ = *src++;
            while ( --len );
        }
    }
    if ( !rc && bits_overrun(&b) )
        rc = GZ_ERR(g, -EINVAL, "deflate data truncated");
    g->b = b;
    g->op = op;

    return rc;
}

static int inflate_stored(struct gz_ctx *g)
{
    struct bits *b = &g->b;
    const uint8_t *p;
    unsigned int len;

    bits_align(b);
    if ( b->pos > b->len || b->len - b->pos < 4 )
        return GZ_ERR(g, -EINVAL, "stored block truncated");
    p = b->in + b->pos;
    len = p[0] | p[1] << 8;
    if ( (unsigned int)(p[2] | p[3] << 8) != (~len & 0xffff) )
        return GZ_ERR(g, -EINVAL, "stored block at 0x%zx: bad length check",
                      b->pos);
    b->pos += 4;
    if ( b->len - b->pos < len )
        return GZ_ERR(g, -EINVAL, "stored block truncated");
    if ( g->out_max - g->op < len )
        return GZ_ERR(g, -ENOSPC, "output buffer of 0x%zx bytes is too small",
                      g->out_max);
    memcpy(g->out + g->op, b->in + b->pos, len);
    b->pos += len;
    g->op += len;

    return 0;
}

static void inflate_fixed_tables(struct gunzip_state *st)
{
    unsigned int i;

    for ( i = 0; i < 288; i++ )
        st->lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    huff_build(&st->lit, st->lens, 288, false);
    for ( i = 0; i < 32; i++ )
        st->lens[i] = 5;
    huff_build(&st->dist, st->lens, 32, false);
}

/* The code lengths of a dynamic block (RFC 1951 §3.2.7). */
static int inflate_dynamic_tables(struct gz_ctx *g)
{
    static const uint8_t order[19] = {
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    };
    struct gunzip_state *st = g->st;
    struct bits *b = &g->b;
    unsigned int nlit, ndist, nclen, i, n;

    nlit = bits_get(b, 5) + 257;
    ndist = bits_get(b, 5) + 1;
    nclen = bits_get(b, 4) + 4;
    if ( nlit > 286 || ndist > 30 )
        return GZ_ERR(g, -EINVAL, "dynamic block with %u length and %u distance codes",
                      nlit, ndist);
    memset(st->lens, 0, 19);
    for ( i = 0; i < nclen; i++ )
        st->lens[order[i]] = bits_get(b, 3);
    if ( !huff_build(&st->clen, st->lens, 19, false) )
        return GZ_ERR(g, -EINVAL, "dynamic block: bad code length code");

    n = nlit + ndist;
    for ( i = 0; i < n; )
    {
        int sym = huff_decode(b, &st->clen);
        unsigned int rep, val = 0;

        if ( sym < 0 || bits_overrun(b) )
            return GZ_ERR(g, -EINVAL, "dynamic block: bad code lengths");
        if ( sym < 16 )
        {
            st->lens[i++] = sym;
            continue;
        }
        if ( sym == 16 )
        {
            if ( !i )
                return GZ_ERR(g, -EINVAL, "dynamic block: repeat with no length");
            val = st->lens[i - 1];
            rep = 3 + bits_get(b, 2);
        }
        else if ( sym == 17 )
            rep = 3 + bits_get(b, 3);
        else
            rep = 11 + bits_get(b, 7);
        if ( rep > n - i )
            return GZ_ERR(g, -EINVAL, "dynamic block: code lengths overflow");
        while ( rep-- )
            st->lens[i++] = val;
    }
    if ( bits_overrun(b) )
        return GZ_ERR(g, -EINVAL, "deflate data truncated");
    if ( !st->lens[256] )
        return GZ_ERR(g, -EINVAL, "dynamic block without an end-of-block code");
    if ( !huff_build(&st->lit, st->lens, nlit, true) ||
         !huff_build(&st->dist, st->lens + nlit, ndist, true) )
        return GZ_ERR(g, -EINVAL, "dynamic block: bad Huffman code lengths");

    return 0;
}

/* Deflate blocks up to the final one; each takes at least 3 bits. */
static int inflate_blocks(struct gz_ctx *g)
{
    unsigned int final, type;
    int rc;

    do
    {
        final = bits_get(&g->b, 1);
        type = bits_get(&g->b, 2);
        if ( bits_overrun(&g->b) )
            return GZ_ERR(g, -EINVAL, "deflate data truncated");
        switch ( type )
        {
        case 0:
            rc = inflate_stored(g);
            break;
        case 1:
            inflate_fixed_tables(g->st);
            rc = inflate_codes(g);
            break;
        case 2:
            rc = inflate_dynamic_tables(g);
            if ( !rc )
                rc = inflate_codes(g);
            break;
        default:
            rc = GZ_ERR(g, -EINVAL, "reserved block type 3");
            break;
        }
        if ( rc )
            return rc;
    } while ( !final );

    return 0;
}

#define GZ_FTEXT    0x01
#define GZ_FHCRC    0x02
#define GZ_FEXTRA   0x04
#define GZ_FNAME    0x08
#define GZ_FCOMMENT 0x10
#define GZ_FRESERVED 0xe0

/* Skip a NUL-terminated field; false when it runs past the input. */
static bool skip_string(const uint8_t *in, size_t len, size_t *pos)
{
    while ( *pos < len )
        if ( !in[(*pos)++] )
            return true;

    return false;
}

/* The member header at b.pos (byte-aligned); moves past it. */
static int gz_header(struct gz_ctx *g, bool first)
{
    const uint8_t *in = g->b.in;
    size_t len = g->b.len, start = g->b.pos, pos;
    unsigned int flags;

    if ( len - start < 10 || in[start] != 0x1f || in[start + 1] != 0x8b )
        return first ? GZ_ERR(g, -EINVAL, "not a gzip file (bad magic)")
                     : GZ_ERR(g, -EINVAL, "bytes at 0x%zx after the member are not another member",
                              start);
    if ( in[start + 2] != 8 )
        return GZ_ERR(g, -EOPNOTSUPP, "compression method %u not supported (only deflate)",
                      in[start + 2]);
    flags = in[start + 3];
    if ( flags & GZ_FRESERVED )
        return GZ_ERR(g, -EINVAL, "member at 0x%zx: reserved flags 0x%02x",
                      start, flags);
    pos = start + 10;
    if ( flags & GZ_FEXTRA )
    {
        size_t xlen;

        if ( len - pos < 2 )
            return GZ_ERR(g, -EINVAL, "header truncated");
        xlen = in[pos] | in[pos + 1] << 8;
        pos += 2;
        if ( len - pos < xlen )
            return GZ_ERR(g, -EINVAL, "header truncated");
        pos += xlen;
    }
    if ( ((flags & GZ_FNAME) && !skip_string(in, len, &pos)) ||
         ((flags & GZ_FCOMMENT) && !skip_string(in, len, &pos)) )
        return GZ_ERR(g, -EINVAL, "header truncated");
    if ( flags & GZ_FHCRC )
    {
        if ( len - pos < 2 )
            return GZ_ERR(g, -EINVAL, "header truncated");
        if ( (crc32_ieee(0, in + start, pos - start) & 0xffff) !=
             (unsigned int)(in[pos] | in[pos + 1] << 8) )
            return GZ_ERR(g, -EINVAL, "member at 0x%zx: header CRC16 mismatch",
                          start);
        pos += 2;
    }
    g->b.pos = pos;

    return 0;
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int gz_member(struct gz_ctx *g, bool first)
{
    size_t start = g->b.pos, size;
    const uint8_t *t;
    int rc;

    rc = gz_header(g, first);
    if ( rc )
        return rc;
    g->member = g->op;
    rc = inflate_blocks(g);
    if ( rc )
        return rc;

    bits_align(&g->b);
    if ( g->b.pos > g->b.len || g->b.len - g->b.pos < 8 )
        return GZ_ERR(g, -EINVAL, "member at 0x%zx: trailer truncated", start);
    t = g->b.in + g->b.pos;
    size = g->op - g->member;
    if ( crc32_ieee(0, g->out + g->member, size) != get_le32(t) )
        return GZ_ERR(g, -EINVAL, "member at 0x%zx: CRC32 mismatch", start);
    if ( get_le32(t + 4) != (uint32_t)size )
        return GZ_ERR(g, -EINVAL, "member at 0x%zx: size 0x%zx, trailer says 0x%x",
                      start, size, get_le32(t + 4));
    g->b.pos += 8;

    return 0;
}

int gunzip(const void *in, size_t in_len, void *out, size_t out_max,
           size_t *out_len, struct gunzip_state *st, char *err,
           size_t errlen)
{
    struct gz_ctx g = {
        .b = { .in = in, .len = in_len },
        .out = out, .out_max = out_max, .st = st,
        .err = err, .errlen = errlen,
    };
    size_t unused;
    int rc = 0;

    if ( !out_len )
        out_len = &unused;
    *out_len = 0;
    if ( (!in && in_len) || (!out && out_max) || !st )
        return GZ_ERR(&g, -EINVAL, "bad arguments");
    if ( !in_len )
        return GZ_ERR(&g, -EINVAL, "empty input");

    /* Members until the input ends; each takes at least 18 bytes. */
    while ( !rc && g.b.pos < in_len )
        rc = gz_member(&g, g.b.pos == 0);
    *out_len = g.op;

    return rc;
}
