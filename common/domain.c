/*
 * Domain lifecycle.  A domain owns frames (page_info owner + list), vCPUs
 * and a state; everything arch-specific is delegated to arch_* hooks.
 * Shutdown and crash stop the domain's vCPUs and report on the console;
 * for dom0 they end in Keel's halt/reboot policy, as on Xen.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/grant_table.h>
#include <keel/guest_console.h>
#include <keel/hypercall_log.h>
#include <keel/page_ref.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/timer.h>
#include <keel/xmalloc.h>
#include <asm/current.h>
#include <asm/pv_mm.h>
#include <asm/traps.h>
#include <public/errno.h>
#include <public/sched.h>

static DEFINE_SPINLOCK(domlist_lock);
static struct domain *domain_list;

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

bool mfn_valid(mfn_t mfn)
{
    return mfn < max_page;
}

bool page_owned_by(const struct page_info *pg, const struct domain *d)
{
    return !(pg->count_info & (PGC_free | PGC_reserved | PGC_xen_heap)) &&
           pg->u.inuse.owner == d->domain_id;
}

/* Link one frame into d's list (page_lock held). */
static void page_list_add(struct domain *d, struct page_info *pg)
{
    pg->list.prev = NULL;
    pg->list.next = d->page_list;
    if ( d->page_list )
        d->page_list->list.prev = pg;
    d->page_list = pg;
}

static void page_list_del(struct domain *d, struct page_info *pg)
{
    if ( pg->list.prev )
        pg->list.prev->list.next = pg->list.next;
    else
        d->page_list = pg->list.next;
    if ( pg->list.next )
        pg->list.next->list.prev = pg->list.prev;
    pg->list.next = pg->list.prev = NULL;
}

/*
 * 2^order frames for d (memflags as alloc_heap_pages), each with the
 * domain's allocation reference and linked on its own, so that any one of
 * them can later leave the domain (domain_detach_page).
 */
struct page_info *alloc_domheap_pages_flags(struct domain *d, unsigned int order,
                                            unsigned int memflags)
{
    struct page_info *pg;
    unsigned long n = 1UL << order;

    /* A first look without the lock spares a refused caller the scrub below. */
    if ( READ_ONCE(d->tot_pages) + n > READ_ONCE(d->max_pages) )
        return NULL;
    pg = alloc_heap_pages(order, memflags);
    if ( !pg )
        return NULL;
    /*
     * Scrubbed before the domain can see them: a freed frame still holds
     * what its last owner wrote (a destroyed domain's memory, a balloon
     * driver's page), and the heap does not clear it.  Outside page_lock:
     * an order-12 extent is 16 MiB of stores.
     */
    for ( unsigned long i = 0; i < n; i++ )
        memset(mfn_to_virt(page_to_mfn(pg) + i), 0, PAGE_SIZE);
    spin_lock(&d->page_lock);
    /* A dying domain gets nothing new (Xen's assign_pages). */
    if ( d->tot_pages + n > d->max_pages || d->state == DOMAIN_dying )
    {
        spin_unlock(&d->page_lock);
        free_heap_pages(pg, order);
        return NULL;
    }
    for ( unsigned long i = 0; i < n; i++ )
    {
        pg[i].type_info = 0;
        pg[i].u.inuse.owner = d->domain_id;
        pg[i].u.inuse.foreign_rw = 0;
        pg[i].foreign_dirty = 0;
        /* Last: others' get_page may take references from here on. */
        __atomic_store_n(&pg[i].count_info, 1, __ATOMIC_SEQ_CST);  /* allocation ref */
        page_list_add(d, &pg[i]);
    }
    d->tot_pages += n;
    spin_unlock(&d->page_lock);
    return pg;
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order)
{
    return alloc_domheap_pages_flags(d, order, 0);
}

/*
 * Take a frame away from d (page_lock held), still allocated: only when
 * nothing but the allocation holds it (no mapping, no type), so that no
 * stale access can reach it once it goes to someone else.  0 or -EBUSY.
 */
int domain_detach_page(struct domain *d, struct page_info *pg)
{
    unsigned long one = 1;

    /* Only the TLB marks may remain: the caller flushes before reuse. */
    if ( !page_owned_by(pg, d) || (pg->type_info & ~(PGT_stale_rw | PGT_was_table)) )
        return -EBUSY;
    /* 1 -> 0 in one step: fails if another domain's get_page raced in. */
    if ( !__atomic_compare_exchange_n(&pg->count_info, &one, 0, false,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
        return -EBUSY;
    page_list_del(d, pg);
    __atomic_store_n(&pg->u.inuse.owner, DOMID_INVALID, __ATOMIC_SEQ_CST);
    d->tot_pages--;
    /* Another domain's mapping of it may live on in a TLB: not once it goes. */
    flush_foreign_stale(pg);
    return 0;
}

/* Give a detached frame back to d (page_lock held). */
void domain_attach_page(struct domain *d, struct page_info *pg)
{
    pg->u.inuse.owner = d->domain_id;   /* type_info keeps its TLB marks */
    pg->u.inuse.foreign_rw = 0;
    page_list_add(d, pg);
    d->tot_pages++;
    __atomic_store_n(&pg->count_info, 1, __ATOMIC_SEQ_CST);
}

void domain_adopt_page(struct domain *d, struct page_info *pg)
{
    spin_lock(&d->page_lock);
    __atomic_fetch_or(&pg->count_info, PGC_extra, __ATOMIC_SEQ_CST);
    page_list_add(d, pg);
    d->extra_pages++;
    spin_unlock(&d->page_lock);
}

/* One frame of d back to the heap (page_lock held, nothing references it). */
static void free_domain_frame(struct domain *d, struct page_info *pg)
{
    page_list_del(d, pg);
    if ( pg->count_info & PGC_extra )
        d->extra_pages--;
    else
        d->tot_pages--;
    pg->count_info = 0;
    flush_foreign_stale(pg);
    pg->type_info = 0;
    pg->u.inuse.owner = DOMID_INVALID;
    pg->u.inuse.foreign_rw = 0;
    pg->foreign_dirty = 0;
    free_heap_pages(pg, 0);
}

/*
 * A dying domain lets go of its frames (Xen's relinquish_memory): each
 * loses its allocation reference, and goes back to the heap if that was
 * the last one.  A frame another domain still references (a foreign or
 * grant mapping) stays on the list, counted in tot_pages, until the last
 * put_page (domain_release_page).  Returns how many were freed; *last:
 * this call freed the domain's last frame.
 */
static unsigned long release_domain_frames(struct domain *d, bool *last)
{
    struct page_info *pg, *next;
    unsigned long n = 0;

    spin_lock(&d->page_lock);
    for ( pg = d->page_list; pg; pg = next )
    {
        next = pg->list.next;
        pg->type_info = PGT_none;       /* its tables let go already (arch) */
        if ( !(__atomic_sub_fetch(&pg->count_info, 1, __ATOMIC_SEQ_CST) & PGC_count_mask) )
        {
            n += !(pg->count_info & PGC_extra);
            free_domain_frame(d, pg);
        }
    }
    *last = !d->tot_pages && !d->extra_pages;
    spin_unlock(&d->page_lock);
    return n;
}

/* put_page dropped the last reference on pg: its owner is dying (or accounting broke). */
void domain_release_page(struct page_info *pg)
{
    struct domain *d = get_domain_by_id(__atomic_load_n(&pg->u.inuse.owner, __ATOMIC_SEQ_CST));
    bool last;

    if ( !d || __atomic_load_n(&d->state, __ATOMIC_SEQ_CST) != DOMAIN_dying )
    {
        /* A live domain's frame lost its allocation reference: keep it lost, loudly. */
        printk(KLOG_ERR "mfn %#lx: last reference dropped while d%d lives: frame leaked\n",
               page_to_mfn(pg), d ? d->domain_id : -1);
        return;
    }
    spin_lock(&d->page_lock);
    free_domain_frame(d, pg);
    last = !d->tot_pages && !d->extra_pages;
    spin_unlock(&d->page_lock);
    if ( last )
    {
        domain_unlink(d);
        printk("Domain %u: last frame released, %lu MiB free\n", d->domain_id,
               avail_heap_pages() >> (20 - PAGE_SHIFT));
        send_global_virq(VIRQ_DOM_EXC);
        domain_free_later(d);           /* after a grace period, under the domctl lock */
    }
}

/* The listed domain with that id, or NULL (domlist_lock held). */
static struct domain *find_domain(domid_t domid)
{
    struct domain *d;

    for ( d = domain_list; d && d->domain_id != domid; d = d->next_in_list )
        ;
    return d;
}

struct domain *get_domain_by_id(domid_t domid)
{
    struct domain *d;

    spin_lock(&domlist_lock);
    d = find_domain(domid);
    spin_unlock(&domlist_lock);
    return d;
}

struct domain *domain_get(domid_t domid)
{
    struct domain *d;

    spin_lock(&domlist_lock);
    d = find_domain(domid);
    if ( d )
        __atomic_add_fetch(&d->users, 1, __ATOMIC_SEQ_CST);
    spin_unlock(&domlist_lock);
    return d;
}

void domain_put(struct domain *d)
{
    __atomic_sub_fetch(&d->users, 1, __ATOMIC_SEQ_CST);
}

bool domain_unused(const struct domain *d)
{
    return !__atomic_load_n(&d->users, __ATOMIC_SEQ_CST);
}

void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg)
{
    spin_lock(&domlist_lock);
    for ( struct domain *d = domain_list; d; d = d->next_in_list )
        fn(d, arg);
    spin_unlock(&domlist_lock);
}

struct domain *domain_create(domid_t domid, unsigned int flags, unsigned int max_vcpus)
{
    struct domain *d;

    if ( max_vcpus == 0 || max_vcpus > MAX_VIRT_CPUS || get_domain_by_id(domid) )
        return NULL;
    d = xzalloc(struct domain);
    if ( !d )
        return NULL;
    d->domain_id = domid;
    d->is_privileged = flags & DOMCRF_privileged;
    d->arch.is_hvm = flags & DOMCRF_hvm;
    d->arch.hvm.pvh = flags & DOMCRF_pvh;
    d->max_vcpus = max_vcpus;
    d->pause_count = 1;                   /* created paused, like Xen */
    d->shutdown_code = ~0u;               /* Xen's SHUTDOWN_CODE_INVALID until it shuts down */
    spin_lock_init(&d->page_lock);
    guest_console_init(d);
    d->vcpu = xzalloc_array(struct vcpu *, max_vcpus);
    if ( !d->vcpu || evtchn_init(d) )
    {
        xfree(d->vcpu);
        xfree(d);
        return NULL;
    }
    /* A grant table from the start: the builder seeds its reserved entries. */
    if ( gnttab_domain_create(d) || arch_domain_create(d) )
    {
        gnttab_domain_destroy(d);
        evtchn_destroy(d);
        xfree(d->vcpu);
        xfree(d);
        return NULL;
    }
    spin_lock(&domlist_lock);
    d->next_in_list = domain_list;
    domain_list = d;
    spin_unlock(&domlist_lock);
    printk("Created domain %u (%s%s, %u vCPU(s) max)\n", domid,
           d->arch.is_hvm ? (d->arch.hvm.pvh ? "PVH" : "HVM") : "PV",
           d->is_privileged ? ", privileged" : "", max_vcpus);
    return d;
}

/* A guest's one-shot timer fired: its VIRQ_TIMER says so. */
static void vcpu_singleshot_timer_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id, unsigned int cpu)
{
    struct vcpu *v;

    if ( vcpu_id >= d->max_vcpus || d->vcpu[vcpu_id] )
        return NULL;
    v = xzalloc(struct vcpu);
    if ( !v )
        return NULL;
    v->vcpu_id = vcpu_id;
    v->domain = d;
    v->processor = cpu;
    init_timer(&v->singleshot_timer, vcpu_singleshot_timer_fn, v, cpu);
    init_timer(&v->poll_timer, vcpu_poll_timeout, v, cpu);
    vcpu_periodic_timer_init(v);
    v->timer_initialised = true;
    if ( arch_vcpu_create(v) || sched_insert_vcpu(v) )
    {
        arch_vcpu_destroy(v);
        xfree(v);
        return NULL;
    }
    d->vcpu[vcpu_id] = v;
    return v;
}

static void stop_all_vcpus(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu(d, v)
        vcpu_sleep(v);
}

void domain_pause(struct domain *d)
{
    if ( d->pause_count++ == 0 )
        stop_all_vcpus(d);
}

void domain_unpause(struct domain *d)
{
    struct vcpu *v;

    if ( d->pause_count == 0 || --d->pause_count > 0 || d->state != DOMAIN_running )
        return;
    /* Only vCPUs with a state to run from: the rest wait for VCPUOP_up. */
    for_each_vcpu(d, v)
        if ( v->context_set && (v->up || v->vcpu_id == 0) )
        {
            v->up = true;
            vcpu_wake(v);
        }
}

static void __noreturn halt_machine(void)
{
    console_flush();                    /* the last lines reach the serial line */
    smp_stop_other_cpus();
    for ( ;; )
    {
        __asm__ __volatile__("cli" ::: "memory");
        __asm__ __volatile__("hlt");
    }
}

/* dom0 gone: the machine follows, with Xen's words for it. */
static void __noreturn hardware_domain_gone(const struct domain *d)
{
    if ( d->state == DOMAIN_crashed )
    {
        if ( opt_noreboot )
        {
            printk("Hardware Dom0 crashed: 'noreboot' set - not rebooting.\n");
            halt_machine();
        }
        printk("Hardware Dom0 crashed: rebooting machine in 5 seconds.\n");
        machine_restart(5000);
    }
    if ( d->shutdown_code == SHUTDOWN_poweroff )
    {
        printk("Hardware Dom0 halted: halting machine\n");
        halt_machine();
    }
    printk("Hardware Dom0 shutdown: rebooting machine\n");
    if ( opt_noreboot )
    {
        printk("'noreboot' set - not rebooting.\n");
        halt_machine();
    }
    machine_restart(0);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    const char *name = reason < ARRAY_SIZE(shutdown_names) && shutdown_names[reason]
                       ? shutdown_names[reason] : "unknown";

    if ( d->state != DOMAIN_running )
        return;
    d->state = reason == SHUTDOWN_crash ? DOMAIN_crashed : DOMAIN_shutdown;
    d->shutdown_code = reason;
    printk("Domain %u shutdown: reason %u (%s)\n", d->domain_id, reason, name);
    stop_all_vcpus(d);
    if ( d->domain_id == 0 )
        hardware_domain_gone(d);
    send_global_virq(VIRQ_DOM_EXC);     /* the toolstack looks at getdomaininfo */
    domain_reap_later(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char buf[160];
    va_list args;

    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);
    printk(KLOG_ERR "domain_crash: d%u: %s\n", d->domain_id, buf);
    if ( d->state != DOMAIN_running )
        return;
    /* Where the guest was, when the crash is its own vCPU's doing. */
    if ( current && current->domain == d )
        show_guest_state(current);
    d->state = DOMAIN_crashed;
    d->shutdown_code = SHUTDOWN_crash;
    stop_all_vcpus(d);
    if ( d->domain_id == 0 )
        hardware_domain_gone(d);
    send_global_virq(VIRQ_DOM_EXC);
    domain_reap_later(d);
}

void domain_unlink(struct domain *d)
{
    struct domain **pp;

    spin_lock(&domlist_lock);
    for ( pp = &domain_list; *pp && *pp != d; pp = &(*pp)->next_in_list )
        ;
    if ( *pp )
        *pp = d->next_in_list;
    spin_unlock(&domlist_lock);
}

void domain_free(struct domain *d)
{
    xfree(d->vcpu);
    hypercall_log_free(d);
    xfree(d);
}

/*
 * Xen's domain_kill: the domain becomes dying (no unpause, no new
 * references to its frames, no new event channels), loses its vCPUs,
 * event channels and page tables, and lets go of its frames.  It stays
 * listed (getdomaininfo: dying, tot_pages falling) while other domains
 * still reference frames of it; the last put_page removes it.  A second
 * call does nothing.
 */
void domain_destroy(struct domain *d)
{
    unsigned long owned, freed;
    bool last;

    if ( d->state == DOMAIN_dying )
        return;
    __atomic_store_n(&d->state, DOMAIN_dying, __ATOMIC_SEQ_CST);
    arch_domain_dying(d);               /* no device timer fires into it from now */
    /* Far ends go unbound before anything they point at goes. */
    evtchn_close_all(d);
    /* The grants it maps go, and its own table joins its frames. */
    gnttab_domain_destroy(d);
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v )
            continue;
        if ( v->timer_initialised )
        {
            kill_timer(&v->singleshot_timer);
            kill_timer(&v->poll_timer);
            kill_timer(&v->periodic_timer);
        }
        sched_remove_vcpu(v);
        arch_vcpu_destroy(v);
        d->vcpu[i] = NULL;              /* a dying domain stays listed: no stale vCPU */
        xfree(v);
    }
    arch_domain_destroy(d);             /* page tables let go, shared_info adopted */
    evtchn_destroy(d);
    owned = d->tot_pages;
    freed = release_domain_frames(d, &last);
    if ( !last )
    {
        printk("Domain %u dying: %lu pages freed, %lu still referenced by other domains\n",
               d->domain_id, freed, d->tot_pages + d->extra_pages);
        send_global_virq(VIRQ_DOM_EXC);
        return;
    }
    /* The count and the list must agree: a frame on neither would be lost. */
    if ( freed != owned )
        printk(KLOG_ERR "Domain %u destroyed: frame accounting broken: %lu frames freed, "
               "%lu counted\n", d->domain_id, freed, owned);
    else
        printk("Domain %u destroyed: %lu pages freed, %lu MiB free\n", d->domain_id, freed,
               avail_heap_pages() >> (20 - PAGE_SHIFT));
    domain_unlink(d);
    send_global_virq(VIRQ_DOM_EXC);
    /* Off the list: no new users.  One still in a hypercall: the reaper waits for it. */
    if ( domain_unused(d) )
        domain_free(d);
    else
        domain_free_later(d);
}
