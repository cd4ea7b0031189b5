/* Exception and interrupt plumbing shared by the x86 files. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <keel/types.h>
#include <asm/processor.h>

/* LAPIC vectors owned by Keel. */
#define LOCAL_TIMER_VECTOR    0xf0
#define CALL_FUNCTION_VECTOR  0xf1
#define EVENT_CHECK_VECTOR    0xf2
#define STOP_CPU_VECTOR       0xf3
#define ERROR_APIC_VECTOR     0xfe
#define SPURIOUS_APIC_VECTOR  0xff
#define FIRST_DYNAMIC_VECTOR  0x30
#define LAST_DYNAMIC_VECTOR   0xdf

/* IST slots in each CPU's TSS. */
#define IST_DF   1
#define IST_NMI  2
#define IST_MCE  3
#define IST_DB   4
#define IST_MAX  4

typedef void (*vector_handler_t)(struct cpu_user_regs *regs);

void idt_init(void);
void idt_load(void);
void gdt_init_cpu(unsigned int cpu);
void set_vector_handler(uint8_t vector, vector_handler_t handler);

/* Called from arch/x86/entry.S. */
void do_exception(struct cpu_user_regs *regs);
void do_IRQ(struct cpu_user_regs *regs);

/* #DB raised in Keel's own context (arch/x86/debug.c), and its boot self-test. */
void do_debug_keel(struct cpu_user_regs *regs);
void debug_selftest(void);

void show_registers(const struct cpu_user_regs *regs);
/* A guest vCPU's registers and stack top; on the CPU that runs it (guest_state.c). */
struct vcpu;
void show_guest_state(struct vcpu *v);
void show_backtrace(unsigned long rip, unsigned long rbp);
void show_backtrace_here(void);
void exception_selftest(void);
unsigned long exception_selftest_count(void);

extern const unsigned long entry_stubs[256];

#endif /* ASM_TRAPS_H */
