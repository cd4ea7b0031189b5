/*
 * Command-line parsing.  Each option is copied into a bounded buffer, so
 * that its name and value can be NUL-terminated without writing to the
 * boot loader's string.
 */
#include <keel/cmdline.h>
#include <keel/lib.h>
#include <public/errno.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Value of c as a hex digit, or 16 when it is none. */
static unsigned int hex_digit(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'f' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'F' )
        return c - 'A' + 10;
    return 16;
}

/*
 * The whole of s as a number no larger than max: decimal, 0x hex or
 * 0 octal.  Unlike simple_strtoul() this refuses trailing junk and
 * overflow, so "4G" or 2^32 for a 32-bit variable is an error, not 4 or 0.
 */
static int parse_uint(const char *s, unsigned long long max,
                      unsigned long long *val)
{
    unsigned int base = 10, d;
    unsigned long long v = 0;

    if ( s[0] == '0' && (s[1] == 'x' || s[1] == 'X') )
    {
        base = 16;
        s += 2;
    }
    else if ( s[0] == '0' && s[1] )
    {
        base = 8;
        s++;
    }

    if ( !*s )
        return -EINVAL;

    for ( ; *s; s++ )
    {
        d = hex_digit(*s);
        if ( d >= base || v > (max - d) / base )
            return -EINVAL;
        v = v * base + d;
    }

    *val = v;
    return 0;
}

/* 1 or 0 for the accepted spellings of a boolean value, else -EINVAL. */
static int parse_bool(const char *s)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for ( size_t i = 0; i < ARRAY_SIZE(yes); i++ )
    {
        if ( !strcmp(s, yes[i]) )
            return 1;
        if ( !strcmp(s, no[i]) )
            return 0;
    }

    return -EINVAL;
}

/* "no-name" takes no value; "name" alone means true. */
static int set_bool(const struct kernel_param *p, const char *val,
                    bool negated)
{
    int b;

    if ( negated )
        b = val ? -EINVAL : 0;
    else
        b = val ? parse_bool(val) : 1;

    if ( b < 0 )
        return b;

    *(bool *)p->var = b;
    return 0;
}

static int set_uint(const struct kernel_param *p, const char *val)
{
    unsigned long long v;
    int rc;

    switch ( p->len )
    {
    case sizeof(uint32_t):
        rc = val ? parse_uint(val, UINT32_MAX, &v) : -EINVAL;
        if ( !rc )
            *(uint32_t *)p->var = v;
        return rc;
    case sizeof(uint64_t):
        rc = val ? parse_uint(val, UINT64_MAX, &v) : -EINVAL;
        if ( !rc )
            *(uint64_t *)p->var = v;
        return rc;
    default:
        /* integer_param() only makes 4- and 8-byte entries. */
        BUG();
    }
}

static int set_size(const struct kernel_param *p, const char *val)
{
    const char *end;
    unsigned long long bytes;

    /* parse_size_and_unit() would read a bare suffix such as "M" as 0. */
    if ( !val || *val < '0' || *val > '9' )
        return -EINVAL;

    bytes = parse_size_and_unit(val, &end);
    if ( *end || bytes == ~0ULL )
        return -EINVAL;

    *(uint64_t *)p->var = bytes;
    return 0;
}

static int set_string(const struct kernel_param *p, const char *val)
{
    size_t len;

    if ( !val )
        return -EINVAL;

    len = strlen(val);
    if ( len >= p->len )
        return -E2BIG;

    memcpy(p->var, val, len + 1);
    return 0;
}

/* val is NULL when the option had no '='. */
static int apply_param(const struct kernel_param *p, const char *val,
                       bool negated)
{
    int rc;

    switch ( p->type )
    {
    case PARAM_BOOL:
        return set_bool(p, val, negated);
    case PARAM_UINT:
        return set_uint(p, val);
    case PARAM_SIZE:
        return set_size(p, val);
    case PARAM_STRING:
        return set_string(p, val);
    case PARAM_CUSTOM:
        rc = p->custom(val ? val : "");
        return rc > 0 ? -EINVAL : rc;
    default:
        BUG();
    }
}

/*
 * Apply one NUL-terminated option.  Every parameter of that name is set,
 * so that two parts of Keel may share an option.
 */
static int handle_option(char *opt, const struct kernel_param *params,
                         size_t nr_params)
{
    char *val = strchr(opt, '=');
    bool found = false;
    int rc = 0;

    if ( val )
        *val++ = '\0';

    for ( size_t i = 0; i < nr_params; i++ )
    {
        const struct kernel_param *p = &params[i];
        int err;

        if ( !strcmp(opt, p->name) )
            err = apply_param(p, val, false);
        else if ( p->type == PARAM_BOOL && !strncmp(opt, "no-", 3) &&
                  !strcmp(opt + 3, p->name) )
            err = apply_param(p, val, true);
        else
            continue;

        found = true;
        if ( err && !rc )
            rc = err;
    }

    return found ? rc : -ENOENT;
}

int cmdline_parse(const char *cmdline, const struct kernel_param *params,
                  size_t nr_params, cmdline_report_fn report)
{
    char opt[CMDLINE_MAX_OPT + 1];
    const char *s = cmdline ? cmdline : "";
    int problems = 0;

    for ( ; ; )
    {
        const char *start;
        size_t len;
        int err;

        while ( is_blank(*s) )
            s++;
        if ( !*s )
            return problems;

        for ( start = s; *s && !is_blank(*s); s++ )
            continue;
        len = s - start;

        if ( len > CMDLINE_MAX_OPT )
            err = -E2BIG;
        else
        {
            memcpy(opt, start, len);
            opt[len] = '\0';
            err = handle_option(opt, params, nr_params);
        }

        if ( err )
        {
            problems++;
            if ( report )
                report(start, len, err);
        }
    }
}
