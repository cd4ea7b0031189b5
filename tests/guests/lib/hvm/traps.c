/*
 * The guest's own IDT (pvh: 8-byte 32-bit interrupt gates; hvm64: 16-byte
 * 64-bit gates), exception dispatch with the exception table, and the
 * interrupt handlers of vectors 32-255.  Entry stubs: <env>/entry.S, one
 * per vector, 16 bytes apart from irq_stubs.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

#define EC_VECTORS ((1U << 8) | (1U << 10) | (1U << 11) | (1U << 12) | (1U << 13) | \
                    (1U << 14) | (1U << 17) | (1U << 21) | (1U << 29) | (1U << 30))

struct exception_record last_exception;
exception_hook_t exception_hooks[32];
irq_handler_t irq_handlers[256];
extern const struct extable_entry __start_ex_table[], __stop_ex_table[];
extern char irq_stubs[];

#ifdef __x86_64__
struct idt_gate { uint64_t lo, hi; };
#else
struct idt_gate { uint64_t lo; };
#endif
static struct idt_gate idt[256] __aligned(16);
struct desc_ptr idt_ptr;

static void set_gate(unsigned int vec, unsigned long addr, unsigned int dpl)
{
    uint64_t lo = (addr & 0xffff) | ((uint64_t)GDT_CS << 16) |
                  ((uint64_t)(0x8e | (dpl << 5)) << 40) |      /* P, interrupt gate */
                  ((uint64_t)((addr >> 16) & 0xffff) << 48);

    idt[vec].lo = lo;
#ifdef __x86_64__
    idt[vec].hi = addr >> 32;
#endif
}

void idt_set_dpl(unsigned int vec, unsigned int dpl)
{
    set_gate(vec, (unsigned long)irq_stubs + vec * 16, dpl);
}

void load_idt(void)
{
    asm volatile ("lidt %0" :: "m" (idt_ptr));
}

void trap_init(void);
void trap_init(void)
{
    for ( unsigned int v = 0; v < 256; v++ )
        set_gate(v, (unsigned long)irq_stubs + v * 16,
                 (v == X86_EXC_BP || v == X86_EXC_OF) ? 3 : 0);
    idt_ptr.limit = sizeof(idt) - 1;
    idt_ptr.base = (unsigned long)idt;
    load_idt();
}

static void record(const struct cpu_regs *regs, unsigned int vec)
{
    bool ec = vec < 32 && (EC_VECTORS & (1U << vec));

    last_exception.count++;
    last_exception.vector = vec;
    last_exception.has_error_code = ec;
    last_exception.error_code = ec ? regs->error_code : 0;
    last_exception.rip = regs->rip;
    last_exception.cs = regs->cs;
    last_exception.rflags = regs->rflags;
#ifdef __x86_64__
    last_exception.rsp = regs->rsp;
    last_exception.ss = regs->ss;
#endif
    last_exception.frame_addr = (unsigned long)&regs->rip;
    last_exception.cr2 = vec == X86_EXC_PF ? read_cr2() : 0;
}

static void __noreturn unhandled(const struct cpu_regs *regs, const char *what)
{
    xtf_error("Error: unhandled %s: vector %u, error code %#x\n"
              "  rip %#lx cs %#lx rflags %#lx cr2 %#lx\n"
              "  rax %#lx rbx %#lx rcx %#lx rdx %#lx rsi %#lx rdi %#lx\n",
              what, regs->entry_vector, regs->error_code, (unsigned long)regs->rip,
              (unsigned long)regs->cs, (unsigned long)regs->rflags, read_cr2(),
              (unsigned long)regs->rax, (unsigned long)regs->rbx, (unsigned long)regs->rcx,
              (unsigned long)regs->rdx, (unsigned long)regs->rsi, (unsigned long)regs->rdi);
    xtf_exit();
}

void do_exception(struct cpu_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if ( vec >= 32 )
    {
        if ( !irq_handlers[vec] )
            unhandled(regs, "interrupt");
        irq_handlers[vec](regs);
        return;
    }

    record(regs, vec);
    if ( exception_hooks[vec] && exception_hooks[vec](regs) )
        return;

    for ( const struct extable_entry *e = __start_ex_table; e < __stop_ex_table; e++ )
        if ( e->fault == regs->rip )
        {
            regs->rax = EXINFO(vec, last_exception.error_code);
            regs->rip = e->fixup;
            return;
        }
    unhandled(regs, "exception");
}
