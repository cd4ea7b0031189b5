/*
 * Host stand-ins for what common/cmdline.c and common/kernel_image.c link
 * against: BUG(), printk (formatted by Keel's own vsnprintf, then
 * dropped), the heaps and the clock.  The page heap refuses more than
 * FUZZ_HEAP_MAX bytes at once, as a machine short of memory would, so that
 * a hostile size hint costs no host memory and the -ENOMEM path is run.
 */
#include <keel/bug.h>
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/symbols.h>
#include <keel/time.h>
#include <keel/xmalloc.h>

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_HEAP_MAX (8UL << 20)

void bug_fail(const char *cond, const char *file, unsigned int line)
{
    fprintf(stderr, "BUG: %s at %s:%u\n", cond, file, line);
    abort();
}

const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset)
{
    (void)addr;
    (void)size;
    (void)offset;

    return NULL;
}

void vprintk(const char *fmt, va_list args)
{
    char line[256];

    vsnprintf(line, sizeof(line), fmt, args);
}

void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    (void)memflags;
    if ( order >= 64 || (PAGE_SIZE << order) > FUZZ_HEAP_MAX )
        return NULL;

    return aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
}

void free_xenheap_pages(void *v, unsigned int order)
{
    (void)order;
    free(v);
}

void *_xmalloc(size_t size, size_t align)
{
    size_t a = align < sizeof(void *) ? sizeof(void *) : align;

    return aligned_alloc(a, (size + a - 1) & ~(a - 1));
}

void xfree(void *p)
{
    free(p);
}

s_time_t get_s_time(void)
{
    static s_time_t now;

    return now += 1000;
}
