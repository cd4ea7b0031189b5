/*
 * -ENOSYS bookkeeping (see keel/hypercall_log.h).  A domain's log is made
 * on its first -ENOSYS and holds a bounded number of (hypercall, sub-op)
 * pairs: a guest probing every number cannot make Keel allocate without
 * limit or flood the console; past the bound only the total grows.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/hypercall_log.h>
#include <keel/keyhandler.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <asm/pv_hypercalls.h>

#define LOG_SLOTS 32

struct hypercall_log {
    struct hypercall_log *next;     /* every domain's log, for the key */
    domid_t domain_id;
    unsigned int used;
    unsigned long total;
    struct {
        unsigned long nr, cmd, count;
    } slot[LOG_SLOTS];
};

static DEFINE_SPINLOCK(log_lock);
static struct hypercall_log *all_logs;

static const char *const hypercall_names[NR_HYPERCALLS] = {
#define NAME(name, num, nargs, fn, status, note) [num] = #name,
    PV_HYPERCALL_TABLE(NAME)
#undef NAME
};

static const char *hypercall_name(unsigned long nr)
{
    return nr < NR_HYPERCALLS && hypercall_names[nr] ? hypercall_names[nr] : "unknown";
}

static struct hypercall_log *log_of(struct domain *d)
{
    struct hypercall_log *l = d->enosys_log;

    if ( l || !(l = xzalloc(struct hypercall_log)) )
        return l;
    l->domain_id = d->domain_id;
    l->next = all_logs;
    all_logs = l;
    d->enosys_log = l;
    return l;
}

void hypercall_note_enosys(struct domain *d, unsigned long nr, unsigned long cmd)
{
    struct hypercall_log *l;
    unsigned int i;
    bool first = false;

    spin_lock(&log_lock);
    if ( (l = log_of(d)) != NULL )
    {
        l->total++;
        for ( i = 0; i < l->used && (l->slot[i].nr != nr || l->slot[i].cmd != cmd); i++ )
            ;
        if ( i < l->used )
            l->slot[i].count++;
        else if ( i < LOG_SLOTS )
        {
            l->slot[i].nr = nr;
            l->slot[i].cmd = cmd;
            l->slot[i].count = 1;
            l->used++;
            first = true;
        }
    }
    spin_unlock(&log_lock);
    if ( first )
        printk(KLOG_G_WARNING "d%u: hypercall %lu (%s), sub-op/arg0 %#lx: not implemented "
               "(-ENOSYS)\n", d->domain_id, nr, hypercall_name(nr), cmd);
}

void hypercall_log_free(struct domain *d)
{
    struct hypercall_log **pp;

    spin_lock(&log_lock);
    for ( pp = &all_logs; *pp && *pp != d->enosys_log; pp = &(*pp)->next )
        ;
    if ( *pp )
        *pp = d->enosys_log->next;
    spin_unlock(&log_lock);
    xfree(d->enosys_log);
    d->enosys_log = NULL;
}

static void dump_enosys(unsigned char key)
{
    printk("'%c' pressed -> hypercalls answered -ENOSYS, per domain\n", key);
    spin_lock(&log_lock);
    for ( const struct hypercall_log *l = all_logs; l; l = l->next )
    {
        printk("  d%u: %lu in all\n", l->domain_id, l->total);
        for ( unsigned int i = 0; i < l->used; i++ )
            printk("    %lu (%s) %#lx: %lu\n", l->slot[i].nr, hypercall_name(l->slot[i].nr),
                   l->slot[i].cmd, l->slot[i].count);
    }
    spin_unlock(&log_lock);
}

void hypercall_log_keyhandler_init(void)
{
    register_keyhandler('n', dump_enosys, "show the hypercalls answered -ENOSYS");
}
