/*
 * Single-call xz decoder: the .xz container (The .xz File Format 1.1.0),
 * LZMA2 chunks around LZMA, and the x86 BCJ filter; checks none, CRC32 and
 * CRC64.  Written for Keel from the public format descriptions.  The
 * output buffer is the LZMA dictionary, so a block is decoded in place and
 * the BCJ filter and the check run over it afterwards.
 *
 * Hostile input: every read of the input is bounded by its length, every
 * write by out_max, and every loop consumes input or produces output.
 * Rather than branch out of its hot loop when its chunk runs out, the
 * range decoder takes zeros for the missing bytes and counts them; the
 * chunk is refused as soon as the symbol that needed them is done.
 */
#include <keel/decompress.h>
#include <keel/lib.h>
#include <public/errno.h>

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
    return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/*
 * The range decoder.  Probabilities are 11-bit estimates that a bit is 0,
 * adapted by 1/32 of the distance to the bit seen.
 */
#define RC_TOP_VALUE    (1U << 24)
#define PROB_BITS       11
#define PROB_ONE        (1U << PROB_BITS)
#define PROB_INIT       (PROB_ONE / 2)
#define PROB_MOVE       5

struct rc {
    const uint8_t *in;
    size_t pos;             /* may pass end: bytes read as zeros */
    size_t end;
    uint32_t range;
    uint32_t code;
};

static __always_inline void rc_normalize(struct rc *rc)
{
    if ( rc->range < RC_TOP_VALUE )
    {
        rc->range <<= 8;
        rc->code = (rc->code << 8) |
                   (rc->pos < rc->end ? rc->in[rc->pos] : 0);
        rc->pos++;
    }
}

static __always_inline unsigned int rc_bit(struct rc *rc, uint16_t *prob)
{
    uint32_t bound = (rc->range >> PROB_BITS) * *prob;
    unsigned int bit;

    if ( rc->code < bound )
    {
        rc->range = bound;
        *prob += (PROB_ONE - *prob) >> PROB_MOVE;
        bit = 0;
    }
    else
    {
        rc->range -= bound;
        rc->code -= bound;
        *prob -= *prob >> PROB_MOVE;
        bit = 1;
    }
    rc_normalize(rc);

    return bit;
}

/* A bits-wide symbol, most significant bit first, from probs[1..]. */
static __always_inline unsigned int rc_tree(struct rc *rc, uint16_t *probs,
                                            unsigned int bits)
{
    unsigned int m = 1;

    for ( unsigned int i = 0; i < bits; i++ )
        m = (m << 1) | rc_bit(rc, &probs[m]);

    return m - (1U << bits);
}

/* The same, least significant bit first. */
static __always_inline unsigned int rc_tree_rev(struct rc *rc,
                                                uint16_t *probs,
                                                unsigned int bits)
{
    unsigned int m = 1, sym = 0;

    for ( unsigned int i = 0; i < bits; i++ )
    {
        unsigned int bit = rc_bit(rc, &probs[m]);

        m = (m << 1) | bit;
        sym |= bit << i;
    }

    return sym;
}

/* Bits of probability 1/2, most significant first. */
static __always_inline uint32_t rc_direct(struct rc *rc, unsigned int bits)
{
    uint32_t v = 0;

    while ( bits-- )
    {
        rc->range >>= 1;
        if ( rc->code >= rc->range )
        {
            rc->code -= rc->range;
            v = (v << 1) | 1;
        }
        else
            v <<= 1;
        rc_normalize(rc);
    }

    return v;
}

/*
 * LZMA.  The state (0..11) remembers the kinds of the last symbols:
 * below 7 the previous one was a literal.
 */
#define LZMA_LIT_STATES     7
#define LZMA_MATCH_MIN      2
#define LZMA_DIST_MODEL_END 14  /* slots from here use direct bits + align */
#define LZMA_END_MARKER     0xffffffffU

enum lz_result {
    LZ_OK,
    LZ_TRUNCATED,           /* the chunk's compressed bytes ran out */
    LZ_BAD_DISTANCE,        /* before the start of the dictionary */
    LZ_LONG_MATCH,          /* past the end of the chunk */
    LZ_END_MARK,            /* an end marker, which LZMA2 forbids */
};

static __always_inline unsigned int lzma_len(struct rc *rc,
                                             struct lzma_len_probs *l,
                                             unsigned int pos_state)
{
    if ( !rc_bit(rc, &l->choice) )
        return rc_tree(rc, l->low[pos_state], 3);
    if ( !rc_bit(rc, &l->choice2) )
        return 8 + rc_tree(rc, l->mid[pos_state], 3);

    return 16 + rc_tree(rc, l->high, 8);
}

/*
 * A match distance - 1.  len is the match length - 2; the slot is the
 * distance's bit length and next bit.  dist_special holds the reverse
 * tree of slot s (base b, n bits) at [b, b + 2^n - 1): indices 1.. of a
 * tree at dist_special + b - 1, disjoint for the ten slots 4..13.
 */
static __always_inline uint32_t lzma_dist(struct rc *rc,
                                          struct lzma_probs *p,
                                          unsigned int len)
{
    unsigned int slot = rc_tree(rc, p->dist_slot[len < 3 ? len : 3], 6);
    unsigned int bits;
    uint32_t dist;

    if ( slot < 4 )
        return slot;
    bits = (slot >> 1) - 1;
    dist = (2U | (slot & 1)) << bits;
    if ( slot < LZMA_DIST_MODEL_END )
        return dist + rc_tree_rev(rc, p->dist_special + dist - 1, bits);
    dist += rc_direct(rc, bits - 4) << 4;

    return dist + rc_tree_rev(rc, p->dist_align, 4);
}

static __always_inline unsigned int lzma_literal(struct rc *rc,
                                                 uint16_t *probs,
                                                 unsigned int state,
                                                 unsigned int match_byte)
{
    unsigned int sym = 1;

    /*
     * After a match the byte at rep0 predicts this one: its bits select
     * the probabilities until the first bit that differs.
     */
    if ( state >= LZMA_LIT_STATES )
        while ( sym < 0x100 )
        {
            unsigned int match_bit = (match_byte >> 7) & 1;
            unsigned int bit;

            match_byte <<= 1;
            bit = rc_bit(rc, &probs[0x100 + (match_bit << 8) + sym]);
            sym = (sym << 1) | bit;
            if ( bit != match_bit )
                break;
        }
    while ( sym < 0x100 )
        sym = (sym << 1) | rc_bit(rc, &probs[sym]);

    return sym & 0xff;
}

static void lzma_reset(struct xz_state *st)
{
    uint16_t *p = (uint16_t *)&st->probs;
    size_t n = offsetof(struct lzma_probs, literal) / sizeof(*p) +
               ((size_t)0x300 << (st->lc + st->lp));

    BUILD_BUG_ON(offsetof(struct lzma_probs, literal) % sizeof(*p));
    for ( size_t i = 0; i < n; i++ )
        p[i] = PROB_INIT;
    st->state = 0;
    st->rep[0] = st->rep[1] = st->rep[2] = st->rep[3] = 0;
}

/*
 * Decode LZMA symbols into dict[dpos..dend): dict is the output since the
 * last dictionary reset, dend the end of the chunk.  A symbol must end
 * exactly at dend.
 */
static enum lz_result lzma_decode(struct xz_state *st, struct rc *rcp,
                                  uint8_t *dict, size_t dpos, size_t dend)
{
    struct lzma_probs *p = &st->probs;
    struct rc rc = *rcp;
    uint32_t rep0 = st->rep[0], rep1 = st->rep[1];
    uint32_t rep2 = st->rep[2], rep3 = st->rep[3];
    unsigned int state = st->state, lc = st->lc;
    size_t pb_mask = ((size_t)1 << st->pb) - 1;
    size_t lp_mask = ((size_t)1 << st->lp) - 1;
    enum lz_result res = LZ_OK;

    while ( dpos < dend )
    {
        unsigned int ps = dpos & pb_mask, len;

        if ( unlikely(rc.pos > rc.end) )
        {
            res = LZ_TRUNCATED;
            break;
        }

        if ( !rc_bit(&rc, &p->is_match[state][ps]) )
        {
            unsigned int prev = dpos ? dict[dpos - 1] : 0;
            uint16_t *probs =
                p->literal[((dpos & lp_mask) << lc) + (prev >> (8 - lc))];
            unsigned int match_byte = 0;

            if ( state >= LZMA_LIT_STATES )
            {
                /* Held by the state machine; checked to stay in bounds. */
                if ( unlikely(rep0 >= dpos) )
                {
                    res = LZ_BAD_DISTANCE;
                    break;
                }
                match_byte = dict[dpos - rep0 - 1];
            }
            dict[dpos++] = lzma_literal(&rc, probs, state, match_byte);
            state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
            continue;
        }

        if ( !rc_bit(&rc, &p->is_rep[state]) )
        {
            /* A new distance; the others move down. */
            len = lzma_len(&rc, &p->match_len, ps);
            state = state < LZMA_LIT_STATES ? 7 : 10;
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            rep0 = lzma_dist(&rc, p, len);
            if ( unlikely(rep0 == LZMA_END_MARKER) )
            {
                res = LZ_END_MARK;
                break;
            }
        }
        else if ( !rc_bit(&rc, &p->is_rep0[state]) )
        {
            if ( !rc_bit(&rc, &p->is_rep0_long[state][ps]) )
            {
                /* One byte from rep0. */
                state = state < LZMA_LIT_STATES ? 9 : 11;
                if ( unlikely(rep0 >= dpos) )
                {
                    res = LZ_BAD_DISTANCE;
                    break;
                }
                dict[dpos] = dict[dpos - rep0 - 1];
                dpos++;
                continue;
            }
            len = lzma_len(&rc, &p->rep_len, ps);
            state = state < LZMA_LIT_STATES ? 8 : 11;
        }
        else
        {
            /* An older distance moves to the front. */
            uint32_t dist;

            if ( !rc_bit(&rc, &p->is_rep1[state]) )
                dist = rep1;
            else
            {
                if ( !rc_bit(&rc, &p->is_rep2[state]) )
                    dist = rep2;
                else
                {
                    dist = rep3;
                    rep3 = rep2;
                }
                rep2 = rep1;
            }
            rep1 = rep0;
            rep0 = dist;
            len = lzma_len(&rc, &p->rep_len, ps);
            state = state < LZMA_LIT_STATES ? 8 : 11;
        }

        len += LZMA_MATCH_MIN;
        if ( unlikely(rep0 >= dpos) )
        {
            res = LZ_BAD_DISTANCE;
            break;
        }
        if ( unlikely(len > dend - dpos) )
        {
            res = LZ_LONG_MATCH;
            break;
        }
        {
            const uint8_t *src = dict + dpos - rep0 - 1;
            uint8_t *dst = dict + dpos;

            /*
             * A match may overlap its own output: eight bytes at a time
             * only when they are all before dst.
             */
            dpos += len;
            if ( rep0 >= 7 )
                for ( ; len >= 8; len -= 8, src += 8, dst += 8 )
                    __builtin_memcpy(dst, src, 8);
            for ( ; len; len-- )
                *dst++ = *src++;
        }
    }

    if ( res == LZ_OK && rc.pos > rc.end )
        res = LZ_TRUNCATED;
    *rcp = rc;
    st->rep[0] = rep0;
    st->rep[1] = rep1;
    st->rep[2] = rep2;
    st->rep[3] = rep3;
    st->state = state;

    return res;
}

/* Decoding of one xz file: where we are, and how to complain. */
struct xz_ctx {
    const uint8_t *in;
    size_t in_len;
    size_t ip;              /* next input byte */
    uint8_t *out;
    size_t out_max;
    size_t op;              /* next output byte */
    struct xz_state *st;
    char *err;
    size_t errlen;
    unsigned int check;     /* the stream's check type */
    uint64_t blocks;        /* blocks of this stream so far */
    uint64_t records;       /* CRC-64 of their (unpadded, uncompressed) */
};

#define XZ_ERR(x, rc, fmt, ...) \
    errf((x)->err, (x)->errlen, (rc), "xz: " fmt, ##__VA_ARGS__)

/* An LZMA2 properties byte: (pb * 5 + lp) * 9 + lc. */
static bool lzma2_props(struct xz_state *st, unsigned int b)
{
    if ( b >= 9 * 5 * 5 )
        return false;
    st->lc = b % 9;
    b /= 9;
    st->lp = b % 5;
    st->pb = b / 5;

    return st->lc + st->lp <= 4;
}

/* One LZMA chunk of usize bytes from csize bytes at x->in + ip. */
static int lzma2_lzma_chunk(struct xz_ctx *x, size_t ip, size_t csize,
                            size_t dict_start, size_t usize)
{
    const uint8_t *in = x->in + ip;
    struct rc rc;
    enum lz_result res;

    if ( csize < 5 || in[0] != 0 )
        return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx has a bad range coder start",
                      ip);
    rc.in = in;
    rc.pos = 5;
    rc.end = csize;
    rc.range = 0xffffffffU;
    rc.code = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 |
              (uint32_t)in[3] << 8 | in[4];
    if ( rc.code == rc.range )
        return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx has a bad range coder start",
                      ip);

    res = lzma_decode(x->st, &rc, x->out + dict_start, x->op - dict_start,
                      x->op - dict_start + usize);
    switch ( res )
    {
    case LZ_OK:
        break;
    case LZ_TRUNCATED:
        return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx is longer than its 0x%zx bytes",
                      ip, csize);
    case LZ_BAD_DISTANCE:
        return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx: match before the start of the dictionary",
                      ip);
    case LZ_LONG_MATCH:
        return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx: match past the end of the chunk",
                      ip);
    default:
        return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx has an end marker",
                      ip);
    }
    /* A flushed range coder ends with its last byte and a zero code. */
    if ( rc.pos != csize )
        return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx ends 0x%zx bytes into its 0x%zx",
                      ip, rc.pos, csize);
    if ( rc.code )
        return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx: range coder not flushed",
                      ip);
    x->op += usize;

    return 0;
}

/*
 * An LZMA2 stream: chunks up to a zero control byte, from x->ip but not
 * beyond limit.  Control bytes: 0 end; 1 and 2 a stored chunk (1 resets
 * the dictionary); 0x80 | r << 5 | u an LZMA chunk, where r is what it
 * resets (0 nothing, 1 state, 2 state and properties, 3 everything too)
 * and u bits 16-20 of its size - 1.
 */
static int lzma2_decode(struct xz_ctx *x, size_t limit)
{
    struct xz_state *st = x->st;
    size_t dict_start = x->op;

    st->need_dict_reset = true;
    st->need_props = true;
    for ( ;; )
    {
        size_t ip = x->ip, usize, csize;
        unsigned int ctl;
        int rc;

        if ( ip >= limit )
            return XZ_ERR(x, -EINVAL, "LZMA2 data truncated at 0x%zx", ip);
        ctl = x->in[ip++];
        if ( ctl == 0 )
        {
            x->ip = ip;
            return 0;
        }
        if ( ctl >= 0xe0 || ctl == 1 )
        {
            dict_start = x->op;
            st->need_dict_reset = false;
            st->need_props = true;
        }
        else if ( st->need_dict_reset )
            return XZ_ERR(x, -EINVAL, "LZMA2 data at 0x%zx does not start with a dictionary reset",
                          ip - 1);

        if ( ctl < 0x80 )
        {
            if ( ctl > 2 )
                return XZ_ERR(x, -EINVAL, "bad LZMA2 control byte 0x%02x at 0x%zx",
                              ctl, ip - 1);
            if ( limit - ip < 2 )
                return XZ_ERR(x, -EINVAL, "LZMA2 data truncated at 0x%zx", ip);
            usize = ((size_t)x->in[ip] << 8 | x->in[ip + 1]) + 1;
            ip += 2;
            if ( limit - ip < usize )
                return XZ_ERR(x, -EINVAL, "stored LZMA2 chunk at 0x%zx is truncated",
                              ip - 3);
            if ( x->out_max - x->op < usize )
                return XZ_ERR(x, -ENOSPC, "output buffer of 0x%zx bytes is too small",
                              x->out_max);
            memcpy(x->out + x->op, x->in + ip, usize);
            x->op += usize;
            x->ip = ip + usize;
            continue;
        }

        if ( limit - ip < 4 )
            return XZ_ERR(x, -EINVAL, "LZMA2 data truncated at 0x%zx", ip);
        usize = ((size_t)(ctl & 0x1f) << 16 | (size_t)x->in[ip] << 8 |
                 x->in[ip + 1]) + 1;
        csize = ((size_t)x->in[ip + 2] << 8 | x->in[ip + 3]) + 1;
        ip += 4;
        if ( ctl >= 0xc0 )
        {
            if ( ip >= limit )
                return XZ_ERR(x, -EINVAL, "LZMA2 data truncated at 0x%zx", ip);
            if ( !lzma2_props(st, x->in[ip]) )
                return XZ_ERR(x, -EINVAL, "bad LZMA2 properties 0x%02x at 0x%zx",
                              x->in[ip], ip);
            ip++;
            st->need_props = false;
            lzma_reset(st);
        }
        else if ( st->need_props )
            return XZ_ERR(x, -EINVAL, "LZMA2 chunk at 0x%zx lacks properties after a reset",
                          ip - 5);
        else if ( ctl >= 0xa0 )
            lzma_reset(st);

        if ( limit - ip < csize )
            return XZ_ERR(x, -EINVAL, "LZMA chunk at 0x%zx is truncated", ip);
        if ( x->out_max - x->op < usize )
            return XZ_ERR(x, -ENOSPC, "output buffer of 0x%zx bytes is too small",
                          x->out_max);
        rc = lzma2_lzma_chunk(x, ip, csize, dict_start, usize);
        if ( rc )
            return rc;
        x->ip = ip + csize;
    }
}

/*
 * The x86 BCJ filter.  The encoder replaced the rel32 of CALL (E8) and
 * JMP (E9) opcodes with absolute targets, so that calls to one function
 * repeat for LZMA; this undoes it, with the encoder's heuristics for which
 * E8/E9 bytes are opcodes.  An operand is converted only when its top
 * byte is 00 or FF (a near target).  mask has bit k set when the byte
 * k + 1 before the current one was an E8/E9 left alone; two of those in
 * the last three bytes, or one whose operand's top byte (which overlaps
 * this operand) looks converted, mean this one is not an opcode either.
 * ip is the address of buf[0] for the encoder (the filter's start offset).
 */
static bool bcj_near(uint8_t b)
{
    return b == 0x00 || b == 0xff;
}

static void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t ip)
{
    static const bool mask_ok[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
    /* For one bit set: which byte of this operand the earlier one's top is. */
    static const uint8_t mask_byte[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
    size_t i = 0, prev = (size_t)-1;    /* the last E8/E9 seen */
    unsigned int mask = 0;

    if ( len < 5 )
        return;
    while ( i <= len - 5 )
    {
        uint8_t *p = buf + i;
        uint32_t src, dest, pc;

        if ( (p[0] & 0xfe) != 0xe8 )
        {
            i++;
            continue;
        }
        if ( i - prev > 3 )
            mask = 0;
        else
            mask = (mask << (i - prev - 1)) & 7;
        prev = i;
        if ( (mask && (!mask_ok[mask] || bcj_near(p[4 - mask_byte[mask]]))) ||
             !bcj_near(p[4]) )
        {
            mask = ((mask << 1) & 7) | 1;
            i++;
            continue;
        }

        src = get_le32(p + 1);
        pc = ip + (uint32_t)i + 5;
        dest = src - pc;
        /*
         * After an E8/E9 left alone in the last three bytes, the encoder
         * does not let the byte of its result that overlaps that one's
         * operand top byte be near: it flips the bits up to that byte and
         * converts again.  Decoding mirrors it.  The encoder loops while
         * the byte is near, but x -> (x ^ m) - pc is an involution on
         * those bits and the second value's byte is ~p[4 - mask_byte],
         * not near (checked above): one flip is all it ever takes.
         */
        if ( mask )
        {
            unsigned int shift = mask_byte[mask] * 8;

            if ( bcj_near((uint8_t)(dest >> (24 - shift))) )
                dest = (dest ^ ((1U << (32 - shift)) - 1)) - pc;
        }
        /* 25 significant bits, sign-extended from bit 24. */
        p[1] = dest;
        p[2] = dest >> 8;
        p[3] = dest >> 16;
        p[4] = dest & (1U << 24) ? 0xff : 0x00;
        i += 5;
    }
}

/* A multibyte integer: 7 bits a byte, low first, at most 9, shortest. */
static bool get_vli(const uint8_t *in, size_t end, size_t *pos, uint64_t *v)
{
    uint64_t val = 0;

    for ( unsigned int i = 0; i < 9; i++ )
    {
        uint8_t b;

        if ( *pos >= end )
            return false;
        b = in[(*pos)++];
        val |= (uint64_t)(b & 0x7f) << (7 * i);
        if ( !(b & 0x80) )
        {
            *v = val;
            return b || !i;
        }
    }

    return false;
}

#define XZ_FILTER_X86   0x04
#define XZ_FILTER_LZMA2 0x21

#define XZ_CHECK_NONE   0x00
#define XZ_CHECK_CRC32  0x01
#define XZ_CHECK_CRC64  0x04
#define XZ_CHECK_SHA256 0x0a

static const char *filter_name(uint64_t id)
{
    switch ( id )
    {
    case 0x03: return "delta";
    case 0x05: return "PowerPC BCJ";
    case 0x06: return "IA-64 BCJ";
    case 0x07: return "ARM BCJ";
    case 0x08: return "ARM-Thumb BCJ";
    case 0x09: return "SPARC BCJ";
    case 0x0a: return "ARM64 BCJ";
    case 0x0b: return "RISC-V BCJ";
    default:   return "unknown";
    }
}

/* What a block header says. */
struct xz_block {
    uint64_t csize, usize;  /* ~0 when absent */
    bool x86;
    uint32_t x86_start;
};

/* The filter flags of [pos, end), the header without padding and CRC. */
static int block_filters(struct xz_ctx *x, unsigned int nr, size_t pos,
                         size_t end, struct xz_block *b)
{
    for ( unsigned int i = 0; i < nr; i++ )
    {
        bool last = i == nr - 1;
        uint64_t id, psize;

        if ( !get_vli(x->in, end, &pos, &id) ||
             !get_vli(x->in, end, &pos, &psize) || psize > end - pos )
            return XZ_ERR(x, -EINVAL, "block header at 0x%zx: bad filter flags",
                          x->ip);
        if ( id == XZ_FILTER_LZMA2 )
        {
            unsigned int d = psize == 1 ? x->in[pos] : 0xff;

            /* Dictionary size 2^(d/2 + 12) or 3 * 2^(d/2 + 11), 40 = 4G-1. */
            if ( !last )
                return XZ_ERR(x, -EINVAL, "block header at 0x%zx: LZMA2 is not the last filter",
                              x->ip);
            if ( d > 40 )
                return XZ_ERR(x, -EINVAL, "block header at 0x%zx: bad LZMA2 properties",
                              x->ip);
        }
        else if ( last )
            return XZ_ERR(x, -EINVAL, "block header at 0x%zx: the last filter is not LZMA2",
                          x->ip);
        else if ( id != XZ_FILTER_X86 )
            return XZ_ERR(x, -EOPNOTSUPP, "block header at 0x%zx: filter 0x%llx (%s) not supported (only LZMA2 and x86 BCJ)",
                          x->ip, (unsigned long long)id, filter_name(id));
        else if ( nr != 2 )
            return XZ_ERR(x, -EOPNOTSUPP, "block header at 0x%zx: %u filters not supported (only x86 BCJ + LZMA2)",
                          x->ip, nr);
        else
        {
            if ( psize == 4 )
                b->x86_start = get_le32(x->in + pos);
            else if ( psize )
                return XZ_ERR(x, -EINVAL, "block header at 0x%zx: bad x86 filter properties",
                              x->ip);
            b->x86 = true;
        }
        pos += psize;
    }
    for ( ; pos < end; pos++ )
        if ( x->in[pos] )
            return XZ_ERR(x, -EINVAL, "block header at 0x%zx: non-zero padding",
                          x->ip);

    return 0;
}

/* The block header at x->ip; moves x->ip past it. */
static int block_header(struct xz_ctx *x, struct xz_block *b)
{
    size_t size = ((size_t)x->in[x->ip] + 1) * 4, pos, end;
    unsigned int flags;
    int rc;

    if ( x->in_len - x->ip < size )
        return XZ_ERR(x, -EINVAL, "block header at 0x%zx is truncated", x->ip);
    end = x->ip + size - 4;
    if ( crc32_ieee(0, x->in + x->ip, size - 4) != get_le32(x->in + end) )
        return XZ_ERR(x, -EINVAL, "block header at 0x%zx: CRC32 mismatch",
                      x->ip);
    flags = x->in[x->ip + 1];
    if ( flags & 0x3c )
        return XZ_ERR(x, -EOPNOTSUPP, "block header at 0x%zx: reserved flags 0x%02x",
                      x->ip, flags);

    b->csize = b->usize = ~0ULL;
    b->x86 = false;
    b->x86_start = 0;
    pos = x->ip + 2;
    if ( (flags & 0x40) &&
         (!get_vli(x->in, end, &pos, &b->csize) || !b->csize) )
        return XZ_ERR(x, -EINVAL, "block header at 0x%zx: bad compressed size",
                      x->ip);
    if ( (flags & 0x80) && !get_vli(x->in, end, &pos, &b->usize) )
        return XZ_ERR(x, -EINVAL, "block header at 0x%zx: bad uncompressed size",
                      x->ip);
    rc = block_filters(x, (flags & 3) + 1, pos, end, b);
    if ( rc )
        return rc;
    x->ip += size;

    return 0;
}

static size_t check_size(unsigned int check)
{
    return check == XZ_CHECK_CRC32 ? 4 : check == XZ_CHECK_CRC64 ? 8 : 0;
}

/* Padding to a multiple of four from base: zeros, and present. */
static bool skip_padding(struct xz_ctx *x, size_t base)
{
    while ( (x->ip - base) & 3 )
    {
        if ( x->ip >= x->in_len || x->in[x->ip] )
            return false;
        x->ip++;
    }

    return true;
}

static void add_record(uint64_t *crc, uint64_t unpadded, uint64_t usize)
{
    uint8_t rec[16];

    for ( unsigned int i = 0; i < 8; i++ )
    {
        rec[i] = unpadded >> (8 * i);
        rec[8 + i] = usize >> (8 * i);
    }
    *crc = crc64_ecma(*crc, rec, sizeof(rec));
}

/* The block whose header starts at x->ip. */
static int xz_block(struct xz_ctx *x)
{
    size_t start = x->ip, out_start = x->op, hsize, limit, csize, usize;
    size_t csum;
    struct xz_block b = { 0 };
    int rc;

    rc = block_header(x, &b);
    if ( rc )
        return rc;
    hsize = x->ip - start;
    if ( b.usize != ~0ULL && b.usize > x->out_max - x->op )
        return XZ_ERR(x, -ENOSPC, "block at 0x%zx: 0x%llx bytes do not fit: output buffer of 0x%zx bytes is too small",
                      start, (unsigned long long)b.usize, x->out_max);
    limit = x->in_len;
    if ( b.csize != ~0ULL )
    {
        if ( b.csize > x->in_len - x->ip )
            return XZ_ERR(x, -EINVAL, "block at 0x%zx: compressed size 0x%llx is beyond the input",
                          start, (unsigned long long)b.csize);
        limit = x->ip + b.csize;
    }

    csize = x->ip;
    rc = lzma2_decode(x, limit);
    if ( rc )
        return rc;
    csize = x->ip - csize;
    usize = x->op - out_start;
    if ( (b.csize != ~0ULL && b.csize != csize) ||
         (b.usize != ~0ULL && b.usize != usize) )
        return XZ_ERR(x, -EINVAL, "block at 0x%zx: sizes 0x%zx/0x%zx differ from its header's",
                      start, csize, usize);
    if ( !skip_padding(x, start) )
        return XZ_ERR(x, -EINVAL, "block at 0x%zx: bad block padding", start);

    if ( b.x86 )
        bcj_x86_decode(x->out + out_start, usize, b.x86_start);

    csum = check_size(x->check);
    if ( x->in_len - x->ip < csum )
        return XZ_ERR(x, -EINVAL, "block at 0x%zx: check truncated", start);
    if ( (x->check == XZ_CHECK_CRC32 &&
          crc32_ieee(0, x->out + out_start, usize) !=
          get_le32(x->in + x->ip)) ||
         (x->check == XZ_CHECK_CRC64 &&
          crc64_ecma(0, x->out + out_start, usize) !=
          get_le64(x->in + x->ip)) )
        return XZ_ERR(x, -EINVAL, "block at 0x%zx: %s mismatch", start,
                      x->check == XZ_CHECK_CRC32 ? "CRC32" : "CRC64");
    x->ip += csum;

    /* Unpadded size: header, compressed data and check. */
    x->blocks++;
    add_record(&x->records, hsize + csize + csum, usize);

    return 0;
}

/* The index at x->ip: it must list exactly the blocks decoded. */
static int xz_index(struct xz_ctx *x, size_t *size)
{
    size_t start = x->ip, pos = x->ip + 1;
    uint64_t count, records = 0;

    if ( !get_vli(x->in, x->in_len, &pos, &count) )
        return XZ_ERR(x, -EINVAL, "index at 0x%zx: bad record count", start);
    if ( count != x->blocks )
        return XZ_ERR(x, -EINVAL, "index at 0x%zx lists %llu blocks, the stream has %llu",
                      start, (unsigned long long)count,
                      (unsigned long long)x->blocks);
    for ( uint64_t i = 0; i < count; i++ )
    {
        uint64_t unpadded, usize;

        if ( !get_vli(x->in, x->in_len, &pos, &unpadded) ||
             !get_vli(x->in, x->in_len, &pos, &usize) )
            return XZ_ERR(x, -EINVAL, "index at 0x%zx: bad record %llu",
                          start, (unsigned long long)i);
        add_record(&records, unpadded, usize);
    }
    x->ip = pos;
    if ( !skip_padding(x, start) || x->in_len - x->ip < 4 )
        return XZ_ERR(x, -EINVAL, "index at 0x%zx: bad padding or truncated",
                      start);
    if ( crc32_ieee(0, x->in + start, x->ip - start) !=
         get_le32(x->in + x->ip) )
        return XZ_ERR(x, -EINVAL, "index at 0x%zx: CRC32 mismatch", start);
    x->ip += 4;
    if ( records != x->records )
        return XZ_ERR(x, -EINVAL, "index at 0x%zx: block sizes differ from the blocks'",
                      start);
    *size = x->ip - start;

    return 0;
}

static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

static int stream_header(struct xz_ctx *x, bool first)
{
    const uint8_t *h = x->in + x->ip;

    if ( x->in_len - x->ip < 12 || memcmp(h, xz_magic, sizeof(xz_magic)) )
        return first ? XZ_ERR(x, -EINVAL, "not an xz file (no stream header)")
                     : XZ_ERR(x, -EINVAL, "bytes at 0x%zx after the stream are neither padding nor a stream",
                              x->ip);
    if ( crc32_ieee(0, h + 6, 2) != get_le32(h + 8) )
        return XZ_ERR(x, -EINVAL, "stream header at 0x%zx: CRC32 mismatch",
                      x->ip);
    if ( h[6] || (h[7] & 0xf0) )
        return XZ_ERR(x, -EOPNOTSUPP, "stream header at 0x%zx: reserved flags 0x%02x%02x",
                      x->ip, h[6], h[7]);
    x->check = h[7];
    if ( x->check == XZ_CHECK_SHA256 )
        return XZ_ERR(x, -EOPNOTSUPP, "SHA-256 check not supported (compress with --check=crc32, crc64 or none)");
    if ( x->check != XZ_CHECK_NONE && x->check != XZ_CHECK_CRC32 &&
         x->check != XZ_CHECK_CRC64 )
        return XZ_ERR(x, -EOPNOTSUPP, "check type %u not supported (only none, CRC32, CRC64)",
                      x->check);
    x->ip += 12;
    x->blocks = 0;
    x->records = 0;

    return 0;
}

static int stream_footer(struct xz_ctx *x, size_t index_size,
                         const uint8_t *flags)
{
    const uint8_t *f = x->in + x->ip;

    if ( x->in_len - x->ip < 12 )
        return XZ_ERR(x, -EINVAL, "stream footer at 0x%zx is truncated", x->ip);
    if ( f[10] != 'Y' || f[11] != 'Z' )
        return XZ_ERR(x, -EINVAL, "stream footer at 0x%zx: bad magic", x->ip);
    if ( crc32_ieee(0, f + 4, 6) != get_le32(f) )
        return XZ_ERR(x, -EINVAL, "stream footer at 0x%zx: CRC32 mismatch",
                      x->ip);
    if ( ((uint64_t)get_le32(f + 4) + 1) * 4 != index_size )
        return XZ_ERR(x, -EINVAL, "stream footer at 0x%zx: backward size differs from the index's 0x%zx",
                      x->ip, index_size);
    if ( memcmp(f + 8, flags, 2) )
        return XZ_ERR(x, -EINVAL, "stream footer at 0x%zx: flags differ from the header's",
                      x->ip);
    x->ip += 12;

    return 0;
}

static int xz_stream(struct xz_ctx *x, bool first)
{
    size_t header = x->ip, index_size = 0;
    int rc;

    rc = stream_header(x, first);
    if ( rc )
        return rc;
    /* Blocks until the index indicator; each takes at least 8 bytes. */
    for ( ;; )
    {
        if ( x->ip >= x->in_len )
            return XZ_ERR(x, -EINVAL, "stream truncated at 0x%zx", x->ip);
        if ( !x->in[x->ip] )
            break;
        rc = xz_block(x);
        if ( rc )
            return rc;
    }
    rc = xz_index(x, &index_size);
    if ( rc )
        return rc;

    return stream_footer(x, index_size, x->in + header + 6);
}

int xz_decode(const void *in, size_t in_len, void *out, size_t out_max,
              size_t *out_len, struct xz_state *st, char *err, size_t errlen)
{
    struct xz_ctx x = {
        .in = in, .in_len = in_len, .out = out, .out_max = out_max,
        .st = st, .err = err, .errlen = errlen,
    };
    size_t unused;
    int rc = 0;

    if ( !out_len )
        out_len = &unused;
    *out_len = 0;
    if ( (!in && in_len) || (!out && out_max) || !st )
        return XZ_ERR(&x, -EINVAL, "bad arguments");
    if ( !in_len )
        return XZ_ERR(&x, -EINVAL, "empty input");

    while ( x.ip < in_len )
    {
        size_t pad;

        rc = xz_stream(&x, x.ip == 0);
        if ( rc )
            break;
        /* Stream padding: zeros, four at a time. */
        for ( pad = x.ip; x.ip < in_len && !x.in[x.ip]; x.ip++ )
            ;
        if ( (x.ip - pad) & 3 )
        {
            rc = XZ_ERR(&x, -EINVAL, "stream padding at 0x%zx is not a multiple of 4 bytes",
                        pad);
            break;
        }
    }
    *out_len = x.op;

    return rc;
}

/* The bzImage payload: what Linux's build puts there. */
size_t decompress_size_hint(const void *in, size_t in_len)
{
    return in_len < 4 ? 0 : get_le32((const uint8_t *)in + in_len - 4);
}

int decompress_payload(enum bzimage_compression comp, const void *in,
                       size_t in_len, void *out, size_t out_max,
                       size_t *out_len, struct decompress_state *st,
                       char *err, size_t errlen)
{
    size_t unused, want;
    int rc;

    if ( !out_len )
        out_len = &unused;
    *out_len = 0;
    if ( !st )
        return errf(err, errlen, -EINVAL, "bad arguments");

    switch ( comp )
    {
    case BZIMAGE_XZ:
        /* xz, then the uncompressed size as a le32 (size_append). */
        if ( in_len < 4 )
            return errf(err, errlen, -EINVAL,
                          "xz payload of %zu bytes has no size trailer", in_len);
        want = decompress_size_hint(in, in_len);
        rc = xz_decode(in, in_len - 4, out, out_max, out_len, &st->xz, err,
                       errlen);
        if ( rc )
            return rc;
        if ( *out_len != want )
            return errf(err, errlen, -EINVAL,
                          "xz payload decoded to 0x%zx bytes, its trailer says 0x%zx",
                          *out_len, want);
        return 0;
    case BZIMAGE_GZIP:
        return gunzip(in, in_len, out, out_max, out_len, &st->gz, err, errlen);
    case BZIMAGE_UNKNOWN:
        return errf(err, errlen, -EOPNOTSUPP,
                      "payload compression not recognised: rebuild the kernel with CONFIG_KERNEL_XZ or CONFIG_KERNEL_GZIP");
    default:
        return errf(err, errlen, -EOPNOTSUPP,
                      "%s payloads are not supported: rebuild the kernel with CONFIG_KERNEL_XZ or CONFIG_KERNEL_GZIP",
                      bzimage_compression_name(comp));
    }
}
