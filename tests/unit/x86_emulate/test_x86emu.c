/*
 * Host tests of the x86 instruction emulator.  `test_x86emu <group>` runs
 * one group and exits non-zero when a check failed; the Makefile prints
 * PASS/FAIL.  Most groups are tables: instruction bytes, mode, initial
 * registers and memory, and the expected return code, registers (all of
 * them: those not listed must not change), memory (every mapped byte is
 * compared) and log of accesses.  The flags group (flags.c) compares with
 * the host CPU.
 */
#include "env.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int checks, failures;

bool check(bool ok, const char *what, const char *file, int line)
{
    checks++;
    if ( !ok )
    {
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
        failures++;
    }

    return ok;
}

bool check_u64(uint64_t got, uint64_t want, const char *what,
               const char *file, int line)
{
    if ( got != want )
        fprintf(stderr, "  %s: got 0x%lx, want 0x%lx\n", what, got, want);

    return check(got == want, what, file, line);
}

/* Registers by name in the tables; 0 ends a list. */
enum {
    RAX = 1, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15, RIP, RFL,
};

static const char *const reg_names[] = {
    "", "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9",
    "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags",
};

struct rv {
    unsigned int r;
    uint64_t v;
};

/* n bytes of value v at linear address a; n == 0 ends a list. */
struct mv {
    uint64_t a, v;
    unsigned int n;
};

struct tcase {
    const char *name;
    unsigned int mode;              /* 64 (when 0), 32 or 16 */
    const char *code;
    unsigned int len;
    uint64_t seg[6];
    struct rv in[8];
    struct mv mem[4];
    uint64_t ro;                    /* a read-only page, when not 0 */
    int rc;
    int vec, ec;                    /* X86EMUL_EXCEPTION; ec -1: none */
    struct rv out[8];
    struct mv mout[4];
    const char *log;                /* NULL: not checked */
};

#define CODE(s)   .code = (s), .len = sizeof(s) - 1
#define EXC(v, e) .rc = X86EMUL_EXCEPTION, .vec = (v), .ec = (e)
#define UD        EXC(X86_EXC_UD, -1)
#define GP0       EXC(X86_EXC_GP, 0)
#define UNH       .rc = X86EMUL_UNHANDLEABLE

#define FL        0x2               /* rflags with no flag set */
#define CF        X86_EFLAGS_CF
#define PF        X86_EFLAGS_PF
#define AF        X86_EFLAGS_AF
#define ZF        X86_EFLAGS_ZF
#define SF        X86_EFLAGS_SF
#define DF        X86_EFLAGS_DF
#define OF        X86_EFLAGS_OF

static uint64_t *reg_ptr(struct x86_emul_regs *r, unsigned int id)
{
    if ( id == RIP )
        return &r->rip;
    if ( id == RFL )
        return &r->rflags;

    return &r->gpr[id - RAX];
}

static uint64_t ip_mask(const struct x86_emulate_ctxt *c)
{
    return c->long_mode ? ~0ULL : c->op_default == 16 ? 0xffff : 0xffffffff;
}

static bool has_reg(const struct rv *list, unsigned int id)
{
    for ( ; list->r; list++ )
        if ( list->r == id )
            return true;

    return false;
}

static void setup(struct env *e, const struct tcase *t)
{
    env_init(e, t->mode ? t->mode : 64);
    memcpy(e->ctxt.seg_base, t->seg, sizeof(t->seg));
    e->regs.rip = 0x1000;
    for ( const struct rv *r = t->in; r->r; r++ )
        *reg_ptr(&e->regs, r->r) = r->v;
    for ( const struct mv *m = t->mem; m->n; m++ )
        env_poke(e, m->a, m->v, m->n);
    if ( t->ro )
        env_protect(e, t->ro);
    env_code(e, t->code, t->len);
}

static void compare_regs(const struct tcase *t, struct x86_emul_regs *got,
                         struct x86_emul_regs *want)
{
    for ( unsigned int id = RAX; id <= RFL; id++ )
    {
        uint64_t g = *reg_ptr(got, id), w = *reg_ptr(want, id);

        if ( g != w )
            fprintf(stderr, "  %s: %s is 0x%lx, want 0x%lx\n",
                    t->name, reg_names[id], g, w);
        CHECK(g == w);
    }
}

static void compare_mem(const struct tcase *t, struct env *got,
                        struct env *want)
{
    CHECK(got->nr_pages == want->nr_pages);
    for ( unsigned int i = 0; i < got->nr_pages && i < want->nr_pages; i++ )
    {
        const struct env_page *g = &got->pages[i], *w = &want->pages[i];

        for ( unsigned int b = 0; b < ENV_PAGE_SIZE; b++ )
            if ( g->data[b] != w->data[b] )
            {
                fprintf(stderr, "  %s: byte %lx is 0x%02x, want 0x%02x\n",
                        t->name, g->base + b, g->data[b], w->data[b]);
                CHECK(false);
                break;
            }
    }
}

static struct env run_env, want_env;

static void run_case(const struct tcase *t)
{
    struct env *e = &run_env, *w = &want_env;
    int rc;

    setup(e, t);
    setup(w, t);
    rc = env_run(e);

    if ( rc != t->rc )
        fprintf(stderr, "  %s: rc %d, want %d\n", t->name, rc, t->rc);
    CHECK(rc == t->rc);
    if ( t->rc == X86EMUL_EXCEPTION && rc == t->rc )
    {
        CHECK_U64(e->ctxt.fault_vector, t->vec);
        CHECK(e->ctxt.fault_has_error_code == (t->ec >= 0));
        if ( t->ec >= 0 )
            CHECK_U64(e->ctxt.fault_error_code, t->ec);
    }
    if ( t->rc == X86EMUL_OKAY || t->rc == X86EMUL_RETRY )
        CHECK_U64(e->ctxt.insn_len, t->len);

    if ( t->rc == X86EMUL_OKAY && !has_reg(t->out, RIP) )
        w->regs.rip = (w->regs.rip + t->len) & ip_mask(&w->ctxt);
    for ( const struct rv *r = t->out; r->r; r++ )
        *reg_ptr(&w->regs, r->r) = r->v;
    for ( const struct mv *m = t->mout; m->n; m++ )
        env_poke(w, m->a, m->v, m->n);
    compare_regs(t, &e->regs, &w->regs);
    compare_mem(t, e, w);

    if ( t->log && strcmp(e->log, t->log) )
    {
        fprintf(stderr, "  %s: log \"%s\", want \"%s\"\n",
                t->name, e->log, t->log);
        CHECK(false);
    }
}

static void run_table(const struct tcase *t, size_t n)
{
    for ( size_t i = 0; i < n; i++ )
    {
        int before = failures;

        run_case(&t[i]);
        if ( failures != before )
            fprintf(stderr, "FAILED: %s\n", t[i].name);
    }
}

#define RUN_TABLE(t) run_table(t, sizeof(t) / sizeof((t)[0]))

/* Prefixes and addressing (64-bit mode), through MOV. */
static const struct tcase decode_cases[] = {
    { "mov r32 to [base]", CODE("\x89\x03"),
      .in = { { RAX, 0x11223344 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0, 8 } },
      .mout = { { 0x2000, 0x11223344, 4 } }, .log = "W:ds:2000:4" },
    { "mov [base+disp8] to r32 zero-extends", CODE("\x8b\x4b\x10"),
      .in = { { RCX, ~0ULL }, { RBX, 0x2000 } },
      .mem = { { 0x2010, 0xdeadbeef, 4 } },
      .out = { { RCX, 0xdeadbeef } }, .log = "R:ds:2010:4" },
    { "disp32 negative, rbp base uses ss", CODE("\x8b\x95\x00\xff\xff\xff"),
      .in = { { RBP, 0x2100 } }, .mem = { { 0x2000, 0x55aa, 4 } },
      .out = { { RDX, 0x55aa } }, .log = "R:ss:2000:4" },
    { "sib base+index*4+disp8", CODE("\x89\x4c\xb0\x08"),
      .in = { { RAX, 0x2000 }, { RSI, 3 }, { RCX, 0xcafe } },
      .mem = { { 0x2000, 0, 8 } }, .mout = { { 0x2014, 0xcafe, 4 } },
      .log = "W:ds:2014:4" },
    { "sib rsp base uses ss", CODE("\x8b\x04\x24"),
      .in = { { RSP, 0x2000 } }, .mem = { { 0x2000, 7, 4 } },
      .out = { { RAX, 7 } }, .log = "R:ss:2000:4" },
    { "sib no base: disp32 + index*8", CODE("\x8b\x04\xcd\x00\x20\x00\x00"),
      .in = { { RCX, 2 } }, .mem = { { 0x2010, 9, 4 } },
      .out = { { RAX, 9 } }, .log = "R:ds:2010:4" },
    { "sib rbp base with disp8", CODE("\x8b\x44\x25\x08"),
      .in = { { RBP, 0x2000 } }, .mem = { { 0x2008, 3, 4 } },
      .out = { { RAX, 3 } }, .log = "R:ss:2008:4" },
    { "rex.x: index 4 is r12", CODE("\x42\x8b\x04\xa0"),
      .in = { { RAX, 0x2000 }, { R12, 4 } }, .mem = { { 0x2010, 5, 4 } },
      .out = { { RAX, 5 } }, .log = "R:ds:2010:4" },
    { "rex.b mod 0 rm 5 is still rip-relative",
      CODE("\x41\x8b\x05\x10\x00\x00\x00"),
      .in = { { R13, 0x5000 } }, .mem = { { 0x1017, 0x77, 4 } },
      .out = { { RAX, 0x77 } }, .log = "R:ds:1017:4" },
    { "rex.b r13 base uses ds", CODE("\x41\x8b\x45\x08"),
      .in = { { R13, 0x2000 } }, .mem = { { 0x2008, 1, 4 } },
      .out = { { RAX, 1 } }, .log = "R:ds:2008:4" },
    { "rex.b sib base 5 mod 0: no base",
      CODE("\x41\x8b\x04\x25\x00\x20\x00\x00"),
      .in = { { R13, 0x9000 } }, .mem = { { 0x2000, 2, 4 } },
      .out = { { RAX, 2 } }, .log = "R:ds:2000:4" },
    { "rip-relative negative disp", CODE("\x8b\x05\xf0\xff\xff\xff"),
      .mem = { { 0xff6, 0x12345678, 4 } },
      .out = { { RAX, 0x12345678 } }, .log = "R:ds:ff6:4" },
    { "rip-relative with addr32 truncates",
      CODE("\x67\x8b\x05\xf0\xff\xff\xff"),
      .in = { { RIP, 0x100002000 } }, .mem = { { 0x1ff7, 0xabcdef01, 4 } },
      .out = { { RAX, 0xabcdef01 } }, .log = "R:ds:1ff7:4" },
    { "rip-relative counts the immediate",
      CODE("\xc7\x05\x00\x10\x00\x00\x44\x33\x22\x11"),
      .mem = { { 0x200a, 0, 4 } }, .mout = { { 0x200a, 0x11223344, 4 } },
      .log = "W:ds:200a:4" },
    { "addr32 ignores upper register bits", CODE("\x67\x8b\x03"),
      .in = { { RBX, 0xffffffff00002000 } }, .mem = { { 0x2000, 4, 4 } },
      .out = { { RAX, 4 } }, .log = "R:ds:2000:4" },
    { "addr32 wraps at 4 GiB", CODE("\x67\x8b\x43\x10"),
      .in = { { RBX, 0xfffffff8 } }, .mem = { { 0x8, 6, 4 } },
      .out = { { RAX, 6 } }, .log = "R:ds:8:4" },
    { "rex.w: 8 bytes", CODE("\x48\x89\x03"),
      .in = { { RAX, 0x0102030405060708 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0, 8 } },
      .mout = { { 0x2000, 0x0102030405060708, 8 } }, .log = "W:ds:2000:8" },
    { "66: 2 bytes, upper register bits kept", CODE("\x66\x8b\x0b"),
      .in = { { RCX, 0x1111111111111111 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0xbeef, 2 } },
      .out = { { RCX, 0x111111111111beef } }, .log = "R:ds:2000:2" },
    { "rex.w wins over 66", CODE("\x66\x48\x8b\x0b"),
      .in = { { RBX, 0x2000 } }, .mem = { { 0x2000, 0x8877665544332211, 8 } },
      .out = { { RCX, 0x8877665544332211 } }, .log = "R:ds:2000:8" },
    { "rex before a legacy prefix is ignored", CODE("\x48\x66\x8b\x0b"),
      .in = { { RCX, 0xffffffffffffffff }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x8877665544332211, 8 } },
      .out = { { RCX, 0xffffffffffff2211 } }, .log = "R:ds:2000:2" },
    { "ah without rex", CODE("\x88\x23"),
      .in = { { RAX, 0x1234 }, { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 4 } },
      .mout = { { 0x2000, 0x12, 1 } }, .log = "W:ds:2000:1" },
    { "spl with an empty rex", CODE("\x40\x88\x23"),
      .in = { { RSP, 0x99ab }, { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 4 } },
      .mout = { { 0x2000, 0xab, 1 } }, .log = "W:ds:2000:1" },
    { "rex.r: r8b", CODE("\x44\x88\x03"),
      .in = { { R8, 0x3c }, { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 4 } },
      .mout = { { 0x2000, 0x3c, 1 } } },
    { "load into bh", CODE("\x8a\x3e"),
      .in = { { RBX, 0x1111 }, { RSI, 0x2000 } },
      .mem = { { 0x2000, 0x5a, 1 } }, .out = { { RBX, 0x5a11 } } },
    { "load into dil", CODE("\x40\x8a\x3e"),
      .in = { { RDI, 0x1111 }, { RSI, 0x2000 } },
      .mem = { { 0x2000, 0x5a, 1 } }, .out = { { RDI, 0x115a } } },
    { "fs override adds the fs base", CODE("\x64\x8b\x03"),
      .seg = { [x86_seg_fs] = 0x70000000 }, .in = { { RBX, 0x2000 } },
      .mem = { { 0x70002000, 8, 4 } }, .out = { { RAX, 8 } },
      .log = "R:fs:70002000:4" },
    { "gs override, the last one wins", CODE("\x64\x65\x8b\x03"),
      .seg = { [x86_seg_fs] = 0x70000000, [x86_seg_gs] = 0x80000000 },
      .in = { { RBX, 0x2000 } }, .mem = { { 0x80002000, 8, 4 } },
      .out = { { RAX, 8 } }, .log = "R:gs:80002000:4" },
    { "es override ignored in 64-bit mode", CODE("\x64\x26\x8b\x03"),
      .seg = { [x86_seg_es] = 0x1000, [x86_seg_fs] = 0x70000000 },
      .in = { { RBX, 0x2000 } }, .mem = { { 0x70002000, 8, 4 } },
      .out = { { RAX, 8 } }, .log = "R:fs:70002000:4" },
    { "ds base ignored in 64-bit mode", CODE("\x8b\x03"),
      .seg = { [x86_seg_ds] = 0x10000 }, .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 8, 4 } }, .out = { { RAX, 8 } },
      .log = "R:ds:2000:4" },
    { "register to register", CODE("\x49\x89\xc1"),
      .in = { { RAX, 0x123456789 } }, .out = { { R9, 0x123456789 } },
      .log = "" },
    { "15 bytes is the limit",
      CODE("\x3e\x3e\x3e\x3e\x3e\x48\xa1\x00\x20\x00\x00\x00\x00\x00\x00"),
      .mem = { { 0x2000, 0x1122334455667788, 8 } },
      .out = { { RAX, 0x1122334455667788 } } },
    { "non-canonical address: #GP", CODE("\x8b\x03"),
      .in = { { RBX, 0x0000800000000000 } }, GP0, .log = "" },
    { "non-canonical through ss: #SS", CODE("\x8b\x45\x00"),
      .in = { { RBP, 0xffff700000000000 } },
      EXC(X86_EXC_SS, 0), .log = "" },
    { "access straddling the canonical boundary", CODE("\x8b\x03"),
      .in = { { RBX, 0x00007ffffffffffe } }, GP0, .log = "" },
    { "fs base makes it non-canonical", CODE("\x64\x8b\x03"),
      .seg = { [x86_seg_fs] = 0x00007ffffffff000 },
      .in = { { RBX, 0x2000 } }, GP0, .log = "" },
    { "upper-half address", CODE("\x8b\x03"),
      .in = { { RBX, 0xffff800000002000 } },
      .mem = { { 0xffff800000002000, 0x42, 4 } }, .out = { { RAX, 0x42 } } },
    { "wrap at 2^64: unhandleable", CODE("\x8b\x03"),
      .in = { { RBX, 0xfffffffffffffffe } }, UNH, .log = "" },
};

static const struct tcase mov_cases[] = {
    { "mov imm8", CODE("\xc6\x03\x7f"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x11111111, 4 } }, .mout = { { 0x2000, 0x7f, 1 } },
      .log = "W:ds:2000:1" },
    { "mov imm32 sign-extended to 64", CODE("\x48\xc7\x03\xfe\xff\xff\xff"),
      .in = { { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 8 } },
      .mout = { { 0x2000, 0xfffffffffffffffe, 8 } }, .log = "W:ds:2000:8" },
    { "mov imm16", CODE("\x66\xc7\x03\x34\x12"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0, 4 } }, .mout = { { 0x2000, 0x1234, 2 } },
      .log = "W:ds:2000:2" },
    { "mov imm32 after disp8", CODE("\xc7\x43\x04\x78\x56\x34\x12"),
      .in = { { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 8 } },
      .mout = { { 0x2004, 0x12345678, 4 } }, .log = "W:ds:2004:4" },
    { "mov to apic eoi", .mode = 32, CODE("\x89\x04\x25\xb0\x00\xe0\xfe"),
      .mem = { { 0xfee000b0, 0xffffffff, 4 } },
      .mout = { { 0xfee000b0, 0, 4 } }, .log = "W:ds:fee000b0:4" },
    { "moffs load 64-bit address",
      CODE("\xa1\x00\x20\x00\x00\x00\x00\x00\x00"),
      .in = { { RAX, ~0ULL } }, .mem = { { 0x2000, 0x99887766, 4 } },
      .out = { { RAX, 0x99887766 } }, .log = "R:ds:2000:4" },
    { "moffs store rax", CODE("\x48\xa3\x08\x20\x00\x00\x00\x00\x00\x00"),
      .in = { { RAX, 0x0123456789abcdef } }, .mem = { { 0x2000, 0, 8 } },
      .mout = { { 0x2008, 0x0123456789abcdef, 8 } }, .log = "W:ds:2008:8" },
    { "moffs with addr32", CODE("\x67\xa0\x00\x20\x00\x00"),
      .in = { { RAX, 0x1234 } }, .mem = { { 0x2000, 0xee, 1 } },
      .out = { { RAX, 0x12ee } }, .log = "R:ds:2000:1" },
    { "moffs with fs", CODE("\x64\xa2\x00\x20\x00\x00\x00\x00\x00\x00"),
      .seg = { [x86_seg_fs] = 0x10000 }, .in = { { RAX, 0x77 } },
      .mem = { { 0x12000, 0, 1 } }, .mout = { { 0x12000, 0x77, 1 } },
      .log = "W:fs:12000:1" },
    { "moffs ax", CODE("\x66\xa1\x00\x20\x00\x00\x00\x00\x00\x00"),
      .in = { { RAX, 0xffffffff } }, .mem = { { 0x2000, 0x4321, 2 } },
      .out = { { RAX, 0xffff4321 } } },
    { "movzx byte", CODE("\x0f\xb6\x03"), .in = { { RAX, ~0ULL }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x80, 1 } }, .out = { { RAX, 0x80 } },
      .log = "R:ds:2000:1" },
    { "movzx byte to word", CODE("\x66\x0f\xb6\x03"),
      .in = { { RAX, ~0ULL }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x80, 1 } }, .out = { { RAX, 0xffffffffffff0080 } } },
    { "movzx word to qword", CODE("\x48\x0f\xb7\x03"),
      .in = { { RAX, ~0ULL }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x8001, 2 } }, .out = { { RAX, 0x8001 } },
      .log = "R:ds:2000:2" },
    { "movsx byte", CODE("\x0f\xbe\x03"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x80, 1 } }, .out = { { RAX, 0xffffff80 } } },
    { "movsx word to qword", CODE("\x48\x0f\xbf\x03"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x8000, 2 } }, .out = { { RAX, 0xffffffffffff8000 } } },
    { "movzx from ah", CODE("\x0f\xb6\xc4"), .in = { { RAX, 0xabcd } },
      .out = { { RAX, 0xab } }, .log = "" },
    { "movzx from spl", CODE("\x40\x0f\xb6\xc4"),
      .in = { { RAX, 0xabcd }, { RSP, 0x1234 } }, .out = { { RAX, 0x34 } } },
    { "movsxd", CODE("\x48\x63\x03"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x80000000, 4 } },
      .out = { { RAX, 0xffffffff80000000 } }, .log = "R:ds:2000:4" },
    { "movsxd without rex.w", CODE("\x63\x03"),
      .in = { { RAX, ~0ULL }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x80000000, 4 } }, .out = { { RAX, 0x80000000 } } },
    { "xchg", CODE("\x87\x03"),
      .in = { { RAX, 0xffffffff00000001 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x22222222, 4 } },
      .out = { { RAX, 0x22222222 } }, .mout = { { 0x2000, 1, 4 } },
      .log = "R:ds:2000:4 W:ds:2000:4" },
    { "xchg ah", CODE("\x86\x23"), .in = { { RAX, 0x1234 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x56, 1 } }, .out = { { RAX, 0x5634 } },
      .mout = { { 0x2000, 0x12, 1 } } },
    { "lock xchg", CODE("\xf0\x48\x87\x03"),
      .in = { { RAX, 5 }, { RBX, 0x2000 } }, .mem = { { 0x2000, 6, 8 } },
      .out = { { RAX, 6 } }, .mout = { { 0x2000, 5, 8 } } },
    { "xchg with a read-only page: nothing changes", CODE("\x87\x03"),
      .in = { { RAX, 1 }, { RBX, 0x2000 } }, .mem = { { 0x2000, 2, 4 } },
      .ro = 0x2000, EXC(X86_EXC_PF, 7), .log = "R:ds:2000:4 W:ds:2000:4" },
    { "xchg registers", CODE("\x87\xd8"),
      .in = { { RAX, 0xffffffff00000001 }, { RBX, 0xffffffff00000002 } },
      .out = { { RAX, 2 }, { RBX, 1 } } },
    { "mov from unmapped: #PF, nothing changes", CODE("\x8b\x03"),
      .in = { { RBX, 0x9000 } }, EXC(X86_EXC_PF, 4), .log = "R:ds:9000:4" },
};

static const struct tcase alu_cases[] = {
    { "add r to [m]", CODE("\x01\x03"), .in = { { RAX, 2 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 1, 4 } }, .out = { { RFL, FL | PF } },
      .mout = { { 0x2000, 3, 4 } }, .log = "R:ds:2000:4 W:ds:2000:4" },
    { "add [m] to r", CODE("\x03\x03"),
      .in = { { RAX, 0xffffffff00000001 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0xffffffff, 4 } },
      .out = { { RAX, 0 }, { RFL, FL | CF | PF | AF | ZF } },
      .log = "R:ds:2000:4" },
    { "add imm32 to eax", CODE("\x05\x00\x00\x00\x80"),
      .in = { { RAX, 0x80000000 } },
      .out = { { RAX, 0 }, { RFL, FL | CF | PF | ZF | OF } }, .log = "" },
    { "add imm8 to al", CODE("\x04\x01"), .in = { { RAX, 0x17f } },
      .out = { { RAX, 0x180 }, { RFL, FL | AF | SF | OF } } },
    { "add sign-extended imm32 to rax", CODE("\x48\x05\xff\xff\xff\xff"),
      .in = { { RAX, 1 } }, .out = { { RAX, 0 }, { RFL, FL | CF | PF | AF | ZF } } },
    { "cmp: read only", CODE("\x39\x03"), .in = { { RAX, 7 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 5, 4 } }, .out = { { RFL, FL | CF | AF | SF } },
      .log = "R:ds:2000:4" },
    { "cmp byte imm", CODE("\x80\x3b\x10"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x10, 1 } }, .out = { { RFL, FL | PF | ZF } },
      .log = "R:ds:2000:1" },
    { "add sign-extended imm8", CODE("\x83\x03\xff"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0, 4 } }, .out = { { RFL, FL | PF | SF } },
      .mout = { { 0x2000, 0xffffffff, 4 } } },
    { "sub imm32", CODE("\x81\x2b\x01\x00\x00\x00"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x80000000, 4 } }, .out = { { RFL, FL | PF | AF | OF } },
      .mout = { { 0x2000, 0x7fffffff, 4 } } },
    { "or imm32 sign-extended to 64", CODE("\x48\x81\x0b\x00\x00\x00\x80"),
      .in = { { RBX, 0x2000 }, { RFL, FL | CF | OF | AF } },
      .mem = { { 0x2000, 1, 8 } }, .out = { { RFL, FL | SF } },
      .mout = { { 0x2000, 0xffffffff80000001, 8 } }, .log = "R:ds:2000:8 W:ds:2000:8" },
    { "and imm16", CODE("\x66\x81\x23\x0f\x0f"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0xffffffff, 4 } }, .out = { { RFL, FL | PF } },
      .mout = { { 0x2000, 0xffff0f0f, 4 } }, .log = "R:ds:2000:2 W:ds:2000:2" },
    { "adc with carry in", CODE("\x11\x03"),
      .in = { { RAX, 0xffffffff }, { RBX, 0x2000 }, { RFL, FL | CF } },
      .mem = { { 0x2000, 0, 4 } }, .out = { { RFL, FL | CF | PF | AF | ZF } },
      .mout = { { 0x2000, 0, 4 } } },
    { "sbb with borrow in", CODE("\x19\x03"),
      .in = { { RAX, 0 }, { RBX, 0x2000 }, { RFL, FL | CF } },
      .mem = { { 0x2000, 0, 4 } }, .out = { { RFL, FL | CF | PF | AF | SF } },
      .mout = { { 0x2000, 0xffffffff, 4 } } },
    { "xor byte", CODE("\x30\x03"), .in = { { RAX, 0xff }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x0f, 1 } }, .out = { { RFL, FL | PF | SF } },
      .mout = { { 0x2000, 0xf0, 1 } } },
    { "sub [m] from r16", CODE("\x66\x2b\x03"),
      .in = { { RAX, 0x12340000 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 1, 2 } },
      .out = { { RAX, 0x1234ffff }, { RFL, FL | CF | PF | AF | SF } } },
    { "register only", CODE("\x00\xc3"), .in = { { RAX, 0x80 }, { RBX, 0x80 } },
      .out = { { RBX, 0 }, { RFL, FL | CF | PF | ZF | OF } }, .log = "" },
    { "82 is #UD in 64-bit mode", CODE("\x82\x03\x01"), UD },
    { "lock add", CODE("\xf0\x01\x03"), .in = { { RAX, 1 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 1, 4 } }, .mout = { { 0x2000, 2, 4 } } },
    { "lock add to a register: #UD", CODE("\xf0\x01\xc3"), UD, .log = "" },
    { "lock cmp: #UD", CODE("\xf0\x39\x03"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 1, 4 } }, UD, .log = "" },
    { "lock cmp imm: #UD", CODE("\xf0\x83\x3b\x01"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 1, 4 } }, UD },
    { "lock add to r: #UD", CODE("\xf0\x03\x03"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 1, 4 } }, UD },
    { "lock or imm", CODE("\xf0\x80\x0b\x80"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 1, 1 } }, .out = { { RFL, FL | PF | SF } },
      .mout = { { 0x2000, 0x81, 1 } } },
    { "test r, [m]", CODE("\x85\x03"), .in = { { RAX, 0xf0 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x0f, 4 } }, .out = { { RFL, FL | PF | ZF } },
      .log = "R:ds:2000:4" },
    { "test imm8", CODE("\xf6\x03\x81"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x80, 1 } }, .out = { { RFL, FL | SF } },
      .log = "R:ds:2000:1" },
    { "test imm8, f6 /1 alias", CODE("\xf6\x0b\x01"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x80, 1 } }, .out = { { RFL, FL | PF | ZF } } },
    { "test imm32 sign-extended", CODE("\x48\xf7\x03\x00\x00\x00\x80"),
      .in = { { RBX, 0x2000 } }, .mem = { { 0x2000, 0x8000000000000000, 8 } },
      .out = { { RFL, FL | PF | SF } }, .log = "R:ds:2000:8" },
    { "lock test: #UD", CODE("\xf0\x85\x03"), UD },
    { "inc keeps cf", CODE("\xff\x03"),
      .in = { { RBX, 0x2000 }, { RFL, FL | CF } },
      .mem = { { 0x2000, 0x7fffffff, 4 } },
      .out = { { RFL, FL | CF | PF | AF | SF | OF } },
      .mout = { { 0x2000, 0x80000000, 4 } }, .log = "R:ds:2000:4 W:ds:2000:4" },
    { "dec byte", CODE("\xfe\x0b"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0, 1 } }, .out = { { RFL, FL | PF | AF | SF } },
      .mout = { { 0x2000, 0xff, 1 } } },
    { "inc qword", CODE("\x48\xff\x03"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0xffffffffffffffff, 8 } },
      .out = { { RFL, FL | PF | AF | ZF } }, .mout = { { 0x2000, 0, 8 } } },
    { "lock dec word", CODE("\xf0\x66\xff\x0b"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x8000, 2 } }, .out = { { RFL, FL | PF | AF | OF } },
      .mout = { { 0x2000, 0x7fff, 2 } } },
    { "neg", CODE("\xf7\x1b"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 5, 4 } }, .out = { { RFL, FL | CF | AF | SF } },
      .mout = { { 0x2000, 0xfffffffb, 4 } } },
    { "neg zero", CODE("\xf6\x1b"), .in = { { RBX, 0x2000 }, { RFL, FL | CF } },
      .mem = { { 0x2000, 0, 1 } }, .out = { { RFL, FL | PF | ZF } } },
    { "not leaves flags", CODE("\xf7\x13"),
      .in = { { RBX, 0x2000 }, { RFL, FL | CF | ZF | OF } },
      .mem = { { 0x2000, 0x0f0f0f0f, 4 } }, .mout = { { 0x2000, 0xf0f0f0f0, 4 } },
      .log = "R:ds:2000:4 W:ds:2000:4" },
    { "lock not", CODE("\xf0\xf6\x13"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x01, 1 } }, .mout = { { 0x2000, 0xfe, 1 } } },
    { "rmw write fault: flags unchanged", CODE("\x01\x03"),
      .in = { { RAX, 1 }, { RBX, 0x2000 }, { RFL, FL | CF } },
      .mem = { { 0x2000, 1, 4 } }, .ro = 0x2000, EXC(X86_EXC_PF, 7),
      .log = "R:ds:2000:4 W:ds:2000:4" },
    { "call indirect: unhandleable", CODE("\xff\x13"), UNH },
    { "push m: unhandleable", CODE("\xff\x33"), UNH },
    { "ff /7: #UD", CODE("\xff\x3b"), UD },
    { "fe /2: #UD", CODE("\xfe\x13"), UD },
    { "mul: unhandleable", CODE("\xf7\x23"), UNH },
    { "lock mul: #UD", CODE("\xf0\xf7\x23"), UD },
};

static const struct tcase string_cases[] = {
    { "movsb", CODE("\xa4"), .in = { { RSI, 0x2000 }, { RDI, 0x3000 } },
      .mem = { { 0x2000, 0x5a, 1 }, { 0x3000, 0, 1 } },
      .out = { { RSI, 0x2001 }, { RDI, 0x3001 } },
      .mout = { { 0x3000, 0x5a, 1 } }, .log = "R:ds:2000:1 W:es:3000:1" },
    { "movsl backwards", CODE("\xa5"),
      .in = { { RSI, 0x2000 }, { RDI, 0x3000 }, { RFL, FL | DF } },
      .mem = { { 0x2000, 0x12345678, 4 }, { 0x3000, 0, 4 } },
      .out = { { RSI, 0x1ffc }, { RDI, 0x2ffc } },
      .mout = { { 0x3000, 0x12345678, 4 } }, .log = "R:ds:2000:4 W:es:3000:4" },
    { "rep movsl", CODE("\xf3\xa5"),
      .in = { { RCX, 3 }, { RSI, 0x2000 }, { RDI, 0x3000 } },
      .mem = { { 0x2000, 0x1111111122222222, 8 }, { 0x2008, 0x33333333, 4 },
               { 0x3000, 0, 8 } },
      .out = { { RCX, 0 }, { RSI, 0x200c }, { RDI, 0x300c } },
      .mout = { { 0x3000, 0x1111111122222222, 8 }, { 0x3008, 0x33333333, 4 } },
      .log = "R:ds:2000:4 W:es:3000:4 R:ds:2004:4 W:es:3004:4 "
             "R:ds:2008:4 W:es:3008:4" },
    { "rep movsq with rcx 0", CODE("\xf3\x48\xa5"),
      .in = { { RSI, 0x2000 }, { RDI, 0x3000 } }, .log = "" },
    { "repne movsb is rep", CODE("\xf2\xa4"),
      .in = { { RCX, 2 }, { RSI, 0x2000 }, { RDI, 0x3000 } },
      .mem = { { 0x2000, 0x0201, 2 }, { 0x3000, 0, 2 } },
      .out = { { RCX, 0 }, { RSI, 0x2002 }, { RDI, 0x3002 } },
      .mout = { { 0x3000, 0x0201, 2 } } },
    { "addr32 rep movsb", CODE("\x67\xf3\xa4"),
      .in = { { RCX, 0xffffffff00000002 }, { RSI, 0xffffffff00002000 },
              { RDI, 0x100003000 } },
      .mem = { { 0x2000, 0x0201, 2 }, { 0x3000, 0, 2 } },
      .out = { { RCX, 0 }, { RSI, 0x2002 }, { RDI, 0x3002 } },
      .mout = { { 0x3000, 0x0201, 2 } },
      .log = "R:ds:2000:1 W:es:3000:1 R:ds:2001:1 W:es:3001:1" },
    { "movs source override, es base ignored", CODE("\x64\xa4"),
      .seg = { [x86_seg_fs] = 0x10000, [x86_seg_es] = 0x50000 },
      .in = { { RSI, 0x2000 }, { RDI, 0x3000 } },
      .mem = { { 0x12000, 0x99, 1 }, { 0x3000, 0, 1 } },
      .out = { { RSI, 0x2001 }, { RDI, 0x3001 } },
      .mout = { { 0x3000, 0x99, 1 } }, .log = "R:fs:12000:1 W:es:3000:1" },
    { "lodsb", CODE("\xac"), .in = { { RAX, 0x1234 }, { RSI, 0x2000 } },
      .mem = { { 0x2000, 0x56, 1 } },
      .out = { { RAX, 0x1256 }, { RSI, 0x2001 } }, .log = "R:ds:2000:1" },
    { "lodsq", CODE("\x48\xad"), .in = { { RSI, 0x2000 } },
      .mem = { { 0x2000, 0x8877665544332211, 8 } },
      .out = { { RAX, 0x8877665544332211 }, { RSI, 0x2008 } } },
    { "rep lodsb reads every time", CODE("\xf3\xac"),
      .in = { { RCX, 2 }, { RSI, 0x2000 } }, .mem = { { 0x2000, 0x0201, 2 } },
      .out = { { RAX, 2 }, { RCX, 0 }, { RSI, 0x2002 } },
      .log = "R:ds:2000:1 R:ds:2001:1" },
    { "stosl", CODE("\xab"),
      .in = { { RAX, 0xdeadbeef }, { RDI, 0x3000 } },
      .mem = { { 0x3000, 0, 8 } }, .out = { { RDI, 0x3004 } },
      .mout = { { 0x3000, 0xdeadbeef, 4 } }, .log = "W:es:3000:4" },
    { "stosw backwards", CODE("\x66\xab"),
      .in = { { RAX, 0xbeef }, { RDI, 0x3002 }, { RFL, FL | DF } },
      .mem = { { 0x3000, 0, 8 } }, .out = { { RDI, 0x3000 } },
      .mout = { { 0x3002, 0xbeef, 2 } }, .log = "W:es:3002:2" },
    { "rep stosb, fault after two", CODE("\xf3\xaa"),
      .in = { { RAX, 0x77 }, { RCX, 5 }, { RDI, 0x3ffe } },
      .mem = { { 0x3ff8, 0, 8 } }, EXC(X86_EXC_PF, 6),
      .out = { { RCX, 3 }, { RDI, 0x4000 } },
      .mout = { { 0x3ffe, 0x7777, 2 } },
      .log = "W:es:3ffe:1 W:es:3fff:1 W:es:4000:1" },
    { "rep movsb, source fault after one", CODE("\xf3\xa4"),
      .in = { { RCX, 5 }, { RSI, 0x4fff }, { RDI, 0x3000 } },
      .mem = { { 0x4fff, 0x11, 1 }, { 0x3000, 0, 8 } }, EXC(X86_EXC_PF, 4),
      .out = { { RCX, 4 }, { RSI, 0x5000 }, { RDI, 0x3001 } },
      .mout = { { 0x3000, 0x11, 1 } },
      .log = "R:ds:4fff:1 W:es:3000:1 R:ds:5000:1" },
    { "lock movs: #UD", CODE("\xf0\xa4"), UD, .log = "" },
    { "scas: unhandleable", CODE("\xae"), UNH },
    { "cmps: unhandleable", CODE("\xf3\xa6"), UNH },
};

static const struct tcase bit_cases[] = {
    { "bt r32, [m]", CODE("\x0f\xa3\x03"), .in = { { RAX, 5 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x20, 4 } }, .out = { { RFL, FL | CF } },
      .log = "R:ds:2000:4" },
    { "bt keeps the other flags", CODE("\x0f\xa3\x03"),
      .in = { { RAX, 4 }, { RBX, 0x2000 }, { RFL, FL | CF | ZF | SF | OF | PF | AF } },
      .mem = { { 0x2000, 0x20, 4 } }, .out = { { RFL, FL | ZF | SF | OF | PF | AF } } },
    { "bts beyond the dword", CODE("\x0f\xab\x03"),
      .in = { { RAX, 35 }, { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 8 } },
      .mout = { { 0x2004, 8, 4 } }, .log = "R:ds:2004:4 W:ds:2004:4" },
    { "btr negative offset", CODE("\x0f\xb3\x03"),
      .in = { { RAX, 0xffffffff }, { RBX, 0x2000 } },
      .mem = { { 0x1ffc, 0xffffffff, 4 } }, .out = { { RFL, FL | CF } },
      .mout = { { 0x1ffc, 0x7fffffff, 4 } }, .log = "R:ds:1ffc:4 W:ds:1ffc:4" },
    { "btc qword negative offset", CODE("\x48\x0f\xbb\x03"),
      .in = { { RAX, (uint64_t)-65 }, { RBX, 0x2000 } },
      .mem = { { 0x1ff0, 0, 8 } }, .mout = { { 0x1ff0, 1ULL << 63, 8 } },
      .log = "R:ds:1ff0:8 W:ds:1ff0:8" },
    { "bt word, offset signed 16-bit", CODE("\x66\x0f\xa3\x03"),
      .in = { { RAX, 0xffff8000 }, { RBX, 0x2000 } },
      .mem = { { 0x1000, 1, 2 } }, .out = { { RFL, FL | CF } },
      .log = "R:ds:1000:2" },
    { "bts imm: offset masked, no displacement", CODE("\x0f\xba\x2b\x23"),
      .in = { { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 8 } },
      .mout = { { 0x2000, 8, 4 } }, .log = "R:ds:2000:4 W:ds:2000:4" },
    { "bt imm", CODE("\x0f\xba\x23\x05"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x20, 4 } }, .out = { { RFL, FL | CF } } },
    { "btr imm qword", CODE("\x48\x0f\xba\x33\x3f"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, ~0ULL, 8 } }, .out = { { RFL, FL | CF } },
      .mout = { { 0x2000, ~0ULL >> 1, 8 } } },
    { "0f ba /0: #UD", CODE("\x0f\xba\x03\x05"), UD },
    { "lock bt: #UD", CODE("\xf0\x0f\xa3\x03"), UD },
    { "lock bt imm: #UD", CODE("\xf0\x0f\xba\x23\x01"), UD },
    { "lock bts", CODE("\xf0\x0f\xab\x03"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 0, 4 } }, .mout = { { 0x2000, 1, 4 } } },
    { "bt registers: offset masked", CODE("\x0f\xa3\xc3"),
      .in = { { RAX, 33 }, { RBX, 2 } }, .out = { { RFL, FL | CF } }, .log = "" },
    { "bts register zero-extends", CODE("\x0f\xab\xc3"),
      .in = { { RAX, 0 }, { RBX, 0xffffffff00000000 } },
      .out = { { RBX, 1 } } },
    { "cmpxchg equal", CODE("\x0f\xb1\x0b"),
      .in = { { RAX, 5 }, { RCX, 9 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 5, 4 } }, .out = { { RFL, FL | PF | ZF } },
      .mout = { { 0x2000, 9, 4 } }, .log = "R:ds:2000:4 W:ds:2000:4" },
    { "cmpxchg not equal: written back", CODE("\x0f\xb1\x0b"),
      .in = { { RAX, 0xffffffff00000004 }, { RCX, 9 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 5, 4 } },
      .out = { { RAX, 5 }, { RFL, FL | CF | PF | AF | SF } },
      .log = "R:ds:2000:4 W:ds:2000:4" },
    { "lock cmpxchg qword", CODE("\xf0\x48\x0f\xb1\x0b"),
      .in = { { RAX, 1ULL << 40 }, { RCX, 7 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 1ULL << 40, 8 } }, .out = { { RFL, FL | PF | ZF } },
      .mout = { { 0x2000, 7, 8 } } },
    { "cmpxchg byte", CODE("\x0f\xb0\x0b"),
      .in = { { RAX, 0x1234 }, { RCX, 0x56 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0x35, 1 } },
      .out = { { RAX, 0x1235 }, { RFL, FL | CF | PF | AF | SF } },
      .log = "R:ds:2000:1 W:ds:2000:1" },
    { "cmpxchg register not equal: destination untouched",
      CODE("\x0f\xb1\xca"),
      .in = { { RAX, 4 }, { RCX, 9 }, { RDX, 0xffffffff00000005 } },
      .out = { { RAX, 5 }, { RFL, FL | CF | PF | AF | SF } }, .log = "" },
    { "cmpxchg register equal", CODE("\x0f\xb1\xca"),
      .in = { { RAX, 5 }, { RCX, 9 }, { RDX, 0xffffffff00000005 } },
      .out = { { RDX, 9 }, { RFL, FL | PF | ZF } } },
    { "cmpxchg write fault: rax unchanged", CODE("\x0f\xb1\x0b"),
      .in = { { RAX, 4 }, { RBX, 0x2000 } }, .mem = { { 0x2000, 5, 4 } },
      .ro = 0x2000, EXC(X86_EXC_PF, 7) },
};

/* 32-bit (flat or with segment bases) and 16-bit modes. */
static const struct tcase mode_cases[] = {
    { "flat", .mode = 32, CODE("\x89\x03"),
      .in = { { RAX, 0x11223344 }, { RBX, 0xdead00002000 } },
      .mem = { { 0x2000, 0, 4 } }, .mout = { { 0x2000, 0x11223344, 4 } },
      .log = "W:ds:2000:4" },
    { "ds base", .mode = 32, CODE("\x89\x03"), .seg = { [x86_seg_ds] = 0x10000 },
      .in = { { RAX, 1 }, { RBX, 0x2000 } }, .mem = { { 0x12000, 0, 4 } },
      .mout = { { 0x12000, 1, 4 } }, .log = "W:ds:12000:4" },
    { "ebp uses ss base", .mode = 32, CODE("\x8b\x45\x00"),
      .seg = { [x86_seg_ss] = 0x20000, [x86_seg_ds] = 0x10000 },
      .in = { { RBP, 0x2000 } }, .mem = { { 0x22000, 3, 4 } },
      .out = { { RAX, 3 } }, .log = "R:ss:22000:4" },
    { "es override", .mode = 32, CODE("\x26\x8b\x03"),
      .seg = { [x86_seg_es] = 0x30000 }, .in = { { RBX, 0x2000 } },
      .mem = { { 0x32000, 4, 4 } }, .out = { { RAX, 4 } }, .log = "R:es:32000:4" },
    { "cs override", .mode = 32, CODE("\x2e\x8b\x03"),
      .seg = { [x86_seg_cs] = 0x40000 }, .in = { { RBX, 0x2000 } },
      .mem = { { 0x42000, 4, 4 } }, .out = { { RAX, 4 } }, .log = "R:cs:42000:4" },
    { "base + offset wraps at 4 GiB", .mode = 32, CODE("\x8b\x03"),
      .seg = { [x86_seg_ds] = 0xfffff000 }, .in = { { RBX, 0x3000 } },
      .mem = { { 0x2000, 5, 4 } }, .out = { { RAX, 5 } }, .log = "R:ds:2000:4" },
    { "access across 4 GiB: unhandleable", .mode = 32, CODE("\x8b\x03"),
      .in = { { RBX, 0xfffffffe } }, UNH, .log = "" },
    { "disp32 absolute", .mode = 32, CODE("\x8b\x05\x00\x20\x00\x00"),
      .mem = { { 0x2000, 6, 4 } }, .out = { { RAX, 6 } }, .log = "R:ds:2000:4" },
    { "40-4f are inc/dec here", .mode = 32, CODE("\x48\x89\x03"), UNH },
    { "arpl: unhandleable", .mode = 32, CODE("\x63\x03"), UNH },
    { "82 is 80", .mode = 32, CODE("\x82\x03\x05"), .in = { { RBX, 0x2000 } },
      .mem = { { 0x2000, 1, 1 } }, .out = { { RFL, FL | PF } },
      .mout = { { 0x2000, 6, 1 } } },
    { "66: 16-bit operand", .mode = 32, CODE("\x66\x89\x03"),
      .in = { { RAX, 0x11223344 }, { RBX, 0x2000 } },
      .mem = { { 0x2000, 0, 4 } }, .mout = { { 0x2000, 0x3344, 2 } },
      .log = "W:ds:2000:2" },
    { "67: [bx]", .mode = 32, CODE("\x67\x8b\x07"),
      .in = { { RBX, 0x12000 } }, .mem = { { 0x2000, 7, 4 } },
      .out = { { RAX, 7 } }, .log = "R:ds:2000:4" },
    { "67: [bp+si] uses ss", .mode = 32, CODE("\x67\x8b\x02"),
      .seg = { [x86_seg_ss] = 0x10000 }, .in = { { RBP, 0x1000 }, { RSI, 0x1000 } },
      .mem = { { 0x12000, 7, 4 } }, .out = { { RAX, 7 } }, .log = "R:ss:12000:4" },
    { "67: disp16", .mode = 32, CODE("\x67\x8b\x06\x34\x12"),
      .mem = { { 0x1234, 8, 4 } }, .out = { { RAX, 8 } }, .log = "R:ds:1234:4" },
    { "67: [bp-2]", .mode = 32, CODE("\x67\x8b\x46\xfe"),
      .in = { { RBP, 0x2002 } }, .mem = { { 0x2000, 9, 4 } },
      .out = { { RAX, 9 } }, .log = "R:ss:2000:4" },
    { "67: [bx+si+disp16] wraps at 64 KiB", .mode = 32,
      CODE("\x67\x8b\x80\x00\x01"),
      .in = { { RBX, 0xffff }, { RSI, 0x1 } }, .mem = { { 0x100, 1, 4 } },
      .out = { { RAX, 1 } }, .log = "R:ds:100:4" },
    { "67: [di] and [si]", .mode = 32, CODE("\x67\x8b\x0d"),
      .in = { { RDI, 0x2004 } }, .mem = { { 0x2004, 2, 4 } },
      .out = { { RCX, 2 } }, .log = "R:ds:2004:4" },
    { "moffs 32", .mode = 32, CODE("\xa1\x00\x20\x00\x00"),
      .mem = { { 0x2000, 3, 4 } }, .out = { { RAX, 3 } } },
    { "moffs 16", .mode = 32, CODE("\x67\xa1\x00\x20"),
      .mem = { { 0x2000, 3, 4 } }, .out = { { RAX, 3 } } },
    { "eip wraps at 4 GiB", .mode = 32, CODE("\x8b\x03"),
      .in = { { RIP, 0xffffffff }, { RBX, 0x2000 } }, .mem = { { 0x2000, 1, 4 } },
      .out = { { RAX, 1 }, { RIP, 1 } } },
    { "rep movsd with segment bases", .mode = 32, CODE("\xf3\xa5"),
      .seg = { [x86_seg_ds] = 0x10000, [x86_seg_es] = 0x20000 },
      .in = { { RCX, 2 }, { RSI, 0x2000 }, { RDI, 0x3000 } },
      .mem = { { 0x12000, 0x2222222211111111, 8 }, { 0x23000, 0, 8 } },
      .out = { { RCX, 0 }, { RSI, 0x2008 }, { RDI, 0x3008 } },
      .mout = { { 0x23000, 0x2222222211111111, 8 } },
      .log = "R:ds:12000:4 W:es:23000:4 R:ds:12004:4 W:es:23004:4" },
    { "67 movsb: si and di wrap at 16 bits", .mode = 32, CODE("\x67\xa4"),
      .in = { { RSI, 0x1ffff }, { RDI, 0x2ffff } },
      .mem = { { 0xffff, 0x44, 1 } },
      .out = { { RSI, 0x10000 }, { RDI, 0x20000 } },
      .mout = { { 0xffff, 0x44, 1 } }, .log = "R:ds:ffff:1 W:es:ffff:1" },
    { "real mode: [bx], segment base", .mode = 16, CODE("\x8b\x07"),
      .seg = { [x86_seg_ds] = 0x10000 }, .in = { { RBX, 0x2000 } },
      .mem = { { 0x12000, 0x12345678, 4 } }, .out = { { RAX, 0x5678 } },
      .log = "R:ds:12000:2" },
    { "real mode: 66 67", .mode = 16, CODE("\x66\x67\x8b\x03"),
      .in = { { RBX, 0x2000 } }, .mem = { { 0x2000, 0x12345678, 4 } },
      .out = { { RAX, 0x12345678 } }, .log = "R:ds:2000:4" },
    { "real mode: ip wraps while fetching", .mode = 16,
      CODE("\xc7\x07\x34\x12"), .seg = { [x86_seg_cs] = 0x50000 },
      .in = { { RIP, 0xfffd }, { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 4 } },
      .out = { { RIP, 1 } }, .mout = { { 0x2000, 0x1234, 2 } } },
};

static const struct tcase error_cases[] = {
    { "truncated modrm", CODE("\x89"), EXC(X86_EXC_PF, 4), .log = "" },
    { "truncated sib", CODE("\x8b\x04"), EXC(X86_EXC_PF, 4) },
    { "truncated two-byte opcode", CODE("\x0f"), EXC(X86_EXC_PF, 4) },
    { "fetch into non-canonical: #GP", CODE("\x8b\x03"),
      .in = { { RIP, 0x00007fffffffffff } }, GP0 },
    { "store to non-canonical: #GP", CODE("\x89\x03"),
      .in = { { RBX, 0x8000000000000000 } }, GP0, .log = "" },
    { "truncated displacement", CODE("\x8b\x83\x00\x10"), EXC(X86_EXC_PF, 4) },
    { "truncated immediate", CODE("\xc7\x03\x11\x22"), EXC(X86_EXC_PF, 4),
      .in = { { RBX, 0x2000 } }, .mem = { { 0x2000, 0, 4 } }, .log = "" },
    { "truncated after prefixes", CODE("\x66\x48"), EXC(X86_EXC_PF, 4) },
    { "16 bytes: #GP",
      CODE("\x3e\x3e\x3e\x3e\x3e\x3e\x48\xa1\x00\x20\x00\x00\x00\x00\x00\x00"),
      .mem = { { 0x2000, 1, 8 } }, GP0, .log = "" },
    { "15 prefixes: #GP without fetching a 16th byte",
      CODE("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66"),
      GP0 },
    { "ud2: unhandleable", CODE("\x0f\x0b"), UNH },
    { "nop: unhandleable", CODE("\x90"), UNH },
    { "vex: unhandleable", CODE("\xc5\xf8\x77"), UNH },
    { "0f 38: unhandleable", CODE("\x0f\x38\x00\xc0"), UNH },
    { "popcnt: unhandleable", CODE("\xf3\x0f\xb8\x03"), UNH },
    { "lock mov: #UD", CODE("\xf0\x89\x03"), UD, .log = "" },
    { "lock mov imm: #UD", CODE("\xf0\xc7\x03\x00\x00\x00\x00"), UD },
    { "lock movzx: #UD", CODE("\xf0\x0f\xb6\x03"), UD },
    { "lock alone: unhandleable", CODE("\xf0\x90"), UNH },
    { "c6 /1: #UD", CODE("\xc6\x0b\x00"), UD },
    { "c7 /7 (xbegin): unhandleable", CODE("\xc7\xf8\x00\x00\x00\x00"), UNH },
};

static void test_table(const char *group)
{
    if ( !strcmp(group, "decode") )
        RUN_TABLE(decode_cases);
    else if ( !strcmp(group, "mov") )
        RUN_TABLE(mov_cases);
    else if ( !strcmp(group, "alu") )
        RUN_TABLE(alu_cases);
    else if ( !strcmp(group, "string") )
        RUN_TABLE(string_cases);
    else if ( !strcmp(group, "bitops") )
        RUN_TABLE(bit_cases);
    else if ( !strcmp(group, "modes") )
        RUN_TABLE(mode_cases);
    else
        RUN_TABLE(error_cases);
}

/* REP stops after X86EMUL_REP_BATCH iterations; the caller re-enters. */
static void test_rep_batch(bool backwards)
{
    struct env *e = &run_env;
    static const uint8_t code[] = { 0xf3, 0xaa };     /* rep stosb */
    uint64_t start = backwards ? 0x30ff : 0x3000;
    unsigned int calls = 0;
    int rc;

    env_init(e, 64);
    e->regs.rip = 0x1000;
    e->regs.rax = 0xab;
    e->regs.rcx = 200;
    e->regs.rdi = start;
    e->regs.rflags = backwards ? FL | DF : FL;
    env_map(e, 0x3000);
    env_code(e, code, sizeof(code));

    rc = env_run(e);
    CHECK(rc == X86EMUL_RETRY);
    CHECK_U64(e->regs.rip, 0x1000);
    CHECK_U64(e->regs.rcx, 200 - X86EMUL_REP_BATCH);
    CHECK_U64(e->regs.rdi, backwards ? start - X86EMUL_REP_BATCH
                                     : start + X86EMUL_REP_BATCH);
    CHECK_U64(e->writes, X86EMUL_REP_BATCH);
    calls = 1;
    while ( rc == X86EMUL_RETRY && calls < 10 )
    {
        rc = env_run(e);
        calls++;
    }
    CHECK(rc == X86EMUL_OKAY);
    CHECK_U64(calls, (200 + X86EMUL_REP_BATCH - 1) / X86EMUL_REP_BATCH);
    CHECK_U64(e->regs.rip, 0x1002);
    CHECK_U64(e->regs.rcx, 0);
    CHECK_U64(e->regs.rdi, backwards ? start - 200 : start + 200);
    CHECK_U64(e->writes, 200);
    for ( unsigned int i = 0; i < 256; i++ )
    {
        bool in = backwards ? i > 0xff - 200 : i < 200;

        CHECK_U64(env_peek(e, 0x3000 + i, 1), in ? 0xab : 0);
    }
}

/* What the caller needs to report an unhandled instruction. */
static void test_unhandled_report(void)
{
    struct env *e = &run_env;
    static const uint8_t code[] = { 0x66, 0x0f, 0x0b };

    env_init(e, 64);
    e->regs.rip = 0x1000;
    env_code(e, code, sizeof(code));
    CHECK(env_run(e) == X86EMUL_UNHANDLEABLE);
    CHECK_U64(e->ctxt.opcode, 0x0f0b);
    CHECK_U64(e->ctxt.insn_len, 3);
    CHECK(!memcmp(e->ctxt.insn_bytes, code, 3));
}

/* A caller's inconsistent mode is refused, not guessed at. */
static void test_bad_mode(void)
{
    struct env *e = &run_env;
    static const uint8_t code[] = { 0x89, 0x03 };

    env_init(e, 64);
    e->ctxt.addr_size = 32;
    env_code(e, code, sizeof(code));
    CHECK(env_run(e) == X86EMUL_UNHANDLEABLE);
    CHECK_U64(e->fetches, 0);

    env_init(e, 32);
    e->ctxt.op_default = 64;
    env_code(e, code, sizeof(code));
    CHECK(env_run(e) == X86EMUL_UNHANDLEABLE);
}

int main(int argc, char **argv)
{
    const char *group = argc > 1 ? argv[1] : "";

    if ( !strcmp(group, "flags") )
        test_flags();
    else if ( !strcmp(group, "decode") || !strcmp(group, "mov") ||
              !strcmp(group, "alu") || !strcmp(group, "bitops") ||
              !strcmp(group, "modes") )
        test_table(group);
    else if ( !strcmp(group, "string") )
    {
        test_table(group);
        test_rep_batch(false);
        test_rep_batch(true);
    }
    else if ( !strcmp(group, "errors") )
    {
        test_table(group);
        test_unhandled_report();
        test_bad_mode();
    }
    else
    {
        fprintf(stderr, "usage: %s decode|mov|alu|flags|string|bitops|"
                "modes|errors\n", argv[0]);
        return 2;
    }

    printf("%s: %d checks, %d failures\n", group, checks, failures);

    return failures ? 1 : 0;
}
