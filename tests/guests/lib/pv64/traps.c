/* Trap table, exception dispatch and the exception-table fixups. */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

#define SYSCALL_ENTRY_VECTOR  256
#define EVENT_ENTRY_VECTOR    257
#define FAILSAFE_ENTRY_VECTOR 258

/* Vectors for which the CPU (and so the bounce frame) has an error code. */
#define EC_VECTORS ((1U << 8) | (1U << 10) | (1U << 11) | (1U << 12) | (1U << 13) | \
                    (1U << 14) | (1U << 17) | (1U << 21) | (1U << 29) | (1U << 30))

struct exception_record last_exception;
void (*event_hook)(struct cpu_regs *regs);
exception_hook_t exception_hooks[32];
struct trap_info lib_trap_table[33];
extern const struct extable_entry __start_ex_table[], __stop_ex_table[];

void do_user_syscall(struct cpu_regs *regs);

long install_trap_table(void)
{
    for ( unsigned int v = 0; v < 32; v++ )
    {
        lib_trap_table[v].vector = v;
        /* #BP and #OF may be raised from user mode with int3 / int $3 / into. */
        lib_trap_table[v].flags = (v == X86_EXC_BP || v == X86_EXC_OF) ? 3 : 0;
        lib_trap_table[v].cs = FLAT_KERNEL_CS;
        lib_trap_table[v].address = exception_entry_points[v];
    }
    memset(&lib_trap_table[32], 0, sizeof(lib_trap_table[32]));
    return hypercall_set_trap_table(lib_trap_table);
}

static void record(const struct cpu_regs *regs, unsigned int vec)
{
    bool ec = vec < 32 && (EC_VECTORS & (1U << vec));

    last_exception.count++;
    last_exception.vector = vec;
    last_exception.has_error_code = ec;
    last_exception.error_code = regs->error_code;
    last_exception.rcx = regs->rcx;
    last_exception.r11 = regs->r11;
    last_exception.rip = regs->rip;
    last_exception.cs = regs->cs;
    last_exception.rflags = regs->rflags;
    last_exception.rsp = regs->rsp;
    last_exception.ss = regs->ss;
    last_exception.frame_addr = (uint64_t)&regs->error_code - (ec ? 16 : 8);
    last_exception.cr2 = (vec == X86_EXC_PF && shared_info) ? vcpu0_info()->arch.cr2 : 0;
    last_exception.upcall_mask = shared_info ? vcpu0_info()->evtchn_upcall_mask : 0xff;
}

static void __noreturn unhandled(const struct cpu_regs *regs, const char *what)
{
    xtf_error("Error: unhandled %s: vector %u, error code %#x\n"
              "  rip %#lx cs %#lx rflags %#lx rsp %#lx ss %#lx cr2 %#lx\n"
              "  rax %#lx rbx %#lx rcx %#lx rdx %#lx rsi %#lx rdi %#lx\n",
              what, regs->entry_vector, regs->error_code, regs->rip, regs->cs,
              regs->rflags, regs->rsp, regs->ss, last_exception.cr2,
              regs->rax, regs->rbx, regs->rcx, regs->rdx, regs->rsi, regs->rdi);
    xtf_exit();
}

void do_exception(struct cpu_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if ( vec == SYSCALL_ENTRY_VECTOR )
    {
        do_user_syscall(regs);
        return;
    }
    if ( vec == EVENT_ENTRY_VECTOR && event_hook )
    {
        event_hook(regs);
        return;
    }
    if ( vec == EVENT_ENTRY_VECTOR )
        unhandled(regs, "event upcall (events should be masked)");
    if ( vec == FAILSAFE_ENTRY_VECTOR )
        unhandled(regs, "failsafe callback");

    record(regs, vec);
    if ( vec < 32 && exception_hooks[vec] && exception_hooks[vec](regs) )
        return;

    for ( const struct extable_entry *e = __start_ex_table; e < __stop_ex_table; e++ )
        if ( e->fault == regs->rip )
        {
            regs->rax = EXINFO(vec, regs->error_code);
            regs->rip = e->fixup;
            return;
        }
    unhandled(regs, "exception");
}
