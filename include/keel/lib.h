/*
 * Freestanding C library subset used throughout Keel: string and memory
 * routines, number parsing and the printf family.
 */
#ifndef KEEL_LIB_H
#define KEEL_LIB_H

#include <keel/types.h>
#include <keel/compiler.h>
#include <keel/bug.h>

/* Round x up to a multiple of a; a must be a power of two. */
#define ROUNDUP(x, a)    (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
/* Whether x is a multiple of a; a must be a power of two. */
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

/*
 * min()/max() evaluate each argument once and refuse (through a "distinct
 * pointer types" diagnostic) to compare values of different types, which
 * would otherwise silently convert a negative int into a huge unsigned.
 * __COUNTER__ gives each expansion private temporaries, so nesting works.
 */
#define __PASTE_1(a, b)  a##b
#define __PASTE(a, b)    __PASTE_1(a, b)
#define __cmp_once(x, y, op, u) ({                  \
    __typeof__(x) __PASTE(_cx, u) = (x);            \
    __typeof__(y) __PASTE(_cy, u) = (y);            \
    (void)(&__PASTE(_cx, u) == &__PASTE(_cy, u));   \
    __PASTE(_cx, u) op __PASTE(_cy, u) ?            \
        __PASTE(_cx, u) : __PASTE(_cy, u); })
#define min(x, y)        __cmp_once(x, y, <, __COUNTER__)
#define max(x, y)        __cmp_once(x, y, >, __COUNTER__)

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* Copy, truncating; NUL-terminates when size > 0.  Returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * Parse an unsigned number in base 2..36, or with base 0 detect "0x"/"0X"
 * (hex) and a leading "0" (octal), else decimal.  No sign or whitespace is
 * accepted.  The value wraps on overflow, as it does in Xen and Linux.
 * *endp (if endp) is set past the last digit used.
 */
unsigned long simple_strtoul(const char *cp, const char **endp,
                             unsigned int base);

/*
 * Parse a size such as "64M", "0x1000b" or "4": a number (base as for
 * simple_strtoul with base 0) and an optional case-insensitive suffix
 * B (bytes), K, M, G, T.  Without a suffix the number is in KiB, as on
 * Xen's command line.  Returns ~0ULL when the result does not fit, so that
 * callers can refuse it.  *ps (if ps) is set past what was consumed.
 */
unsigned long long parse_size_and_unit(const char *s, const char **ps);

/*
 * C99 semantics: the return value is the length the whole output would
 * have had; at most size - 1 characters and a NUL are stored (nothing at all
 * when size is 0).  The scn variants return what was actually stored,
 * excluding the NUL.
 *
 * Beyond C: %p prints 0x and 16 hex digits; %pS prints "name+0xoff/0xsize"
 * and %ps "name" for a code address (see keel/symbols.h).  %n is not
 * supported and, like any unknown conversion, is printed literally.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args);
/* Format a reason into err (if errlen) and return rc (vsnprintf.c). */
int errf(char *err, size_t errlen, int rc, const char *fmt, ...) __printf(4, 5);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* KEEL_LIB_H */
