/*
 * The emulator's results and arithmetic flags against the host CPU: each
 * operation runs on the host (inline assembly, flags loaded with popf and
 * saved with pushf) and in the emulator (on a memory operand, or registers
 * where the host form needs them), on edge and random values, with random
 * incoming flags.  Only the flags the SDM defines are compared with the
 * host's.
 */
#include "env.h"
#include "test.h"

#include <stdio.h>
#include <string.h>

#define ARITH      ((uint64_t)X86_EFLAGS_ARITH)
#define LOGIC_DEF  (ARITH & ~X86_EFLAGS_AF)     /* AF undefined */
#define MEM        0x2000ULL
#define RUNS       3000

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;

    return rng_state;
}

static const uint64_t edges[] = {
    0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
    0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
};

static uint64_t pick(void)
{
    uint64_t e = edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];

    switch ( rnd() % 4 )
    {
    case 0:
        return e;
    case 1:
        return e + rnd() % 3 - 1;
    case 2:
        return rnd() & 0xff;
    default:
        return rnd();
    }
}

static uint64_t random_flags(void)
{
    return 0x2 | (rnd() & ARITH);
}

static uint64_t mask_of(unsigned int bytes)
{
    return bytes == 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

/*
 * The host's red zone lies below rsp: step over it before pushing.
 * popf changes only the arithmetic flags here (f never has others set
 * beyond bit 1, and IF/IOPL cannot change in user mode).
 */
#define PRE  "lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopf\n\t"
#define POST "\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"

#define HOST_BINOP(fn, mn)                                                   \
static uint64_t fn(unsigned int bytes, uint64_t a, uint64_t b, uint64_t *fl) \
{                                                                            \
    uint64_t f = *fl;                                                        \
                                                                             \
    switch ( bytes )                                                         \
    {                                                                        \
    case 1:                                                                  \
        asm volatile ( PRE mn "b %b[b], %b[a]" POST                          \
                       : [a] "+q" (a), [f] "+r" (f) : [b] "q" (b) : "cc" );  \
        break;                                                               \
    case 2:                                                                  \
        asm volatile ( PRE mn "w %w[b], %w[a]" POST                          \
                       : [a] "+r" (a), [f] "+r" (f) : [b] "r" (b) : "cc" );  \
        break;                                                               \
    case 4:                                                                  \
        asm volatile ( PRE mn "l %k[b], %k[a]" POST                          \
                       : [a] "+r" (a), [f] "+r" (f) : [b] "r" (b) : "cc" );  \
        break;                                                               \
    default:                                                                 \
        asm volatile ( PRE mn "q %q[b], %q[a]" POST                          \
                       : [a] "+r" (a), [f] "+r" (f) : [b] "r" (b) : "cc" );  \
        break;                                                               \
    }                                                                        \
    *fl = f;                                                                 \
                                                                             \
    return a & mask_of(bytes);                                               \
}

#define HOST_UNOP(fn, mn)                                                    \
static uint64_t fn(unsigned int bytes, uint64_t a, uint64_t *fl)             \
{                                                                            \
    uint64_t f = *fl;                                                        \
                                                                             \
    switch ( bytes )                                                         \
    {                                                                        \
    case 1:                                                                  \
        asm volatile ( PRE mn "b %b[a]" POST                                 \
                       : [a] "+q" (a), [f] "+r" (f) : : "cc" );              \
        break;                                                               \
    case 2:                                                                  \
        asm volatile ( PRE mn "w %w[a]" POST                                 \
                       : [a] "+r" (a), [f] "+r" (f) : : "cc" );              \
        break;                                                               \
    case 4:                                                                  \
        asm volatile ( PRE mn "l %k[a]" POST                                 \
                       : [a] "+r" (a), [f] "+r" (f) : : "cc" );              \
        break;                                                               \
    default:                                                                 \
        asm volatile ( PRE mn "q %q[a]" POST                                 \
                       : [a] "+r" (a), [f] "+r" (f) : : "cc" );              \
        break;                                                               \
    }                                                                        \
    *fl = f;                                                                 \
                                                                             \
    return a & mask_of(bytes);                                               \
}

/* Bit operations on a bit string in memory at p (no byte form). */
#define HOST_BITOP(fn, mn)                                                   \
static void fn(unsigned int bytes, void *p, uint64_t off, uint64_t *fl)      \
{                                                                            \
    uint64_t f = *fl;                                                        \
                                                                             \
    switch ( bytes )                                                         \
    {                                                                        \
    case 2:                                                                  \
        asm volatile ( PRE mn "w %w[o], (%[p])" POST                         \
                       : [f] "+r" (f) : [o] "r" (off), [p] "r" (p)           \
                       : "cc", "memory" );                                   \
        break;                                                               \
    case 4:                                                                  \
        asm volatile ( PRE mn "l %k[o], (%[p])" POST                         \
                       : [f] "+r" (f) : [o] "r" (off), [p] "r" (p)           \
                       : "cc", "memory" );                                   \
        break;                                                               \
    default:                                                                 \
        asm volatile ( PRE mn "q %q[o], (%[p])" POST                         \
                       : [f] "+r" (f) : [o] "r" (off), [p] "r" (p)           \
                       : "cc", "memory" );                                   \
        break;                                                               \
    }                                                                        \
    *fl = f;                                                                 \
}

HOST_BINOP(host_add, "add")
HOST_BINOP(host_or, "or")
HOST_BINOP(host_adc, "adc")
HOST_BINOP(host_sbb, "sbb")
HOST_BINOP(host_and, "and")
HOST_BINOP(host_sub, "sub")
HOST_BINOP(host_xor, "xor")
HOST_BINOP(host_cmp, "cmp")
HOST_BINOP(host_test, "test")
HOST_UNOP(host_inc, "inc")
HOST_UNOP(host_dec, "dec")
HOST_UNOP(host_not, "not")
HOST_UNOP(host_neg, "neg")
HOST_BITOP(host_bt, "bt")
HOST_BITOP(host_bts, "bts")
HOST_BITOP(host_btr, "btr")
HOST_BITOP(host_btc, "btc")

typedef uint64_t (*binop_fn)(unsigned int, uint64_t, uint64_t, uint64_t *);
typedef uint64_t (*unop_fn)(unsigned int, uint64_t, uint64_t *);
typedef void (*bitop_fn)(unsigned int, void *, uint64_t, uint64_t *);

/* In the order of the ALU opcodes' /digit. */
static const binop_fn alu_host[8] = {
    host_add, host_or, host_adc, host_sbb, host_and, host_sub, host_xor,
    host_cmp,
};

static const unsigned int sizes[4] = { 1, 2, 4, 8 };

struct code {
    uint8_t b[X86_MAX_INSN_LEN];
    unsigned int n;
};

static void emit(struct code *c, uint8_t b)
{
    c->b[c->n++] = b;
}

/* 66 or REX.W for the operand size; ModRM [rbx] with rcx as reg. */
static void emit_op(struct code *c, unsigned int bytes, uint8_t op, bool two)
{
    if ( bytes == 2 )
        emit(c, 0x66);
    else if ( bytes == 8 )
        emit(c, 0x48);
    if ( two )
        emit(c, 0x0f);
    emit(c, op);
}

static void emit_imm(struct code *c, uint64_t imm, unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++, imm >>= 8 )
        emit(c, imm);
}

static struct env fenv;

/* Run c with [rbx] = MEM holding 8 bytes of mem and rcx = rcx. */
static int run(const struct code *c, uint64_t mem, uint64_t rcx,
               uint64_t flags)
{
    struct env *e = &fenv;

    memset(&e->regs, 0, sizeof(e->regs));
    e->regs.rip = 0x1000;
    e->regs.rbx = MEM;
    e->regs.rcx = rcx;
    e->regs.rflags = flags;
    env_poke(e, MEM, mem, 8);
    env_code(e, c->b, c->n);

    return env_run(e);
}

/*
 * The result, the flags the SDM defines (as the host's) and the flags the
 * emulator must keep: every non-arithmetic one and, where only some are
 * defined (NOT: none, BT: CF), the undefined ones too.
 */
static bool compare(const char *what, unsigned int bytes, uint64_t a,
                    uint64_t b, uint64_t got, uint64_t want,
                    uint64_t got_fl, uint64_t want_fl, uint64_t in_fl,
                    uint64_t defined, bool keep_undefined)
{
    uint64_t keep = keep_undefined ? ~defined : ~ARITH;
    bool ok = got == want && !((got_fl ^ want_fl) & defined) &&
              !((got_fl ^ in_fl) & keep);

    if ( !ok )
        fprintf(stderr, "  %s/%u 0x%lx, 0x%lx: got 0x%lx fl 0x%lx, "
                "want 0x%lx fl 0x%lx (in 0x%lx)\n", what, bytes, a, b,
                got, got_fl, want, want_fl, in_fl);

    return CHECK(ok);
}

static void alu_rm_reg(unsigned int op, unsigned int bytes)
{
    static const char *const names[8] = {
        "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp",
    };
    uint64_t defined = op == 1 || op == 4 || op == 6 ? LOGIC_DEF : ARITH;

    for ( unsigned int i = 0; i < RUNS; i++ )
    {
        uint64_t a = pick() & mask_of(bytes), b = pick(), upper = rnd();
        uint64_t in = random_flags(), host_fl = in, want, got;
        struct code c = { .n = 0 };

        emit_op(&c, bytes, op * 8 + (bytes == 1 ? 0 : 1), false);
        emit(&c, 0x0b);
        want = alu_host[op](bytes, a, b, &host_fl);
        if ( op == 7 )
            want = a;
        if ( !CHECK(run(&c, (upper & ~mask_of(bytes)) | a, b, in) ==
                    X86EMUL_OKAY) )
            return;
        got = env_peek(&fenv, MEM, 8);
        CHECK((got & ~mask_of(bytes)) == (upper & ~mask_of(bytes)));
        if ( !compare(names[op], bytes, a, b, got & mask_of(bytes), want,
                      fenv.regs.rflags, host_fl, in, defined, false) )
            return;
    }
}

/* 80, 81 and 83 /digit [rbx], imm. */
static void alu_imm(unsigned int op, unsigned int bytes)
{
    uint64_t defined = op == 1 || op == 4 || op == 6 ? LOGIC_DEF : ARITH;

    for ( unsigned int i = 0; i < RUNS / 4; i++ )
    {
        bool imm8 = bytes == 1 || rnd() & 1;
        unsigned int imm_bytes = imm8 ? 1 : bytes == 2 ? 2 : 4;
        uint64_t a = pick() & mask_of(bytes), imm = pick();
        uint64_t sx = imm8 ? (uint64_t)(int64_t)(int8_t)imm
                           : imm_bytes == 2 ? (uint64_t)(int64_t)(int16_t)imm
                                            : (uint64_t)(int64_t)(int32_t)imm;
        uint64_t in = random_flags(), host_fl = in, want;
        struct code c = { .n = 0 };

        emit_op(&c, bytes, bytes == 1 ? 0x80 : imm8 ? 0x83 : 0x81, false);
        emit(&c, 0x03 | (op << 3));
        emit_imm(&c, imm, imm_bytes);
        want = alu_host[op](bytes, a, sx, &host_fl);
        if ( op == 7 )
            want = a;
        if ( !CHECK(run(&c, a, 0, in) == X86EMUL_OKAY) ||
             !compare("alu imm", bytes, a, sx,
                      env_peek(&fenv, MEM, 8) & mask_of(bytes), want,
                      fenv.regs.rflags, host_fl, in, defined, false) )
            return;
    }
}

/* TEST 84/85 [rbx], rcx and F6/F7 /0 [rbx], imm. */
static void test_op(unsigned int bytes)
{
    for ( unsigned int i = 0; i < RUNS; i++ )
    {
        bool imm = rnd() & 1;
        uint64_t a = pick() & mask_of(bytes), b = pick();
        uint64_t in = random_flags(), host_fl = in;
        struct code c = { .n = 0 };

        emit_op(&c, bytes, (imm ? 0xf6 : 0x84) + (bytes > 1), false);
        emit(&c, 0x03 | (imm ? 0 : 0x08));
        if ( imm )
        {
            unsigned int n = bytes == 8 ? 4 : bytes;

            b = n == 4 && bytes == 8 ? (uint64_t)(int64_t)(int32_t)b
                                     : b & mask_of(n);
            emit_imm(&c, b, n);
        }
        host_test(bytes, a, b, &host_fl);
        if ( !CHECK(run(&c, a, b, in) == X86EMUL_OKAY) ||
             !compare("test", bytes, a, b, env_peek(&fenv, MEM, 8),
                      a, fenv.regs.rflags, host_fl, in, LOGIC_DEF, false) )
            return;
    }
}

/* FE/FF /0 /1 and F6/F7 /2 /3 on [rbx]. */
static void unary(unsigned int bytes)
{
    static const unop_fn host[4] = { host_inc, host_dec, host_not, host_neg };
    static const char *const names[4] = { "inc", "dec", "not", "neg" };

    for ( unsigned int i = 0; i < RUNS; i++ )
    {
        unsigned int op = rnd() % 4;
        uint64_t a = pick() & mask_of(bytes);
        uint64_t in = random_flags(), host_fl = in, want;
        struct code c = { .n = 0 };

        emit_op(&c, bytes, (op < 2 ? 0xfe : 0xf6) + (bytes > 1), false);
        emit(&c, 0x03 | (op << 3));
        want = host[op](bytes, a, &host_fl);
        if ( !CHECK(run(&c, a, 0, in) == X86EMUL_OKAY) ||
             !compare(names[op], bytes, a, 0,
                      env_peek(&fenv, MEM, 8) & mask_of(bytes), want,
                      fenv.regs.rflags, host_fl, in, op == 2 ? 0 : ARITH,
                      op == 2) )
            return;
    }
}

/*
 * BT/BTS/BTR/BTC [rbx], rcx with offsets reaching 64 bytes either way:
 * the word addressed and the bit must be the host's.
 */
static void bit_string(unsigned int bytes)
{
    static const bitop_fn host[4] = { host_bt, host_bts, host_btr, host_btc };
    static const uint8_t opcodes[4] = { 0xa3, 0xab, 0xb3, 0xbb };
    uint64_t host_buf[32];
    uint8_t *base = (uint8_t *)host_buf + 128;

    for ( unsigned int i = 0; i < RUNS; i++ )
    {
        unsigned int op = rnd() % 4;
        uint64_t off = (rnd() % 1024) - 512;
        uint64_t in = random_flags(), host_fl = in;
        struct code c = { .n = 0 };
        int rc;

        if ( bytes == 2 )
            off |= 0xabcd0000;  /* only the low 16 bits count */
        for ( unsigned int w = 0; w < 32; w++ )
            host_buf[w] = rnd();
        for ( unsigned int w = 0; w < 32; w++ )
            env_poke(&fenv, MEM - 128 + w * 8, host_buf[w], 8);
        emit_op(&c, bytes, opcodes[op], true);
        emit(&c, 0x0b);
        host[op](bytes, base, off, &host_fl);

        memset(&fenv.regs, 0, sizeof(fenv.regs));
        fenv.regs.rip = 0x1000;
        fenv.regs.rbx = MEM;
        fenv.regs.rcx = off;
        fenv.regs.rflags = in;
        env_code(&fenv, c.b, c.n);
        rc = env_run(&fenv);
        if ( !CHECK(rc == X86EMUL_OKAY) )
            return;
        for ( unsigned int w = 0; w < 32; w++ )
            if ( !CHECK_U64(env_peek(&fenv, MEM - 128 + w * 8, 8),
                            host_buf[w]) )
                return;
        if ( !compare("bt", bytes, off, 0, 0, 0, fenv.regs.rflags, host_fl,
                      in, X86_EFLAGS_CF, true) )
            return;
    }
}

/* CMPXCHG %rcx, %rdx: registers only, to see what is zero-extended. */
static void cmpxchg_regs(unsigned int bytes)
{
    for ( unsigned int i = 0; i < RUNS; i++ )
    {
        uint64_t acc = pick(), d = rnd() % 3 == 0 ? acc
                                   : rnd() & 1 ? acc ^ (rnd() << 32) : pick();
        uint64_t n = pick(), in = random_flags(), f = in;
        uint64_t h_acc = acc, h_d = d;
        struct code c = { .n = 0 };

        switch ( bytes )
        {
        case 1:
            asm volatile ( PRE "cmpxchgb %b[n], %b[d]" POST
                           : [d] "+q" (h_d), "+a" (h_acc), [f] "+r" (f)
                           : [n] "q" (n) : "cc" );
            break;
        case 2:
            asm volatile ( PRE "cmpxchgw %w[n], %w[d]" POST
                           : [d] "+r" (h_d), "+a" (h_acc), [f] "+r" (f)
                           : [n] "r" (n) : "cc" );
            break;
        case 4:
            asm volatile ( PRE "cmpxchgl %k[n], %k[d]" POST
                           : [d] "+r" (h_d), "+a" (h_acc), [f] "+r" (f)
                           : [n] "r" (n) : "cc" );
            break;
        default:
            asm volatile ( PRE "cmpxchgq %q[n], %q[d]" POST
                           : [d] "+r" (h_d), "+a" (h_acc), [f] "+r" (f)
                           : [n] "r" (n) : "cc" );
            break;
        }

        emit_op(&c, bytes, bytes == 1 ? 0xb0 : 0xb1, true);
        emit(&c, 0xca);                 /* cmpxchg %rcx, %rdx */
        memset(&fenv.regs, 0, sizeof(fenv.regs));
        fenv.regs.rip = 0x1000;
        fenv.regs.rax = acc;
        fenv.regs.rcx = n;
        fenv.regs.rdx = d;
        fenv.regs.rflags = in;
        env_code(&fenv, c.b, c.n);
        /*
         * A register destination is left alone when the comparison fails
         * (the host may be an Intel CPU, which zero-extends it).
         */
        if ( (acc ^ d) & mask_of(bytes) )
            h_d = d;
        if ( !CHECK(env_run(&fenv) == X86EMUL_OKAY) ||
             !CHECK_U64(fenv.regs.rax, h_acc) ||
             !CHECK_U64(fenv.regs.rdx, h_d) ||
             !compare("cmpxchg", bytes, acc, d, fenv.regs.rcx, n,
                      fenv.regs.rflags, f, in, ARITH, false) )
            return;
    }
}

void test_flags(void)
{
    env_init(&fenv, 64);
    env_map(&fenv, MEM - 128);
    env_map(&fenv, MEM);

    for ( unsigned int s = 0; s < 4; s++ )
    {
        for ( unsigned int op = 0; op < 8; op++ )
        {
            alu_rm_reg(op, sizes[s]);
            alu_imm(op, sizes[s]);
        }
        test_op(sizes[s]);
        unary(sizes[s]);
        cmpxchg_regs(sizes[s]);
        if ( sizes[s] > 1 )
            bit_string(sizes[s]);
    }
}
