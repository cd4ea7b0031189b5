/*
 * Runs the fuzz target over mutations of real streams without libFuzzer,
 * so that `make check` fuzzes a little with gcc alone.  The seeds are
 * liblzma and zlib encodings of small inputs of every kind; the mutations
 * flip bits, set bytes to interesting values, cut, insert and delete.
 * `fuzz_smoke -w <dir> <n>` writes n seeds for libFuzzer instead.
 */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NR_SEEDS 48

struct seed {
    uint8_t *buf;
    size_t size;
};

/* Mode byte, output size, stream: see fuzz_decompress.c. */
static void make_seed(struct seed *s, unsigned int i)
{
    size_t len = i < 4 ? i : rnd() % 6000, clen, out_max;
    enum data_kind kind = i % D_NR;
    uint8_t *data = gen_alloc(len, kind), *c;
    unsigned int mode = i % 4;

    if ( mode % 2 == 0 )
    {
        struct xz_opts o = {
            .preset = rnd() % 7, .lc = -1, .lp = -1, .pb = -1,
            .check = (lzma_check[]){ LZMA_CHECK_NONE, LZMA_CHECK_CRC32,
                                     LZMA_CHECK_CRC64 }[rnd() % 3],
            .x86 = rnd() % 2,
            .block_size = rnd() % 3 ? 0 : 1 + rnd() % 3000,
        };

        c = xz_encode(data, len, &o, &clen);
    }
    else
    {
        struct gz_opts o = {
            .level = rnd() % 10, .window_bits = 9 + rnd() % 7,
            .mem_level = 1 + rnd() % 9, .strategy = rnd() % 5,
            .header = rnd() % 2,
        };

        c = gz_encode(data, len, &o, &clen);
    }
    /* Usually the exact size, as a caller would pass. */
    out_max = rnd() % 8 ? len : rnd() % (2 * len + 1);
    s->size = clen + 3 + (mode == 2 ? 4 : 0);
    s->buf = malloc(s->size);
    s->buf[0] = mode | (out_max & 3) << 2;
    s->buf[1] = out_max >> 2;
    s->buf[2] = out_max >> 10;
    memcpy(s->buf + 3, c, clen);
    if ( mode == 2 )
        wr32(s->buf + 3 + clen, len);
    free(c);
    free(data);
}

static const uint8_t interesting[] = {
    0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0x81, 0xc0, 0xe0, 0xe8, 0xff,
};

static void mutate(uint8_t *buf, size_t *size, size_t cap)
{
    size_t off = *size ? rnd() % *size : 0;

    switch ( rnd() % 6 )
    {
    case 0:
        if ( *size )
            buf[off] ^= 1U << (rnd() % 8);
        break;
    case 1:
        if ( *size )
            buf[off] = interesting[rnd() % sizeof(interesting)];
        break;
    case 2:
        if ( *size )
            buf[off] = rnd();
        break;
    case 3:
        *size = rnd() % (*size + 1);
        break;
    case 4:
        if ( *size < cap )
        {
            memmove(buf + off + 1, buf + off, *size - off);
            buf[off] = rnd();
            ++*size;
        }
        break;
    default:
        if ( *size )
        {
            memmove(buf + off, buf + off + 1, *size - off - 1);
            --*size;
        }
        break;
    }
}

static int write_seeds(const char *dir, unsigned long n)
{
    char path[4096];

    for ( unsigned long i = 0; i < n; i++ )
    {
        struct seed s;
        FILE *f;

        make_seed(&s, i);
        snprintf(path, sizeof(path), "%s/seed-%04lu", dir, i);
        f = fopen(path, "wb");
        if ( !f || fwrite(s.buf, 1, s.size, f) != s.size || fclose(f) )
        {
            perror(path);
            return 1;
        }
        free(s.buf);
    }

    return 0;
}

int main(int argc, char **argv)
{
    static struct seed seeds[NR_SEEDS];
    unsigned long runs;

    if ( argc > 3 && !strcmp(argv[1], "-w") )
        return write_seeds(argv[2], strtoul(argv[3], NULL, 0));
    runs = argc > 1 ? strtoul(argv[1], NULL, 0) : 4000;

    for ( unsigned int i = 0; i < NR_SEEDS; i++ )
        make_seed(&seeds[i], i);
    /* The seeds themselves, unchanged. */
    for ( unsigned int i = 0; i < NR_SEEDS; i++ )
        LLVMFuzzerTestOneInput(seeds[i].buf, seeds[i].size);

    for ( unsigned long i = 0; i < runs; i++ )
    {
        const struct seed *s = &seeds[rnd() % NR_SEEDS];
        size_t size = s->size, cap = s->size + 16;
        uint8_t *buf = malloc(cap), *exact;

        memcpy(buf, s->buf, size);
        for ( unsigned int m = 1 + rnd() % 4; m; m-- )
            mutate(buf, &size, cap);
        /* An exact-size copy, so that ASan sees reads past its end. */
        exact = malloc(size + !size);
        memcpy(exact, buf, size);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
        free(buf);
    }
    printf("fuzz smoke: %lu inputs from %u seeds\n", runs, NR_SEEDS);

    return 0;
}
