/*
 * Hypercalls.  Convention: rax = number, result in rax.
 *
 * pv64: two styles, chosen globally by hypercall_via_page:
 *  - false (default): `syscall` inline, as Linux >= 6.1.121 does.  rcx and
 *    r11 are clobbered by the instruction; the guest does not rely on them.
 *  - true: call slot nr of the hypercall page that the hypervisor filled in
 *    (XEN_ELFNOTE_HYPERCALL_PAGE).
 *  Arguments rdi, rsi, rdx, r10, r8.
 * hvm64: `vmmcall` inline, or (hypercall_via_page) slot nr of the page the
 *  guest asked for by writing its GPA to MSR 0x40000000.  Same registers.
 * pvh (32-bit): the same two styles; arguments ebx, ecx, edx, esi, edi.
 * Argument registers are treated as clobbered (debug hypervisors poison them).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include "types.h"
#include <public/xen.h>
#include <public/version.h>
#include <public/sched.h>
#include <public/callback.h>
#include <public/vcpu.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/event_channel.h>
#include <public/errno.h>

extern bool hypercall_via_page;
extern uint8_t hypercall_page[4096];

#if defined(ENV_pv64) || defined(__x86_64__)
#ifdef ENV_pv64
#define HYPERCALL_INSN "syscall"
#else
#define HYPERCALL_INSN "vmmcall"
#endif
static inline long hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long ret;

    if ( hypercall_via_page )
        asm volatile ("call *%[fn]"
                      : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3),
                        "+r" (r10), "+r" (r8)
                      : [fn] "r" ((unsigned long)hypercall_page + nr * 32)
                      : "rcx", "r11", "r9", "memory");
    else
        asm volatile (HYPERCALL_INSN
                      : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3),
                        "+r" (r10), "+r" (r8)
                      : "0" (nr)
                      : "rcx", "r11", "r9", "memory");
    return ret;
}
#else /* pvh: 32-bit */
static inline long hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    long ret;

    if ( hypercall_via_page )
        asm volatile ("call *%[fn]"
                      : "=a" (ret), "+b" (a1), "+c" (a2), "+d" (a3),
                        "+S" (a4), "+D" (a5)
                      : [fn] "0" ((unsigned long)hypercall_page + nr * 32)
                      : "memory");
    else
        asm volatile ("vmmcall"
                      : "=a" (ret), "+b" (a1), "+c" (a2), "+d" (a3),
                        "+S" (a4), "+D" (a5)
                      : "0" (nr)
                      : "memory");
    return ret;
}
#endif

#define hypercall0(nr)             hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)          hypercall5(nr, (unsigned long)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)       hypercall5(nr, (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c)    hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                              (unsigned long)(c), 0, 0)
#define hypercall4(nr, a, b, c, d) hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                              (unsigned long)(c), (unsigned long)(d), 0)

static inline long hypercall_set_trap_table(const struct trap_info *t)
{ return hypercall1(__HYPERVISOR_set_trap_table, t); }
static inline long hypercall_mmu_update(const struct mmu_update *req, unsigned int count,
                                        unsigned int *done, unsigned int foreigndom)
{ return hypercall4(__HYPERVISOR_mmu_update, req, count, done, foreigndom); }
static inline long hypercall_set_gdt(const xen_pfn_t *frames, unsigned int entries)
{ return hypercall2(__HYPERVISOR_set_gdt, frames, entries); }
static inline long hypercall_stack_switch(unsigned long ss, unsigned long sp)
{ return hypercall2(__HYPERVISOR_stack_switch, ss, sp); }
static inline long hypercall_fpu_taskswitch(int set)
{ return hypercall1(__HYPERVISOR_fpu_taskswitch, set); }
static inline long hypercall_set_debugreg(unsigned int reg, unsigned long val)
{ return hypercall2(__HYPERVISOR_set_debugreg, reg, val); }
static inline long hypercall_get_debugreg(unsigned int reg)
{ return hypercall1(__HYPERVISOR_get_debugreg, reg); }
static inline long hypercall_update_descriptor(uint64_t maddr, uint64_t desc)
{ return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc); }
static inline long hypercall_memory_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_memory_op, cmd, arg); }
static inline long hypercall_multicall(struct multicall_entry *list, unsigned int nr)
{ return hypercall2(__HYPERVISOR_multicall, list, nr); }
static inline long hypercall_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{ return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags); }
static inline long hypercall_xen_version(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_xen_version, cmd, arg); }
static inline long hypercall_console_io(unsigned int cmd, unsigned int count, const void *buf)
{ return hypercall3(__HYPERVISOR_console_io, cmd, count, buf); }
static inline long hypercall_vm_assist(unsigned int cmd, unsigned int type)
{ return hypercall2(__HYPERVISOR_vm_assist, cmd, type); }
static inline long hypercall_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{ return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg); }
static inline long hypercall_set_segment_base(unsigned int which, unsigned long base)
{ return hypercall2(__HYPERVISOR_set_segment_base, which, base); }
static inline long hypercall_mmuext_op(const struct mmuext_op *op, unsigned int count,
                                       unsigned int *done, unsigned int foreigndom)
{ return hypercall4(__HYPERVISOR_mmuext_op, op, count, done, foreigndom); }
static inline long hypercall_sched_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_sched_op, cmd, arg); }
static inline long hypercall_callback_op(unsigned int cmd, const void *arg)
{ return hypercall2(__HYPERVISOR_callback_op, cmd, arg); }
static inline long hypercall_event_channel_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg); }
static inline long hypercall_physdev_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_physdev_op, cmd, arg); }

static inline long hypercall_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };

    return hypercall_sched_op(SCHEDOP_shutdown, &s);
}

#endif /* GUEST_HYPERCALL_H */
