/*
 * Domains and vCPUs: creation, frame ownership, pause, shutdown, crash and
 * destruction.  Arch-specific parts sit in struct arch_domain/arch_vcpu and
 * are reached through the arch_* hooks.
 */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <keel/types.h>
#include <keel/mm.h>
#include <keel/spinlock.h>
#include <asm/domain.h>
#include <keel/event.h>
#include <keel/guest_console.h>
#include <keel/timer_heap.h>
#include <public/vcpu.h>

#define MAX_VIRT_CPUS   XEN_LEGACY_MAX_VCPUS
#define DOMID_IDLE_KEEL 0x7fffU

struct domain;

struct vcpu {
    unsigned int vcpu_id;
    unsigned int processor;          /* CPU it runs on or is queued for */
    struct domain *domain;
    void *sched_priv;                /* the scheduler's per-vCPU data */
    bool is_running;
    bool runnable;
    bool blocked;                    /* SCHEDOP_block: waiting for an event */
    bool context_set;                /* has a register state to start from */
    bool up;                         /* brought up (VCPUOP_up or at build), not down */
    int poll_evtchn;                 /* SCHEDOP_poll: the one port, -1 any, 0 none */
    struct timer poll_timer;         /* SCHEDOP_poll timeout */
    struct vcpu_runstate_info runstate;  /* state, entry time, time per state */
    spinlock_t runstate_lock;
    uint64_t runstate_guest;         /* VCPUOP_register_runstate_memory_area VA (0: none) */
    uint16_t virq_to_port[24];       /* bound VIRQs (NR_VIRQS) */
    struct timer singleshot_timer;   /* VCPUOP_set_singleshot_timer -> VIRQ_TIMER */
    bool timer_initialised;
    struct timer periodic_timer;     /* VCPUOP_set_periodic_timer -> VIRQ_TIMER, while running */
    s_time_t periodic_period;        /* 0: stopped */
    s_time_t periodic_last_event;
    struct arch_vcpu arch;
};

enum domain_state { DOMAIN_running, DOMAIN_shutdown, DOMAIN_crashed, DOMAIN_dying };

struct domain {
    domid_t domain_id;
    bool is_privileged;              /* dom0: SIF_PRIVILEGED */
    enum domain_state state;
    unsigned int shutdown_code;      /* SHUTDOWN_* once shut down */
    unsigned int pause_count;
    unsigned int controller_pauses;  /* domctl pausedomain (Xen's controller_pause_count) */
    spinlock_t page_lock;            /* page_list, tot_pages */
    struct page_info *page_list;     /* frames owned, linked through page_info.list */
    unsigned long tot_pages, max_pages;
    unsigned long extra_pages;       /* dying: PGC_extra frames still on page_list */
    unsigned int max_vcpus;
    struct vcpu **vcpu;
    unsigned long unknown_hypercalls;
    struct hypercall_log *enosys_log; /* -ENOSYS answers, by (hypercall, sub-op) */
    struct evtchn *evtchn;           /* EVTCHN_MAX_PORTS entries */
    struct grant_table *grant_table; /* common/grant_table.c (NULL once dying) */
    spinlock_t evtchn_lock;
    uint64_t dirty_cpumask;          /* cpumask_t: CPUs that may hold its TLB entries */
    uint64_t poll_mask;              /* vCPUs in SCHEDOP_poll (bit = vcpu_id) */
    struct console_budget console;   /* domU console output (common/guest_console.c) */
    unsigned int users;              /* domain_get holders: its struct is not freed meanwhile */
    struct domain *next_in_list;
    struct arch_domain arch;
};

#define DOMCRF_privileged (1u << 0)     /* dom0: may use privileged operations */
#define DOMCRF_hvm        (1u << 1)     /* hardware-virtualised container */
#define DOMCRF_pvh        (1u << 2)     /* ... booted at PHYS32_ENTRY (with DOMCRF_hvm) */
struct domain *domain_create(domid_t domid, unsigned int flags, unsigned int max_vcpus);
struct domain *get_domain_by_id(domid_t domid);
/*
 * The same, held until domain_put: a destroy on another CPU may make it
 * dying meanwhile, but its struct stays (the reaper waits for the users).
 */
struct domain *domain_get(domid_t domid);
void domain_put(struct domain *d);
/* No domain_get holder left (with the domain off the list: none can come). */
bool domain_unused(const struct domain *d);
/* Call fn for every domain (under the domain list lock: fn must not create or destroy). */
void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg);
struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id, unsigned int cpu);
void domain_destroy(struct domain *d);
/* A domU that shut down or crashed: destroyed once its vCPUs are off every CPU. */
void domain_reap_later(struct domain *d);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
void domain_shutdown(struct domain *d, unsigned int reason);
/* The domain did something fatal: stop it, say why on the console. */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

/* Give 2^order fresh frames to d (owner, count, list); NULL when out of memory or quota. */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order);
/* The same with heap memflags (MEMF_bits(n): below 2^n bytes). */
struct page_info *alloc_domheap_pages_flags(struct domain *d, unsigned int order,
                                            unsigned int memflags);
/*
 * Take an unmapped, untyped frame away from d, still allocated (then
 * free_heap_pages it, or give it back): 0 or -EBUSY.  page_lock held.
 */
int domain_detach_page(struct domain *d, struct page_info *pg);
void domain_attach_page(struct domain *d, struct page_info *pg);
/* A dying domain takes a frame of its own not on its list (shared_info) onto it, refs as they
 * are, outside tot_pages (Xen counts no Xen-heap page there). */
void domain_adopt_page(struct domain *d, struct page_info *pg);
/* put_page dropped the last reference: free the frame of a dying domain (page_ref.c). */
void domain_release_page(struct page_info *pg);
/* Off the domain list / its struct freed: the end of a dead domain (domain_reap.c). */
void domain_unlink(struct domain *d);
void domain_free(struct domain *d);
/* A dead domain's struct, freed after a grace period under the domctl lock. */
void domain_free_later(struct domain *d);
/* Frames owned by d are those whose owner field says so and are allocated. */
bool page_owned_by(const struct page_info *pg, const struct domain *d);
bool mfn_valid(mfn_t mfn);

/* Boot self-test of create/allocate/destroy without leaks (common/domain_selftest.c). */
void domain_selftest(void);

/* Arch hooks. */
int arch_domain_create(struct domain *d);
void arch_domain_destroy(struct domain *d);
/* First thing of domain_destroy(): device timers of the domain stop for good. */
void arch_domain_dying(struct domain *d);
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
/* VCPUOP_initialise: the starting state of a vCPU that is not running. */
int arch_vcpu_initialise_context(struct vcpu *v, uint64_t guest_ctx);

#define for_each_vcpu(d, v) \
    for ( unsigned int __i = 0; __i < (d)->max_vcpus; __i++ ) \
        if ( ((v) = (d)->vcpu[__i]) != NULL )

#endif /* KEEL_DOMAIN_H */
