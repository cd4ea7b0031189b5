/* The test guest of env.h. */
#include "env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const seg_names[] = { "es", "cs", "ss", "ds", "fs", "gs" };

void env_init(struct env *e, unsigned int mode)
{
    memset(e, 0, sizeof(*e));
    e->regs.rflags = 0x2;
    e->ctxt.regs = &e->regs;
    e->ctxt.ctx = e;
    e->ctxt.long_mode = mode == 64;
    e->ctxt.addr_size = mode;
    e->ctxt.op_default = mode == 64 ? 32 : mode;
}

static struct env_page *find_page(struct env *e, uint64_t lin)
{
    for ( unsigned int i = 0; i < e->nr_pages; i++ )
        if ( e->pages[i].base == (lin & ~(uint64_t)(ENV_PAGE_SIZE - 1)) )
            return &e->pages[i];

    return NULL;
}

void env_map(struct env *e, uint64_t lin)
{
    if ( find_page(e, lin) )
        return;
    if ( e->nr_pages == ENV_PAGES )
    {
        fprintf(stderr, "env: out of pages\n");
        abort();
    }
    e->pages[e->nr_pages++].base = lin & ~(uint64_t)(ENV_PAGE_SIZE - 1);
}

void env_protect(struct env *e, uint64_t lin)
{
    env_map(e, lin);
    find_page(e, lin)->read_only = true;
}

static uint8_t *byte_at(struct env *e, uint64_t lin)
{
    struct env_page *p = find_page(e, lin);

    return p ? &p->data[lin & (ENV_PAGE_SIZE - 1)] : NULL;
}

void env_poke(struct env *e, uint64_t lin, uint64_t val, unsigned int bytes)
{
    for ( unsigned int i = 0; i < bytes; i++, val >>= 8 )
    {
        env_map(e, lin + i);
        *byte_at(e, lin + i) = val;
    }
}

uint64_t env_peek(struct env *e, uint64_t lin, unsigned int bytes)
{
    uint64_t v = 0;

    while ( bytes-- )
    {
        uint8_t *b = byte_at(e, lin + bytes);

        v = (v << 8) | (b ? *b : 0);
    }

    return v;
}

void env_code(struct env *e, const void *bytes, unsigned int len)
{
    if ( len > ENV_CODE_MAX )
        abort();
    memcpy(e->code, bytes, len);
    e->code_len = len;
}

static void log_access(struct env *e, char kind, enum x86_seg seg,
                       uint64_t lin, unsigned int bytes)
{
    size_t room = sizeof(e->log) - e->log_len;
    int n = snprintf(e->log + e->log_len, room, "%s%c:%s:%lx:%u",
                     e->log_len ? " " : "", kind,
                     seg < 6 ? seg_names[seg] : "??", lin, bytes);

    if ( n > 0 && (size_t)n < room )
        e->log_len += n;
}

static bool valid_size(unsigned int bytes)
{
    return bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
}

/* #PF with the error code of a user access: P, W as given. */
static int page_fault(struct env *e, bool present, bool write)
{
    return x86_emul_fault_ec(&e->ctxt, X86_EXC_PF,
                             (present ? 1 : 0) | (write ? 2 : 0) | 4);
}

static int env_read(struct x86_emulate_ctxt *c, enum x86_seg seg,
                    uint64_t lin, void *buf, unsigned int bytes)
{
    struct env *e = c->ctx;

    if ( !valid_size(bytes) )
        abort();
    log_access(e, 'R', seg, lin, bytes);
    for ( unsigned int i = 0; i < bytes; i++ )
    {
        uint8_t *b = byte_at(e, lin + i);

        if ( !b )
            return page_fault(e, false, false);
        ((uint8_t *)buf)[i] = *b;
    }

    return X86EMUL_OKAY;
}

static int env_write(struct x86_emulate_ctxt *c, enum x86_seg seg,
                     uint64_t lin, const void *buf, unsigned int bytes)
{
    struct env *e = c->ctx;

    if ( !valid_size(bytes) )
        abort();
    e->writes++;
    log_access(e, 'W', seg, lin, bytes);
    for ( unsigned int i = 0; i < bytes; i++ )
    {
        struct env_page *p = find_page(e, lin + i);

        if ( !p || p->read_only )
            return page_fault(e, p != NULL, true);
    }
    for ( unsigned int i = 0; i < bytes; i++ )
        *byte_at(e, lin + i) = ((const uint8_t *)buf)[i];

    return X86EMUL_OKAY;
}

/* Instruction byte `lin`, as an offset from rip in e->code. */
static uint64_t code_offset(const struct env *e, uint64_t lin)
{
    const struct x86_emulate_ctxt *c = &e->ctxt;
    uint64_t ip_mask = c->long_mode ? ~0ULL
                       : c->op_default == 16 ? 0xffff : 0xffffffff;
    uint64_t ip = c->long_mode ? lin
                  : (lin - c->seg_base[x86_seg_cs]) & 0xffffffff;

    return (ip - e->regs.rip) & ip_mask;
}

static int env_fetch(struct x86_emulate_ctxt *c, uint64_t lin, void *buf,
                     unsigned int bytes)
{
    struct env *e = c->ctx;

    if ( bytes < 1 || bytes > 8 )
        abort();
    e->fetches++;
    for ( unsigned int i = 0; i < bytes; i++ )
    {
        uint64_t off = code_offset(e, lin + i);

        if ( off >= e->code_len )
            return page_fault(e, false, false);
        ((uint8_t *)buf)[i] = e->code[off];
    }

    return X86EMUL_OKAY;
}

const struct x86_emulate_ops env_ops = {
    .read = env_read,
    .write = env_write,
    .insn_fetch = env_fetch,
};

int env_run(struct env *e)
{
    e->log_len = 0;
    e->log[0] = '\0';

    return x86_emulate(&e->ctxt, &env_ops);
}
