/* common/vsnprintf.c: conversions, flags, truncation, Keel's %p forms. */
#include <keel/lib.h>

#include <limits.h>
#include <stdint.h>

#include "harness.h"
#include "ref_libc.h"

/* Unknown conversions and odd formats are tested on purpose. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"

/* Format with ours, then check both the text and the return value. */
#define EXPECT(want, ...)                                                 \
    do {                                                                  \
        char buf_[256];                                                   \
        int ret_ = snprintf(buf_, sizeof(buf_), __VA_ARGS__);             \
        CHECK_STR(buf_, want);                                            \
        CHECK_INT(ret_, (int)sizeof(want) - 1);                           \
    } while ( 0 )

static void test_integers(void)
{
    EXPECT("0", "%d", 0);
    EXPECT("-1", "%d", -1);
    EXPECT("42", "%i", 42);
    EXPECT("-2147483648", "%d", INT_MIN);
    EXPECT("2147483647", "%d", INT_MAX);
    EXPECT("4294967295", "%u", UINT_MAX);
    EXPECT("-9223372036854775808", "%lld", LLONG_MIN);
    EXPECT("9223372036854775807", "%lld", LLONG_MAX);
    EXPECT("18446744073709551615", "%llu", ULLONG_MAX);
    EXPECT("ffffffffffffffff", "%llx", ULLONG_MAX);
    EXPECT("1777777777777777777777", "%llo", ULLONG_MAX);
    EXPECT("-9223372036854775808", "%ld", LONG_MIN);
    EXPECT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
    EXPECT("17", "%o", 15);
}

static void test_length_modifiers(void)
{
    EXPECT("-1 255", "%hhd %hhu", 255, 255);
    EXPECT("-128", "%hhd", 128);
    EXPECT("-1 65535", "%hd %hu", 65535, 65535);
    EXPECT("ff", "%hhx", 0x1ff);
    EXPECT("18446744073709551615", "%zu", SIZE_MAX);
    EXPECT("-1", "%zd", SIZE_MAX);
    EXPECT("-5", "%td", (ptrdiff_t)-5);
    EXPECT("ffffffffffffffff", "%tx", (ptrdiff_t)-1);
    EXPECT("-9223372036854775808", "%jd", INTMAX_MIN);
    EXPECT("18446744073709551615", "%ju", UINTMAX_MAX);
    EXPECT("123456789012", "%lu", 123456789012UL);
}

static void test_flags_width_precision(void)
{
    EXPECT("   42", "%5d", 42);
    EXPECT("42   |", "%-5d|", 42);
    EXPECT("00042", "%05d", 42);
    EXPECT("-0042", "%05d", -42);
    EXPECT("+42", "%+d", 42);
    EXPECT("-42", "%+d", -42);
    EXPECT(" 42", "% d", 42);
    EXPECT("+42", "%+ d", 42);
    EXPECT("+0", "%+d", 0);
    /* '+' and ' ' are for signed conversions only. */
    EXPECT("42 2a", "%+u % x", 42u, 42u);
    /* '-' beats '0'; a precision turns '0' off. */
    EXPECT("42   |", "%-05d|", 42);
    EXPECT("  042", "%05.3d", 42);
    EXPECT("00042", "%.5d", 42);
    EXPECT("-00042", "%.5d", -42);
    EXPECT("", "%.0d", 0);
    EXPECT("   ", "%3.0d", 0);
    EXPECT("0", "%.1d", 0);
    EXPECT("0x2a 0X2A", "%#x %#X", 42, 42);
    EXPECT("0", "%#x", 0);
    EXPECT("0x002a", "%#06x", 42);
    EXPECT("  0x2a", "%#6x", 42);
    EXPECT("0x0002a", "%#.5x", 42);
    EXPECT("052", "%#o", 42);
    EXPECT("0", "%#o", 0);
    EXPECT("0", "%#.0o", 0);
    EXPECT("00052", "%#.5o", 42);
    EXPECT("   42", "%*d", 5, 42);
    EXPECT("42   |", "%*d|", -5, 42);
    EXPECT("00042", "%.*d", 5, 42);
    EXPECT("42", "%.*d", -3, 42);
    EXPECT("   00042", "%*.*d", 8, 5, 42);
    EXPECT("-0000000000000000042", "%020lld", -42LL);
}

static void test_chars_and_strings(void)
{
    EXPECT("a", "%c", 'a');
    EXPECT("  a|a  |", "%3c|%-3c|", 'a', 'a');
    EXPECT("%", "%%");
    EXPECT("100%", "100%%");
    EXPECT("hello", "%s", "hello");
    EXPECT("hel", "%.3s", "hello");
    EXPECT("  hel", "%5.3s", "hello");
    EXPECT("hel  |", "%-5.3s|", "hello");
    EXPECT("hello", "%.10s", "hello");
    EXPECT("", "%s", "");
    EXPECT("(null)", "%s", (char *)NULL);
    EXPECT("  (null)", "%8s", (char *)NULL);
    EXPECT("x  y", "%s%*s%s", "x", 2, "", "y");
    EXPECT("", "");
    EXPECT("plain text", "plain text");
}

static void test_precision_limits_read(void)
{
    /* With a precision, %s must not read past it: no NUL here. */
    char unterminated[3] = { 'a', 'b', 'c' };

    EXPECT("abc", "%.3s", unterminated);
}

static void test_pointers(void)
{
    EXPECT("0x0000000000000000", "%p", NULL);
    EXPECT("0xffff828000200010", "%p", (void *)0xffff828000200010UL);
    EXPECT("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
    EXPECT("  0x0000000000001234", "%20p", (void *)0x1234UL);
    EXPECT("0x0000000000001234  |", "%-20p|", (void *)0x1234UL);
    /* glibc says "(nil)": this is Keel's %p, not libc's. */
    {
        char buf[32];

        libc_snprintf(buf, sizeof(buf), "%p", NULL);
        CHECK_STR(buf, "(nil)");
    }
}

static void test_symbols(void)
{
    EXPECT("start_keel+0x10/0x180", "%pS", (void *)0xffff828000200010UL);
    EXPECT("start_keel+0x0/0x180", "%pS", (void *)0xffff828000200000UL);
    EXPECT("start_keel", "%ps", (void *)0xffff82800020017fUL);
    EXPECT("do_page_fault+0x3f/0x40", "%pS", (void *)0xffff82800020103fUL);
    EXPECT("[do_page_fault+0x4/0x40]", "[%pS]", (void *)0xffff828000201004UL);
    EXPECT("   do_page_fault", "%16ps", (void *)0xffff828000201004UL);
    EXPECT("do_page_fault   |", "%-16ps|", (void *)0xffff828000201004UL);
    EXPECT("a_very_long_function_name_for_testing_widths+0xf/0x10",
           "%pS", (void *)0xffff82800020200fUL);
    /* Unknown addresses fall back to the hex form. */
    EXPECT("0xffff828000200180", "%pS", (void *)0xffff828000200180UL);
    EXPECT("0x0000000000000000", "%ps", NULL);
    /* Other letters after %p are ordinary text. */
    EXPECT("0x0000000000000010x", "%px", (void *)0x10UL);
    EXPECT("start_keels", "%pss", (void *)0xffff828000200000UL);
}

static void test_unknown_conversions(void)
{
    EXPECT("%y", "%y");
    EXPECT("a%-5yb", "a%-5yb");
    EXPECT("%n", "%n");
    EXPECT("%lq 7", "%lq %d", 7);
    EXPECT("%", "%");
    EXPECT("abc%", "abc%");
    EXPECT("%-08.3", "%-08.3");
    EXPECT("%l", "%l");
    EXPECT("%hh", "%hh");
}

/*
 * For every buffer size, the stored prefix and the terminator must be
 * right and the return value must not change; bytes past size stay put.
 */
static void test_truncation(void)
{
    static const char full[] = "value=-12345 name=keel ptr=0x0000000000000abc";
    char buf[sizeof(full) + 8];

    for ( size_t size = 0; size <= sizeof(full) + 2; size++ )
    {
        int ret;

        memset(buf, '#', sizeof(buf));
        ret = snprintf(size ? buf : NULL, size, "value=%d name=%s ptr=%p",
                       -12345, "keel", (void *)0xabcUL);
        CHECK_INT(ret, (int)sizeof(full) - 1);
        if ( size )
        {
            size_t stored = size - 1 < sizeof(full) - 1 ? size - 1
                                                         : sizeof(full) - 1;

            CHECK(!memcmp(buf, full, stored));
            CHECK(buf[stored] == '\0');
            CHECK(buf[stored + 1] == '#');
        }
        else
            CHECK(buf[0] == '#');

        memset(buf, '#', sizeof(buf));
        ret = scnprintf(buf, size, "value=%d name=%s ptr=%p",
                        -12345, "keel", (void *)0xabcUL);
        CHECK_INT(ret, size ? (int)(size - 1 < sizeof(full) - 1
                                    ? size - 1 : sizeof(full) - 1) : 0);
    }

    /* Size 0 writes nothing, even through a bogus pointer. */
    CHECK_INT(snprintf((char *)1, 0, "%s", "abc"), 3);
    CHECK_INT(scnprintf((char *)1, 0, "%s", "abc"), 0);

    /* Size 1: just the terminator. */
    memset(buf, '#', sizeof(buf));
    CHECK_INT(snprintf(buf, 1, "%d", 12345), 5);
    CHECK(buf[0] == '\0' && buf[1] == '#');
    CHECK_INT(scnprintf(buf, 1, "%d", 12345), 0);

    /* A wide field is counted in full even though little is stored. */
    CHECK_INT(snprintf(buf, 4, "%1000d", 1), 1000);
    CHECK_STR(buf, "   ");
}

/* vsnprintf through a va_list, as printk uses it. */
static int via_valist(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = vsnprintf(buf, size, fmt, ap);
    va_end(ap);

    return ret;
}

static void test_valist(void)
{
    char buf[64];

    CHECK_INT(via_valist(buf, sizeof(buf), "%s-%d-%c-%llx", "a", -1, 'z',
                         0x123456789abcULL), 19);
    CHECK_STR(buf, "a--1-z-123456789abc");
}

/* xorshift64: a fixed sequence, so that failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *pick(const char *const *choices, size_t n)
{
    return choices[rnd() % n];
}

/* Run the same format and arguments through ours and glibc's. */
#define BOTH(...)                                                       \
    do {                                                                \
        r1 = snprintf(ours, size, fmt, __VA_ARGS__);                    \
        r2 = libc_snprintf(theirs, size, fmt, __VA_ARGS__);             \
    } while ( 0 )

/* Put the '*' width and precision arguments (if any) before x. */
#define BOTH_STARRED(x)                                                 \
    do {                                                                \
        if ( star_w && star_p )                                         \
            BOTH(w, p, x);                                              \
        else if ( star_w )                                              \
            BOTH(w, x);                                                 \
        else if ( star_p )                                              \
            BOTH(p, x);                                                 \
        else                                                            \
            BOTH(x);                                                    \
    } while ( 0 )

/* Random C-standard integer, char and string specs against glibc's. */
static void test_against_libc(void)
{
    static const char *const flags[] = { "", "-", "0", "+", " ", "#", "-0",
                                         "+0", "#0", "- +#", "0#" };
    static const char *const widths[] = { "", "1", "5", "12", "25", "*" };
    static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".17",
                                         ".*" };
    static const char *const lens[] = { "hh", "h", "", "l", "ll", "z", "j" };
    static const char *const strs[] = { "", "k", "keel", "hypervisor!" };
    static const char convs[] = "diuxXocs";
    unsigned int mismatches = 0;

    for ( unsigned int i = 0; i < 20000 && mismatches < 10; i++ )
    {
        char fmt[64], ours[128], theirs[128];
        char conv = convs[rnd() % (sizeof(convs) - 1)];
        bool text = conv == 'c' || conv == 's';
        const char *width = pick(widths, ARRAY_SIZE(widths));
        const char *prec = pick(precs, ARRAY_SIZE(precs));
        const char *len = text ? "" : pick(lens, ARRAY_SIZE(lens));
        /* Only '-' is defined for %c and %s in C. */
        const char *flag = pick(flags, text ? 2 : ARRAY_SIZE(flags));
        bool star_w = *width == '*', star_p = !strcmp(prec, ".*");
        int w = (int)(rnd() % 41) - 20, p = (int)(rnd() % 21) - 5;
        long long v = (long long)(rnd() >> (rnd() % 64));
        size_t size = rnd() % 40;
        int r1, r2;

        if ( rnd() & 1 )
            v = -v;
        libc_snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flag, width, prec,
                      len, conv);

        memset(ours, 'O', sizeof(ours));
        memset(theirs, 'O', sizeof(theirs));
        if ( conv == 'c' )
            BOTH_STARRED((int)(' ' + (v & 63)));
        else if ( conv == 's' )
            BOTH_STARRED(strs[v & 3]);
        else if ( !strcmp(len, "ll") || !strcmp(len, "j") )
            BOTH_STARRED(v);
        else if ( !strcmp(len, "l") || !strcmp(len, "z") )
            BOTH_STARRED((long)v);
        else
            BOTH_STARRED((int)v);

        if ( !CHECK(r1 == r2 && !memcmp(ours, theirs, sizeof(ours))) )
        {
            mismatches++;
            printf("    fmt \"%s\" size %zu: ours %d \"%.*s\", "
                   "libc %d \"%.*s\"\n",
                   fmt, size, r1, (int)size, ours, r2, (int)size, theirs);
        }
    }
}

int main(void)
{
    test_integers();
    test_length_modifiers();
    test_flags_width_precision();
    test_chars_and_strings();
    test_precision_limits_read();
    test_pointers();
    test_symbols();
    test_unknown_conversions();
    test_truncation();
    test_valist();
    test_against_libc();
    return h_finish("vsnprintf");
}
