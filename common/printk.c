/*
 * printk: one line on the console per message line, with the "(KEEL)"
 * prefix and the time since boot, filtered by the `loglvl=` threshold.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/time.h>
#include <public/errno.h>

static int loglvl_threshold = LOG_INFO;
static int guest_loglvl_threshold = LOG_WARNING;
static bool at_line_start = true;
static DEFINE_SPINLOCK(printk_lock);

static const struct {
    const char *name;
    int level;
} loglvl_names[] = {
    { "none", LOG_NONE }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
    { "info", LOG_INFO }, { "debug", LOG_DEBUG }, { "all", LOG_DEBUG },
};

static int parse_level(const char *s, int *threshold)
{
    for ( size_t i = 0; i < ARRAY_SIZE(loglvl_names); i++ )
        if ( !strcmp(s, loglvl_names[i].name) )
        {
            *threshold = loglvl_names[i].level;
            return 0;
        }
    return -EINVAL;
}

int printk_set_loglvl(const char *s)
{
    return parse_level(s, &loglvl_threshold);
}

int printk_set_guest_loglvl(const char *s)
{
    return parse_level(s, &guest_loglvl_threshold);
}

void printk_force_all(void)
{
    loglvl_threshold = LOG_DEBUG;
    guest_loglvl_threshold = LOG_DEBUG;
    spin_lock_init(&printk_lock);
}

/*
 * Strip a "<n>" level marker (messages without one are informational);
 * *guest says whether it is one of the KLOG_G_* levels.
 */
static int message_level(const char **fmt, bool *guest)
{
    const char *f = *fmt;

    *guest = false;
    if ( f[0] == '<' && f[1] >= '0' && f[1] <= '7' && f[2] == '>' )
    {
        *fmt = f + 3;
        *guest = f[1] >= '4';
        return (f[1] - '0') & 3;
    }
    return LOG_INFO;
}

static void emit_line_prefix(void)
{
    char buf[32];
    s_time_t now = NOW();
    int n = snprintf(buf, sizeof(buf), "(KEEL) [%5lu.%06lu] ",
                     (unsigned long)(now / NSEC_PER_SEC),
                     (unsigned long)(now % NSEC_PER_SEC / NSEC_PER_USEC));

    console_write(buf, n);
}

static const char *find_newline(const char *s, size_t len)
{
    for ( size_t i = 0; i < len; i++ )
        if ( s[i] == '\n' )
            return s + i;
    return NULL;
}

static void emit_text(const char *s, size_t len)
{
    while ( len )
    {
        const char *nl = find_newline(s, len);
        size_t chunk = nl ? (size_t)(nl - s) + 1 : len;

        if ( at_line_start )
            emit_line_prefix();
        console_write(s, chunk);
        at_line_start = nl != NULL;
        s += chunk;
        len -= chunk;
    }
}

void vprintk(const char *fmt, va_list args)
{
    char buf[1024];
    bool guest;
    int level = message_level(&fmt, &guest);
    size_t len;
    unsigned long flags;

    if ( level > (guest ? guest_loglvl_threshold : loglvl_threshold) )
        return;
    len = vscnprintf(buf, sizeof(buf), fmt, args);
    spin_lock_irqsave(&printk_lock, flags);
    emit_text(buf, len);
    spin_unlock_irqrestore(&printk_lock, flags);
}

void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}
