/* common/string.c: memory and string routines, number and size parsing. */
#include <keel/lib.h>

#include "harness.h"
#include "ref_libc.h"

/* The renames must hold, or every other test here proves nothing. */
static void test_ours_not_libc(void)
{
    CHECK((const void *)memcpy != libc_memcpy_addr());
    CHECK((const void *)snprintf != libc_snprintf_addr());
}

static void test_memcpy_memset(void)
{
    unsigned char a[64], b[64];

    /* Every alignment and length around the word size. */
    for ( size_t off = 0; off < 9; off++ )
        for ( size_t len = 0; len < 40; len++ )
        {
            for ( size_t i = 0; i < sizeof(a); i++ )
            {
                a[i] = i;
                b[i] = 0xee;
            }
            CHECK(memcpy(b + off, a + (len % 3), len) == b + off);
            for ( size_t i = 0; i < sizeof(b); i++ )
            {
                unsigned char want = i >= off && i < off + len
                                     ? (unsigned char)(i - off + len % 3)
                                     : 0xee;

                if ( !CHECK(b[i] == want) )
                    break;
            }

            CHECK(memset(b + off, 0x5a + (int)len, len) == b + off);
            for ( size_t i = off; i < off + len; i++ )
                if ( !CHECK(b[i] == (unsigned char)(0x5a + len)) )
                    break;
        }

    /* Only the low byte of c counts. */
    memset(a, 0x1234, 3);
    CHECK(a[0] == 0x34 && a[2] == 0x34 && a[3] == 3);
}

static void test_memmove(void)
{
    char buf[32];

    for ( int shift = -7; shift <= 7; shift++ )
    {
        char ref[32];

        for ( int i = 0; i < 32; i++ )
            buf[i] = ref[i] = 'a' + i % 26;
        memmove(buf + 8 + shift, buf + 8, 16);
        for ( int i = 0; i < 16; i++ )
            if ( !CHECK(buf[8 + shift + i] == ref[8 + i]) )
                break;
    }

    CHECK(memmove(buf, buf, 0) == buf);
}

static void test_memcmp_strcmp(void)
{
    CHECK(memcmp("abc", "abd", 3) < 0);
    CHECK(memcmp("abd", "abc", 3) > 0);
    CHECK(memcmp("abc", "abd", 2) == 0);
    CHECK(memcmp("x", "y", 0) == 0);
    /* Bytes compare unsigned: 0x80 is above 0x7f. */
    CHECK(memcmp("\x80", "\x7f", 1) > 0);
    CHECK(strcmp("\x80", "\x7f") > 0);

    CHECK(strcmp("", "") == 0);
    CHECK(strcmp("a", "") > 0);
    CHECK(strcmp("", "a") < 0);
    CHECK(strcmp("abc", "abcd") < 0);
    CHECK(strncmp("abcX", "abcY", 3) == 0);
    CHECK(strncmp("abcX", "abcY", 4) < 0);
    CHECK(strncmp("ab", "ab\0zz", 5) == 0);
    CHECK(strncmp("a", "b", 0) == 0);
}

static void test_lengths_and_search(void)
{
    const char *s = "hello, world";

    CHECK_UINT(strlen(""), 0);
    CHECK_UINT(strlen(s), 12);
    CHECK_UINT(strnlen(s, 5), 5);
    CHECK_UINT(strnlen(s, 100), 12);
    CHECK_UINT(strnlen("abc", 0), 0);

    CHECK(strchr(s, 'o') == s + 4);
    CHECK(strrchr(s, 'o') == s + 8);
    CHECK(strchr(s, 'z') == NULL);
    CHECK(strrchr(s, 'z') == NULL);
    CHECK(strchr(s, '\0') == s + 12);
    CHECK(strrchr(s, '\0') == s + 12);
    /* c is converted to char: 'o' + 256 is still 'o'. */
    CHECK(strchr(s, 'o' + 256) == s + 4);

    CHECK(strstr(s, "") == s);
    CHECK(strstr(s, "world") == s + 7);
    CHECK(strstr(s, "worlds") == NULL);
    /* A partial match must not skip the real one. */
    s = "aaab";
    CHECK(strstr(s, "aab") == s + 1);
    CHECK(strstr("", "a") == NULL);
    CHECK(strstr("abc", "abc") != NULL);
}

static void test_strlcpy(void)
{
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    CHECK_UINT(strlcpy(buf, "abc", sizeof(buf)), 3);
    CHECK_STR(buf, "abc");

    CHECK_UINT(strlcpy(buf, "0123456789", sizeof(buf)), 10);
    CHECK_STR(buf, "0123456");

    CHECK_UINT(strlcpy(buf, "0123456", sizeof(buf)), 7);
    CHECK_STR(buf, "0123456");

    memset(buf, 'x', sizeof(buf));
    CHECK_UINT(strlcpy(buf, "abc", 1), 3);
    CHECK(buf[0] == '\0' && buf[1] == 'x');

    /* Size 0 must not touch the destination at all. */
    CHECK_UINT(strlcpy(buf, "abc", 0), 3);
    CHECK(buf[1] == 'x');
}

static void test_strtoul(void)
{
    const char *end;

    CHECK_UINT(simple_strtoul("1234xyz", &end, 10), 1234);
    CHECK_STR(end, "xyz");
    CHECK_UINT(simple_strtoul("0x1F", &end, 0), 0x1f);
    CHECK(*end == '\0');
    CHECK_UINT(simple_strtoul("0X1f", &end, 16), 0x1f);
    CHECK_UINT(simple_strtoul("1f", &end, 16), 0x1f);
    CHECK_UINT(simple_strtoul("0777", &end, 0), 0777);
    CHECK_UINT(simple_strtoul("0789", &end, 0), 07);
    CHECK_STR(end, "89");
    CHECK_UINT(simple_strtoul("0", &end, 0), 0);
    CHECK(*end == '\0');
    CHECK_UINT(simple_strtoul("101", NULL, 2), 5);
    CHECK_UINT(simple_strtoul("zz", &end, 36), 35 * 36 + 35);

    /* "0x" with no hex digit after it: just the 0. */
    CHECK_UINT(simple_strtoul("0xg", &end, 0), 0);
    CHECK_STR(end, "xg");

    /* Nothing to parse: 0, and end stays at the start. */
    CHECK_UINT(simple_strtoul("", &end, 0), 0);
    CHECK_UINT(simple_strtoul("-5", &end, 10), 0);
    CHECK_STR(end, "-5");
    CHECK_UINT(simple_strtoul(" 5", &end, 10), 0);
    CHECK_STR(end, " 5");

    CHECK_UINT(simple_strtoul("18446744073709551615", &end, 10), ~0UL);
    CHECK(*end == '\0');
    /* Wraps past the top, consuming every digit. */
    CHECK_UINT(simple_strtoul("18446744073709551616", &end, 10), 0);
    CHECK(*end == '\0');

    EXPECT_BUG(simple_strtoul("1", NULL, 1));
    EXPECT_BUG(simple_strtoul("1", NULL, 37));
}

static void test_size_and_unit(void)
{
    const char *end;

    CHECK_UINT(parse_size_and_unit("4", &end), 4096);
    CHECK(*end == '\0');
    CHECK_UINT(parse_size_and_unit("512b", &end), 512);
    CHECK_UINT(parse_size_and_unit("512B", &end), 512);
    CHECK_UINT(parse_size_and_unit("3k", NULL), 3 << 10);
    CHECK_UINT(parse_size_and_unit("3K", NULL), 3 << 10);
    CHECK_UINT(parse_size_and_unit("64M", NULL), 64ULL << 20);
    CHECK_UINT(parse_size_and_unit("64m", NULL), 64ULL << 20);
    CHECK_UINT(parse_size_and_unit("2G", NULL), 2ULL << 30);
    CHECK_UINT(parse_size_and_unit("2g", NULL), 2ULL << 30);
    CHECK_UINT(parse_size_and_unit("5T", NULL), 5ULL << 40);
    CHECK_UINT(parse_size_and_unit("5t", NULL), 5ULL << 40);
    CHECK_UINT(parse_size_and_unit("0x10M", NULL), 16ULL << 20);

    /* The suffix is consumed; what follows is left for the caller. */
    CHECK_UINT(parse_size_and_unit("1G,rest", &end), 1ULL << 30);
    CHECK_STR(end, ",rest");
    CHECK_UINT(parse_size_and_unit("7x", &end), 7 << 10);
    CHECK_STR(end, "x");

    /* Too big for 64 bits, before or after the shift: saturates. */
    CHECK_UINT(parse_size_and_unit("16777216T", NULL), ~0ULL);
    CHECK_UINT(parse_size_and_unit("16777215T", NULL), 16777215ULL << 40);
    CHECK_UINT(parse_size_and_unit("99999999999999999999b", NULL), ~0ULL);
}

static void test_macros(void)
{
    unsigned long big = 0x100000001UL;
    int neg = -3;

    CHECK_UINT(ROUNDUP(5UL, 4), 8);
    CHECK_UINT(ROUNDUP(8UL, 4), 8);
    /* The mask is widened to x's type, so high bits survive. */
    CHECK_UINT(ROUNDUP(big, 4096u), 0x100001000UL);
    CHECK(IS_ALIGNED(0x3000UL, 0x1000));
    CHECK(!IS_ALIGNED(0x3001UL, 0x1000));
    CHECK(IS_ALIGNED(big + 0xfffffffffUL, 16));
    CHECK_INT(min(neg, 2), -3);
    CHECK_INT(max(neg, 2), 2);
    CHECK_INT(min(max(1, 5), 3), 3);

    /* Each argument is evaluated once. */
    neg = 0;
    CHECK_INT(max(neg++, -1), 0);
    CHECK_INT(neg, 1);
}

int main(void)
{
    test_ours_not_libc();
    test_memcpy_memset();
    test_memmove();
    test_memcmp_strcmp();
    test_lengths_and_search();
    test_strlcpy();
    test_strtoul();
    test_size_and_unit();
    test_macros();
    return h_finish("string");
}
