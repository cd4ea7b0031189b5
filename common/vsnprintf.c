/*
 * The printf family: C99 conversions plus %p, %pS and %ps (see keel/lib.h).
 * Every character is counted even when it no longer fits, which is how the
 * return value tells callers the length the output needed.
 */
#include <keel/lib.h>
#include <keel/symbols.h>

/* Where output goes: buf[0..size-2] plus a NUL, len counts everything. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

#define F_LEFT   0x01   /* '-': left-justify within the width */
#define F_ZERO   0x02   /* '0': pad numbers with zeros */
#define F_PLUS   0x04   /* '+': always print a sign */
#define F_SPACE  0x08   /* ' ': a space where '+' would go */
#define F_ALT    0x10   /* '#': 0x / 0 prefix */

enum length { LEN_INT, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

/* One parsed conversion specification. */
struct spec {
    unsigned int flags;
    int width;          /* 0 when none */
    int precision;      /* -1 when none */
    enum length length;
    char conv;
};

static void put_char(struct out *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

static void put_str(struct out *o, const char *s, size_t n)
{
    while ( n-- )
        put_char(o, *s++);
}

static void put_repeat(struct out *o, char c, long n)
{
    for ( ; n > 0; n-- )
        put_char(o, c);
}

/* Spaces before a field of len characters, unless it is left-justified. */
static void pad_before(struct out *o, const struct spec *sp, size_t len)
{
    if ( !(sp->flags & F_LEFT) )
        put_repeat(o, ' ', (long)sp->width - (long)len);
}

static void pad_after(struct out *o, const struct spec *sp, size_t len)
{
    if ( sp->flags & F_LEFT )
        put_repeat(o, ' ', (long)sp->width - (long)len);
}

static void put_field(struct out *o, const struct spec *sp, const char *s,
                      size_t len)
{
    pad_before(o, sp, len);
    put_str(o, s, len);
    pad_after(o, sp, len);
}

static unsigned int conv_base(char conv)
{
    switch ( conv )
    {
    case 'o':
        return 8;
    case 'x': case 'X': case 'p':
        return 16;
    default:
        return 10;
    }
}

/* The 0x / 0X prefix: for %p always, for %#x only on non-zero values. */
static const char *hex_prefix(const struct spec *sp, unsigned long long num)
{
    if ( sp->conv == 'p' ||
         ((sp->flags & F_ALT) && num && conv_base(sp->conv) == 16) )
        return sp->conv == 'X' ? "0X" : "0x";
    return "";
}

static char sign_char(const struct spec *sp, bool negative)
{
    if ( negative )
        return '-';
    if ( sp->conv != 'd' && sp->conv != 'i' )
        return 0;
    if ( sp->flags & F_PLUS )
        return '+';
    if ( sp->flags & F_SPACE )
        return ' ';
    return 0;
}

/*
 * Layout: [spaces] [sign] [prefix] [zeros] digits [spaces].  Precision is
 * the minimum number of digits, so a zero with precision 0 prints none.
 */
static void put_number(struct out *o, const struct spec *sp,
                       unsigned long long num, bool negative)
{
    const char *xdigits = sp->conv == 'X' ? "0123456789ABCDEF"
                                          : "0123456789abcdef";
    const char *prefix = hex_prefix(sp, num);
    char sign = sign_char(sp, negative);
    unsigned int base = conv_base(sp->conv);
    char digits[24];    /* 22 octal digits cover 64 bits */
    long ndigits = 0, zeros, len;

    for ( ; num; num /= base )
        digits[ndigits++] = xdigits[num % base];

    zeros = (sp->precision < 0 ? 1 : sp->precision) - ndigits;
    if ( zeros < 0 )
        zeros = 0;
    /* %#o: the first digit printed must be a 0. */
    if ( base == 8 && (sp->flags & F_ALT) && !zeros )
        zeros = 1;

    len = !!sign + strlen(prefix) + zeros + ndigits;
    if ( (sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->precision < 0 &&
         sp->width > len )
    {
        zeros += sp->width - len;
        len = sp->width;
    }

    pad_before(o, sp, len);
    if ( sign )
        put_char(o, sign);
    put_str(o, prefix, strlen(prefix));
    put_repeat(o, '0', zeros);
    while ( ndigits )
        put_char(o, digits[--ndigits]);
    pad_after(o, sp, len);
}

static void put_pointer(struct out *o, const struct spec *sp,
                        unsigned long addr)
{
    struct spec ptr = {
        .flags = sp->flags & F_LEFT,
        .width = sp->width,
        .precision = 2 * sizeof(addr),
        .conv = 'p',
    };

    put_number(o, &ptr, addr, false);
}

/* %pS: "name+0xoff/0xsize", %ps: "name", else the plain %p form. */
static void put_symbol(struct out *o, const struct spec *sp,
                       unsigned long addr, bool with_offset)
{
    unsigned long size, offset;
    const char *name = symbols_lookup(addr, &size, &offset);
    char tail[48];
    size_t name_len, tail_len = 0;

    if ( !name )
    {
        put_pointer(o, sp, addr);
        return;
    }

    name_len = strlen(name);
    if ( with_offset )
        tail_len = scnprintf(tail, sizeof(tail), "+0x%lx/0x%lx", offset, size);

    pad_before(o, sp, name_len + tail_len);
    put_str(o, name, name_len);
    put_str(o, tail, tail_len);
    pad_after(o, sp, name_len + tail_len);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
    if ( !s )
        s = "(null)";

    put_field(o, sp, s, sp->precision < 0 ? strlen(s)
                                          : strnlen(s, sp->precision));
}

static long long fetch_signed(va_list *ap, enum length length)
{
    switch ( length )
    {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
        return (ptrdiff_t)va_arg(*ap, size_t);
    case LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static unsigned long long fetch_unsigned(va_list *ap, enum length length)
{
    switch ( length )
    {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
        return va_arg(*ap, size_t);
    case LEN_T:
        return (size_t)va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static unsigned int parse_flags(const char **fmt)
{
    unsigned int flags = 0;

    for ( ; ; (*fmt)++ )
    {
        switch ( **fmt )
        {
        case '-': flags |= F_LEFT;  break;
        case '0': flags |= F_ZERO;  break;
        case '+': flags |= F_PLUS;  break;
        case ' ': flags |= F_SPACE; break;
        case '#': flags |= F_ALT;   break;
        default:
            return flags;
        }
    }
}

/* A decimal field width or precision, saturating rather than overflowing. */
static int parse_decimal(const char **fmt)
{
    int val = 0;

    for ( ; **fmt >= '0' && **fmt <= '9'; (*fmt)++ )
        val = val > (__INT_MAX__ - 9) / 10 ? __INT_MAX__
                                           : val * 10 + (**fmt - '0');

    return val;
}

static enum length parse_length(const char **fmt)
{
    const char *f = *fmt;
    enum length length;

    switch ( *f )
    {
    case 'h':
        length = f[1] == 'h' ? LEN_HH : LEN_H;
        break;
    case 'l':
        length = f[1] == 'l' ? LEN_LL : LEN_L;
        break;
    case 'z':
        length = LEN_Z;
        break;
    case 't':
        length = LEN_T;
        break;
    case 'j':
        length = LEN_J;
        break;
    default:
        return LEN_INT;
    }

    *fmt = f + ((length == LEN_HH || length == LEN_LL) ? 2 : 1);
    return length;
}

/* Parse what follows a '%' up to the conversion character (not consumed). */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
    sp->flags = parse_flags(fmt);

    if ( **fmt == '*' )
    {
        int w = va_arg(*ap, int);

        (*fmt)++;
        /* A negative '*' width means '-' and its magnitude. */
        if ( w < 0 )
        {
            sp->flags |= F_LEFT;
            w = w == -__INT_MAX__ - 1 ? __INT_MAX__ : -w;
        }
        sp->width = w;
    }
    else
        sp->width = parse_decimal(fmt);

    sp->precision = -1;
    if ( **fmt == '.' )
    {
        (*fmt)++;
        if ( **fmt == '*' )
        {
            int p = va_arg(*ap, int);

            (*fmt)++;
            /* A negative '*' precision counts as none at all. */
            sp->precision = p < 0 ? -1 : p;
        }
        else
            sp->precision = parse_decimal(fmt);
    }

    sp->length = parse_length(fmt);
    sp->conv = **fmt;
}

/*
 * Output one conversion.  Returns false for an unknown conversion, which
 * the caller then prints literally.
 */
static bool convert(struct out *o, const struct spec *sp, const char **fmt,
                    va_list *ap)
{
    long long sval;
    char c;

    switch ( sp->conv )
    {
    case 'd': case 'i':
        sval = fetch_signed(ap, sp->length);
        /* Negate as unsigned: -LLONG_MIN does not fit a long long. */
        put_number(o, sp, sval < 0 ? -(unsigned long long)sval
                                     : (unsigned long long)sval,
                   sval < 0);
        return true;
    case 'u': case 'x': case 'X': case 'o':
        put_number(o, sp, fetch_unsigned(ap, sp->length), false);
        return true;
    case 'c':
        c = va_arg(*ap, int);
        put_field(o, sp, &c, 1);
        return true;
    case 's':
        put_string(o, sp, va_arg(*ap, const char *));
        return true;
    case 'p':
        if ( (*fmt)[1] == 'S' || (*fmt)[1] == 's' )
        {
            (*fmt)++;
            put_symbol(o, sp, (unsigned long)va_arg(*ap, void *), **fmt == 'S');
        }
        else
            put_pointer(o, sp, (unsigned long)va_arg(*ap, void *));
        return true;
    case '%':
        put_char(o, '%');
        return true;
    default:
        return false;
    }
}

/* Format into buf; returns the full length, which may exceed INT_MAX. */
static size_t format(char *buf, size_t size, const char *fmt, va_list args)
{
    struct out o = { .buf = buf, .size = size, .len = 0 };
    va_list ap;

    /* A copy, so that helpers can take its address portably. */
    va_copy(ap, args);

    while ( *fmt )
    {
        const char *start = fmt;
        struct spec sp;

        if ( *fmt != '%' )
        {
            put_char(&o, *fmt++);
            continue;
        }

        fmt++;
        parse_spec(&fmt, &sp, &ap);
        if ( !convert(&o, &sp, &fmt, &ap) )
        {
            /* Unknown: echo the whole specification, e.g. "%-5y" or "%n". */
            if ( *fmt )
                fmt++;
            put_str(&o, start, fmt - start);
            continue;
        }
        fmt++;
    }

    va_end(ap);

    if ( size )
        buf[o.len < size ? o.len : size - 1] = '\0';

    return o.len;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    size_t len = format(buf, size, fmt, args);

    return len > __INT_MAX__ ? __INT_MAX__ : (int)len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vsnprintf(buf, size, fmt, args);
    va_end(args);

    return ret;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    size_t len = format(buf, size, fmt, args);

    if ( len >= size )
        len = size ? size - 1 : 0;

    return len > __INT_MAX__ ? __INT_MAX__ : (int)len;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vscnprintf(buf, size, fmt, args);
    va_end(args);

    return ret;
}

/*
 * The error-reporting idiom of the parsers and decoders: describe the
 * failure in err (when the caller gave room for it) and return rc.
 */
int errf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list args;

    if ( errlen )
    {
        va_start(args, fmt);
        vsnprintf(err, errlen, fmt, args);
        va_end(args);
    }
    return rc;
}
