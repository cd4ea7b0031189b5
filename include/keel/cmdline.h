/*
 * Hypervisor command line: "name" / "name=value" options separated by
 * blanks, each bound to a variable or handler by the *_param() macros.
 */
#ifndef KEEL_CMDLINE_H
#define KEEL_CMDLINE_H

#include <keel/types.h>
#include <keel/compiler.h>

/* Options longer than this are refused with -E2BIG. */
#define CMDLINE_MAX_OPT 256

enum param_type {
    PARAM_BOOL,
    PARAM_UINT,
    PARAM_SIZE,
    PARAM_STRING,
    PARAM_CUSTOM,
};

struct kernel_param {
    const char *name;
    enum param_type type;
    unsigned int len;   /* STRING: size of the char array; UINT: sizeof var */
    void *var;
    int (*custom)(const char *val);     /* CUSTOM: return 0 or -EINVAL */
};

/*
 * Every *_param() drops a descriptor into .init.setup; the linker script
 * collects them between __setup_start and __setup_end.  The static
 * assertions reject a variable of the wrong type at compile time.
 */
extern const struct kernel_param __setup_start[], __setup_end[];

#define __kparam_named(id, n, t, l, v, fn)                              \
    static const struct kernel_param __setup_##id                       \
        __section(".init.setup") __used __aligned(8) = {                \
        .name = (n), .type = (t), .len = (l), .var = (v), .custom = (fn) }

#define __param_is(v, type) __builtin_types_compatible_p(__typeof__(v), type)

/* bool v: "n", "no-n", "n=1/0/yes/no/on/off/true/false/enable/disable". */
#define boolean_param(n, v)                                             \
    _Static_assert(__param_is(v, bool), #v " must be bool");            \
    __kparam_named(v, n, PARAM_BOOL, sizeof(v), &(v), NULL)

/* unsigned int or unsigned long v: "n=<number>", 0x / 0 prefixes allowed. */
#define integer_param(n, v)                                             \
    _Static_assert(__param_is(v, unsigned int) ||                       \
                   __param_is(v, unsigned long), #v " must be unsigned"); \
    __kparam_named(v, n, PARAM_UINT, sizeof(v), &(v), NULL)

/* uint64_t v: bytes, from "n=<size>" as parse_size_and_unit() reads it. */
#define size_param(n, v)                                                \
    _Static_assert(__param_is(v, uint64_t), #v " must be uint64_t");    \
    __kparam_named(v, n, PARAM_SIZE, sizeof(v), &(v), NULL)

/* char v[N]: the value must fit with its NUL, or it is refused. */
#define string_param(n, v)                                              \
    _Static_assert(__param_is(&(v)[0], char *) &&                       \
                   !__param_is(v, char *), #v " must be a char array"); \
    __kparam_named(v, n, PARAM_STRING, sizeof(v), (v), NULL)

/*
 * int fn(const char *val): val is "" for a bare "n".  val points into a
 * temporary buffer: copy what must outlive the call.
 */
#define custom_param(n, fn)                                             \
    __kparam_named(fn, n, PARAM_CUSTOM, 0, NULL, (fn))

/* Called for each refused option: opt[0..optlen) is its text as given. */
typedef void (*cmdline_report_fn)(const char *opt, size_t optlen, int err);

/*
 * Apply every option of cmdline (NULL counts as empty) to params.  Problems
 * are reported (report may be NULL) with -ENOENT for an unknown option,
 * -EINVAL for a bad value and -E2BIG for an overlong option or a string
 * that does not fit; the variable is then left as it was.  Returns the
 * number of problems.  A later option overrides an earlier one.
 */
int cmdline_parse(const char *cmdline, const struct kernel_param *params,
                  size_t nr_params, cmdline_report_fn report);

#endif /* KEEL_CMDLINE_H */
