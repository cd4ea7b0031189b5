/*
 * Builds small ELF64 kernels at run time for the libelf tests, the fuzz
 * smoke run and the fuzzer's seed corpus: a text and a data PT_LOAD and a
 * PT_NOTE holding a list of notes, by default those of Linux 6.1.
 */
#ifndef LIBELF_TEST_BUILDER_H
#define LIBELF_TEST_BUILDER_H

#include <keel/libelf.h>
#include <public/elfnote.h>

#define TB_CAP          0x10000
#define TB_MAX_NOTES    32

/* Where tb_build() puts things. */
#define TB_TEXT_OFF     0x1000UL
#define TB_TEXT_SIZE    0x2000UL
#define TB_DATA_OFF     0x3000UL
#define TB_DATA_FILESZ  0x800UL
#define TB_DATA_MEMSZ   0x3000UL
#define TB_NOTE_OFF     0x3800UL
#define TB_PADDR        0x1000000UL             /* 16 MiB, as Linux */
#define TB_VIRT_BASE    0xffffffff80000000UL    /* __START_KERNEL_map */
#define TB_KSTART       (TB_VIRT_BASE + TB_PADDR)
#define TB_KEND         (TB_KSTART + TB_TEXT_SIZE + TB_DATA_MEMSZ)
#define TB_ENTRY        (TB_KSTART + 0x40)      /* startup_xen */
#define TB_HYPERCALL    (TB_KSTART + 0x1000)
#define TB_PHYS32_ENTRY (TB_PADDR + 0x100)
#define TB_NR_PHDRS     3                       /* text, data, notes */
#define TB_NOTE_PHDR    2

struct tnote {
    const char *owner;
    uint32_t type;
    uint32_t descsz;
    uint8_t desc[128];
    uint64_t off;       /* file offset of its header, set by tb_build() */
};

struct timage {
    struct tnote notes[TB_MAX_NOTES];
    unsigned int nr_notes;
    uint64_t e_entry;
    uint8_t buf[TB_CAP];
    size_t size;        /* bytes of buf in use after tb_build() */
    uint64_t note_len;  /* bytes of notes at TB_NOTE_OFF */
};

/* The notes of Linux 6.1 (xen-guest-abi.md §1.2) and a GNU build-id. */
void tb_linux(struct timage *t);
/* The first "Xen" note of that type, or NULL. */
struct tnote *tb_note(struct timage *t, uint32_t type);
struct tnote *tb_add(struct timage *t, const char *owner, uint32_t type);
void tb_remove(struct timage *t, uint32_t type);
void tb_set_str(struct tnote *n, const char *s, bool with_nul);
void tb_set_num(struct tnote *n, uint64_t v, unsigned int width);
/* Serialise t->notes and t->e_entry into t->buf. */
void tb_build(struct timage *t);
/*
 * Build seed i of the fuzzing corpus: the Linux image and variants that
 * reach the other paths.  Returns false when there is no seed i.
 */
bool tb_seed(struct timage *t, unsigned int i);
/* Overwrite width bytes (little-endian) at off of the built image. */
void tb_put(struct timage *t, uint64_t off, uint64_t v, unsigned int width);

#define EH_SET(t, f, v) \
    tb_put(t, offsetof(struct elf64_ehdr, f), v, \
           sizeof(((struct elf64_ehdr *)0)->f))
#define PH_OFF(i, f) \
    (sizeof(struct elf64_ehdr) + (i) * sizeof(struct elf64_phdr) + \
     offsetof(struct elf64_phdr, f))
#define PH_SET(t, i, f, v) \
    tb_put(t, PH_OFF(i, f), v, sizeof(((struct elf64_phdr *)0)->f))

#endif /* LIBELF_TEST_BUILDER_H */
