/*
 * Per-CPU data reached from the stack pointer: every CPU stack is
 * STACK_SIZE-aligned and ends with struct cpu_info, so no segment base
 * is needed (PV guests will own GS).
 */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

#include <keel/types.h>
#include <keel/compiler.h>
#include <asm/config.h>

struct vcpu;

struct cpu_info {
    unsigned int processor_id;
    unsigned int apic_id;
    struct vcpu *current_vcpu;
    unsigned long irq_nesting;
};

BUILD_BUG_ON(sizeof(struct cpu_info) > CPU_INFO_SIZE);

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

#define smp_processor_id() (get_cpu_info()->processor_id)
#define current            (get_cpu_info()->current_vcpu)

#endif /* ASM_CURRENT_H */
