/*
 * A small vsnprintf: %d %i %u %x %X %o %p %s %c %%, with flags '-', '0',
 * '#', ' ', '+', a width and precision (also '*'), and the length
 * modifiers hh, h, l, ll, z, t.  Output through console_write().
 */
#include "console.h"
#include "string.h"

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

static void put_padding(struct out *o, char c, int n)
{
    while ( n-- > 0 )
        put(o, c);
}

#define F_LEFT  1
#define F_ZERO  2
#define F_ALT   4
#define F_SPACE 8
#define F_PLUS  16

static void put_number(struct out *o, unsigned long long v, bool negative,
                       unsigned int base, bool upper, int flags, int width, int prec)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, len;
    char sign = 0;
    const char *prefix = "";

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while ( v );
    if ( prec == 0 && n == 1 && tmp[0] == '0' )
        n = 0;
    if ( negative )
        sign = '-';
    else if ( flags & F_PLUS )
        sign = '+';
    else if ( flags & F_SPACE )
        sign = ' ';
    if ( (flags & F_ALT) && base == 16 )
        prefix = upper ? "0X" : "0x";
    else if ( (flags & F_ALT) && base == 8 )
        prefix = "0";

    len = (prec > n ? prec : n) + (sign != 0) + (int)strlen(prefix);
    if ( !(flags & (F_LEFT | F_ZERO)) || prec >= 0 )
        put_padding(o, ' ', (flags & F_LEFT) ? 0 : width - len);
    if ( sign )
        put(o, sign);
    while ( *prefix )
        put(o, *prefix++);
    if ( (flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 )
        put_padding(o, '0', width - len);
    put_padding(o, '0', prec - n);
    while ( n )
        put(o, tmp[--n]);
    if ( flags & F_LEFT )
        put_padding(o, ' ', width - len);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { .buf = buf, .size = size, .len = 0 };

    for ( ; *fmt; fmt++ )
    {
        int flags = 0, width = -1, prec = -1, lng = 0;
        unsigned long long uv;
        long long sv;
        unsigned int base = 10;
        const char *s;

        if ( *fmt != '%' )
        {
            put(&o, *fmt);
            continue;
        }
        for ( ;; )
        {
            switch ( *++fmt )
            {
            case '-': flags |= F_LEFT; continue;
            case '0': flags |= F_ZERO; continue;
            case '#': flags |= F_ALT; continue;
            case ' ': flags |= F_SPACE; continue;
            case '+': flags |= F_PLUS; continue;
            }
            break;
        }
        if ( *fmt == '*' )
        {
            width = va_arg(ap, int);
            fmt++;
        }
        else
            for ( width = 0; *fmt >= '0' && *fmt <= '9'; fmt++ )
                width = width * 10 + (*fmt - '0');
        if ( *fmt == '.' )
        {
            fmt++;
            if ( *fmt == '*' )
            {
                prec = va_arg(ap, int);
                fmt++;
            }
            else
                for ( prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++ )
                    prec = prec * 10 + (*fmt - '0');
        }
        for ( ;; fmt++ )
        {
            if ( *fmt == 'l' || *fmt == 'z' || *fmt == 't' )
                lng++;
            else if ( *fmt == 'h' )
                lng--;
            else
                break;
        }

        switch ( *fmt )
        {
        case '%':
            put(&o, '%');
            break;
        case 'c':
            put_padding(&o, ' ', (flags & F_LEFT) ? 0 : width - 1);
            put(&o, (char)va_arg(ap, int));
            if ( flags & F_LEFT )
                put_padding(&o, ' ', width - 1);
            break;
        case 's':
            s = va_arg(ap, const char *);
            if ( !s )
                s = "(null)";
            {
                int n = (int)strnlen(s, prec < 0 ? (size_t)-1 : (size_t)prec);

                put_padding(&o, ' ', (flags & F_LEFT) ? 0 : width - n);
                for ( int i = 0; i < n; i++ )
                    put(&o, s[i]);
                if ( flags & F_LEFT )
                    put_padding(&o, ' ', width - n);
            }
            break;
        case 'p':
            put_number(&o, (unsigned long)va_arg(ap, void *), false, 16, false,
                       flags | F_ALT, width, prec);
            break;
        case 'd':
        case 'i':
            if ( lng >= 1 )
                sv = lng >= 2 ? va_arg(ap, long long) : va_arg(ap, long);
            else
                sv = va_arg(ap, int);
            if ( lng == -1 )
                sv = (short)sv;
            else if ( lng <= -2 )
                sv = (signed char)sv;
            put_number(&o, sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv,
                       sv < 0, 10, false, flags, width, prec);
            break;
        case 'o':
        case 'u':
        case 'x':
        case 'X':
            base = *fmt == 'o' ? 8 : *fmt == 'u' ? 10 : 16;
            if ( lng >= 1 )
                uv = lng >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long);
            else
                uv = va_arg(ap, unsigned int);
            if ( lng == -1 )
                uv = (unsigned short)uv;
            else if ( lng <= -2 )
                uv = (unsigned char)uv;
            put_number(&o, uv, false, base, *fmt == 'X', flags, width, prec);
            break;
        case '\0':
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if ( size )
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}
