/*
 * Runs the fuzz target over mutations of the seed images without
 * libFuzzer, so that `make check` fuzzes a little with gcc alone.  The
 * mutations aim at header, program header and note fields.
 */
#include <keel/libelf.h>
#include "builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng_state = 0x9e3779b97f4a7c15UL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;

    return rng_state;
}

static const uint64_t interesting[] = {
    0, 1, 3, 4, 8, 16, 56, 64, 0x7f, 0xff, 0xffff, 0x10000,
    0x7fffffff, 0xffffffff, 0x100000000UL, 0x8000000000000000UL,
    0xfffffffffffff000UL, 0xffffffffffffffffUL,
    0xffff800000000000UL, 0xffff880000000000UL, 0x0000800000000000UL,
    TB_VIRT_BASE, TB_KSTART, TB_KEND, TB_PADDR,
};

/* An offset among the headers and the notes, where mutations matter. */
static size_t pick_offset(const struct timage *t, size_t size)
{
    size_t off = rnd() & 1 ? rnd() % 0x100 : TB_NOTE_OFF + rnd() % t->note_len;

    return size ? off % size : 0;
}

static void mutate(const struct timage *t, uint8_t *buf, size_t *size)
{
    size_t off = pick_offset(t, *size);
    unsigned int width = 1U << (rnd() % 4);
    uint64_t v;

    switch ( rnd() % 4 )
    {
    case 0:
        buf[off] ^= 1U << (rnd() % 8);
        break;
    case 1:
        v = interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))];
        v += rnd() % 3 - 1;
        if ( off + width <= *size )
            memcpy(buf + off, &v, width);
        break;
    case 2:
        v = rnd();
        if ( off + width <= *size )
            memcpy(buf + off, &v, width);
        break;
    default:
        if ( rnd() % 4 == 0 )
            *size = rnd() % (*size + 1);
        break;
    }
}

int main(int argc, char **argv)
{
    unsigned long runs = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
    static struct timage seeds[8];
    unsigned int nr_seeds = 0;

    while ( nr_seeds < 8 && tb_seed(&seeds[nr_seeds], nr_seeds) )
        nr_seeds++;

    for ( unsigned long i = 0; i < runs; i++ )
    {
        const struct timage *t = &seeds[rnd() % nr_seeds];
        size_t size = t->size;
        uint8_t *buf = malloc(size);
        uint8_t *exact;

        memcpy(buf, t->buf, size);
        for ( unsigned int m = 1 + rnd() % 6; m; m-- )
            mutate(t, buf, &size);
        /* An exact-size copy, so that ASan sees reads past its end. */
        exact = malloc(size + !size);
        memcpy(exact, buf, size);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
        free(buf);
    }
    printf("fuzz smoke: %lu inputs from %u seeds\n", runs, nr_seeds);

    return 0;
}
