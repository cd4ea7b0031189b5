/*
 * Runs a fuzz target over mutations of its seeds without libFuzzer, so
 * that `make check` fuzzes a little with gcc and the sanitizers alone.
 * Mutations flip bits, plant interesting values and the target's tokens
 * (mostly in its hot range: a header), cut, insert and delete.
 *
 *   smoke_<target> [RUNS [SEED]]   run the target RUNS times
 *   smoke_<target> -w DIR          write the seeds to DIR (libFuzzer corpus)
 */
#include "seeds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS 64
#define SLACK     64

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t smoke_rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;

    return rng_state;
}

static const uint32_t interesting[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0x7fff, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

struct seed {
    uint8_t *buf;
    size_t size;
};

static size_t pick_offset(size_t size)
{
    size_t start, end;

    if ( !size )
        return 0;
    seed_hot_range(&start, &end);
    if ( smoke_rnd() % 4 && start < size )
        return start + smoke_rnd() % ((end < size ? end : size) - start);
    return smoke_rnd() % size;
}

static void mutate(uint8_t *buf, size_t *size, size_t cap)
{
    size_t off = pick_offset(*size), n;
    const char *tok;
    uint32_t v;

    switch ( smoke_rnd() % 7 )
    {
    case 0:
        if ( *size )
            buf[off] ^= 1U << (smoke_rnd() % 8);
        break;
    case 1:
        v = interesting[smoke_rnd() % (sizeof(interesting) / sizeof(interesting[0]))];
        n = 1U << (smoke_rnd() % 3);
        if ( off + n <= *size )
            memcpy(buf + off, &v, n);
        break;
    case 2:
        tok = seed_tokens[smoke_rnd() % seed_nr_tokens];
        n = strlen(tok) ? strlen(tok) : 1;
        if ( off + n <= *size )
            memcpy(buf + off, tok, n);
        break;
    case 3:
        tok = seed_tokens[smoke_rnd() % seed_nr_tokens];
        n = strlen(tok);
        if ( *size + n <= cap )
        {
            memmove(buf + off + n, buf + off, *size - off);
            memcpy(buf + off, tok, n);
            *size += n;
        }
        break;
    case 4:
        if ( smoke_rnd() % 4 == 0 )
            *size = smoke_rnd() % (*size + 1);
        break;
    case 5:
        if ( *size )
        {
            n = 1 + smoke_rnd() % 8;
            if ( off + n > *size )
                n = *size - off;
            memmove(buf + off, buf + off + n, *size - off - n);
            *size -= n;
        }
        break;
    default:
        if ( *size )
            buf[off] = smoke_rnd();
        break;
    }
}

static unsigned int load_seeds(struct seed *seeds)
{
    unsigned int n = 0;

    while ( n < MAX_SEEDS && (seeds[n].buf = seed_make(n, &seeds[n].size)) )
        n++;
    return n;
}

static int write_seeds(const char *dir, const struct seed *seeds, unsigned int n)
{
    char path[4096];

    for ( unsigned int i = 0; i < n; i++ )
    {
        FILE *f;

        snprintf(path, sizeof(path), "%s/seed-%02u", dir, i);
        f = fopen(path, "wb");
        if ( !f || fwrite(seeds[i].buf, 1, seeds[i].size, f) != seeds[i].size ||
             fclose(f) )
        {
            perror(path);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static struct seed seeds[MAX_SEEDS];
    unsigned int nr = load_seeds(seeds);
    unsigned long runs;

    if ( argc > 2 && !strcmp(argv[1], "-w") )
        return write_seeds(argv[2], seeds, nr);
    runs = argc > 1 ? strtoul(argv[1], NULL, 0) : 4000;
    if ( argc > 2 )
        rng_state = strtoull(argv[2], NULL, 0) | 1;

    for ( unsigned int i = 0; i < nr; i++ )
        LLVMFuzzerTestOneInput(seeds[i].buf, seeds[i].size);
    for ( unsigned long i = 0; i < runs; i++ )
    {
        const struct seed *s = &seeds[smoke_rnd() % nr];
        size_t size = s->size, cap = s->size + SLACK;
        uint8_t *buf = malloc(cap), *exact;

        memcpy(buf, s->buf, size);
        for ( unsigned int m = 1 + smoke_rnd() % 4; m; m-- )
            mutate(buf, &size, cap);
        /* An exact-size copy, so that ASan sees reads past its end. */
        exact = malloc(size + !size);
        memcpy(exact, buf, size);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
        free(buf);
    }
    printf("fuzz smoke: %lu inputs from %u seeds\n", runs, nr);

    return 0;
}
