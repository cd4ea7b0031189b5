/*
 * Times Keel's decoder on a real vmlinuz, built as Keel builds it (-O2, no
 * SSE, no jump tables) and without sanitizers: `make bench`.
 */
#include <keel/decompress.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);

    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static struct decompress_state st;
    struct bzimage bz;
    char err[160];
    uint8_t *img, *out;
    size_t hint, len;
    double best = 1e9;
    long size;
    FILE *f;
    int rc;

    if ( argc < 2 || !(f = fopen(argv[1], "rb")) )
    {
        printf("SKIP: no kernel (set VMLINUZ or KEEL_VMLINUZ)\n");
        return 0;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    img = malloc(size);
    if ( fread(img, 1, size, f) != (size_t)size )
        return 1;
    fclose(f);
    if ( bzimage_parse(img, size, &bz, err, sizeof(err)) )
    {
        printf("%s: %s\n", argv[1], err);
        return 1;
    }
    hint = decompress_size_hint(bz.payload, bz.payload_size);
    out = malloc(hint + 1);
    for ( int i = 0; i < 5; i++ )
    {
        double t = now();

        rc = decompress_payload(bz.compression, bz.payload, bz.payload_size,
                                out, hint, &len, &st, err, sizeof(err));
        t = now() - t;
        if ( rc )
        {
            printf("%s: %d %s\n", argv[1], rc, err);
            return 1;
        }
        if ( t < best )
            best = t;
    }
    printf("%s: %s, %zu -> %zu bytes, best of 5: %.3f s (%.1f MB/s out)\n",
           argv[1], bzimage_compression_name(bz.compression),
           bz.payload_size, len, best, len / best / 1e6);

    return 0;
}
