/*
 * Instruction emulator for HVM guests: decodes the instruction at the
 * guest's rip and performs it against the guest's registers and, through
 * the caller's ops, against memory that may be RAM or an emulated device.
 * Used when a nested page fault hits a device page (e.g. the local APIC).
 *
 * Everything the guest controls is untrusted: instruction bytes, register
 * values and memory contents.  The emulator fetches and accesses memory
 * only through the ops and never touches anything but *c and *c->regs.
 */
#ifndef ASM_X86_EMULATE_H
#define ASM_X86_EMULATE_H

#include <keel/types.h>

/* Return codes of x86_emulate() and of the ops. */
#define X86EMUL_OKAY          0  /* done: registers updated, rip advanced */
#define X86EMUL_UNHANDLEABLE  1  /* not emulated: the caller gives up */
#define X86EMUL_EXCEPTION     2  /* c->fault_* describe the exception */
#define X86EMUL_RETRY         3  /* partial REP: rip unchanged, call again */

#define X86_MAX_INSN_LEN      15
/* Iterations of a REP string instruction done by one x86_emulate() call. */
#define X86EMUL_REP_BATCH     64

#define X86_EXC_DE            0
#define X86_EXC_UD            6
#define X86_EXC_SS            12
#define X86_EXC_GP            13
#define X86_EXC_PF            14

#define X86_EFLAGS_CF         0x0001
#define X86_EFLAGS_PF         0x0004
#define X86_EFLAGS_AF         0x0010
#define X86_EFLAGS_ZF         0x0040
#define X86_EFLAGS_SF         0x0080
#define X86_EFLAGS_DF         0x0400
#define X86_EFLAGS_OF         0x0800
#define X86_EFLAGS_ARITH      (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
                               X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF)

struct x86_emul_regs {
    union {
        struct {
            uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
            uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
        };
        uint64_t gpr[16];               /* by ModRM/REX register number */
    };
    uint64_t rip, rflags;
};

/* In the order of the segment register encoding. */
enum x86_seg {
    x86_seg_es,
    x86_seg_cs,
    x86_seg_ss,
    x86_seg_ds,
    x86_seg_fs,
    x86_seg_gs,
};

struct x86_emulate_ctxt;

/*
 * Every access has the size the instruction gives it (1, 2, 4 or 8 bytes)
 * and goes to a linear address: the emulator adds the segment base (only
 * FS's and GS's in 64-bit mode) and checks canonicality; the caller
 * translates (guest page walk) and may cross a page boundary.  seg says
 * which segment the access went through.  An op returns X86EMUL_OKAY,
 * X86EMUL_EXCEPTION after recording the fault with x86_emul_fault*()
 * (a #PF's address is for the caller to keep in c->ctx), or any other
 * code, which x86_emulate() passes on unchanged.
 */
struct x86_emulate_ops {
    int (*read)(struct x86_emulate_ctxt *c, enum x86_seg seg,
                uint64_t linear, void *buf, unsigned int bytes);
    int (*write)(struct x86_emulate_ctxt *c, enum x86_seg seg,
                 uint64_t linear, const void *buf, unsigned int bytes);
    /* 1 to 8 bytes of the instruction at linear (CS base + rip + n). */
    int (*insn_fetch)(struct x86_emulate_ctxt *c, uint64_t linear,
                      void *buf, unsigned int bytes);
};

struct x86_emulate_ctxt {
    /* In. */
    struct x86_emul_regs *regs;
    bool long_mode;                 /* 64-bit mode (EFER.LMA and CS.L) */
    unsigned int addr_size;         /* default: 64 in long_mode, else 16/32 */
    unsigned int op_default;        /* default: 32 in long_mode, else 16/32 */
    uint64_t seg_base[6];           /* by enum x86_seg */
    void *ctx;                      /* the caller's, for the ops */

    /* Out. */
    unsigned int insn_len;          /* bytes fetched into insn_bytes */
    uint8_t insn_bytes[X86_MAX_INSN_LEN];
    unsigned int opcode;            /* one-byte opcode, or 0x0f00 | byte 2 */
    uint8_t fault_vector;           /* with X86EMUL_EXCEPTION */
    bool fault_has_error_code;
    uint32_t fault_error_code;
};

/*
 * Emulate one instruction.  On anything but X86EMUL_OKAY, rip is
 * unchanged and no other register is written, except that a REP string
 * instruction leaves rCX, rSI and rDI describing the iterations done (as
 * the CPU does on a fault), so that the caller can re-enter it.  The caller
 * deals with what follows an instruction: TF, interrupt shadows.
 */
int x86_emulate(struct x86_emulate_ctxt *c, const struct x86_emulate_ops *ops);

/* For the ops: record an exception, return X86EMUL_EXCEPTION. */
static inline int x86_emul_fault(struct x86_emulate_ctxt *c,
                                 unsigned int vector)
{
    c->fault_vector = vector;
    c->fault_has_error_code = false;
    c->fault_error_code = 0;

    return X86EMUL_EXCEPTION;
}

static inline int x86_emul_fault_ec(struct x86_emulate_ctxt *c,
                                    unsigned int vector, uint32_t error_code)
{
    c->fault_vector = vector;
    c->fault_has_error_code = true;
    c->fault_error_code = error_code;

    return X86EMUL_EXCEPTION;
}

#endif /* ASM_X86_EMULATE_H */
