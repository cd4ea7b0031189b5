/*
 * libFuzzer target for common/cmdline.c (and parse_size_and_unit and
 * simple_strtoul of common/string.c, which it uses).  Input: the command
 * line itself (a NUL is appended; one inside ends it early, as for a
 * multiboot string).  Every promise of keel/cmdline.h is checked: each
 * refused option is reported once, with its text as given inside the
 * input and a documented error; a string variable stays NUL-terminated in
 * its array and the bytes after it are untouched; a custom handler gets a
 * NUL-terminated value no longer than an option; the number of problems
 * returned is the number reported.  ASan and UBSan catch any access
 * outside the input and the variables.
 */
#include <keel/cmdline.h>
#include <keel/lib.h>
#include <public/errno.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GUARD 0xa5

static const char *line, *line_end;
static unsigned int nr_reports, custom_calls;

static bool opt_flag, opt_flag2;
static unsigned int opt_uint;
static uint64_t opt_u64, opt_size;
/* Each string variable sits before guard bytes that must survive. */
static struct { char s[1]; uint8_t guard[8]; } str1;
static struct { char s[8]; uint8_t guard[8]; } str8;
static struct { char s[CMDLINE_MAX_OPT + 1]; uint8_t guard[8]; } strmax;

static void require(bool ok)
{
    if ( !ok )
        abort();
}

static int custom(const char *val)
{
    size_t len = strnlen(val, CMDLINE_MAX_OPT + 1);

    custom_calls++;
    require(len <= CMDLINE_MAX_OPT);
    if ( len && val[len - 1] == 'x' )
        return -EINVAL;
    return len % 7 == 3 ? 1 : 0;        /* a positive return is -EINVAL */
}

/* One of every type; "flag" and "mem" twice, so that both are set. */
static const struct kernel_param params[] = {
    { "flag", PARAM_BOOL, sizeof(bool), &opt_flag, NULL },
    { "flag", PARAM_BOOL, sizeof(bool), &opt_flag2, NULL },
    { "count", PARAM_UINT, sizeof(opt_uint), &opt_uint, NULL },
    { "big", PARAM_UINT, sizeof(opt_u64), &opt_u64, NULL },
    { "mem", PARAM_SIZE, sizeof(opt_size), &opt_size, NULL },
    { "mem", PARAM_CUSTOM, 0, NULL, custom },
    { "s1", PARAM_STRING, sizeof(str1.s), str1.s, NULL },
    { "s8", PARAM_STRING, sizeof(str8.s), str8.s, NULL },
    { "smax", PARAM_STRING, sizeof(strmax.s), strmax.s, NULL },
    { "cb", PARAM_CUSTOM, 0, NULL, custom },
    { "", PARAM_BOOL, sizeof(bool), &opt_flag, NULL },
};

static void report(const char *opt, size_t optlen, int err)
{
    nr_reports++;
    require(err == -ENOENT || err == -EINVAL || err == -E2BIG);
    require(optlen && opt >= line && opt + optlen <= line_end);
    require(opt[0] != ' ' && opt[0] != '\t' && opt[0] != '\n' &&
            opt[0] != '\r');
    require(optlen <= CMDLINE_MAX_OPT || err == -E2BIG);
}

static bool guard_intact(const uint8_t *g)
{
    for ( unsigned int i = 0; i < 8; i++ )
        if ( g[i] != GUARD )
            return false;
    return true;
}

static void check_numbers(const char *s)
{
    const char *end;
    unsigned long long v = parse_size_and_unit(s, &end);

    require(end >= s && end <= s + strlen(s));
    if ( v != ~0ULL && end > s && (end[-1] | 0x20) == 'k' )
        require((v & 1023) == 0);
    simple_strtoul(s, &end, 0);
    require(end >= s && end <= s + strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    char *copy = malloc(size + 1);
    int problems;

    memcpy(buf, data, size);
    buf[size] = '\0';
    memcpy(copy, buf, size + 1);
    line = buf;
    line_end = buf + strlen(buf);
    nr_reports = custom_calls = 0;
    memset(&str1, GUARD, sizeof(str1));
    memset(&str8, GUARD, sizeof(str8));
    memset(&strmax, GUARD, sizeof(strmax));
    str1.s[0] = str8.s[0] = strmax.s[0] = '\0';

    problems = cmdline_parse(buf, params, ARRAY_SIZE(params), report);

    require(problems >= 0 && (unsigned int)problems == nr_reports);
    require(!memcmp(buf, copy, size + 1));      /* the line is read-only */
    require(guard_intact(str1.guard) && guard_intact(str8.guard) &&
            guard_intact(strmax.guard));
    require(strnlen(str1.s, sizeof(str1.s)) < sizeof(str1.s));
    require(strnlen(str8.s, sizeof(str8.s)) < sizeof(str8.s));
    require(strnlen(strmax.s, sizeof(strmax.s)) < sizeof(strmax.s));
    /* Without a report function the count is the same. */
    require(cmdline_parse(buf, params, ARRAY_SIZE(params), NULL) == problems);

    check_numbers(buf);
    free(copy);
    free(buf);

    return 0;
}
