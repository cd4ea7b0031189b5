/*
 * Single-call decompressors for the payload of a Linux bzImage: xz
 * (container, LZMA2, x86 BCJ filter; the .xz file format specification
 * 1.1.0) and gzip (RFC 1952 around RFC 1951 deflate).
 *
 * Single-call: the whole input is in memory and the output buffer is
 * preallocated.  The output buffer is also the LZMA2 and deflate window,
 * so nothing is allocated and nothing is copied twice.  The state (about
 * 28 KiB for xz, 8 KiB for gzip) is too big for a Keel stack: the caller
 * allocates it, e.g. xmalloc(struct decompress_state), and need not
 * initialise it.  The decoders' own stack frames are under 512 bytes.
 *
 * The input is untrusted.  The decoders never read outside
 * [in, in + in_len), never write outside [out, out + out_max), and every
 * loop is bounded by the input or output size.  They return 0 or a
 * negative errno and, when errlen > 0, leave in err one line saying what
 * is wrong (the libelf convention):
 *
 *   -EINVAL      corrupt or truncated data, a bad magic, a failed CRC,
 *                trailing bytes that are neither padding nor another
 *                stream, or a NULL buffer with a non-zero length
 *   -ENOSPC      the data needs more than out_max bytes of output (this
 *                may also be a corrupt size field: the decoder never
 *                writes past out_max to find out)
 *   -EOPNOTSUPP  valid but unsupported: an xz filter other than LZMA2
 *                and x86 BCJ, an xz check other than none, CRC32 and
 *                CRC64 (SHA-256 is refused, not skipped), a gzip method
 *                other than deflate, a payload compressor other than xz
 *                and gzip
 *
 * *out_len is always set: on success to the bytes produced, on failure to
 * those written before the error (to be treated as garbage).
 */
#ifndef KEEL_DECOMPRESS_H
#define KEEL_DECOMPRESS_H

#include <keel/types.h>
#include <keel/libelf.h>

/* CRC-32 (IEEE 802.3, reflected 0xedb88320) as used by xz, gzip, zlib. */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);
/* CRC-64 (ECMA-182, reflected 0xc96c5795d7870f42) as used by xz. */
uint64_t crc64_ecma(uint64_t crc, const void *buf, size_t len);
/*
 * Both chain like zlib's crc32(): start with 0 and pass the previous
 * result to continue over more data.  Their tables are built on first use.
 */

/* LZMA's adaptive bit probabilities; the layout is private to xz.c. */
struct lzma_len_probs {
    uint16_t choice;
    uint16_t choice2;
    uint16_t low[16][8];
    uint16_t mid[16][8];
    uint16_t high[256];
};

struct lzma_probs {
    uint16_t is_match[12][16];
    uint16_t is_rep[12];
    uint16_t is_rep0[12];
    uint16_t is_rep1[12];
    uint16_t is_rep2[12];
    uint16_t is_rep0_long[12][16];
    uint16_t dist_slot[4][64];
    uint16_t dist_special[128];
    uint16_t dist_align[16];
    struct lzma_len_probs match_len;
    struct lzma_len_probs rep_len;
    uint16_t literal[16][0x300];    /* lc + lp <= 4 in LZMA2 */
};

/* State of xz_decode(); only xz.c looks inside. */
struct xz_state {
    struct lzma_probs probs;
    uint32_t rep[4];                /* the last four match distances - 1 */
    unsigned int state;             /* 0..11: what the last symbols were */
    unsigned int lc, lp, pb;
    bool need_dict_reset;
    bool need_props;
};

/* Huffman decoding tables of gunzip(); only inflate.c looks inside. */
#define INFLATE_FAST_BITS   10

struct inflate_huff {
    /*
     * Indexed by the next INFLATE_FAST_BITS input bits: symbol << 4 |
     * code length, or 0 when the code is longer (then count/sym decode it).
     */
    uint16_t fast[1 << INFLATE_FAST_BITS];
    uint16_t count[16];             /* codes of each length */
    uint16_t sym[288];              /* symbols in canonical order */
};

struct gunzip_state {
    struct inflate_huff lit;        /* literal/length code */
    struct inflate_huff dist;       /* distance code */
    struct inflate_huff clen;       /* code length code (dynamic blocks) */
    uint8_t lens[288 + 32];
};

struct decompress_state {
    union {
        struct xz_state xz;
        struct gunzip_state gz;
    };
};

/*
 * Decode the .xz file in [in, in + in_len) into out: one or more streams,
 * with stream padding between and after them, and nothing else.  Filter
 * chains: LZMA2, or x86 BCJ (any start offset) then LZMA2.  Checks: none,
 * CRC32, CRC64.  Every field the format can cross-check is: header, block
 * header and index CRC32s, the block sizes against the index, the footer
 * against the header, the padding.  LZMA2's dictionary size is checked for
 * range but not enforced: all of the output is the dictionary.
 */
int xz_decode(const void *in, size_t in_len, void *out, size_t out_max,
              size_t *out_len, struct xz_state *st, char *err, size_t errlen);

/*
 * Decode the gzip file in [in, in + in_len) into out: one or more
 * members, each checked against its CRC32 and ISIZE (and header CRC16
 * when FHCRC is set), and nothing after them.  Matches may not reach back
 * before the start of their member.
 */
int gunzip(const void *in, size_t in_len, void *out, size_t out_max,
           size_t *out_len, struct gunzip_state *st, char *err,
           size_t errlen);

/*
 * The uncompressed size of a bzImage payload, as Linux's build records
 * it: the little-endian u32 in its last 4 bytes (size_append for xz,
 * gzip's own ISIZE).  0 when in_len < 4.  Untrusted: a hint for sizing
 * the output buffer, which the decoders never trust.
 */
size_t decompress_size_hint(const void *in, size_t in_len);

/*
 * Decode a bzImage payload (struct bzimage's payload, payload_size and
 * compression).  xz: Linux appends the u32 size after the xz stream; it
 * is stripped, and the output must have exactly that size (-EINVAL
 * otherwise).  gzip: the payload is one plain gzip file.  Other
 * compressors are refused with -EOPNOTSUPP and a message naming the
 * kernel options that build a supported one.
 */
int decompress_payload(enum bzimage_compression comp, const void *in,
                       size_t in_len, void *out, size_t out_max,
                       size_t *out_len, struct decompress_state *st,
                       char *err, size_t errlen);

#endif /* KEEL_DECOMPRESS_H */
