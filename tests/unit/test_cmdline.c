/* common/cmdline.c: every parameter type and every way to get one wrong. */
#include <keel/cmdline.h>
#include <keel/lib.h>
#include <public/errno.h>

#include "harness.h"

static bool opt_bool;
static bool opt_other;
static unsigned int opt_uint;
static unsigned long opt_ulong;
static uint64_t opt_size;
static char opt_str[8];
static char custom_seen[32];
static unsigned int custom_calls;

static int parse_custom(const char *val)
{
    custom_calls++;
    strlcpy(custom_seen, val, sizeof(custom_seen));
    return strcmp(val, "bad") ? 0 : -EINVAL;
}

/* The registration macros as Keel code uses them. */
boolean_param("flag", opt_bool);
boolean_param("other", opt_other);
integer_param("count", opt_uint);
integer_param("big", opt_ulong);
size_param("mem", opt_size);
string_param("name", opt_str);
custom_param("custom", parse_custom);

static struct kernel_param params[7];

/* Everything report() was told, concatenated as "text:err;". */
static char reported[2048];
static unsigned int nr_reports;

static void report(const char *opt, size_t optlen, int err)
{
    size_t used = strlen(reported);

    nr_reports++;
    snprintf(reported + used, sizeof(reported) - used, "%.*s:%d;",
             (int)optlen, opt, err);
}

static void reset(void)
{
    opt_bool = opt_other = false;
    opt_uint = 0;
    opt_ulong = 0;
    opt_size = 0;
    strlcpy(opt_str, "init", sizeof(opt_str));
    custom_seen[0] = '\0';
    custom_calls = 0;
    reported[0] = '\0';
    nr_reports = 0;
}

static int parse(const char *line)
{
    reset();
    return cmdline_parse(line, params, ARRAY_SIZE(params), report);
}

static void test_macros(void)
{
    CHECK_STR(__setup_opt_bool.name, "flag");
    CHECK(__setup_opt_bool.type == PARAM_BOOL);
    CHECK(__setup_opt_bool.var == &opt_bool);
    CHECK_UINT(__setup_opt_uint.len, sizeof(unsigned int));
    CHECK_UINT(__setup_opt_ulong.len, sizeof(unsigned long));
    CHECK(__setup_opt_size.type == PARAM_SIZE);
    CHECK_UINT(__setup_opt_str.len, 8);
    CHECK(__setup_opt_str.var == opt_str);
    CHECK(__setup_parse_custom.custom == parse_custom);
    CHECK(__setup_parse_custom.type == PARAM_CUSTOM);
}

static void test_booleans(void)
{
    static const char *const trues[] = { "1", "yes", "on", "true", "enable" };
    static const char *const falses[] = { "0", "no", "off", "false",
                                          "disable" };
    char line[32];

    CHECK_INT(parse("flag"), 0);
    CHECK(opt_bool);
    CHECK_INT(parse("flag no-flag"), 0);
    CHECK(!opt_bool);
    CHECK_INT(parse("no-flag flag"), 0);
    CHECK(opt_bool);

    for ( size_t i = 0; i < ARRAY_SIZE(trues); i++ )
    {
        snprintf(line, sizeof(line), "flag=%s", trues[i]);
        CHECK_INT(parse(line), 0);
        CHECK(opt_bool);
        snprintf(line, sizeof(line), "flag other=%s", falses[i]);
        CHECK_INT(parse(line), 0);
        CHECK(opt_bool && !opt_other);
    }

    /* Bad values leave the variable alone. */
    CHECK_INT(parse("flag flag=maybe flag=TRUE flag= no-flag=1"), 4);
    CHECK(opt_bool);
    CHECK_STR(reported,
              "flag=maybe:-22;flag=TRUE:-22;flag=:-22;no-flag=1:-22;");
}

static void test_integers(void)
{
    CHECK_INT(parse("count=42 big=0x123456789"), 0);
    CHECK_UINT(opt_uint, 42);
    CHECK_UINT(opt_ulong, 0x123456789UL);

    CHECK_INT(parse("count=0x10"), 0);
    CHECK_UINT(opt_uint, 16);
    CHECK_INT(parse("count=010"), 0);
    CHECK_UINT(opt_uint, 8);
    CHECK_INT(parse("count=0"), 0);
    CHECK_UINT(opt_uint, 0);

    /* The widest values that fit, and the first ones that do not. */
    CHECK_INT(parse("count=4294967295 big=18446744073709551615"), 0);
    CHECK_UINT(opt_uint, 4294967295u);
    CHECK_UINT(opt_ulong, ~0UL);
    CHECK_INT(parse("count=4294967296 count=0x100000000 "
                    "big=18446744073709551616 big=0x10000000000000000"), 4);
    CHECK_UINT(opt_uint, 0);
    CHECK_UINT(opt_ulong, 0);
    CHECK_INT(parse("count=99999999999999999999999"), 1);

    CHECK_INT(parse("count=abc count=12abc count= count count=-1 count=0x "
                    "count=08 count=+5 no-count"), 9);
    CHECK_UINT(opt_uint, 0);
    CHECK_STR(reported, "count=abc:-22;count=12abc:-22;count=:-22;count:-22;"
                        "count=-1:-22;count=0x:-22;count=08:-22;count=+5:-22;"
                        "no-count:-2;");
}

static void test_sizes(void)
{
    CHECK_INT(parse("mem=64M"), 0);
    CHECK_UINT(opt_size, 64ULL << 20);
    CHECK_INT(parse("mem=2g"), 0);
    CHECK_UINT(opt_size, 2ULL << 30);
    CHECK_INT(parse("mem=100"), 0);
    CHECK_UINT(opt_size, 100 << 10);
    CHECK_INT(parse("mem=4096b"), 0);
    CHECK_UINT(opt_size, 4096);
    CHECK_INT(parse("mem=1T"), 0);
    CHECK_UINT(opt_size, 1ULL << 40);

    CHECK_INT(parse("mem=M mem= mem mem=12Q mem=1MB mem=99999999999T "
                    "mem=-4K"), 7);
    CHECK_UINT(opt_size, 0);
}

static void test_strings(void)
{
    CHECK_INT(parse("name=keel"), 0);
    CHECK_STR(opt_str, "keel");
    CHECK_INT(parse("name="), 0);
    CHECK_STR(opt_str, "");
    /* Seven characters and the NUL fill the array exactly. */
    CHECK_INT(parse("name=1234567"), 0);
    CHECK_STR(opt_str, "1234567");
    /* One more is refused, not truncated. */
    CHECK_INT(parse("name=12345678"), 1);
    CHECK_STR(opt_str, "init");
    CHECK_STR(reported, "name=12345678:-7;");
    CHECK_INT(parse("name"), 1);
    CHECK_STR(opt_str, "init");
    /* Only the first '=' splits; the rest belongs to the value. */
    CHECK_INT(parse("name=a=b"), 0);
    CHECK_STR(opt_str, "a=b");
}

static void test_custom(void)
{
    CHECK_INT(parse("custom=hello"), 0);
    CHECK_STR(custom_seen, "hello");
    CHECK_INT(parse("custom"), 0);
    CHECK_STR(custom_seen, "");
    CHECK_UINT(custom_calls, 1);
    CHECK_INT(parse("custom=bad"), 1);
    CHECK_STR(reported, "custom=bad:-22;");
}

static void test_unknown_and_layout(void)
{
    CHECK_INT(parse("bogus flag=1 nosuch=3 no-nosuch =5 = flagx no-"), 7);
    CHECK(opt_bool);
    CHECK_STR(reported, "bogus:-2;nosuch=3:-2;no-nosuch:-2;=5:-2;=:-2;"
                        "flagx:-2;no-:-2;");
    CHECK_UINT(nr_reports, 7);

    CHECK_INT(parse(""), 0);
    CHECK_INT(parse(NULL), 0);
    CHECK_INT(parse("   \t  "), 0);
    CHECK_UINT(nr_reports, 0);

    CHECK_INT(parse("\t count=1 \t\t  flag   name=x\t"), 0);
    CHECK_UINT(opt_uint, 1);
    CHECK(opt_bool);
    CHECK_STR(opt_str, "x");

    /* The last of two settings wins. */
    CHECK_INT(parse("count=1 count=2 name=a name=b"), 0);
    CHECK_UINT(opt_uint, 2);
    CHECK_STR(opt_str, "b");

    /* A NULL report still counts problems. */
    reset();
    CHECK_INT(cmdline_parse("x y z count=1", params, ARRAY_SIZE(params), NULL),
              3);
    CHECK_UINT(opt_uint, 1);
    CHECK_INT(cmdline_parse("flag", params, 0, report), 1);
}

static void test_overlong(void)
{
    char line[700];

    /* Exactly 256 characters is still an option, just an unknown one. */
    memset(line, 0, sizeof(line));
    memset(line, 'x', 256);
    CHECK_INT(parse(line), 1);
    CHECK_UINT(strlen(reported), 256 + 4);
    CHECK_STR(reported + 256, ":-2;");

    /* A value that long is refused for the string, not truncated. */
    memcpy(line, "name=", 5);
    CHECK_INT(parse(line), 1);
    CHECK_STR(reported + 256, ":-7;");
    CHECK_STR(opt_str, "init");

    /* 257 characters is too long, whatever it is; what follows is parsed. */
    memset(line, 0, sizeof(line));
    memset(line, 'x', 257);
    memcpy(line + 257, " count=9", 9);
    CHECK_INT(parse(line), 1);
    CHECK_UINT(opt_uint, 9);
    CHECK_UINT(nr_reports, 1);
    CHECK_UINT(strlen(reported), 257 + 4);
    CHECK_STR(reported + 257, ":-7;");

    memset(line, 0, sizeof(line));
    memcpy(line, "flag=", 5);
    memset(line + 5, '1', 600);
    CHECK_INT(parse(line), 1);
    CHECK(!opt_bool);
}

int main(void)
{
    params[0] = __setup_opt_bool;
    params[1] = __setup_opt_other;
    params[2] = __setup_opt_uint;
    params[3] = __setup_opt_ulong;
    params[4] = __setup_opt_size;
    params[5] = __setup_opt_str;
    params[6] = __setup_parse_custom;

    test_macros();
    test_booleans();
    test_integers();
    test_sizes();
    test_strings();
    test_custom();
    test_unknown_and_layout();
    test_overlong();
    return h_finish("cmdline");
}
