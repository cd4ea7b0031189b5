/*
 * Instruction decoder: prefixes, opcode, ModRM/SIB addressing and
 * immediates.  Bytes come only from ops->insn_fetch, fetched as they are
 * needed so that nothing past the instruction is touched, and at most
 * X86_MAX_INSN_LEN of them: one more is a #GP, as on the CPU.
 */
#include <keel/lib.h>
#include "private.h"

/* Decode attributes of the emulated opcodes; without D_OK: not emulated. */
#define D_OK        0x001
#define D_MODRM     0x002
#define D_BYTE      0x004   /* 8-bit operands */
#define D_IMM8      0x008   /* imm8 */
#define D_IMMZ      0x010   /* imm16 or imm32, by operand size */
#define D_IMM_TEST  0x020   /* F6/F7: an immediate for TEST (/0 /1) only */
#define D_MOFFS     0x040   /* A0-A3: an offset of the address size */
#define D_NO64      0x080   /* #UD in 64-bit mode */
#define D_ONLY64    0x100   /* another instruction outside 64-bit mode */

#define ALU_ROW(op)                                                   \
    [(op) + 0] = D_OK | D_MODRM | D_BYTE, [(op) + 1] = D_OK | D_MODRM, \
    [(op) + 2] = D_OK | D_MODRM | D_BYTE, [(op) + 3] = D_OK | D_MODRM, \
    [(op) + 4] = D_OK | D_BYTE | D_IMM8,  [(op) + 5] = D_OK | D_IMMZ

static const uint16_t one_byte[256] = {
    ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),
    ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),
    [0x63] = D_OK | D_MODRM | D_ONLY64,                     /* movsxd */
    [0x80] = D_OK | D_MODRM | D_BYTE | D_IMM8,
    [0x81] = D_OK | D_MODRM | D_IMMZ,
    [0x82] = D_OK | D_MODRM | D_BYTE | D_IMM8 | D_NO64,     /* as 80 */
    [0x83] = D_OK | D_MODRM | D_IMM8,
    [0x84] = D_OK | D_MODRM | D_BYTE, [0x85] = D_OK | D_MODRM,  /* test */
    [0x86] = D_OK | D_MODRM | D_BYTE, [0x87] = D_OK | D_MODRM,  /* xchg */
    [0x88] = D_OK | D_MODRM | D_BYTE, [0x89] = D_OK | D_MODRM,  /* mov */
    [0x8a] = D_OK | D_MODRM | D_BYTE, [0x8b] = D_OK | D_MODRM,
    [0xa0] = D_OK | D_MOFFS | D_BYTE, [0xa1] = D_OK | D_MOFFS,
    [0xa2] = D_OK | D_MOFFS | D_BYTE, [0xa3] = D_OK | D_MOFFS,
    [0xa4] = D_OK | D_BYTE, [0xa5] = D_OK,                      /* movs */
    [0xaa] = D_OK | D_BYTE, [0xab] = D_OK,                      /* stos */
    [0xac] = D_OK | D_BYTE, [0xad] = D_OK,                      /* lods */
    [0xc6] = D_OK | D_MODRM | D_BYTE | D_IMM8,
    [0xc7] = D_OK | D_MODRM | D_IMMZ,
    [0xf6] = D_OK | D_MODRM | D_BYTE | D_IMM_TEST,
    [0xf7] = D_OK | D_MODRM | D_IMM_TEST,
    [0xfe] = D_OK | D_MODRM | D_BYTE,
    [0xff] = D_OK | D_MODRM,
};

static const uint16_t two_byte[256] = {
    [0xa3] = D_OK | D_MODRM,                                    /* bt */
    [0xab] = D_OK | D_MODRM,                                    /* bts */
    [0xb0] = D_OK | D_MODRM | D_BYTE, [0xb1] = D_OK | D_MODRM,  /* cmpxchg */
    [0xb3] = D_OK | D_MODRM,                                    /* btr */
    [0xb6] = D_OK | D_MODRM, [0xb7] = D_OK | D_MODRM,           /* movzx */
    [0xba] = D_OK | D_MODRM | D_IMM8,                           /* bt* imm */
    [0xbb] = D_OK | D_MODRM,                                    /* btc */
    [0xbe] = D_OK | D_MODRM, [0xbf] = D_OK | D_MODRM,           /* movsx */
};

/* Legacy prefixes that only the decoder needs. */
struct prefixes {
    bool opsize, adsize;
    int seg;                        /* enum x86_seg, or -1 */
};

/* Outside 64-bit mode linear addresses wrap at 4 GiB. */
static uint64_t linear_mask(const struct x86_emul_state *s)
{
    return s->mode64 ? ~0ULL : 0xffffffffULL;
}

/*
 * Fetch the next `bytes` instruction bytes into c->insn_bytes and return
 * them little-endian in *val.  A piece that would wrap rip or the linear
 * address space is fetched in two calls.
 */
static int fetch(struct x86_emul_state *s, unsigned int bytes, uint64_t *val)
{
    struct x86_emulate_ctxt *c = s->c;
    unsigned int start = c->insn_len, end = start + bytes;
    uint64_t v = 0;

    if ( end > X86_MAX_INSN_LEN )
        return x86_emul_fault_ec(c, X86_EXC_GP, 0);

    while ( c->insn_len < end )
    {
        uint64_t ip = (c->regs->rip + c->insn_len) & s->ip_mask;
        uint64_t lin = s->mode64 ? ip : (c->seg_base[x86_seg_cs] + ip) &
                                        linear_mask(s);
        uint64_t room = min(s->ip_mask - ip, linear_mask(s) - lin);
        unsigned int n = end - c->insn_len;
        int rc;

        if ( room < n - 1 )
            n = room + 1;
        if ( s->mode64 && (!is_canonical(lin) || !is_canonical(lin + n - 1)) )
            return x86_emul_fault_ec(c, X86_EXC_GP, 0);
        rc = s->ops->insn_fetch(c, lin, &c->insn_bytes[c->insn_len], n);
        if ( rc != X86EMUL_OKAY )
            return rc;
        c->insn_len += n;
    }

    while ( end-- > start )
        v = (v << 8) | c->insn_bytes[end];
    *val = v;

    return X86EMUL_OKAY;
}

/* Sign-extended displacement or immediate. */
static int fetch_signed(struct x86_emul_state *s, unsigned int bytes,
                        uint64_t *val)
{
    int rc = fetch(s, bytes, val);

    if ( rc == X86EMUL_OKAY )
        *val = sign_extend(*val, bytes);

    return rc;
}

static bool mode_valid(const struct x86_emulate_ctxt *c)
{
    if ( c->long_mode )
        return c->addr_size == 64 && c->op_default == 32;

    return (c->addr_size == 16 || c->addr_size == 32) &&
           (c->op_default == 16 || c->op_default == 32);
}

static bool legacy_prefix(struct x86_emul_state *s, struct prefixes *p,
                          uint8_t b)
{
    switch ( b )
    {
    case 0x66:
        p->opsize = true;
        break;
    case 0x67:
        p->adsize = true;
        break;
    case 0x26: case 0x2e: case 0x36: case 0x3e:
        /* ES, CS, SS, DS: ignored in 64-bit mode, where their base is 0. */
        if ( !s->mode64 )
            p->seg = (b >> 3) & 3;
        break;
    case 0x64: case 0x65:
        p->seg = x86_seg_fs + (b - 0x64);
        break;
    case 0xf0:
        s->lock = true;
        break;
    case 0xf2: case 0xf3:
        s->rep = b;
        break;
    default:
        return false;
    }

    return true;
}

/* Consume the prefixes; *op gets the first opcode byte. */
static int decode_prefixes(struct x86_emul_state *s, struct prefixes *p,
                           uint8_t *op)
{
    uint64_t b;
    int rc;

    for ( ; ; )
    {
        rc = fetch(s, 1, &b);
        if ( rc != X86EMUL_OKAY )
            return rc;
        if ( s->mode64 && (b & 0xf0) == 0x40 )
            s->rex = b;
        else if ( legacy_prefix(s, p, b) )
            s->rex = 0;             /* REX counts only before the opcode */
        else
            break;
    }
    *op = b;

    return X86EMUL_OKAY;
}

/* 16-bit addressing: rm picks base + index; bp-based forms use SS. */
#define NO_REG 0xff
static const uint8_t ea16_base[8]  = { 3, 3, 5, 5, 6, 7, 5, 3 };
static const uint8_t ea16_index[8] = { 6, 7, 6, 7, NO_REG, NO_REG,
                                       NO_REG, NO_REG };

static int decode_ea16(struct x86_emul_state *s, unsigned int rm)
{
    const uint64_t *gpr = s->c->regs->gpr;
    uint64_t ea = 0, disp = 0;
    int rc = X86EMUL_OKAY;

    if ( s->modrm_mod == 0 && rm == 6 )
        rc = fetch(s, 2, &disp);
    else
    {
        ea = gpr[ea16_base[rm]];
        if ( ea16_index[rm] != NO_REG )
            ea += gpr[ea16_index[rm]];
        if ( ea16_base[rm] == 5 )
            s->seg = x86_seg_ss;
        if ( s->modrm_mod == 1 )
            rc = fetch_signed(s, 1, &disp);
        else if ( s->modrm_mod == 2 )
            rc = fetch(s, 2, &disp);
    }
    s->ea = (ea + disp) & 0xffff;

    return rc;
}

/*
 * 32/64-bit addressing.  rm 4 brings a SIB byte; base 5 with mod 0 means
 * disp32 and no base, which in 64-bit mode is relative to the next rip
 * when it is not in a SIB (*rip_rel: the caller adds it once known).
 */
static int decode_ea(struct x86_emul_state *s, unsigned int rm,
                     bool *rip_rel)
{
    const uint64_t *gpr = s->c->regs->gpr;
    unsigned int base = s->modrm_rm, disp_bytes = 0;
    bool has_base = true;
    uint64_t ea = 0, disp = 0, sib;
    int rc;

    if ( rm == 4 )
    {
        unsigned int index;

        rc = fetch(s, 1, &sib);
        if ( rc != X86EMUL_OKAY )
            return rc;
        index = ((sib >> 3) & 7) | (s->rex & REX_X ? 8 : 0);
        if ( index != 4 )
            ea = gpr[index] << (sib >> 6);
        base = (sib & 7) | (s->rex & REX_B ? 8 : 0);
        has_base = (sib & 7) != 5 || s->modrm_mod != 0;
    }
    else if ( rm == 5 && s->modrm_mod == 0 )
    {
        has_base = false;
        *rip_rel = s->mode64;
    }

    if ( has_base )
    {
        ea += gpr[base];
        if ( base == 4 || base == 5 )
            s->seg = x86_seg_ss;
    }
    if ( s->modrm_mod == 1 )
        disp_bytes = 1;
    else if ( s->modrm_mod == 2 || !has_base )
        disp_bytes = 4;
    if ( disp_bytes )
    {
        rc = fetch_signed(s, disp_bytes, &disp);
        if ( rc != X86EMUL_OKAY )
            return rc;
    }
    s->ea = (ea + disp) & size_mask(s->ad_bytes);

    return X86EMUL_OKAY;
}

static int decode_modrm(struct x86_emul_state *s, bool *rip_rel)
{
    uint64_t modrm;
    int rc;

    rc = fetch(s, 1, &modrm);
    if ( rc != X86EMUL_OKAY )
        return rc;
    s->modrm_mod = modrm >> 6;
    s->modrm_reg = ((modrm >> 3) & 7) | (s->rex & REX_R ? 8 : 0);
    s->modrm_rm = (modrm & 7) | (s->rex & REX_B ? 8 : 0);
    if ( s->modrm_mod == 3 )
        return X86EMUL_OKAY;

    s->mem = true;
    if ( s->ad_bytes == 2 )
        return decode_ea16(s, modrm & 7);

    return decode_ea(s, modrm & 7, rip_rel);
}

static unsigned int imm_bytes(const struct x86_emul_state *s,
                              unsigned int attr)
{
    if ( (attr & D_IMM_TEST) && (s->modrm_reg & 7) < 2 )
        attr |= s->op_bytes == 1 ? D_IMM8 : D_IMMZ;
    if ( attr & D_IMM8 )
        return 1;
    if ( attr & D_IMMZ )
        return s->op_bytes == 2 ? 2 : 4;
    if ( attr & D_MOFFS )
        return s->ad_bytes;

    return 0;
}

static int decode_opcode(struct x86_emul_state *s, uint8_t b,
                         unsigned int *attr)
{
    uint64_t b2;
    int rc;

    if ( b != 0x0f )
    {
        s->opcode = b;
        *attr = one_byte[b];
    }
    else
    {
        rc = fetch(s, 1, &b2);
        if ( rc != X86EMUL_OKAY )
            return rc;
        s->opcode = 0x0f00 | b2;
        *attr = two_byte[b2];
    }
    s->c->opcode = s->opcode;

    if ( !(*attr & D_OK) || ((*attr & D_ONLY64) && !s->mode64) )
        return X86EMUL_UNHANDLEABLE;
    if ( (*attr & D_NO64) && s->mode64 )
        return x86_emul_fault(s->c, X86_EXC_UD);

    return X86EMUL_OKAY;
}

static void set_sizes(struct x86_emul_state *s, const struct prefixes *p,
                      unsigned int attr)
{
    const struct x86_emulate_ctxt *c = s->c;

    if ( s->mode64 )
    {
        s->op_bytes = s->rex & REX_W ? 8 : p->opsize ? 2 : 4;
        s->ad_bytes = p->adsize ? 4 : 8;
    }
    else
    {
        s->op_bytes = (c->op_default == 32) != p->opsize ? 4 : 2;
        s->ad_bytes = (c->addr_size == 32) != p->adsize ? 4 : 2;
    }
    if ( attr & D_BYTE )
        s->op_bytes = 1;
}

int x86_decode(struct x86_emul_state *s)
{
    struct x86_emulate_ctxt *c = s->c;
    struct prefixes p = { .seg = -1 };
    bool rip_rel = false;
    unsigned int attr, n;
    uint64_t imm;
    uint8_t b;
    int rc;

    if ( !mode_valid(c) )
        return X86EMUL_UNHANDLEABLE;
    s->mode64 = c->long_mode;
    s->ip_mask = s->mode64 ? ~0ULL : size_mask(c->op_default / 8);
    s->seg = x86_seg_ds;

    rc = decode_prefixes(s, &p, &b);
    if ( rc == X86EMUL_OKAY )
        rc = decode_opcode(s, b, &attr);
    if ( rc != X86EMUL_OKAY )
        return rc;
    set_sizes(s, &p, attr);

    if ( attr & D_MODRM )
    {
        rc = decode_modrm(s, &rip_rel);
        if ( rc != X86EMUL_OKAY )
            return rc;
    }

    n = imm_bytes(s, attr);
    if ( n )
    {
        rc = (attr & D_MOFFS) ? fetch(s, n, &imm) : fetch_signed(s, n, &imm);
        if ( rc != X86EMUL_OKAY )
            return rc;
        s->imm = imm;
    }
    if ( attr & D_MOFFS )
    {
        s->mem = true;
        s->ea = s->imm;
    }

    s->next_rip = (c->regs->rip + c->insn_len) & s->ip_mask;
    if ( rip_rel )
        s->ea = (s->ea + s->next_rip) & size_mask(s->ad_bytes);
    if ( p.seg >= 0 )
        s->seg = p.seg;

    return X86EMUL_OKAY;
}
