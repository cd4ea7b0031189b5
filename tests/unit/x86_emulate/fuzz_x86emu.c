/*
 * Fuzz target of the x86 emulator (libFuzzer, or fuzz_smoke.c without it).
 *
 * Input: a control byte, up to 15 instruction bytes, then the registers
 * (8 bytes each, rax..r15, missing ones 0).  The control byte picks the
 * mode, DF, segment bases and which accesses fail.  Memory reads return
 * bytes derived from the address.  Any broken promise of x86_emulate.h
 * aborts: access sizes, instruction length, return codes, rip, registers
 * left alone on failure, non-arithmetic flags, a bounded number of accesses.
 */
#include <asm/x86_emulate.h>

#include <stdlib.h>
#include <string.h>

#define INSN_BYTES 15
#define MAX_ACCESSES (2 * X86EMUL_REP_BATCH)

struct fuzz_env {
    struct x86_emul_regs regs;
    struct x86_emulate_ctxt ctxt;
    uint8_t insn[INSN_BYTES];
    unsigned int insn_len;
    unsigned int fetched, accesses;
    uint8_t fail;                   /* 1: reads, 2: writes, 3: unhandleable */
};

static void check(bool ok)
{
    if ( !ok )
        abort();
}

static bool valid_size(unsigned int bytes)
{
    return bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
}

/* Some addresses fail, so that faults happen in the middle of things. */
static int access_fails(struct fuzz_env *f, uint64_t lin, uint8_t kind)
{
    if ( f->fail != kind && f->fail != 3 )
        return X86EMUL_OKAY;
    if ( ((lin >> 2) & 7) != 0 )
        return X86EMUL_OKAY;
    if ( f->fail == 3 )
        return X86EMUL_UNHANDLEABLE;

    return x86_emul_fault_ec(&f->ctxt, X86_EXC_PF, kind == 2 ? 2 : 0);
}

static int fuzz_read(struct x86_emulate_ctxt *c, enum x86_seg seg,
                     uint64_t lin, void *buf, unsigned int bytes)
{
    struct fuzz_env *f = c->ctx;

    check(valid_size(bytes) && seg <= x86_seg_gs);
    check(++f->accesses <= MAX_ACCESSES);
    for ( unsigned int i = 0; i < bytes; i++ )
        ((uint8_t *)buf)[i] = (lin + i) * 0x9e3779b97f4a7c15ULL >> 56;

    return access_fails(f, lin, 1);
}

static int fuzz_write(struct x86_emulate_ctxt *c, enum x86_seg seg,
                      uint64_t lin, const void *buf, unsigned int bytes)
{
    struct fuzz_env *f = c->ctx;
    volatile uint8_t sink = 0;

    check(valid_size(bytes) && seg <= x86_seg_gs);
    check(++f->accesses <= MAX_ACCESSES);
    for ( unsigned int i = 0; i < bytes; i++ )
        sink ^= ((const uint8_t *)buf)[i];    /* ASan: buf is readable */
    (void)sink;

    return access_fails(f, lin, 2);
}

/* Bytes are handed out in order; the emulator never fetches twice. */
static int fuzz_fetch(struct x86_emulate_ctxt *c, uint64_t lin, void *buf,
                      unsigned int bytes)
{
    struct fuzz_env *f = c->ctx;

    (void)lin;
    check(bytes >= 1 && bytes <= 8);
    check(f->fetched + bytes <= X86_MAX_INSN_LEN);
    if ( f->fetched + bytes > f->insn_len )
        return x86_emul_fault_ec(c, X86_EXC_PF, 0x10);
    memcpy(buf, f->insn + f->fetched, bytes);
    f->fetched += bytes;

    return X86EMUL_OKAY;
}

static const struct x86_emulate_ops fuzz_ops = {
    .read = fuzz_read,
    .write = fuzz_write,
    .insn_fetch = fuzz_fetch,
};

static bool is_string_op(unsigned int opcode)
{
    return opcode == 0xa4 || opcode == 0xa5 ||
           (opcode >= 0xaa && opcode <= 0xad);
}

static void setup(struct fuzz_env *f, const uint8_t *data, size_t size)
{
    static const unsigned int modes[4] = { 64, 32, 16, 64 };
    uint8_t ctl = data[0];
    unsigned int mode = modes[ctl & 3];
    size_t n;

    memset(f, 0, sizeof(*f));
    f->insn_len = size - 1 < INSN_BYTES ? size - 1 : INSN_BYTES;
    memcpy(f->insn, data + 1, f->insn_len);
    n = size > 1 + INSN_BYTES ? size - 1 - INSN_BYTES : 0;
    if ( n > sizeof(f->regs) )
        n = sizeof(f->regs);
    memcpy(&f->regs, data + 1 + INSN_BYTES, n);
    f->regs.rflags = 0x2 | (ctl & 4 ? X86_EFLAGS_DF : 0) |
                     (f->regs.rflags & X86_EFLAGS_ARITH);

    f->ctxt.regs = &f->regs;
    f->ctxt.ctx = f;
    f->ctxt.long_mode = mode == 64;
    f->ctxt.addr_size = mode;
    f->ctxt.op_default = mode == 64 ? 32 : mode;
    if ( ctl & 8 )
        for ( unsigned int s = 0; s < 6; s++ )
            f->ctxt.seg_base[s] = 0xfffff000ULL * (s + 1) << (ctl & 0x10 ? 32 : 0);
    f->fail = (ctl >> 5) & 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fuzz_env f;
    struct x86_emul_regs before;
    uint64_t ip_mask;
    int rc;

    if ( size < 1 )
        return 0;
    setup(&f, data, size);
    before = f.regs;
    ip_mask = f.ctxt.long_mode ? ~0ULL
              : f.ctxt.op_default == 16 ? 0xffff : 0xffffffff;

    rc = x86_emulate(&f.ctxt, &fuzz_ops);

    check(f.ctxt.insn_len <= X86_MAX_INSN_LEN && f.ctxt.insn_len == f.fetched);
    check(!memcmp(f.ctxt.insn_bytes, f.insn, f.ctxt.insn_len));
    check((f.regs.rflags & ~(uint64_t)X86_EFLAGS_ARITH) ==
          (before.rflags & ~(uint64_t)X86_EFLAGS_ARITH));
    switch ( rc )
    {
    case X86EMUL_OKAY:
        check(f.regs.rip == ((before.rip + f.ctxt.insn_len) & ip_mask));
        break;
    case X86EMUL_RETRY:
        check(is_string_op(f.ctxt.opcode) &&
              f.accesses >= X86EMUL_REP_BATCH);
        check(f.regs.rip == before.rip);
        break;
    case X86EMUL_EXCEPTION:
        check(f.ctxt.fault_vector == X86_EXC_UD ||
              f.ctxt.fault_vector == X86_EXC_GP ||
              f.ctxt.fault_vector == X86_EXC_SS ||
              f.ctxt.fault_vector == X86_EXC_PF);
        /* fall through */
    case X86EMUL_UNHANDLEABLE:
        /* Only a REP string instruction may leave progress behind. */
        if ( !is_string_op(f.ctxt.opcode) )
            check(!memcmp(&f.regs, &before, sizeof(before)));
        check(f.regs.rip == before.rip);
        break;
    default:
        check(false);
    }

    return 0;
}
