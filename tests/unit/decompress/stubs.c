/* Host stand-ins for what Keel's string and printf code link against. */
#include <keel/bug.h>
#include <keel/symbols.h>

#include <stdio.h>
#include <stdlib.h>

void bug_fail(const char *cond, const char *file, unsigned int line)
{
    fprintf(stderr, "BUG: %s at %s:%u\n", cond, file, line);
    abort();
}

/* The decoders print no code addresses. */
const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset)
{
    (void)addr;
    (void)size;
    (void)offset;

    return NULL;
}
