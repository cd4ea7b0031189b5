/* Writes the fuzzer's seed corpus, seed-<n>.elf, into the directory argv[1]. */
#include "builder.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    static struct timage t;
    char path[4096];
    FILE *f;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: %s <dir>\n", argv[0]);
        return 2;
    }

    for ( unsigned int i = 0; tb_seed(&t, i); i++ )
    {
        snprintf(path, sizeof(path), "%s/seed-%u.elf", argv[1], i);
        f = fopen(path, "wb");
        if ( !f || fwrite(t.buf, 1, t.size, f) != t.size || fclose(f) )
        {
            perror(path);
            return 1;
        }
    }

    return 0;
}
