/*
 * Per-CPU data reached from the stack pointer: every CPU stack is
 * STACK_SIZE-aligned and ends with struct cpu_info, so Keel needs no
 * segment base of its own (PV guests own FS and GS).  The syscall entry,
 * which arrives on the guest's stack, finds cpu_info through the shadow GS
 * base instead (MSR_SHADOW_GS_BASE holds &cpu_info while guests run).
 *
 * Below cpu_info sits the frame of the guest context that entered Keel
 * (struct cpu_user_regs): the TSS rsp0 and the syscall entry both point
 * at cpu_info, so hardware and software push it there.
 */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

/* Offsets used by arch/x86/entry.S. */
#define CPUINFO_rsp0     0
#define CPUINFO_scratch  8

#ifndef __ASSEMBLER__
#include <keel/types.h>
#include <keel/compiler.h>
#include <asm/config.h>
#include <asm/processor.h>

struct vcpu;

struct cpu_info {
    unsigned long rsp0;             /* == this struct's address: syscall stack top */
    unsigned long scratch;          /* guest rsp during the syscall entry */
    unsigned int processor_id;
    unsigned int apic_id;
    struct vcpu *current_vcpu;
};

BUILD_BUG_ON(sizeof(struct cpu_info) > CPU_INFO_SIZE);
BUILD_BUG_ON(offsetof(struct cpu_info, rsp0) != CPUINFO_rsp0);
BUILD_BUG_ON(offsetof(struct cpu_info, scratch) != CPUINFO_scratch);

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    __asm__ ("mov %%rsp, %0" : "=r" (sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_SIZE);
}

static inline struct cpu_info *stack_cpu_info(void *stack_base)
{
    return (struct cpu_info *)((char *)stack_base + STACK_SIZE - CPU_INFO_SIZE);
}

/* The saved guest context of the vCPU running on this CPU. */
static inline struct cpu_user_regs *guest_cpu_user_regs(void)
{
    return (struct cpu_user_regs *)get_cpu_info() - 1;
}

#define smp_processor_id() (get_cpu_info()->processor_id)
#define current            (get_cpu_info()->current_vcpu)
#endif /* __ASSEMBLER__ */

#endif /* ASM_CURRENT_H */
