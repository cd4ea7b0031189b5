/*
 * Executes what decode.c decoded.  Memory is reached only through the
 * caller's ops, with the access size of the instruction and in the CPU's
 * order: a read-modify-write reads before it writes, MOVS reads the source
 * before writing the destination.  Registers and flags are written after
 * the last access that may fail, so that a failed instruction leaves them
 * as they were (REP string progress apart, see x86_emulate.h).
 *
 * LOCKed instructions are not atomic with respect to other vCPUs: each
 * access is a separate call of the ops.
 */
#include <keel/lib.h>
#include "private.h"

#define REG_RAX 0
#define REG_RCX 1
#define REG_RSI 6
#define REG_RDI 7

/* A register or memory operand. */
struct operand {
    unsigned int bytes;
    bool mem;
    enum x86_seg seg;               /* mem */
    uint64_t ea;                    /* mem */
    unsigned int reg;               /* !mem */
    bool high_byte;                 /* !mem: AH, CH, DH or BH */
};

static int ud(struct x86_emul_state *s)
{
    return x86_emul_fault(s->c, X86_EXC_UD);
}

static struct operand reg_operand(const struct x86_emul_state *s,
                                  unsigned int reg, unsigned int bytes)
{
    struct operand op = { .bytes = bytes, .reg = reg };

    /* Without a REX prefix, byte registers 4-7 are AH, CH, DH and BH. */
    if ( bytes == 1 && !s->rex && reg >= 4 && reg < 8 )
    {
        op.reg = reg - 4;
        op.high_byte = true;
    }

    return op;
}

/* The ModRM r/m operand (or the moffs of A0-A3). */
static struct operand rm_operand(const struct x86_emul_state *s,
                                 unsigned int bytes)
{
    struct operand op = {
        .bytes = bytes, .mem = true, .seg = s->seg, .ea = s->ea,
    };

    return s->mem ? op : reg_operand(s, s->modrm_rm, bytes);
}

/*
 * seg:ea to a linear address.  Segment limits are not checked: the CPU
 * checked them before the fault that brought us here.  Accesses that wrap
 * around the top of the address space are not emulated.
 */
static int linear(struct x86_emul_state *s, enum x86_seg seg, uint64_t ea,
                  unsigned int bytes, uint64_t *lin)
{
    const uint64_t *base = s->c->seg_base;
    uint64_t first, last;

    if ( s->mode64 )
    {
        first = ea;
        if ( seg == x86_seg_fs || seg == x86_seg_gs )
            first += base[seg];
        last = first + bytes - 1;
        if ( last < first )
            return X86EMUL_UNHANDLEABLE;
        if ( !is_canonical(first) || !is_canonical(last) )
            return x86_emul_fault_ec(s->c, seg == x86_seg_ss ? X86_EXC_SS
                                                             : X86_EXC_GP, 0);
    }
    else
    {
        first = (base[seg] + ea) & 0xffffffffULL;
        last = first + bytes - 1;
        if ( last > 0xffffffffULL )
            return X86EMUL_UNHANDLEABLE;
    }
    *lin = first;

    return X86EMUL_OKAY;
}

static int mem_read(struct x86_emul_state *s, enum x86_seg seg, uint64_t ea,
                    unsigned int bytes, uint64_t *val)
{
    uint8_t buf[8];
    uint64_t lin, v = 0;
    int rc;

    rc = linear(s, seg, ea, bytes, &lin);
    if ( rc == X86EMUL_OKAY )
        rc = s->ops->read(s->c, seg, lin, buf, bytes);
    if ( rc != X86EMUL_OKAY )
        return rc;
    while ( bytes-- )
        v = (v << 8) | buf[bytes];
    *val = v;

    return X86EMUL_OKAY;
}

static int mem_write(struct x86_emul_state *s, enum x86_seg seg, uint64_t ea,
                     unsigned int bytes, uint64_t val)
{
    uint8_t buf[8];
    uint64_t lin;
    unsigned int i;
    int rc;

    rc = linear(s, seg, ea, bytes, &lin);
    if ( rc != X86EMUL_OKAY )
        return rc;
    for ( i = 0; i < bytes; i++, val >>= 8 )
        buf[i] = val;

    return s->ops->write(s->c, seg, lin, buf, bytes);
}

static uint64_t read_reg(const struct x86_emul_state *s,
                         const struct operand *op)
{
    uint64_t r = s->c->regs->gpr[op->reg];

    return (op->high_byte ? r >> 8 : r) & size_mask(op->bytes);
}

static int read_op(struct x86_emul_state *s, const struct operand *op,
                   uint64_t *val)
{
    if ( op->mem )
        return mem_read(s, op->seg, op->ea, op->bytes, val);
    *val = read_reg(s, op);

    return X86EMUL_OKAY;
}

static void write_reg(struct x86_emul_state *s, const struct operand *op,
                      uint64_t val)
{
    uint64_t *r = &s->c->regs->gpr[op->reg];

    switch ( op->bytes )
    {
    case 1:
        if ( op->high_byte )
            *r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
        else
            *r = (*r & ~0xffULL) | (val & 0xff);
        break;
    case 2:
        *r = (*r & ~0xffffULL) | (val & 0xffff);
        break;
    case 4:
        *r = (uint32_t)val;         /* 32-bit results zero-extend */
        break;
    default:
        *r = val;
        break;
    }
}

static int write_op(struct x86_emul_state *s, const struct operand *op,
                    uint64_t val)
{
    if ( op->mem )
        return mem_write(s, op->seg, op->ea, op->bytes, val);
    write_reg(s, op, val);

    return X86EMUL_OKAY;
}

/* rSI, rDI, rCX as wide as the address size. */
static void set_addr_reg(struct x86_emul_state *s, unsigned int reg,
                         uint64_t val)
{
    struct operand op = { .bytes = s->ad_bytes, .reg = reg };

    write_reg(s, &op, val);
}

static void set_arith_flags(struct x86_emul_state *s, uint64_t flags)
{
    uint64_t *rflags = &s->c->regs->rflags;

    *rflags = (*rflags & ~(uint64_t)X86_EFLAGS_ARITH) |
              (flags & X86_EFLAGS_ARITH);
}

/* 00-3D: forms 0/1 r/m op= reg, 2/3 reg op= r/m, 4/5 acc op= imm; 80-83. */
static int exec_alu(struct x86_emul_state *s)
{
    unsigned int bytes = s->op_bytes;
    struct operand dst, src;
    uint64_t a, b = s->imm, r, flags = s->c->regs->rflags;
    enum alu_op op;
    int rc = X86EMUL_OKAY;

    if ( s->opcode >= 0x80 )
    {
        op = s->modrm_reg & 7;
        dst = rm_operand(s, bytes);
    }
    else
    {
        op = s->opcode >> 3;
        switch ( s->opcode & 7 )
        {
        case 0: case 1:
            dst = rm_operand(s, bytes);
            src = reg_operand(s, s->modrm_reg, bytes);
            b = read_reg(s, &src);
            break;
        case 2: case 3:
            dst = reg_operand(s, s->modrm_reg, bytes);
            src = rm_operand(s, bytes);
            rc = read_op(s, &src, &b);
            break;
        default:
            dst = reg_operand(s, REG_RAX, bytes);
            break;
        }
    }
    if ( rc == X86EMUL_OKAY )
        rc = read_op(s, &dst, &a);
    if ( rc != X86EMUL_OKAY )
        return rc;

    r = x86_alu(op, a, b, bytes, &flags);
    if ( op != ALU_CMP )
        rc = write_op(s, &dst, r);
    if ( rc == X86EMUL_OKAY )
        set_arith_flags(s, flags);

    return rc;
}

/* 84/85 r/m & reg; F6/F7 /0 (and its alias /1) r/m & imm. */
static int exec_test(struct x86_emul_state *s)
{
    struct operand dst = rm_operand(s, s->op_bytes);
    struct operand src = reg_operand(s, s->modrm_reg, s->op_bytes);
    uint64_t a, b = s->imm, flags = s->c->regs->rflags;
    int rc;

    if ( s->opcode == 0x84 || s->opcode == 0x85 )
        b = read_reg(s, &src);
    rc = read_op(s, &dst, &a);
    if ( rc != X86EMUL_OKAY )
        return rc;

    x86_alu(ALU_AND, a, b, s->op_bytes, &flags);
    set_arith_flags(s, flags);

    return X86EMUL_OKAY;
}

static int exec_xchg(struct x86_emul_state *s)
{
    struct operand rm = rm_operand(s, s->op_bytes);
    struct operand reg = reg_operand(s, s->modrm_reg, s->op_bytes);
    uint64_t a, b;
    int rc;

    b = read_reg(s, &reg);
    rc = read_op(s, &rm, &a);
    if ( rc == X86EMUL_OKAY )
        rc = write_op(s, &rm, b);
    if ( rc == X86EMUL_OKAY )
        write_reg(s, &reg, a);

    return rc;
}

static int move(struct x86_emul_state *s, const struct operand *dst,
                const struct operand *src)
{
    uint64_t v;
    int rc = read_op(s, src, &v);

    return rc == X86EMUL_OKAY ? write_op(s, dst, v) : rc;
}

/* 88-8B, A0-A3 (moffs with the accumulator), C6/C7 /0. */
static int exec_mov(struct x86_emul_state *s)
{
    bool moffs = s->opcode >= 0xa0 && s->opcode <= 0xa3;
    struct operand rm = rm_operand(s, s->op_bytes);
    struct operand reg = reg_operand(s, moffs ? REG_RAX : s->modrm_reg,
                                     s->op_bytes);

    switch ( s->opcode )
    {
    case 0x88: case 0x89: case 0xa2: case 0xa3:
        return move(s, &rm, &reg);
    case 0x8a: case 0x8b: case 0xa0: case 0xa1:
        return move(s, &reg, &rm);
    default:
        return write_op(s, &rm, s->imm);
    }
}

/* MOVZX 0F B6/B7, MOVSX 0F BE/BF, MOVSXD 63. */
static int exec_movx(struct x86_emul_state *s)
{
    unsigned int src_bytes = min(s->op_bytes, 4U);
    struct operand dst = reg_operand(s, s->modrm_reg, s->op_bytes), src;
    uint64_t v;
    int rc;

    if ( s->opcode != 0x63 )
        src_bytes = s->opcode & 1 ? 2 : 1;
    src = rm_operand(s, src_bytes);
    rc = read_op(s, &src, &v);
    if ( rc != X86EMUL_OKAY )
        return rc;
    if ( s->opcode == 0x63 || s->opcode >= 0x0fbe )
        v = sign_extend(v, src_bytes);
    write_reg(s, &dst, v);

    return X86EMUL_OKAY;
}

/* FE/FF /0 INC, /1 DEC; F6/F7 /2 NOT, /3 NEG. */
static int exec_unary(struct x86_emul_state *s)
{
    static const enum alu_op alu_ops[4] = {
        ALU_INC, ALU_DEC, ALU_XOR, ALU_NEG,
    };
    unsigned int sub = s->modrm_reg & 3;
    struct operand dst = rm_operand(s, s->op_bytes);
    uint64_t a, r, flags = s->c->regs->rflags;
    int rc;

    rc = read_op(s, &dst, &a);
    if ( rc != X86EMUL_OKAY )
        return rc;

    /* NOT is an XOR with all ones whose flags are thrown away. */
    r = x86_alu(alu_ops[sub], a, ~0ULL, s->op_bytes, &flags);
    rc = write_op(s, &dst, r);
    if ( rc == X86EMUL_OKAY && sub != 2 )
        set_arith_flags(s, flags);

    return rc;
}

/*
 * Byte offset, from the operand's address, of the operand-sized word that
 * holds bit `off` (signed, operand-sized) of a bit string in memory.
 */
static uint64_t bit_string_offset(uint64_t off, unsigned int bytes)
{
    unsigned int shift = bytes == 2 ? 4 : bytes == 4 ? 5 : 6;
    uint64_t soff = sign_extend(off, bytes), word;

    /* Floor division: an arithmetic shift without signed types. */
    word = soff >> 63 ? ~(~soff >> shift) : soff >> shift;

    return word * bytes;
}

/* BT/BTS/BTR/BTC: 0F A3/AB/B3/BB with a register bit offset, 0F BA /4-/7. */
static int exec_bt(struct x86_emul_state *s)
{
    unsigned int bytes = s->op_bytes, sub = s->modrm_reg & 7;
    struct operand dst = rm_operand(s, bytes);
    uint64_t off = s->imm, v, bit;
    int rc;

    if ( s->opcode != 0x0fba )
    {
        struct operand src = reg_operand(s, s->modrm_reg, bytes);

        sub = 4 + ((s->opcode >> 3) & 3);
        off = read_reg(s, &src);
        if ( dst.mem )
            dst.ea = (dst.ea + bit_string_offset(off, bytes)) &
                     size_mask(s->ad_bytes);
    }
    bit = 1ULL << (off & (bytes * 8 - 1));

    rc = read_op(s, &dst, &v);
    if ( rc != X86EMUL_OKAY )
        return rc;
    switch ( sub )
    {
    case 5:
        rc = write_op(s, &dst, v | bit);
        break;
    case 6:
        rc = write_op(s, &dst, v & ~bit);
        break;
    case 7:
        rc = write_op(s, &dst, v ^ bit);
        break;
    }
    /* Only CF is defined; the other flags are left alone. */
    if ( rc == X86EMUL_OKAY )
        s->c->regs->rflags = (s->c->regs->rflags & ~(uint64_t)X86_EFLAGS_CF) |
                             (v & bit ? X86_EFLAGS_CF : 0);

    return rc;
}

/*
 * CMPXCHG 0F B0/B1.  As the SDM says, a memory destination is written even
 * when the comparison fails (with its own value).  A register destination
 * is then left alone, as AMD CPUs do (the SDM's pseudo-code would
 * zero-extend a 32-bit one).  The accumulator is loaded only on failure.
 */
static int exec_cmpxchg(struct x86_emul_state *s)
{
    unsigned int bytes = s->op_bytes;
    struct operand dst = rm_operand(s, bytes);
    struct operand src = reg_operand(s, s->modrm_reg, bytes);
    struct operand acc = reg_operand(s, REG_RAX, bytes);
    uint64_t a, d, n, flags = s->c->regs->rflags;
    int rc;

    n = read_reg(s, &src);
    a = read_reg(s, &acc);
    rc = read_op(s, &dst, &d);
    if ( rc != X86EMUL_OKAY )
        return rc;

    x86_alu(ALU_CMP, a, d, bytes, &flags);
    if ( a == d || dst.mem )
        rc = write_op(s, &dst, a == d ? n : d);
    if ( rc != X86EMUL_OKAY )
        return rc;
    if ( a != d )
        write_reg(s, &acc, d);
    set_arith_flags(s, flags);

    return X86EMUL_OKAY;
}

/* One iteration of MOVS, STOS or LODS; step is +-size by DF. */
static int string_step(struct x86_emul_state *s, uint64_t step)
{
    struct x86_emul_regs *regs = s->c->regs;
    struct operand acc = reg_operand(s, REG_RAX, s->op_bytes);
    uint64_t mask = size_mask(s->ad_bytes), v;
    int rc;

    switch ( s->opcode )
    {
    case 0xa4: case 0xa5:
        rc = mem_read(s, s->seg, regs->rsi & mask, s->op_bytes, &v);
        if ( rc == X86EMUL_OKAY )
            rc = mem_write(s, x86_seg_es, regs->rdi & mask, s->op_bytes, v);
        break;
    case 0xaa: case 0xab:
        rc = mem_write(s, x86_seg_es, regs->rdi & mask, s->op_bytes,
                       read_reg(s, &acc));
        break;
    default:
        rc = mem_read(s, s->seg, regs->rsi & mask, s->op_bytes, &v);
        if ( rc == X86EMUL_OKAY )
            write_reg(s, &acc, v);
        break;
    }
    if ( rc != X86EMUL_OKAY )
        return rc;

    if ( s->opcode != 0xaa && s->opcode != 0xab )
        set_addr_reg(s, REG_RSI, regs->rsi + step);
    if ( s->opcode != 0xac && s->opcode != 0xad )
        set_addr_reg(s, REG_RDI, regs->rdi + step);

    return X86EMUL_OKAY;
}

/*
 * With REP (F3, or F2, which these instructions treat alike), at most
 * X86EMUL_REP_BATCH iterations per call; rCX counts the rest.
 */
static int exec_string(struct x86_emul_state *s)
{
    struct x86_emul_regs *regs = s->c->regs;
    uint64_t count = s->rep ? regs->rcx & size_mask(s->ad_bytes) : 1;
    uint64_t step = regs->rflags & X86_EFLAGS_DF ? -(uint64_t)s->op_bytes
                                                 : s->op_bytes;
    unsigned int i;
    int rc;

    for ( i = 0; count && i < X86EMUL_REP_BATCH; i++ )
    {
        rc = string_step(s, step);
        if ( rc != X86EMUL_OKAY )
            return rc;
        count--;
        if ( s->rep )
            set_addr_reg(s, REG_RCX, count);
    }

    return count ? X86EMUL_RETRY : X86EMUL_OKAY;
}

/* LOCK is for read-modify-write instructions with a memory destination. */
static bool lock_allowed(const struct x86_emul_state *s)
{
    unsigned int sub = s->modrm_reg & 7;

    if ( !s->mem )
        return false;

    switch ( s->opcode )
    {
    case 0x00 ... 0x3f:
        return (s->opcode & 7) <= 1 && s->opcode < 0x38;
    case 0x80 ... 0x83:
        return sub != 7;
    case 0x86: case 0x87:
    case 0x0fab: case 0x0fb3: case 0x0fbb:
    case 0x0fb0: case 0x0fb1:
        return true;
    case 0xf6: case 0xf7:
        return sub == 2 || sub == 3;
    case 0xfe: case 0xff:
        return sub <= 1;
    case 0x0fba:
        return sub >= 5;
    }

    return false;
}

static int execute(struct x86_emul_state *s)
{
    unsigned int sub = s->modrm_reg & 7;

    switch ( s->opcode )
    {
    case 0x00 ... 0x3f:             /* only forms 0-5 get past the decoder */
    case 0x80 ... 0x83:
        return exec_alu(s);
    case 0x84: case 0x85:
        return exec_test(s);
    case 0x86: case 0x87:
        return exec_xchg(s);
    case 0x88 ... 0x8b:
    case 0xa0 ... 0xa3:
        return exec_mov(s);
    case 0xc6: case 0xc7:
        if ( sub == 0 )
            return exec_mov(s);
        /* /7 is XABORT or XBEGIN; the others are undefined. */
        return sub == 7 ? X86EMUL_UNHANDLEABLE : ud(s);
    case 0x63:
    case 0x0fb6: case 0x0fb7: case 0x0fbe: case 0x0fbf:
        return exec_movx(s);
    case 0xa4: case 0xa5: case 0xaa ... 0xad:
        return exec_string(s);
    case 0xf6: case 0xf7:
        if ( sub <= 1 )
            return exec_test(s);
        /* /4-/7: MUL, IMUL, DIV, IDIV. */
        return sub <= 3 ? exec_unary(s) : X86EMUL_UNHANDLEABLE;
    case 0xfe: case 0xff:
        if ( sub <= 1 )
            return exec_unary(s);
        /* FF /2-/6: CALL, JMP, PUSH; the others are undefined. */
        return s->opcode == 0xff && sub != 7 ? X86EMUL_UNHANDLEABLE : ud(s);
    case 0x0fa3: case 0x0fab: case 0x0fb3: case 0x0fbb:
        return exec_bt(s);
    case 0x0fba:
        return sub >= 4 ? exec_bt(s) : ud(s);
    case 0x0fb0: case 0x0fb1:
        return exec_cmpxchg(s);
    }

    return X86EMUL_UNHANDLEABLE;
}

int x86_emulate(struct x86_emulate_ctxt *c, const struct x86_emulate_ops *ops)
{
    struct x86_emul_state s = { .c = c, .ops = ops };
    int rc;

    c->insn_len = 0;
    c->opcode = 0;

    rc = x86_decode(&s);
    if ( rc == X86EMUL_OKAY && s.lock && !lock_allowed(&s) )
        rc = ud(&s);
    if ( rc == X86EMUL_OKAY )
        rc = execute(&s);
    if ( rc == X86EMUL_OKAY )
        c->regs->rip = s.next_rip;

    return rc;
}
