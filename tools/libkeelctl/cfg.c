/*
 * xl.cfg(5) parser (see cfg.h).  A small hand-written scanner rather than
 * libxlutil: kl must refuse every key it does not act on, with the line,
 * and libxlutil keeps no line numbers for values and accepts any key.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"

#define VALUE_MAX   KL_PATH_MAX
#define LIST_MAX    KL_MAX_DISKS

/* One parsed right-hand side: a scalar or a list of scalars. */
struct value {
    int is_list;
    unsigned int nr;                    /* items in a list */
    char items[LIST_MAX][VALUE_MAX];    /* a scalar is items[0] */
    int quoted[LIST_MAX];
};

struct scanner {
    const char *file, *p, *end;
    unsigned int line;
    char *err;
    size_t errlen;
};

static int fail(struct scanner *s, unsigned int line, const char *key, const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    snprintf(s->err, s->errlen, "%s:%u: %s: %s", s->file, line, key, why);
    return -1;
}

/* Skip blanks, comments and (when newlines) line ends. */
static void skip_space(struct scanner *s, int newlines)
{
    while ( s->p < s->end )
    {
        if ( *s->p == '#' )
            while ( s->p < s->end && *s->p != '\n' )
                s->p++;
        else if ( *s->p == '\n' && newlines )
        {
            s->line++;
            s->p++;
        }
        else if ( *s->p == ' ' || *s->p == '\t' || *s->p == '\r' )
            s->p++;
        else
            break;
    }
}

static int is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == '/' ||
           c == ':' || c == '+';
}

/* A quoted string ('' or "", C escapes \\ \" \' \n \t as libxlutil) or a bare word. */
static int scan_scalar(struct scanner *s, const char *key, char *out, int *quoted)
{
    size_t n = 0;
    unsigned int start = s->line;

    *quoted = s->p < s->end && (*s->p == '"' || *s->p == '\'');
    if ( *quoted )
    {
        char q = *s->p++;

        for ( ;; )
        {
            char c;

            if ( s->p >= s->end || *s->p == '\n' )
                return fail(s, start, key, "unterminated string (no closing %c)", q);
            c = *s->p++;
            if ( c == q )
                break;
            if ( c == '\\' )
            {
                if ( s->p >= s->end || *s->p == '\n' )
                    return fail(s, start, key, "unterminated string (no closing %c)", q);
                c = *s->p++;
                c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
            }
            if ( n + 1 >= VALUE_MAX )
                return fail(s, start, key, "value longer than %d bytes", VALUE_MAX - 1);
            out[n++] = c;
        }
    }
    else
    {
        while ( s->p < s->end && is_word(*s->p) )
        {
            if ( n + 1 >= VALUE_MAX )
                return fail(s, start, key, "value longer than %d bytes", VALUE_MAX - 1);
            out[n++] = *s->p++;
        }
        if ( n == 0 )
            return fail(s, start, key, s->p < s->end && *s->p != '\n'
                        ? "expected a value, a \"string\" or a [ list ]" : "no value");
    }
    out[n] = '\0';
    return 0;
}

static int scan_value(struct scanner *s, const char *key, struct value *v)
{
    unsigned int start = s->line;

    memset(v, 0, sizeof(*v));
    skip_space(s, 0);
    if ( s->p >= s->end || *s->p != '[' )
    {
        v->nr = 1;
        return scan_scalar(s, key, v->items[0], &v->quoted[0]);
    }
    v->is_list = 1;
    s->p++;
    for ( ;; )
    {
        skip_space(s, 1);
        if ( s->p >= s->end )
            return fail(s, start, key, "list not closed with ]");
        if ( *s->p == ']' )
        {
            s->p++;
            return 0;
        }
        if ( v->nr == LIST_MAX )
            return fail(s, s->line, key, "more than %d items", LIST_MAX);
        if ( scan_scalar(s, key, v->items[v->nr], &v->quoted[v->nr]) )
            return -1;
        v->nr++;
        skip_space(s, 1);
        if ( s->p < s->end && *s->p == ',' )
            s->p++;
        else if ( s->p < s->end && *s->p != ']' )
            return fail(s, s->line, key, "expected , or ] in the list");
    }
}

/* ---- values ---- */

static int want_scalar(struct scanner *s, unsigned int line, const char *key,
                       const struct value *v)
{
    return v->is_list ? fail(s, line, key, "a single value expected, not a list") : 0;
}

static int get_string(struct scanner *s, unsigned int line, const char *key,
                      const struct value *v, char *out, size_t size)
{
    if ( want_scalar(s, line, key, v) )
        return -1;
    if ( strlen(v->items[0]) >= size )
        return fail(s, line, key, "longer than %zu bytes", size - 1);
    strcpy(out, v->items[0]);
    return 0;
}

/* An integer in [min, max], decimal or 0x hex, as libxlutil's strtol(,,0) reads it. */
static int get_number(struct scanner *s, unsigned int line, const char *key,
                      const struct value *v, uint64_t min, uint64_t max, uint64_t *out)
{
    const char *t = v->items[0];
    char *end;
    unsigned long long n;

    if ( want_scalar(s, line, key, v) )
        return -1;
    if ( !isdigit((unsigned char)t[0]) )
        return fail(s, line, key, "'%.40s' is not a number", t);
    errno = 0;
    n = strtoull(t, &end, t[0] == '0' && (t[1] == 'x' || t[1] == 'X') ? 16 : 10);
    if ( *end )
        return fail(s, line, key, "'%.40s' is not a number", t);
    if ( errno == ERANGE || n < min || n > max )
        return fail(s, line, key, "%.40s is out of range (%llu to %llu)", t,
                    (unsigned long long)min, (unsigned long long)max);
    *out = n;
    return 0;
}

static const char *const action_names[] = {
    [KL_ACT_DESTROY] = "destroy", [KL_ACT_RESTART] = "restart",
    [KL_ACT_RENAME_RESTART] = "rename-restart", [KL_ACT_PRESERVE] = "preserve",
    [KL_ACT_COREDUMP_DESTROY] = "coredump-destroy",
    [KL_ACT_COREDUMP_RESTART] = "coredump-restart",
};

const char *kl_action_name(enum kl_action a)
{
    return (unsigned int)a < sizeof(action_names) / sizeof(action_names[0])
           ? action_names[a] : "?";
}

int kl_action_honoured(enum kl_action a)
{
    return a == KL_ACT_DESTROY || a == KL_ACT_PRESERVE;
}

static int get_action(struct scanner *s, unsigned int line, const char *key,
                      const struct value *v, enum kl_action *out)
{
    if ( want_scalar(s, line, key, v) )
        return -1;
    for ( unsigned int a = 0; a < sizeof(action_names) / sizeof(action_names[0]); a++ )
    {
        if ( strcmp(v->items[0], action_names[a]) )
            continue;
        if ( !kl_action_honoured(a) )
            return fail(s, line, key, "%s is not supported by kl yet (destroy or preserve)",
                        action_names[a]);
        *out = a;
        return 0;
    }
    return fail(s, line, key, "'%.40s' is not an action (destroy, restart, preserve, "
                "coredump-destroy, coredump-restart, rename-restart)", v->items[0]);
}

/* ---- vdev and disk specs ---- */

/* Bijective base 26: a..z = 0..25, aa = 26; *p is left after the letters. */
static long disk_letters(const char **p)
{
    long n = 0;
    int any = 0;

    while ( **p >= 'a' && **p <= 'z' )
    {
        n = n * 26 + (**p - 'a' + 1);
        if ( n > (1L << 20) )
            return -1;
        (*p)++;
        any = 1;
    }
    return any ? n - 1 : -1;
}

static long decimal(const char **p, long max)
{
    long n = 0;

    if ( !isdigit((unsigned char)**p) )
        return -1;
    while ( isdigit((unsigned char)**p) )
    {
        n = n * 10 + (**p - '0');
        if ( n > max )
            return -1;
        (*p)++;
    }
    return n;
}

static long xvd_number(long disk, long part)
{
    if ( disk < 16 && part < 16 )
        return (202L << 8) | (disk << 4) | part;
    if ( disk >= (1L << 20) || part > 255 )
        return -1;
    return (1L << 28) | (disk << 8) | part;
}

long kl_vdev_devid(const char *vdev)
{
    const char *p = vdev;
    long disk, part = 0;

    if ( vdev[0] == 'd' && isdigit((unsigned char)vdev[1]) )
    {
        p++;
        disk = decimal(&p, (1L << 20) - 1);
        if ( disk >= 0 && *p == 'p' )
        {
            p++;
            part = decimal(&p, 255);
        }
        return disk < 0 || part < 0 || *p ? -1 : xvd_number(disk, part);
    }
    if ( strncmp(vdev, "xvd", 3) && strncmp(vdev, "sd", 2) && strncmp(vdev, "hd", 2) )
        return -1;
    p += vdev[0] == 'x' ? 3 : 2;
    disk = disk_letters(&p);
    if ( disk < 0 )
        return -1;
    if ( *p && (part = decimal(&p, 255)) < 0 )
        return -1;
    if ( *p )
        return -1;
    if ( vdev[0] == 'x' )
        return xvd_number(disk, part);
    if ( vdev[0] == 's' )
        return disk < 16 && part < 16 ? (8L << 8) | (disk << 4) | part : -1;
    if ( disk > 3 || part > 63 )
        return -1;
    return disk < 2 ? (3L << 8) | (disk << 6) | part : (22L << 8) | ((disk - 2) << 6) | part;
}

static int is_format(const char *t)
{
    return !strcmp(t, "raw") || !strcmp(t, "qcow") || !strcmp(t, "qcow2") ||
           !strcmp(t, "vhd") || !strcmp(t, "qed") || !strcmp(t, "empty");
}

static int is_access(const char *t)
{
    return !strcmp(t, "r") || !strcmp(t, "ro") || !strcmp(t, "w") || !strcmp(t, "rw");
}

static int disk_set(char *slot, size_t size, const char *what, const char *t,
                    char *why, size_t whylen)
{
    if ( slot[0] )
    {
        snprintf(why, whylen, "%s given twice", what);
        return -1;
    }
    if ( !t[0] || strlen(t) >= size )
    {
        snprintf(why, whylen, "%s '%.40s' is empty or too long", what, t);
        return -1;
    }
    strcpy(slot, t);
    return 0;
}

/* One comma-separated token: key=value, or a positional one told apart by its look. */
static int disk_token(const char *t, char *target, char *format, char *vdev, char *access,
                      char *why, size_t whylen)
{
    const char *eq = strchr(t, '=');

    if ( eq )
    {
        size_t klen = eq - t;
        const char *val = eq + 1;

        if ( klen == 6 && !strncmp(t, "target", 6) )
            return disk_set(target, KL_PATH_MAX, "target", val, why, whylen);
        if ( klen == 6 && !strncmp(t, "format", 6) )
            return disk_set(format, 16, "format", val, why, whylen);
        if ( klen == 4 && !strncmp(t, "vdev", 4) )
            return disk_set(vdev, 16, "vdev", val, why, whylen);
        if ( klen == 6 && !strncmp(t, "access", 6) )
            return disk_set(access, 16, "access", val, why, whylen);
        if ( klen == 11 && !strncmp(t, "backendtype", 11) )
        {
            if ( !strcmp(val, "phy") )
                return 0;
            snprintf(why, whylen, "backendtype=%.20s is not supported (only phy: xen-blkback)",
                     val);
            return -1;
        }
        if ( klen == 7 && !strncmp(t, "devtype", 7) && !strcmp(val, "disk") )
            return 0;
        snprintf(why, whylen, "'%.40s' is not supported by kl (target, format, vdev, access, "
                 "backendtype=phy)", t);
        return -1;
    }
    if ( !target[0] && !format[0] && !vdev[0] && !access[0] && !is_format(t) )
        return disk_set(target, KL_PATH_MAX, "target", t, why, whylen);
    if ( is_format(t) && !format[0] )
        return disk_set(format, 16, "format", t, why, whylen);
    if ( is_access(t) && vdev[0] && !access[0] )
        return disk_set(access, 16, "access", t, why, whylen);
    if ( !vdev[0] && kl_vdev_devid(t) >= 0 )
        return disk_set(vdev, 16, "vdev", t, why, whylen);
    snprintf(why, whylen, "'%.40s' is not a target, format, vdev or access", t);
    return -1;
}

/* phy:, file:, raw: and aio: prefixes on the target, as xl takes them. */
static int disk_target(struct kl_disk *d, const char *target, char *format, char *why,
                       size_t whylen)
{
    static const struct { const char *prefix; enum kl_disk_kind kind; const char *fmt; } pre[] = {
        { "phy:", KL_DISK_PHY, NULL }, { "file:", KL_DISK_FILE, "raw" },
        { "raw:", KL_DISK_FILE, "raw" }, { "aio:", KL_DISK_FILE, "raw" },
    };

    d->kind = KL_DISK_AUTO;
    for ( unsigned int i = 0; i < sizeof(pre) / sizeof(pre[0]); i++ )
    {
        size_t n = strlen(pre[i].prefix);

        if ( strncmp(target, pre[i].prefix, n) )
            continue;
        target += n;
        d->kind = pre[i].kind;
        if ( pre[i].fmt && !format[0] )
            strcpy(format, pre[i].fmt);
        break;
    }
    if ( !strncmp(target, "tap:", 4) || !strncmp(target, "qcow", 4) ||
         !strncmp(target, "vhd:", 4) || !strncmp(target, "iscsi:", 6) ||
         !strncmp(target, "nbd:", 4) || !strncmp(target, "drbd:", 5) )
    {
        snprintf(why, whylen, "target '%.40s': only phy: and file: targets are supported", target);
        return -1;
    }
    if ( target[0] != '/' )
    {
        snprintf(why, whylen, "target '%.40s' is not an absolute path", target);
        return -1;
    }
    strcpy(d->target, target);
    return 0;
}

int kl_disk_parse(const char *spec, struct kl_disk *d, char *why, size_t whylen)
{
    char target[KL_PATH_MAX] = "", format[16] = "", vdev[16] = "", access[16] = "";
    char tok[KL_PATH_MAX + 16];
    const char *p = spec;
    long devid;

    memset(d, 0, sizeof(*d));
    while ( *p )
    {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);

        while ( n && (*p == ' ' || *p == '\t') )
            p++, n--;
        while ( n && (p[n - 1] == ' ' || p[n - 1] == '\t') )
            n--;
        if ( n >= sizeof(tok) )
        {
            snprintf(why, whylen, "a part of the disk spec is too long");
            return -1;
        }
        memcpy(tok, p, n);
        tok[n] = '\0';
        if ( n && disk_token(tok, target, format, vdev, access, why, whylen) )
            return -1;
        p += comma ? (size_t)(comma - p) + 1 : strlen(p);
    }
    if ( !target[0] )
    {
        snprintf(why, whylen, "no target (the image or device), e.g. 'phy:/dev/sdb,xvda,w'");
        return -1;
    }
    if ( !vdev[0] )
    {
        snprintf(why, whylen, "no vdev (e.g. xvda)");
        return -1;
    }
    if ( disk_target(d, target, format, why, whylen) )
        return -1;
    if ( format[0] && strcmp(format, "raw") )
    {
        snprintf(why, whylen, "format %.16s is not supported (raw only: xen-blkback serves "
                 "raw block devices)", format);
        return -1;
    }
    if ( (devid = kl_vdev_devid(vdev)) < 0 )
    {
        snprintf(why, whylen, "vdev '%s' is not a disk name (xvda, xvdb1, sda, hda, d0p1)", vdev);
        return -1;
    }
    if ( access[0] && !is_access(access) )
    {
        snprintf(why, whylen, "access '%s' is not r, ro, w or rw", access);
        return -1;
    }
    snprintf(d->vdev, sizeof(d->vdev), "%s", vdev);
    d->devid = devid;
    d->writable = !access[0] || access[0] == 'w' || !strcmp(access, "rw");
    return 0;
}

/* ---- keys ---- */

enum key_id {
    K_NAME, K_TYPE, K_BUILDER, K_MEMORY, K_MAXMEM, K_VCPUS, K_KERNEL, K_RAMDISK, K_CMDLINE,
    K_EXTRA, K_ROOT, K_DISK, K_ON_POWEROFF, K_ON_REBOOT, K_ON_CRASH, K_NR,
};

static const char *const key_names[K_NR] = {
    "name", "type", "builder", "memory", "maxmem", "vcpus", "kernel", "ramdisk", "cmdline",
    "extra", "root", "disk", "on_poweroff", "on_reboot", "on_crash",
};

struct parse_state {
    struct scanner s;
    struct kl_cfg *cfg;
    unsigned int seen[K_NR];
    char extra[KL_CMDLINE_MAX], root[KL_CMDLINE_MAX], cmdline[KL_CMDLINE_MAX];
    int type_given;
};

static int set_type(struct parse_state *ps, unsigned int line, const char *key,
                    const struct value *v)
{
    struct scanner *s = &ps->s;
    const char *t = v->items[0];

    if ( want_scalar(s, line, key, v) )
        return -1;
    if ( !strcmp(key, "builder") )
    {
        if ( !strcmp(t, "generic") )
            t = "pv";
        else if ( !strcmp(t, "hvm") )
            t = "hvm";
        else
            return fail(s, line, key, "'%.40s' is not a builder (generic)", t);
    }
    if ( ps->type_given )
        return fail(s, line, key, "type given twice (type and builder)");
    ps->type_given = 1;
    if ( !strcmp(t, "pv") )
        ps->cfg->type = KL_TYPE_PV;
    else if ( !strcmp(t, "pvh") )
        ps->cfg->type = KL_TYPE_PVH;
    else if ( !strcmp(t, "hvm") )
        return fail(s, line, key, "hvm is not supported by kl (no device model); use pv or pvh");
    else
        return fail(s, line, key, "'%.40s' is not a type (pv, pvh)", t);
    return 0;
}

static int set_name(struct parse_state *ps, unsigned int line, const struct value *v)
{
    struct kl_cfg *c = ps->cfg;

    if ( get_string(&ps->s, line, "name", v, c->name, sizeof(c->name)) )
        return -1;
    if ( !c->name[0] )
        return fail(&ps->s, line, "name", "empty");
    /* A name is a xenstore node's value and a command argument: keep it printable. */
    for ( const char *p = c->name; *p; p++ )
        if ( !isgraph((unsigned char)*p) || *p == '/' )
            return fail(&ps->s, line, "name", "may not contain spaces, '/' or control "
                        "characters");
    if ( isdigit((unsigned char)c->name[0]) && strspn(c->name, "0123456789") == strlen(c->name) )
        return fail(&ps->s, line, "name", "a number would be taken for a domain id");
    if ( !strcmp(c->name, "Domain-0") )
        return fail(&ps->s, line, "name", "Domain-0 is dom0's name");
    return 0;
}

static int set_disks(struct parse_state *ps, unsigned int line, const struct value *v)
{
    struct kl_cfg *c = ps->cfg;
    char why[256];

    if ( !v->is_list )
        return fail(&ps->s, line, "disk", "a list expected: disk = [ 'phy:/dev/sdb,xvda,w' ]");
    for ( unsigned int i = 0; i < v->nr; i++ )
    {
        if ( kl_disk_parse(v->items[i], &c->disks[i], why, sizeof(why)) )
            return fail(&ps->s, line, "disk", "'%.60s': %s", v->items[i], why);
        for ( unsigned int j = 0; j < i; j++ )
            if ( c->disks[j].devid == c->disks[i].devid )
                return fail(&ps->s, line, "disk", "vdev %s given twice", c->disks[i].vdev);
    }
    c->nr_disks = v->nr;
    return 0;
}

static int set_key(struct parse_state *ps, enum key_id k, unsigned int line,
                   const struct value *v)
{
    struct scanner *s = &ps->s;
    struct kl_cfg *c = ps->cfg;
    const char *key = key_names[k];
    uint64_t n;

    switch ( k )
    {
    case K_NAME:
        return set_name(ps, line, v);
    case K_TYPE:
    case K_BUILDER:
        return set_type(ps, line, key, v);
    case K_MEMORY:
        return get_number(s, line, key, v, KL_MEM_MIN_MIB, KL_MEM_MAX_MIB, &c->memory_mib);
    case K_MAXMEM:
        return get_number(s, line, key, v, KL_MEM_MIN_MIB, KL_MEM_MAX_MIB, &c->maxmem_mib);
    case K_VCPUS:
        if ( get_number(s, line, key, v, 1, KL_MAX_VCPUS, &n) )
            return -1;
        c->vcpus = n;
        return 0;
    case K_KERNEL:
        return get_string(s, line, key, v, c->kernel, sizeof(c->kernel));
    case K_RAMDISK:
        return get_string(s, line, key, v, c->ramdisk, sizeof(c->ramdisk));
    case K_CMDLINE:
        return get_string(s, line, key, v, ps->cmdline, sizeof(ps->cmdline));
    case K_EXTRA:
        return get_string(s, line, key, v, ps->extra, sizeof(ps->extra));
    case K_ROOT:
        return get_string(s, line, key, v, ps->root, sizeof(ps->root));
    case K_DISK:
        return set_disks(ps, line, v);
    case K_ON_POWEROFF:
        return get_action(s, line, key, v, &c->on_poweroff);
    case K_ON_REBOOT:
        return get_action(s, line, key, v, &c->on_reboot);
    case K_ON_CRASH:
        return get_action(s, line, key, v, &c->on_crash);
    case K_NR:
        break;
    }
    return -1;
}

/* key = value; the scanner is at the key. */
static int parse_setting(struct parse_state *ps)
{
    struct scanner *s = &ps->s;
    static struct value v;              /* 16 KiB: kept off the stack */
    char key[64];
    size_t n = 0;
    unsigned int line = s->line;
    int k;

    while ( s->p < s->end && (isalnum((unsigned char)*s->p) || *s->p == '_') )
    {
        if ( n + 1 < sizeof(key) )
            key[n] = *s->p;
        n++;
        s->p++;
    }
    if ( n == 0 )
        return fail(s, line, "syntax", "expected a key, found '%c'",
                    isprint((unsigned char)*s->p) ? *s->p : '?');
    if ( n >= sizeof(key) )
        return fail(s, line, "syntax", "a key longer than %zu characters", sizeof(key) - 1);
    key[n] = '\0';
    for ( k = 0; k < K_NR && strcmp(key, key_names[k]); k++ )
        ;
    if ( k == K_NR )
        return fail(s, line, key, "unknown key (kl knows name, type, memory, maxmem, vcpus, "
                    "kernel, ramdisk, cmdline, extra, root, disk, on_poweroff, on_reboot, "
                    "on_crash)");
    skip_space(s, 0);
    if ( s->p < s->end && *s->p == '+' )
        return fail(s, line, key, "+= is not supported by kl");
    if ( s->p >= s->end || *s->p != '=' )
        return fail(s, line, key, "expected =");
    s->p++;
    if ( scan_value(s, key, &v) )
        return -1;
    if ( ps->seen[k] )
        return fail(s, line, key, "given twice (first on line %u)", ps->seen[k]);
    ps->seen[k] = line;
    if ( set_key(ps, k, line, &v) )
        return -1;
    /* What ends a setting: a newline, a ';', a comment or the end of the file. */
    skip_space(s, 0);
    if ( s->p < s->end && *s->p != '\n' && *s->p != ';' )
        return fail(s, s->line, key, "unexpected text after the value");
    if ( s->p < s->end && *s->p == ';' )
        s->p++;
    return 0;
}

/* After the last line: defaults as libxl sets them, and what only the whole file can say. */
static int finish(struct parse_state *ps)
{
    struct kl_cfg *c = ps->cfg;
    struct scanner *s = &ps->s;
    unsigned int eof = s->line;
    int n;

    if ( !ps->seen[K_NAME] )
        return fail(s, eof, "name", "missing (xl requires a domain name)");
    if ( !ps->seen[K_KERNEL] )
        return fail(s, eof, "kernel", "missing (kl boots a kernel directly; no bootloader)");
    if ( !ps->seen[K_MEMORY] )
        c->memory_mib = ps->seen[K_MAXMEM] ? c->maxmem_mib : 32;   /* libxl's default */
    if ( !ps->seen[K_MAXMEM] )
        c->maxmem_mib = c->memory_mib;
    if ( c->maxmem_mib < c->memory_mib )
        return fail(s, ps->seen[K_MAXMEM], "maxmem", "%llu MiB is below memory (%llu MiB)",
                    (unsigned long long)c->maxmem_mib, (unsigned long long)c->memory_mib);
    if ( c->maxmem_mib > c->memory_mib )
        return fail(s, ps->seen[K_MAXMEM], "maxmem", "above memory needs ballooning, which kl "
                    "does not do yet: give maxmem = memory");
    if ( !ps->seen[K_VCPUS] )
        c->vcpus = 1;
    if ( ps->seen[K_CMDLINE] )
    {
        n = snprintf(c->cmdline, sizeof(c->cmdline), "%s", ps->cmdline);
        if ( ps->seen[K_ROOT] || ps->seen[K_EXTRA] )
            snprintf(c->warning, sizeof(c->warning),
                     "Warning: ignoring root= and extra= in favour of cmdline=");
    }
    else if ( ps->seen[K_ROOT] && ps->seen[K_EXTRA] )
        n = snprintf(c->cmdline, sizeof(c->cmdline), "root=%s %s", ps->root, ps->extra);
    else if ( ps->seen[K_ROOT] )
        n = snprintf(c->cmdline, sizeof(c->cmdline), "root=%s", ps->root);
    else
        n = snprintf(c->cmdline, sizeof(c->cmdline), "%s", ps->extra);
    if ( n < 0 || (size_t)n >= sizeof(c->cmdline) )
        return fail(s, ps->seen[K_EXTRA] ? ps->seen[K_EXTRA] : ps->seen[K_ROOT], "extra",
                    "the command line is longer than %d bytes", KL_CMDLINE_MAX - 1);
    return 0;
}

int kl_cfg_parse(const char *file, const char *text, size_t len, struct kl_cfg *cfg,
                 char *err, size_t errlen)
{
    static struct parse_state ps;
    const char *nul = memchr(text, '\0', len);

    memset(&ps, 0, sizeof(ps));
    memset(cfg, 0, sizeof(*cfg));
    ps.s = (struct scanner){ .file = file, .p = text, .end = text + len, .line = 1,
                             .err = err, .errlen = errlen };
    ps.cfg = cfg;
    cfg->type = KL_TYPE_PV;
    cfg->on_poweroff = KL_ACT_DESTROY;
    cfg->on_reboot = KL_ACT_RESTART;     /* xl's default; kl destroys instead (docs) */
    cfg->on_crash = KL_ACT_DESTROY;
    if ( nul )
    {
        unsigned int line = 1;

        for ( const char *p = text; p < nul; p++ )
            line += *p == '\n';
        return fail(&ps.s, line, "syntax", "a NUL byte: this is not a text file");
    }
    for ( ;; )
    {
        skip_space(&ps.s, 1);
        if ( ps.s.p >= ps.s.end )
            break;
        if ( *ps.s.p == ';' )
        {
            ps.s.p++;
            continue;
        }
        if ( parse_setting(&ps) )
            return -1;
    }
    return finish(&ps);
}
