/*
 * Domains, vCPUs and the scheduler interface.  A scheduler is a table of
 * hooks (struct scheduler); the core in common/schedule.c owns the per-CPU
 * idle vCPUs and asks the active scheduler what to run next.
 */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include <keel/types.h>
#include <keel/compiler.h>
#include <keel/timer_heap.h>
#include <keel/domain.h>

/* What do_schedule() decided: run `task` for at most `time` ns (<0: no limit). */
struct task_slice {
    struct vcpu *task;
    s_time_t time;
};

struct scheduler {
    const char *name;                /* full name for the boot log */
    const char *opt_name;            /* value of `sched=` selecting it */
    int (*init)(void);
    void *(*alloc_vdata)(struct vcpu *v);
    void (*free_vdata)(struct vcpu *v);
    void (*insert_vcpu)(struct vcpu *v);
    void (*remove_vcpu)(struct vcpu *v);
    void (*wake)(struct vcpu *v);
    void (*sleep)(struct vcpu *v);
    void (*yield)(struct vcpu *v);
    struct task_slice (*do_schedule)(unsigned int cpu, s_time_t now);
    void (*dump)(void);
};

extern const struct scheduler sched_rr_def;

void scheduler_init(const char *opt_sched);
void scheduler_init_cpu(unsigned int cpu);
struct vcpu *idle_vcpu_of(unsigned int cpu);
bool is_idle_vcpu(const struct vcpu *v);
/* Ask CPU cpu to reconsider what it runs. */
void sched_kick(unsigned int cpu);
void vcpu_wake(struct vcpu *v);
void vcpu_sleep(struct vcpu *v);
/*
 * Waiting for an event or interrupt (SCHEDOP_block, HLT): block, then
 * re-check the condition and vcpu_unblock() if it came meanwhile; whoever
 * raises one calls vcpu_kick().
 */
void vcpu_block(struct vcpu *v);
void vcpu_unblock(struct vcpu *v);
void vcpu_kick(struct vcpu *v);
/* SCHEDOP_poll's timer function (data: the vCPU): ends the poll if it still waits. */
void vcpu_poll_timeout(void *data);
int sched_insert_vcpu(struct vcpu *v);
void sched_remove_vcpu(struct vcpu *v);
void __noreturn idle_loop(void);

/*
 * Runstates (common/runstate.c): what each vCPU is doing and for how long,
 * in Xen's four states; the guest may have a copy kept in its memory.
 */
void vcpu_runstate_change(struct vcpu *v, int new_state, s_time_t now);
/* The vCPU's runstate with the time in its current state added up to now. */
void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out);
/* Rewrite the guest's copy (the vCPU's address space must be the one loaded for PV). */
void update_runstate_area(struct vcpu *v);
long vcpu_register_runstate_area(struct vcpu *v, uint64_t arg);

/*
 * Guest timers (common/vcpu_timer.c): the one-shot timer (set_timer_op,
 * VCPUOP_set_singleshot_timer) and the periodic one, both VIRQ_TIMER.  The
 * periodic timer ticks only while its vCPU runs, as on Xen.
 */
void vcpu_periodic_timer_init(struct vcpu *v);
void vcpu_set_periodic_timer(struct vcpu *v, s_time_t period);
/* At a switch: prev's periodic timer stops, next's catches up and re-arms. */
void vcpu_periodic_timer_switch(struct vcpu *prev, struct vcpu *next);
long vcpu_set_singleshot_timer(struct vcpu *v, uint64_t arg);

/* Arch: switch this CPU from prev to next (both not NULL, prev != next). */
void arch_context_switch(struct vcpu *prev, struct vcpu *next);

#endif /* KEEL_SCHED_H */
