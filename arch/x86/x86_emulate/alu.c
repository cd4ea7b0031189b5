/*
 * Results and arithmetic flags of the emulated ALU operations, for any
 * operand width.  The carry and borrow of each bit position are recovered
 * from the operands and the result, so no wider type is needed for 64-bit
 * operands.
 */
#include "private.h"

/* PF: set when the low byte of the result has an even number of ones. */
static uint64_t parity_flag(uint64_t r)
{
    uint8_t v = r;

    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;

    return v & 1 ? 0 : X86_EFLAGS_PF;
}

static uint64_t result_flags(uint64_t r, uint64_t sign)
{
    return parity_flag(r) | (r ? 0 : X86_EFLAGS_ZF) |
           (r & sign ? X86_EFLAGS_SF : 0);
}

/* CF, AF and OF of r = a + b + carry-in. */
static uint64_t add_flags(uint64_t a, uint64_t b, uint64_t r, uint64_t sign)
{
    uint64_t carries = (a & b) | ((a | b) & ~r);

    return (carries & sign ? X86_EFLAGS_CF : 0) |
           ((a ^ b ^ r) & 0x10 ? X86_EFLAGS_AF : 0) |
           ((a ^ r) & (b ^ r) & sign ? X86_EFLAGS_OF : 0);
}

/* CF, AF and OF of r = a - b - borrow-in. */
static uint64_t sub_flags(uint64_t a, uint64_t b, uint64_t r, uint64_t sign)
{
    uint64_t borrows = (~a & b) | ((~a | b) & r);

    return (borrows & sign ? X86_EFLAGS_CF : 0) |
           ((a ^ b ^ r) & 0x10 ? X86_EFLAGS_AF : 0) |
           ((a ^ b) & (a ^ r) & sign ? X86_EFLAGS_OF : 0);
}

/*
 * AND, OR and XOR leave AF undefined; it is cleared, as current Intel and
 * AMD CPUs do.
 */
uint64_t x86_alu(enum alu_op op, uint64_t a, uint64_t b, unsigned int bytes,
                 uint64_t *rflags)
{
    uint64_t mask = size_mask(bytes), sign = 1ULL << (bytes * 8 - 1);
    uint64_t cf = *rflags & X86_EFLAGS_CF;
    uint64_t r, flags = 0;

    a &= mask;
    b &= mask;
    switch ( op )
    {
    case ALU_ADD:
    case ALU_ADC:
    case ALU_INC:
        if ( op == ALU_INC )
            b = 1;
        r = (a + b + (op == ALU_ADC ? cf : 0)) & mask;
        flags = add_flags(a, b, r, sign);
        break;
    case ALU_SUB:
    case ALU_SBB:
    case ALU_CMP:
    case ALU_DEC:
    case ALU_NEG:
        if ( op == ALU_DEC )
            b = 1;
        else if ( op == ALU_NEG )
        {
            b = a;
            a = 0;
        }
        r = (a - b - (op == ALU_SBB ? cf : 0)) & mask;
        flags = sub_flags(a, b, r, sign);
        break;
    case ALU_OR:
        r = a | b;
        break;
    case ALU_AND:
        r = a & b;
        break;
    case ALU_XOR:
    default:
        r = a ^ b;
        break;
    }

    /* INC and DEC leave CF alone. */
    if ( op == ALU_INC || op == ALU_DEC )
        flags = (flags & ~X86_EFLAGS_CF) | cf;
    *rflags = (*rflags & ~(uint64_t)X86_EFLAGS_ARITH) | flags |
              result_flags(r, sign);

    return r;
}
