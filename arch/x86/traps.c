/*
 * The IDT and the handling of exceptions taken inside Keel.  An exception
 * with an entry in the fixup table resumes at the fixup; int3 is reported
 * and resumed; anything else is fatal and panics with registers and a
 * backtrace.  (Exceptions raised by guests will be bounced to them by the
 * PV code; none run yet.)
 */
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <keel/sched.h>
#include <asm/extable.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/traps.h>

struct __packed idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

static struct idt_gate idt_table[256] __aligned(16);
static vector_handler_t vector_handlers[256];
static unsigned long int3_count;

static const char *const exception_names[NR_EXCEPTIONS] = {
    [TRAP_divide_error] = "divide error",
    [TRAP_debug] = "debug",
    [TRAP_nmi] = "NMI",
    [TRAP_int3] = "int3",
    [TRAP_overflow] = "overflow",
    [TRAP_bounds] = "bounds",
    [TRAP_invalid_op] = "invalid opcode",
    [TRAP_no_device] = "device not available",
    [TRAP_double_fault] = "double fault",
    [TRAP_copro_seg] = "coprocessor segment overrun",
    [TRAP_invalid_tss] = "invalid TSS",
    [TRAP_no_segment] = "segment not present",
    [TRAP_stack_error] = "stack segment fault",
    [TRAP_gp_fault] = "general protection fault",
    [TRAP_page_fault] = "page fault",
    [TRAP_copro_error] = "x87 floating point error",
    [TRAP_alignment_check] = "alignment check",
    [TRAP_machine_check] = "machine check",
    [TRAP_simd_error] = "SIMD floating point error",
    [TRAP_virtualisation] = "virtualisation exception",
    [TRAP_control_prot] = "control protection",
};

static void set_gate(unsigned int vec, unsigned long addr, unsigned int ist,
                     unsigned int dpl)
{
    struct idt_gate *g = &idt_table[vec];

    g->offset_lo = addr & 0xffff;
    g->selector = KEEL_CS64;
    g->ist = ist;
    g->type_attr = 0x8e | (dpl << 5); /* present, 64-bit interrupt gate */
    g->offset_mid = (addr >> 16) & 0xffff;
    g->offset_hi = addr >> 32;
    g->reserved = 0;
}

void idt_load(void)
{
    struct __packed { uint16_t limit; uint64_t base; } idtr = {
        sizeof(idt_table) - 1, (uint64_t)idt_table,
    };

    __asm__ __volatile__("lidt %0" :: "m" (idtr));
}

void idt_init(void)
{
    for ( unsigned int v = 0; v < 256; v++ )
        set_gate(v, entry_stubs[v], 0, 0);
    /* int3 and into from PV guest code (ring 3) arrive as themselves. */
    set_gate(TRAP_int3, entry_stubs[TRAP_int3], 0, 3);
    set_gate(TRAP_overflow, entry_stubs[TRAP_overflow], 0, 3);
    /* These can arrive on a broken stack: give them stacks of their own. */
    set_gate(TRAP_double_fault, entry_stubs[TRAP_double_fault], IST_DF, 0);
    set_gate(TRAP_nmi, entry_stubs[TRAP_nmi], IST_NMI, 0);
    set_gate(TRAP_machine_check, entry_stubs[TRAP_machine_check], IST_MCE, 0);
    /* #DB can come at an entry point before the stack switch (XSA-260). */
    set_gate(TRAP_debug, entry_stubs[TRAP_debug], IST_DB, 0);
    idt_load();
}

void set_vector_handler(uint8_t vector, vector_handler_t handler)
{
    vector_handlers[vector] = handler;
}

static const char *exception_name(unsigned int vec)
{
    const char *n = vec < NR_EXCEPTIONS ? exception_names[vec] : NULL;

    return n ? n : "reserved";
}

static void __noreturn fatal_exception(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if ( vec == TRAP_page_fault )
        panic_with_regs(regs, "FATAL PAGE FAULT at %#lx (error code %#x: %s %s %s)",
                        read_cr2(), regs->error_code,
                        regs->error_code & 1 ? "protection" : "not-present",
                        regs->error_code & 2 ? "write" : "read",
                        regs->error_code & 16 ? "ifetch" : "");
    panic_with_regs(regs, "FATAL TRAP: vector %u (%s), error code %#x",
                    vec, exception_name(vec), regs->error_code);
}

static void do_nmi(struct cpu_user_regs *regs)
{
    vector_handler_t h = vector_handlers[TRAP_nmi];

    /* A registered handler (panic's CPU stop) takes it; else just report. */
    if ( h )
        h(regs);
    else
        printk(KLOG_WARNING "NMI received at %pS, ignored\n", (void *)regs->rip);
}

void do_exception(struct cpu_user_regs *regs)
{
    unsigned long fixup;

    switch ( regs->entry_vector )
    {
    case TRAP_nmi:
        do_nmi(regs);
        return;
    case TRAP_double_fault:
    case TRAP_machine_check:
        fatal_exception(regs);
    }
    /* Raised by guest code (ring 3): the PV code bounces or emulates it. */
    if ( (regs->cs & 3) == 3 )
    {
        /* With interrupts off: cr2 stays valid. */
        if ( regs->entry_vector == TRAP_page_fault &&
             pv_ptwr_fault(current, regs, read_cr2()) )
            return;
        pv_do_exception(regs);
        return;
    }
    switch ( regs->entry_vector )
    {
    case TRAP_debug:
        do_debug_keel(regs);
        return;
    case TRAP_int3:
        int3_count++;
        printk(KLOG_DEBUG "int3 at %pS, continuing\n", (void *)regs->rip);
        return;
    }
    fixup = search_exception_table(regs->rip);
    if ( fixup )
    {
        regs->rip = fixup;
        return;
    }
    fatal_exception(regs);
}

unsigned long exception_selftest_count(void)
{
    return int3_count;
}

void do_IRQ(struct cpu_user_regs *regs)
{
    vector_handler_t h = vector_handlers[regs->entry_vector];

    if ( h )
        h(regs);
    else
    {
        printk(KLOG_WARNING "CPU%u: unexpected interrupt vector %#x\n",
               smp_processor_id(), regs->entry_vector);
        apic_eoi();
    }
}
