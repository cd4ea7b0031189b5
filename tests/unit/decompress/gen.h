/*
 * Inputs for the decompressor tests: test data of several kinds, and the
 * reference encoders (Debian's liblzma and zlib) that compress it.
 */
#ifndef DECOMPRESS_GEN_H
#define DECOMPRESS_GEN_H

#include <lzma.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t rnd(void);
void rnd_seed(uint64_t seed);

enum data_kind {
    D_ZEROS,
    D_RANDOM,
    D_TEXT,         /* words, spaces and newlines */
    D_REPEAT,       /* a short period with rare changes */
    D_X86,          /* opcodes with many E8/E9 near calls */
    D_BYTES,        /* few distinct bytes, many E8/E9/00/FF: BCJ corners */
    D_SELF,         /* this program's own file: real x86-64 code */
    D_NR
};

void gen_data(uint8_t *buf, size_t len, enum data_kind kind);
const char *data_kind_name(enum data_kind kind);

/* A new buffer of len bytes of kind. */
uint8_t *gen_alloc(size_t len, enum data_kind kind);

struct xz_opts {
    uint32_t preset;        /* 0..9, may include LZMA_PRESET_EXTREME */
    uint32_t dict;          /* 0: the preset's */
    int lc, lp, pb;         /* -1: the preset's */
    bool x86;
    uint32_t x86_start;
    lzma_check check;
    /*
     * 0: lzma_stream_buffer_encode (one block, sizes in its header);
     * otherwise the stream encoder with a block every block_size bytes
     * (no sizes in the headers).
     */
    size_t block_size;
    bool random_blocks;     /* blocks of 1..block_size bytes instead */
    bool mt;                /* the threaded encoder: sizes in the headers */
    lzma_vli filter;        /* instead of x86: another BCJ or delta; 0 none */
};

/* liblzma's encoding of in, malloc'd; aborts on failure. */
uint8_t *xz_encode(const uint8_t *in, size_t len, const struct xz_opts *o,
                   size_t *out_len);

/* Raw LZMA2 (no container) of in, with the preset and lc/lp/pb. */
uint8_t *lzma2_raw_encode(const uint8_t *in, size_t len, uint32_t preset,
                          size_t *out_len);

/*
 * A one-block .xz stream around raw LZMA2 data of usize bytes, check none,
 * its compressed size in the block header; built independently of Keel's
 * code.
 */
uint8_t *xz_wrap_lzma2(const uint8_t *lzma2, size_t len, uint64_t usize,
                       size_t *out_len);

struct gz_opts {
    int level;              /* 0..9 */
    int window_bits;        /* 8..15 */
    int mem_level;          /* 1..9 */
    int strategy;           /* Z_DEFAULT_STRATEGY, Z_FILTERED... */
    bool header;            /* FNAME, FEXTRA, FCOMMENT and FHCRC */
    size_t flush_every;     /* 0, or Z_FULL_FLUSH / deflateParams this often */
};

uint8_t *gz_encode(const uint8_t *in, size_t len, const struct gz_opts *o,
                   size_t *out_len);

/* Little-endian helpers for editing streams. */
uint32_t rd32(const uint8_t *p);
void wr32(uint8_t *p, uint32_t v);

#endif /* DECOMPRESS_GEN_H */
