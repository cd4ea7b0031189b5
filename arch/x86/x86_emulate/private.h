/* Shared by the decoder (decode.c), the executor (emulate.c) and alu.c. */
#ifndef X86_EMULATE_PRIVATE_H
#define X86_EMULATE_PRIVATE_H

#include <asm/x86_emulate.h>

#define REX_B  0x01
#define REX_X  0x02
#define REX_R  0x04
#define REX_W  0x08

/* ALU operations: the first eight in the order of their encoding. */
enum alu_op {
    ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
    ALU_INC, ALU_DEC, ALU_NEG,
};

/* One instruction being emulated. */
struct x86_emul_state {
    struct x86_emulate_ctxt *c;
    const struct x86_emulate_ops *ops;
    bool mode64;
    uint64_t ip_mask;           /* rip wraps at 16, 32 or 64 bits */

    /* Prefixes. */
    uint8_t rex;                /* 0 when there is none */
    uint8_t rep;                /* 0, 0xf2 or 0xf3 */
    bool lock;

    /* What the decoder found. */
    unsigned int opcode;        /* as c->opcode */
    unsigned int op_bytes;      /* 1 for byte operations */
    unsigned int ad_bytes;
    unsigned int modrm_mod;
    unsigned int modrm_reg;     /* with REX.R */
    unsigned int modrm_rm;      /* register (mod 3), with REX.B */
    bool mem;                   /* the r/m or moffs operand is memory */
    enum x86_seg seg;           /* of the memory operand / string source */
    uint64_t ea;                /* offset of the memory operand */
    uint64_t imm;               /* sign-extended to 64 bits */
    uint64_t next_rip;
};

/* Fills s from the instruction at c->regs->rip; s->c and s->ops are set. */
int x86_decode(struct x86_emul_state *s);

/* a op b on `bytes`-wide values; updates the arithmetic flags in *rflags. */
uint64_t x86_alu(enum alu_op op, uint64_t a, uint64_t b, unsigned int bytes,
                 uint64_t *rflags);

static inline uint64_t size_mask(unsigned int bytes)
{
    return bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

static inline uint64_t sign_extend(uint64_t v, unsigned int bytes)
{
    uint64_t sign = 1ULL << (bytes * 8 - 1);

    v &= size_mask(bytes);

    return (v ^ sign) - sign;
}

/* 48-bit virtual addresses: bits 63-47 all equal. */
static inline bool is_canonical(uint64_t va)
{
    return sign_extend(va, 6) == va;
}

#endif /* X86_EMULATE_PRIVATE_H */
