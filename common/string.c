/*
 * String and memory routines.  The compiler may emit calls to memcpy,
 * memmove, memset and memcmp on its own, so these must not rely on anything
 * but plain loads and stores.
 */
#include <keel/lib.h>

/* A word that may alias any object, so word-at-a-time copies stay legal C. */
typedef unsigned long __attribute__((__may_alias__)) word_t;

#define WORD_SIZE sizeof(word_t)

static bool both_word_aligned(const void *a, const void *b)
{
    return IS_ALIGNED((unsigned long)a | (unsigned long)b, WORD_SIZE);
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* Page-sized copies are common; do them a word at a time. */
    if ( both_word_aligned(d, s) )
        for ( ; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE )
            *(word_t *)d = *(const word_t *)s;

    while ( n-- )
        *d++ = *s++;

    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /*
     * Copying forwards is safe unless dst starts inside the source; the
     * unsigned difference is huge when dst is below src.
     */
    if ( (unsigned long)d - (unsigned long)s >= n )
        return memcpy(dst, src, n);

    while ( n-- )
        d[n] = s[n];

    return dst;
}

void *memset(void *s, int c, size_t n)
{
    unsigned char *p = s;

    if ( IS_ALIGNED((unsigned long)p, WORD_SIZE) )
    {
        /* Replicate the byte into every byte of a word. */
        word_t w = (unsigned char)c * (~0UL / 0xff);

        for ( ; n >= WORD_SIZE; n -= WORD_SIZE, p += WORD_SIZE )
            *(word_t *)p = w;
    }

    while ( n-- )
        *p++ = (unsigned char)c;

    return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for ( ; n; n--, x++, y++ )
        if ( *x != *y )
            return *x < *y ? -1 : 1;

    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while ( *p )
        p++;

    return p - s;
}

size_t strnlen(const char *s, size_t maxlen)
{
    size_t n = 0;

    while ( n < maxlen && s[n] )
        n++;

    return n;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, ~(size_t)0);
}

/* Characters compare as unsigned char, as C requires. */
int strncmp(const char *a, const char *b, size_t n)
{
    for ( ; n; n--, a++, b++ )
    {
        unsigned char x = *a, y = *b;

        if ( x != y )
            return x < y ? -1 : 1;
        if ( !x )
            break;
    }

    return 0;
}

/* The terminating NUL counts as part of the string: strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
    for ( ; ; s++ )
    {
        if ( *s == (char)c )
            return (char *)s;
        if ( !*s )
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for ( ; ; s++ )
    {
        if ( *s == (char)c )
            last = s;
        if ( !*s )
            return (char *)last;
    }
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for ( ; ; haystack++ )
    {
        if ( !strncmp(haystack, needle, n) )
            return (char *)haystack;
        if ( !*haystack )
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if ( size )
    {
        size_t n = len < size ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }

    return len;
}

/* Value of c as a digit in any base up to 36, or 36 when it is none. */
static unsigned int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'z' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'Z' )
        return c - 'A' + 10;
    return 36;
}

/*
 * A "0x" prefix is only taken when a hex digit follows, so that "0xg"
 * parses as 0 followed by "xg" rather than consuming a bare prefix.
 */
static unsigned int detect_base(const char **cp, unsigned int base)
{
    const char *s = *cp;
    bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
                      digit_value(s[2]) < 16;

    if ( (base == 0 || base == 16) && hex_prefix )
    {
        *cp = s + 2;
        return 16;
    }
    if ( base == 0 )
        return s[0] == '0' ? 8 : 10;
    return base;
}

static unsigned long long parse_ull(const char *cp, const char **endp,
                                    unsigned int base, bool *overflow)
{
    unsigned long long val = 0;
    unsigned int d;

    ASSERT(base != 1 && base <= 36);

    *overflow = false;
    base = detect_base(&cp, base);

    for ( ; (d = digit_value(*cp)) < base; cp++ )
    {
        if ( val > (~0ULL - d) / base )
            *overflow = true;
        val = val * base + d;
    }

    if ( endp )
        *endp = cp;

    return val;
}

unsigned long simple_strtoul(const char *cp, const char **endp,
                             unsigned int base)
{
    bool overflow;

    return parse_ull(cp, endp, base, &overflow);
}

/* Bit shift a size suffix stands for, or -1 when c is not a suffix. */
static int suffix_shift(char c)
{
    switch ( c )
    {
    case 'T': case 't':
        return 40;
    case 'G': case 'g':
        return 30;
    case 'M': case 'm':
        return 20;
    case 'K': case 'k':
        return 10;
    case 'B': case 'b':
        return 0;
    default:
        return -1;
    }
}

unsigned long long parse_size_and_unit(const char *s, const char **ps)
{
    bool overflow;
    unsigned long long val = parse_ull(s, &s, 0, &overflow);
    int shift = suffix_shift(*s);

    if ( shift < 0 )
        shift = 10;
    else
        s++;

    if ( ps )
        *ps = s;

    if ( overflow || val > (~0ULL >> shift) )
        return ~0ULL;

    return val << shift;
}
