/*
 * A guest for the emulator's host tests: registers, a sparse memory of
 * 4 KiB pages (an access to an unmapped byte is a #PF), the instruction
 * bytes at CS base + rip, and a log of the accesses made through the ops.
 */
#ifndef X86EMU_ENV_H
#define X86EMU_ENV_H

#include <asm/x86_emulate.h>

#define ENV_PAGES     16
#define ENV_PAGE_SIZE 4096
#define ENV_CODE_MAX  32
#define ENV_LOG_MAX   4096

struct env_page {
    uint64_t base;
    bool read_only;                 /* writes fault with #PF */
    uint8_t data[ENV_PAGE_SIZE];
};

struct env {
    struct x86_emul_regs regs;
    struct x86_emulate_ctxt ctxt;
    struct env_page pages[ENV_PAGES];
    unsigned int nr_pages;
    uint8_t code[ENV_CODE_MAX];
    unsigned int code_len;          /* fetches past it fail with #PF */
    unsigned int writes, fetches;
    char log[ENV_LOG_MAX];          /* "R:ds:1000:4 W:es:2000:4 ..." */
    size_t log_len;
};

/* A clean guest in 64-bit mode (mode 64) or 32/16-bit protected mode. */
void env_init(struct env *e, unsigned int mode);
void env_map(struct env *e, uint64_t lin);
void env_protect(struct env *e, uint64_t lin);
void env_poke(struct env *e, uint64_t lin, uint64_t val, unsigned int bytes);
uint64_t env_peek(struct env *e, uint64_t lin, unsigned int bytes);
/* The instruction bytes at CS base + rip, wherever rip is. */
void env_code(struct env *e, const void *bytes, unsigned int len);
int env_run(struct env *e);

extern const struct x86_emulate_ops env_ops;

#endif /* X86EMU_ENV_H */
