/*
 * Boot-time domUs have no toolstack to destroy them once they shut down
 * or crash: Keel reclaims them itself.  A dying domain waits on a list
 * until none of its vCPUs is on a CPU (the shutdown put them to sleep; the
 * CPU that ran one may not have switched away yet) and for a grace period
 * after that, so that a timer handler or hypercall that picked it up just
 * before has returned; then domain_destroy() frees it and checks its
 * frame accounting.  The reaper is a timer on CPU 0.
 *
 * With a dom0 there may be a toolstack: then a shut-down domain stays, listed
 * as shut down by getdomaininfo, until the toolstack destroys it (kl
 * destroy), as on Xen.  The reaper destroys under the domctl lock, so that
 * no domctl or sysctl holds the domain meanwhile.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/time.h>
#include <keel/timer.h>

#define MAX_DYING   8
#define REAP_PERIOD MILLISECS(10)

static DEFINE_SPINLOCK(reap_lock);
static struct domain *dying[MAX_DYING];
static s_time_t off_cpu_since[MAX_DYING];   /* 0: a vCPU still ran at the last look */
static struct timer reap_timer;
static bool reap_timer_ready;
/* Dead domains (off the list, no frames left): their structs, freed after a grace period. */
static struct domain *dead[MAX_DYING];
static s_time_t dead_since[MAX_DYING];

static bool vcpus_off_cpu(const struct domain *d)
{
    const struct vcpu *v;

    for_each_vcpu(d, v)
        if ( __atomic_load_n(&v->is_running, __ATOMIC_SEQ_CST) )
            return false;
    return true;
}

/* The next dying domain whose grace period is over, taken off the list. */
static struct domain *take_ready(s_time_t now, bool *more)
{
    struct domain *d = NULL;

    for ( unsigned int i = 0; i < MAX_DYING; i++ )
    {
        if ( !dying[i] )
            continue;
        if ( !vcpus_off_cpu(dying[i]) )
            off_cpu_since[i] = 0;
        else if ( !off_cpu_since[i] )
            off_cpu_since[i] = now;
        else if ( !d && now - off_cpu_since[i] >= REAP_PERIOD )
        {
            d = dying[i];
            dying[i] = NULL;
            continue;
        }
        *more = true;
    }
    return d;
}

/* The next dead domain whose grace period is over, taken off the list. */
static struct domain *take_dead(s_time_t now, bool *more)
{
    for ( unsigned int i = 0; i < MAX_DYING; i++ )
    {
        struct domain *d = dead[i];

        if ( !d )
            continue;
        if ( now - dead_since[i] >= REAP_PERIOD && domain_unused(d) )
        {
            dead[i] = NULL;
            return d;
        }
        *more = true;
    }
    return NULL;
}

static void reap(void *unused)
{
    unsigned long flags;
    struct domain *d;
    bool more = false;

    (void)unused;
    do {
        spin_lock_irqsave(&reap_lock, flags);
        d = take_dead(NOW(), &more);
        spin_unlock_irqrestore(&reap_lock, flags);
        if ( d )
        {
            domctl_lock();              /* no domctl holds it: none can find it */
            domain_free(d);
            domctl_unlock();
        }
    } while ( d );
    do {
        spin_lock_irqsave(&reap_lock, flags);
        d = take_ready(NOW(), &more);
        spin_unlock_irqrestore(&reap_lock, flags);
        if ( d )
        {
            domctl_lock();
            domain_destroy(d);
            domctl_unlock();
        }
    } while ( d );
    if ( more )
        set_timer(&reap_timer, NOW() + REAP_PERIOD);
}

/* The reaper runs again in a period (reap_lock held). */
static void arm_reap_timer(void)
{
    if ( !reap_timer_ready )
    {
        init_timer(&reap_timer, reap, NULL, 0);
        reap_timer_ready = true;
    }
    set_timer(&reap_timer, NOW() + REAP_PERIOD);
}

void domain_reap_later(struct domain *d)
{
    unsigned long flags;
    int slot = -1;

    if ( get_domain_by_id(0) )
        return;                         /* the toolstack's to destroy */
    spin_lock_irqsave(&reap_lock, flags);
    for ( unsigned int i = 0; i < MAX_DYING; i++ )
    {
        if ( dying[i] == d )
        {
            spin_unlock_irqrestore(&reap_lock, flags);
            return;
        }
        if ( !dying[i] && slot < 0 )
            slot = i;
    }
    if ( slot >= 0 )
    {
        dying[slot] = d;
        off_cpu_since[slot] = 0;
        arm_reap_timer();
    }
    spin_unlock_irqrestore(&reap_lock, flags);
    if ( slot < 0 )
        printk(KLOG_WARNING "Domain %u: too many dying domains, its memory stays allocated\n",
               d->domain_id);
}

/*
 * A dead domain was unlinked from the domain list by the put_page that
 * freed its last frame, perhaps while a hypercall on another CPU had just
 * looked it up: the struct goes after a grace period, as the reaper's.
 */
void domain_free_later(struct domain *d)
{
    unsigned long flags;
    int slot = -1;

    spin_lock_irqsave(&reap_lock, flags);
    for ( unsigned int i = 0; i < MAX_DYING && slot < 0; i++ )
        if ( !dead[i] )
            slot = i;
    if ( slot >= 0 )
    {
        dead[slot] = d;
        dead_since[slot] = NOW();
        arm_reap_timer();
    }
    spin_unlock_irqrestore(&reap_lock, flags);
    if ( slot < 0 )
        printk(KLOG_WARNING "Domain %u: too many dead domains, its struct is leaked\n",
               d->domain_id);
}
