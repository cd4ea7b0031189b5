/* Entry points into the host C library (see ref_libc.c). */
#ifndef UNIT_REF_LIBC_H
#define UNIT_REF_LIBC_H

#include <stdarg.h>
#include <stddef.h>

int libc_vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
int libc_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));
const void *libc_memcpy_addr(void);
const void *libc_snprintf_addr(void);

#endif /* UNIT_REF_LIBC_H */
