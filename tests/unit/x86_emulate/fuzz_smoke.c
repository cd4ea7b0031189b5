/*
 * Runs the fuzz target without libFuzzer, so that `make check` fuzzes a
 * little with gcc and the sanitizers alone.  Inputs are built to reach the
 * emulated instructions: prefixes, an opcode (mostly one that is
 * emulated), ModRM, SIB and random bytes, registers with edge values.
 *
 *   fuzz_smoke [RUNS]        run the target RUNS times
 *   fuzz_smoke -w DIR [N]    write N such inputs to DIR (libFuzzer seeds)
 */
#include <keel/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_MAX (1 + 15 + 18 * 8)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;

    return rng_state;
}

static const uint8_t prefixes[] = {
    0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0, 0xf2, 0xf3,
    0x40, 0x41, 0x44, 0x48, 0x4c, 0x4f,
};

static const uint16_t opcodes[] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31,
    0x39, 0x3b, 0x3d, 0x63, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8a, 0x8b, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xaa, 0xab,
    0xac, 0xad, 0xc6, 0xc7, 0xf6, 0xf7, 0xfe, 0xff, 0x0fa3, 0x0fab, 0x0fb0,
    0x0fb1, 0x0fb3, 0x0fb6, 0x0fb7, 0x0fba, 0x0fbb, 0x0fbe, 0x0fbf,
};

static const uint64_t values[] = {
    0, 1, 2, 0x1000, 0x2000, 0xfee00000, 0x7fffffff, 0x80000000,
    0xffffffff, 0xfffffffe, 0xffff, 0x10000, 0x00007ffffffffff8ULL,
    0x0000800000000000ULL, 0xffff800000000000ULL, 0xfffffffffffffff8ULL,
    ~0ULL, 63, 64, 65, 200,
};

#define PICK(a) ((a)[rnd() % (sizeof(a) / sizeof((a)[0]))])

static size_t make_input(uint8_t *buf)
{
    uint8_t *insn = buf + 1;
    unsigned int n = 0, nr_prefixes = rnd() % 4, i;
    size_t size;

    buf[0] = rnd();
    memset(insn, 0, 15);
    for ( i = 0; i < nr_prefixes; i++ )
        insn[n++] = PICK(prefixes);
    if ( rnd() % 8 == 0 )
        while ( n < 15 && rnd() % 8 )
            insn[n++] = PICK(prefixes);         /* long prefix runs */
    if ( n < 15 )
    {
        uint16_t op = rnd() % 16 ? PICK(opcodes) : rnd() & 0xff;

        if ( op > 0xff && n < 14 )
            insn[n++] = 0x0f;
        insn[n++] = op;
    }
    while ( n < 15 )
        insn[n++] = rnd();

    for ( i = 0; i < 18; i++ )
    {
        uint64_t v = rnd() % 2 ? PICK(values) + rnd() % 3 : rnd();

        memcpy(buf + 16 + i * 8, &v, 8);
    }
    /* Sometimes a truncated instruction or missing registers. */
    size = rnd() % 4 ? INPUT_MAX : 1 + rnd() % (INPUT_MAX - 1);

    return size;
}

static int write_seeds(const char *dir, unsigned long n)
{
    uint8_t buf[INPUT_MAX];
    char path[4096];

    for ( unsigned long i = 0; i < n; i++ )
    {
        size_t size = make_input(buf);
        FILE *f;

        snprintf(path, sizeof(path), "%s/seed-%04lu", dir, i);
        f = fopen(path, "wb");
        if ( !f || fwrite(buf, 1, size, f) != size || fclose(f) )
        {
            perror(path);
            return 1;
        }
    }

    return 0;
}

int main(int argc, char **argv)
{
    uint8_t buf[INPUT_MAX];
    unsigned long runs;

    if ( argc > 2 && !strcmp(argv[1], "-w") )
        return write_seeds(argv[2], argc > 3 ? strtoul(argv[3], NULL, 0) : 256);

    runs = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
    for ( unsigned long i = 0; i < runs; i++ )
    {
        size_t size = make_input(buf);
        uint8_t *copy = malloc(size);

        /* An exact-size heap copy, so that ASan sees any over-read. */
        memcpy(copy, buf, size);
        LLVMFuzzerTestOneInput(copy, size);
        free(copy);
    }
    printf("fuzz-smoke: %lu runs\n", runs);

    return 0;
}
