/* Test image builder; see builder.h. */
#include "builder.h"

#include <stdlib.h>
#include <string.h>

struct tnote *tb_add(struct timage *t, const char *owner, uint32_t type)
{
    struct tnote *n;

    if ( t->nr_notes == TB_MAX_NOTES )
        abort();
    n = &t->notes[t->nr_notes++];
    memset(n, 0, sizeof(*n));
    n->owner = owner;
    n->type = type;

    return n;
}

struct tnote *tb_note(struct timage *t, uint32_t type)
{
    for ( unsigned int i = 0; i < t->nr_notes; i++ )
        if ( t->notes[i].type == type && !strcmp(t->notes[i].owner, "Xen") )
            return &t->notes[i];

    return NULL;
}

void tb_remove(struct timage *t, uint32_t type)
{
    struct tnote *n = tb_note(t, type);

    if ( !n )
        abort();
    memmove(n, n + 1, (char *)&t->notes[t->nr_notes] - (char *)(n + 1));
    t->nr_notes--;
}

void tb_set_str(struct tnote *n, const char *s, bool with_nul)
{
    size_t len = strlen(s) + with_nul;

    if ( len > sizeof(n->desc) )
        abort();
    memcpy(n->desc, s, len);
    n->descsz = len;
}

void tb_set_num(struct tnote *n, uint64_t v, unsigned int width)
{
    memcpy(n->desc, &v, width);
    n->descsz = width;
}

static void add_num(struct timage *t, uint32_t type, uint64_t v,
                    unsigned int width)
{
    tb_set_num(tb_add(t, "Xen", type), v, width);
}

static void add_str(struct timage *t, uint32_t type, const char *s,
                    bool with_nul)
{
    tb_set_str(tb_add(t, "Xen", type), s, with_nul);
}

void tb_linux(struct timage *t)
{
    static const uint8_t build_id[20] = { 0xde, 0xad, 0xbe, 0xef };
    struct tnote *n;

    memset(t, 0, sizeof(*t));
    t->e_entry = TB_KSTART;     /* startup_64, not the PV entry */

    /* A foreign note whose type collides with ENTRY must be skipped. */
    n = tb_add(t, "GNU", 1);
    memcpy(n->desc, build_id, sizeof(build_id));
    n->descsz = sizeof(build_id);

    add_str(t, XEN_ELFNOTE_GUEST_OS, "linux", true);
    add_str(t, XEN_ELFNOTE_GUEST_VERSION, "2.6", true);
    add_str(t, XEN_ELFNOTE_XEN_VERSION, "xen-3.0", true);
    add_num(t, XEN_ELFNOTE_VIRT_BASE, TB_VIRT_BASE, 8);
    add_num(t, XEN_ELFNOTE_ENTRY, TB_ENTRY, 8);
    add_num(t, XEN_ELFNOTE_HYPERCALL_PAGE, TB_HYPERCALL, 8);
    /* Emitted with .ascii: no NUL. */
    add_str(t, XEN_ELFNOTE_FEATURES,
            "!writable_page_tables|pae_pgdir_above_4gb", false);
    add_num(t, XEN_ELFNOTE_SUPPORTED_FEATURES, 0x8801, 4);
    add_str(t, XEN_ELFNOTE_PAE_MODE, "yes", true);
    add_str(t, XEN_ELFNOTE_LOADER, "generic", true);
    n = tb_add(t, "Xen", XEN_ELFNOTE_L1_MFN_VALID);
    tb_set_num(n, 1, 8);
    memcpy(n->desc + 8, &(uint64_t){ 1 }, 8);
    n->descsz = 16;
    add_num(t, XEN_ELFNOTE_SUSPEND_CANCEL, 1, 4);
    add_num(t, XEN_ELFNOTE_HV_START_LOW, 0xffff800000000000UL, 8);
    add_num(t, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    add_num(t, XEN_ELFNOTE_INIT_P2M, 0x8000000000UL, 8);
    add_num(t, XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    add_num(t, XEN_ELFNOTE_PHYS32_ENTRY, TB_PHYS32_ENTRY, 8);
}

static uint64_t align4(uint64_t x)
{
    return (x + 3) & ~3UL;
}

static void put_bytes(struct timage *t, uint64_t off, const void *p,
                      size_t len)
{
    if ( off > TB_CAP || len > TB_CAP - off )
        abort();
    memcpy(t->buf + off, p, len);
}

void tb_put(struct timage *t, uint64_t off, uint64_t v, unsigned int width)
{
    put_bytes(t, off, &v, width);
}

static void put_phdr(struct timage *t, unsigned int i, uint32_t type,
                     uint64_t off, uint64_t filesz, uint64_t memsz,
                     uint64_t paddr)
{
    struct elf64_phdr ph = {
        .p_type = type, .p_flags = 4 /* PF_R */, .p_offset = off,
        .p_vaddr = paddr ? paddr + TB_VIRT_BASE : 0, .p_paddr = paddr,
        .p_filesz = filesz, .p_memsz = memsz, .p_align = paddr ? 0x1000 : 4,
    };

    put_bytes(t, sizeof(struct elf64_ehdr) + i * sizeof(ph), &ph, sizeof(ph));
}

static uint64_t put_notes(struct timage *t)
{
    uint64_t off = TB_NOTE_OFF;

    for ( unsigned int i = 0; i < t->nr_notes; i++ )
    {
        struct tnote *n = &t->notes[i];
        struct elf64_nhdr nh = {
            .n_namesz = strlen(n->owner) + 1, .n_descsz = n->descsz,
            .n_type = n->type,
        };

        n->off = off;
        put_bytes(t, off, &nh, sizeof(nh));
        off += sizeof(nh);
        put_bytes(t, off, n->owner, nh.n_namesz);
        off += align4(nh.n_namesz);
        put_bytes(t, off, n->desc, n->descsz);
        off += align4(n->descsz);
    }

    return off - TB_NOTE_OFF;
}

void tb_build(struct timage *t)
{
    struct elf64_ehdr eh = {
        .e_ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 },
        .e_type = 2, .e_machine = 62, .e_version = 1,
        .e_entry = t->e_entry, .e_phoff = sizeof(eh),
        .e_ehsize = sizeof(eh), .e_phentsize = sizeof(struct elf64_phdr),
        .e_phnum = TB_NR_PHDRS,
    };

    memset(t->buf, 0, sizeof(t->buf));
    put_bytes(t, 0, &eh, sizeof(eh));
    /* Recognisable contents, so that loads can be checked byte by byte. */
    for ( uint64_t i = TB_TEXT_OFF; i < TB_DATA_OFF + TB_DATA_FILESZ; i++ )
        t->buf[i] = (i * 7 + 1) & 0xff;

    t->note_len = put_notes(t);
    put_phdr(t, 0, PT_LOAD, TB_TEXT_OFF, TB_TEXT_SIZE, TB_TEXT_SIZE,
             TB_PADDR);
    put_phdr(t, 1, PT_LOAD, TB_DATA_OFF, TB_DATA_FILESZ, TB_DATA_MEMSZ,
             TB_PADDR + TB_TEXT_SIZE);
    put_phdr(t, TB_NOTE_PHDR, PT_NOTE, TB_NOTE_OFF, t->note_len,
             t->note_len, 0);
    t->size = TB_NOTE_OFF + t->note_len;
}

/* Wrap the built image in a bzImage setup header (4 setup sectors). */
static void wrap_bzimage(struct timage *t)
{
    const size_t setup = 5 * 512;

    memmove(t->buf + setup, t->buf, t->size);
    memset(t->buf, 0, setup);
    t->buf[0x1f1] = 4;
    tb_put(t, 0x1fe, 0xaa55, 2);
    memcpy(t->buf + 0x202, "HdrS", 4);
    tb_put(t, 0x206, 0x020f, 2);
    tb_put(t, 0x24c, t->size, 4);
    t->size += setup;
}

bool tb_seed(struct timage *t, unsigned int i)
{
    tb_linux(t);
    switch ( i )
    {
    case 0:
        break;
    case 1:                     /* 6.1.121 and later, all 4-byte numbers */
        tb_remove(t, XEN_ELFNOTE_HYPERCALL_PAGE);
        tb_set_num(tb_note(t, XEN_ELFNOTE_PADDR_OFFSET), 0, 4);
        tb_set_num(tb_note(t, XEN_ELFNOTE_HV_START_LOW), 0, 4);
        break;
    case 2:                     /* unknown and required features */
        tb_set_str(tb_note(t, XEN_ELFNOTE_FEATURES),
                   "!auto_translated_physmap|x|!y|dom0", true);
        break;
    case 3:                     /* no optional notes: defaults */
        t->nr_notes = 1;
        tb_set_str(tb_add(t, "Xen", XEN_ELFNOTE_LOADER), "generic", true);
        tb_set_str(tb_add(t, "Xen", XEN_ELFNOTE_XEN_VERSION), "xen-3.0", true);
        t->e_entry = TB_PADDR;
        break;
    case 4:                     /* a bzImage of the plain Linux image */
        tb_build(t);
        wrap_bzimage(t);
        return true;
    default:
        return false;
    }
    tb_build(t);

    return true;
}
