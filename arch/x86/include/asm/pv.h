/* Interfaces of the PV guest support (arch/x86/pv) used elsewhere in Keel. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <keel/types.h>
#include <asm/processor.h>

struct vcpu;
struct domain;
struct boot_module;

/* The L4 the vCPU runs on in its current (kernel or user) mode. */
paddr_t pv_current_l4_maddr(const struct vcpu *v);
/* Put the vCPU's descriptors into this CPU's GDT. */
void pv_load_gdt(const struct vcpu *v);
/* Exceptions raised by guest code (cs RPL 3). */
void pv_do_exception(struct cpu_user_regs *regs);
/* dom0_mem=...,max: in bytes, ~0 when not given (setup.c). */
uint64_t dom0_memory_max(void);
/* memory_op increase/decrease_reservation, populate_physmap, exchange (pv/memory.c). */
long pv_memory_reservation_op(unsigned long cmd, uint64_t arg);
/*
 * Continuations (pv/hypercall.c).  Re-issue the current hypercall nr
 * (whose arg0 is arg0) with its first n arguments replaced by args: the
 * value the handler must return, or 0 when it cannot be continued (then
 * it must go on to its end).  Inside a multicall the entry is rewritten
 * and the multicall continued from it.  _can_continue says beforehand.
 */
long pv_hypercall_continuation(unsigned long nr, unsigned long arg0, unsigned long new_arg0);
long pv_hypercall_continuation_n(unsigned long nr, unsigned long arg0, unsigned int n,
                                 const unsigned long *args);
bool pv_hypercall_can_continue(unsigned long nr, unsigned long arg0);
/* Pending work on this CPU (softirqs): a long hypercall should stop soon. */
bool pv_hypercall_preempt_check(void);
/* Build dom0 from the kernel (and optional initrd) module. */
int pv_dom0_build(struct domain *d, const struct boot_module *kernel,
                  const struct boot_module *initrd, uint64_t mem_bytes,
                  const char *cmdline);
/* A PV domU's xenstore and console: ports given, frames (MFNs) chosen by the builder. */
struct pv_domu_info {
    uint32_t store_evtchn, console_evtchn;      /* IN */
    uint64_t store_mfn, console_mfn;            /* OUT */
};
/* Build a PV domU (KEEL_DOMCTL_build); d->max_pages must allow mem_bytes. */
int pv_domu_build(struct domain *d, const struct boot_module *kernel,
                  const struct boot_module *initrd, uint64_t mem_bytes,
                  const char *cmdline, struct pv_domu_info *domu);
/* Turn the guest into kernel mode (or user mode) with the right L4 and GS. */
void pv_toggle_guest_mode(struct vcpu *v);
/* Bounce an exception to the guest's handler; false if it has none (crashed). */
bool pv_inject_trap(struct vcpu *v, unsigned int vector, bool has_error,
                    uint32_t error_code);

/* A user-mode `syscall`: into the kernel's syscall callback. */
void pv_bounce_syscall(struct vcpu *v);
/* Deliver the event callback if an event is pending and not masked. */
void pv_deliver_events(struct vcpu *v);
/* arch/x86/entry.S calls these two. */
void do_syscall(struct cpu_user_regs *regs);
void exit_to_guest(struct cpu_user_regs *regs);
/* ... and this one when its iretq to a guest faults. */
void __noreturn pv_failed_iret(void);

/* CPUID leaf/subleaf as the PV vCPU sees it (arch/x86/pv/cpuid.c). */
void pv_cpuid_leaf(const struct vcpu *v, uint32_t leaf, uint32_t sub,
                   struct cpuid_leaf *r);
/* RDMSR/WRMSR from the guest kernel (arch/x86/pv/msr.c): false = #GP(0). */
bool pv_rdmsr(struct vcpu *v, uint32_t idx, uint64_t *val);
bool pv_wrmsr(struct vcpu *v, uint32_t idx, uint64_t val);

/* Install a GDT from guest frames on v (set_gdt; VCPUOP_initialise). */
int pv_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned long entries);
/* VCPUOP_initialise: a PV vCPU's starting state (arch/x86/pv/vcpu_context.c). */
long pv_vcpu_initialise(struct vcpu *v, uint64_t arg);
/*
 * XEN_DOMCTL_setvcpucontext (domain paused): the same checks; arg 0 (Xen's
 * reset) is 0 for a vCPU without state, -EOPNOTSUPP for one with it; a
 * vCPU with a state -EEXIST.
 */
long pv_vcpu_set_context(struct vcpu *v, uint64_t arg);
/* XEN_DOMCTL_getvcpucontext: v's state (v off every CPU). */
struct vcpu_guest_context;
void pv_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *c);

/* mov to CR3 from the guest kernel: switch to an L4 (validated). */
int pv_new_kernel_baseptr(struct vcpu *v, mfn_t mfn);

#endif /* ASM_PV_H */
