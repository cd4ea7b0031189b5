/*
 * The C library's own functions, built without the keel_ renames, so that
 * tests can compare against them and prove they are not what they test.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ref_libc.h"

int libc_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    return vsnprintf(buf, size, fmt, args);
}

int libc_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vsnprintf(buf, size, fmt, args);
    va_end(args);

    return ret;
}

const void *libc_memcpy_addr(void)
{
    return (const void *)memcpy;
}

const void *libc_snprintf_addr(void)
{
    return (const void *)snprintf;
}
