/*
 * Exceptions in a PV guest.  The hypervisor bounces a fault to the handler
 * registered with set_trap_table, pushing (low to high address)
 *     RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
 * (CS bits 32-39 = saved upcall mask).  The library's stubs restore rcx/r11
 * from the frame, save every GPR into struct cpu_regs, call do_exception()
 * and return with the iret hypercall.
 *
 * In pvh/hvm64 the guest owns a real IDT (lib/hvm): the CPU's own frame,
 * the same struct cpu_regs and the same exception table.
 *
 * Expected faults: an instruction covered by an exception-table entry
 * (_ASM_EXTABLE(fault_label, fixup_label)) that faults resumes at the fixup
 * with %eax = exinfo (valid bit | vector | error code).  Traps (#BP, #DB
 * after the instruction) are matched by the RIP they report, so put the
 * label after the instruction for those.
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include "types.h"

#define X86_EXC_DE   0
#define X86_EXC_DB   1
#define X86_EXC_NMI  2
#define X86_EXC_BP   3
#define X86_EXC_OF   4
#define X86_EXC_BR   5
#define X86_EXC_UD   6
#define X86_EXC_NM   7
#define X86_EXC_DF   8
#define X86_EXC_TS  10
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MF  16
#define X86_EXC_AC  17
#define X86_EXC_MC  18
#define X86_EXC_XM  19

#define X86_PFEC_PRESENT (1U << 0)
#define X86_PFEC_WRITE   (1U << 1)
#define X86_PFEC_USER    (1U << 2)
#define X86_PFEC_INSN    (1U << 4)

#define X86_EFLAGS_CF  (1UL << 0)
#define X86_EFLAGS_MBS (1UL << 1)
#define X86_EFLAGS_TF  (1UL << 8)
#define X86_EFLAGS_IF  (1UL << 9)
#define X86_EFLAGS_DF  (1UL << 10)
#define X86_EFLAGS_IOPL (3UL << 12)
#define X86_EFLAGS_NT  (1UL << 14)
#define X86_EFLAGS_RF  (1UL << 16)
#define X86_EFLAGS_VM  (1UL << 17)
#define X86_EFLAGS_AC  (1UL << 18)

/* exinfo: 0 = no exception; else bit 31 | vector << 16 | error code. */
typedef uint32_t exinfo_t;
#define EXINFO_VALID        (1U << 31)
#define EXINFO(vec, ec)     (EXINFO_VALID | ((uint32_t)(vec) << 16) | ((ec) & 0xffff))
#define EXINFO_SYM(sym, ec) EXINFO(X86_EXC_ ## sym, ec)
#define exinfo_vec(e)       (((e) >> 16) & 0xff)
#define exinfo_ec(e)        ((e) & 0xffff)

#ifdef __x86_64__
#define _ASM_PTR ".quad "
#else
#define _ASM_PTR ".long "
#endif
#define _ASM_EXTABLE(fault, fixup)                  \
    ".pushsection .ex_table, \"a\"\n\t"             \
    ".balign 8\n\t"                                 \
    _ASM_PTR #fault ", " #fixup "\n\t"              \
    ".popsection\n\t"

struct extable_entry {
    unsigned long fault, fixup;
};

/* Register state at an exception, in the order the entry stub pushes it. */
#ifdef __x86_64__
struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, entry_vector;
    uint64_t rip, cs, rflags, rsp, ss;
};
#else
/* pvh (32-bit): pusha order, then vector and error code, then the CPU's
 * frame.  esp/ss are only there on a privilege change (never, in pvh). */
struct cpu_regs {
    unsigned long rdi, rsi, rbp, _esp, rbx, rdx, rcx, rax;
    uint32_t entry_vector, error_code;
    unsigned long rip, cs, rflags, rsp, ss;
};
#endif

/* The last exception delivered, for tests that check the bounce frame. */
struct exception_record {
    unsigned int count;         /* exceptions seen so far */
    unsigned int vector;
    bool has_error_code;
    uint32_t error_code;
    uint64_t rcx, r11;          /* frame values (= guest rcx/r11 at the fault) */
    uint64_t rip, cs, rflags, rsp, ss;
    uint64_t frame_addr;        /* where the hypervisor put the frame (RCX slot) */
    uint64_t cr2;               /* vcpu_info.arch.cr2 when vector == #PF */
    uint8_t upcall_mask;        /* vcpu_info.evtchn_upcall_mask in the handler */
};
extern struct exception_record last_exception;

/*
 * Per-vector hook, run before the exception table lookup.  Returns true if
 * it handled the exception (regs may be modified, they are restored by iret).
 */
typedef bool (*exception_hook_t)(struct cpu_regs *regs);
extern exception_hook_t exception_hooks[32];

void do_exception(struct cpu_regs *regs);
/* Installs the library's trap table (done at start of day; tests may redo it). */
long install_trap_table(void);
extern struct trap_info lib_trap_table[];
extern const unsigned long exception_entry_points[32];

/* Stack where the hypervisor puts frames on a user->kernel switch. */
extern uint8_t kernel_entry_stack[];
#define KERNEL_ENTRY_STACK_SIZE 8192

#endif /* GUEST_TRAPS_H */
