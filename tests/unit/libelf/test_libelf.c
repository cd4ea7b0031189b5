/*
 * Host tests of common/libelf.  `test_libelf <group>` runs one group and
 * exits non-zero when a check failed; the Makefile prints PASS/FAIL.
 */
#include <keel/libelf.h>
#include <public/errno.h>
#include "builder.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERRLEN 160

static int checks, failures;
static char err[ERRLEN];

static bool check(bool ok, const char *what, const char *file, int line)
{
    checks++;
    if ( !ok )
    {
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
        failures++;
    }

    return ok;
}

static void check_u64(uint64_t a, uint64_t b, const char *what,
                      const char *file, int line)
{
    if ( a != b )
        fprintf(stderr, "  got 0x%lx, want 0x%lx\n", a, b);
    check(a == b, what, file, line);
}

static void check_str(const char *a, const char *b, const char *what,
                      const char *file, int line)
{
    if ( strcmp(a, b) )
        fprintf(stderr, "  got \"%s\", want \"%s\"\n", a, b);
    check(!strcmp(a, b), what, file, line);
}

/* rc must be want_rc and err must contain msg (a printf format). */
static void check_fail(int rc, int want_rc, const char *what,
                       const char *file, int line, const char *fmt, ...)
{
    char msg[ERRLEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if ( rc != want_rc || !strstr(err, msg) )
        fprintf(stderr, "  got %d \"%s\", want %d \"...%s...\"\n",
                rc, err, want_rc, msg);
    check(rc == want_rc && strstr(err, msg), what, file, line);
}

#define CHECK(c)          check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_U64(a, b)   check_u64((a), (b), #a " == " #b, __FILE__, __LINE__)
#define CHECK_STR(a, b)   check_str((a), (b), #a " == " #b, __FILE__, __LINE__)
#define CHECK_FAIL(expr, rc, ...) \
    check_fail((expr), (rc), #expr, __FILE__, __LINE__, __VA_ARGS__)

static struct timage t;
static struct elf_image img;
static struct xen_elf_notes notes;
static struct xen_elf_layout layout;

/*
 * The image under test lives in a heap block of exactly its size, so that
 * ASan catches any read past its end.
 */
static uint8_t *heap_image;

static int init(void)
{
    free(heap_image);
    heap_image = malloc(t.size + !t.size);
    memcpy(heap_image, t.buf, t.size);
    err[0] = '\0';

    return elf_init(&img, heap_image, t.size, err, ERRLEN);
}

/* elf_init then elf_xen_parse_notes; the image itself must be good. */
static int parse(void)
{
    if ( !CHECK(init() == 0) )
        fprintf(stderr, "  elf_init: %s\n", err);

    return elf_xen_parse_notes(&img, &notes, err, ERRLEN);
}

/* parse then elf_xen_layout; the notes themselves must be good. */
static int lay_out(void)
{
    if ( !CHECK(parse() == 0) )
        fprintf(stderr, "  parse: %s\n", err);

    return elf_xen_layout(&img, &notes, &layout, err, ERRLEN);
}

/* Set an existing "Xen" note to an 8-byte number. */
static void set_note(uint32_t type, uint64_t v)
{
    tb_set_num(tb_note(&t, type), v, 8);
}

static void linux_image(void)
{
    tb_linux(&t);
    tb_build(&t);
}

/* Header and program header validation. */

static void test_good_image(void)
{
    linux_image();
    CHECK(init() == 0);
    CHECK_U64(img.nr_phdrs, TB_NR_PHDRS);
    CHECK_U64(img.size, t.size);
    CHECK(img.data == heap_image && img.ehdr == heap_image);
    CHECK(img.phdrs == heap_image + sizeof(struct elf64_ehdr));
    CHECK_U64(img.entry, TB_KSTART);
    CHECK_U64(img.pstart, TB_PADDR);
    CHECK_U64(img.pend, TB_PADDR + TB_TEXT_SIZE + TB_DATA_MEMSZ);
    CHECK_U64(img.vstart, TB_KSTART);
    CHECK_U64(img.vend, TB_KEND);
}

static void test_truncated_header(void)
{
    linux_image();
    t.size = sizeof(struct elf64_ehdr) - 1;
    CHECK_FAIL(init(), -ENOEXEC,
               "image size 0x3f is smaller than an ELF64 header (0x40)");
    t.size = 0;
    CHECK_FAIL(init(), -ENOEXEC, "image size 0x0 is smaller");
    /* A failed init leaves the image zeroed. */
    CHECK(img.data == NULL && img.nr_phdrs == 0);
}

static void test_ident(void)
{
    linux_image();
    t.buf[1] = 'e';
    CHECK_FAIL(init(), -ENOEXEC, "bad magic: not an ELF image");

    linux_image();
    t.buf[4] = 3;
    CHECK_FAIL(init(), -ENOEXEC, "class 3: neither ELF64 nor ELF32");

    /* An ELF64 image relabelled ELF32 is read as ELF32: machine 62 is wrong there. */
    linux_image();
    t.buf[4] = 1;
    CHECK_FAIL(init(), -ENOEXEC, "machine 62 is not i386 (3) in an ELF32 image");

    linux_image();
    t.buf[5] = 2;
    CHECK_FAIL(init(), -ENOEXEC, "data encoding 2: not little-endian");

    linux_image();
    EH_SET(&t, e_version, 0);
    CHECK_FAIL(init(), -ENOEXEC, "ELF version 1/0 is not 1");

    linux_image();
    EH_SET(&t, e_machine, 3);
    CHECK_FAIL(init(), -ENOEXEC, "machine 3 is not x86-64 (62)");

    linux_image();
    EH_SET(&t, e_type, 3);
    CHECK_FAIL(init(), -ENOEXEC, "type 3 is not an executable");
}

static void test_phdr_table(void)
{
    linux_image();
    EH_SET(&t, e_phentsize, 32);
    CHECK_FAIL(init(), -EINVAL, "program header size 32 is not 56");

    /* The largest e_phnum * e_phentsize is refused before any use. */
    linux_image();
    EH_SET(&t, e_phentsize, 0xffff);
    EH_SET(&t, e_phnum, 0xffff);
    CHECK_FAIL(init(), -EINVAL, "program header size 65535 is not 56");

    linux_image();
    EH_SET(&t, e_phnum, 0);
    CHECK_FAIL(init(), -EINVAL, "no program headers");

    linux_image();
    EH_SET(&t, e_phnum, ELF_MAX_PHDRS + 1);
    CHECK_FAIL(init(), -EINVAL, "65 program headers: more than 64");

    linux_image();
    EH_SET(&t, e_phnum, 0xffff);            /* PN_XNUM */
    CHECK_FAIL(init(), -EINVAL, "65535 program headers: more than 64");

    /* 64 headers are fine (the extra ones are PT_NULL)... */
    linux_image();
    EH_SET(&t, e_phnum, ELF_MAX_PHDRS);
    CHECK(init() == 0);
    CHECK_U64(img.nr_phdrs, ELF_MAX_PHDRS);
    /* ...while the image holds them. */
    EH_SET(&t, e_phoff, t.size - ELF_MAX_PHDRS * 56 + 1);
    CHECK_FAIL(init(), -EINVAL, "+0xe00 beyond image size 0x%zx", t.size);

    linux_image();
    EH_SET(&t, e_phoff, t.size);
    CHECK_FAIL(init(), -EINVAL,
               "program headers 0x%zx+0xa8 beyond image size 0x%zx",
               t.size, t.size);

    linux_image();
    EH_SET(&t, e_phoff, t.size - 0xa7);
    CHECK_FAIL(init(), -EINVAL, "beyond image size 0x%zx", t.size);

    /* phoff + size wraps around 2^64. */
    linux_image();
    EH_SET(&t, e_phoff, UINT64_MAX - 8);
    CHECK_FAIL(init(), -EINVAL,
               "program headers 0xfffffffffffffff7+0xa8 beyond image size");
}

static void test_segments(void)
{
    char want[ERRLEN];

    linux_image();
    PH_SET(&t, 1, p_offset, t.size - 0x10);
    snprintf(want, sizeof(want),
             "program header 1: file range 0x%zx+0x800 beyond image size 0x%zx",
             t.size - 0x10, t.size);
    CHECK(init() == -EINVAL);
    CHECK_STR(err, want);

    /* offset + filesz wraps. */
    linux_image();
    PH_SET(&t, 0, p_offset, 0xfffffffffffff000UL);
    CHECK_FAIL(init(), -EINVAL,
               "program header 0: file range 0xfffffffffffff000+0x2000 beyond");

    /* The notes' bytes are checked as well as the loadable ones'. */
    linux_image();
    PH_SET(&t, TB_NOTE_PHDR, p_filesz, t.note_len + 1);
    CHECK_FAIL(init(), -EINVAL, "program header 2: file range");

    linux_image();
    PH_SET(&t, 1, p_filesz, TB_DATA_MEMSZ + 1);
    t.size = TB_CAP;
    CHECK_FAIL(init(), -EINVAL,
               "program header 1: file size 0x3001 exceeds memory size 0x3000");

    linux_image();
    PH_SET(&t, 1, p_paddr, 0xfffffffffffff000UL);
    CHECK_FAIL(init(), -EINVAL,
               "program header 1: physical range 0xfffffffffffff000+0x3000 wraps");

    linux_image();
    PH_SET(&t, 0, p_vaddr, 0xffffffffffffffffUL);
    CHECK_FAIL(init(), -EINVAL, "program header 0: virtual range");

    /* A segment may end exactly at 2^64 - 1. */
    linux_image();
    PH_SET(&t, 0, p_vaddr, 0xffffffffffffe000UL - 1);
    CHECK(init() == 0);
    CHECK_U64(img.vend, 0xffffffffffffffffUL);

    linux_image();
    PH_SET(&t, 0, p_type, 6);
    PH_SET(&t, 1, p_type, 0);
    CHECK_FAIL(init(), -EINVAL, "no PT_LOAD program header");
}

static void test_err_buffer(void)
{
    char small[8];

    linux_image();
    EH_SET(&t, e_machine, 3);
    CHECK(init() == -ENOEXEC);
    CHECK(elf_init(&img, heap_image, t.size, small, sizeof(small)) == -ENOEXEC);
    CHECK_STR(small, "machine");
    CHECK(elf_init(&img, heap_image, t.size, NULL, 0) == -ENOEXEC);
}

/* The image may sit at any alignment. */
static void test_unaligned(void)
{
    uint8_t *p;

    linux_image();
    p = malloc(t.size + 1);
    memcpy(p + 1, t.buf, t.size);
    CHECK(elf_init(&img, p + 1, t.size, err, ERRLEN) == 0);
    CHECK(elf_xen_parse_notes(&img, &notes, err, ERRLEN) == 0);
    CHECK_U64(notes.entry, TB_ENTRY);
    free(p);
}

/*
 * A PVH kernel in ELF32 form (Xen loads both classes): i386 header, one
 * PT_LOAD at 1 MiB and a PT_NOTE holding XEN_ELFNOTE_PHYS32_ENTRY.
 */
static size_t elf32_pvh(uint8_t *b)
{
    struct elf32_ehdr eh = { .e_type = 2, .e_machine = 3, .e_version = 1,
                             .e_entry = 0x100000, .e_phoff = 52, .e_ehsize = 52,
                             .e_phentsize = 32, .e_phnum = 2 };
    struct elf32_phdr load = { .p_type = PT_LOAD, .p_offset = 0x100, .p_vaddr = 0x100000,
                               .p_paddr = 0x100000, .p_filesz = 0x40, .p_memsz = 0x1000,
                               .p_flags = 5, .p_align = 0x1000 };
    struct elf32_phdr note = { .p_type = PT_NOTE, .p_offset = 0xc0, .p_filesz = 20 };
    const uint32_t nh[3] = { 4, 4, 18 };
    const uint32_t entry = 0x100010;

    memset(b, 0, 0x140);
    memcpy(eh.e_ident, "\x7f" "ELF\x01\x01\x01", 7);
    memcpy(b, &eh, sizeof(eh));
    memcpy(b + 52, &load, sizeof(load));
    memcpy(b + 84, &note, sizeof(note));
    memcpy(b + 0xc0, nh, sizeof(nh));
    memcpy(b + 0xcc, "Xen", 4);
    memcpy(b + 0xd0, &entry, 4);
    return 0x140;
}

static void test_elf32(void)
{
    struct elf64_phdr ph;

    t.size = elf32_pvh(t.buf);
    CHECK(init() == 0);
    if ( err[0] )
        fprintf(stderr, "  elf_init: %s\n", err);
    CHECK(img.elf32);
    CHECK_U64(img.entry, 0x100000);
    CHECK_U64(img.nr_phdrs, 2);
    CHECK_U64(img.pstart, 0x100000);
    CHECK_U64(img.pend, 0x101000);
    elf_phdr(&img, 0, &ph);
    CHECK_U64(ph.p_offset, 0x100);
    CHECK_U64(ph.p_filesz, 0x40);
    CHECK_U64(ph.p_align, 0x1000);
    CHECK(elf_xen_parse_notes(&img, &notes, err, ERRLEN) == 0);
    CHECK(notes.has_phys32_entry);
    CHECK_U64(notes.phys32_entry, 0x100010);
    /* Hostile: ELF64's program header size in an ELF32 image; a table past the end. */
    t.size = elf32_pvh(t.buf);
    t.buf[42] = 56;
    CHECK_FAIL(init(), -EINVAL, "program header size 56 is not 32");
    t.size = elf32_pvh(t.buf);
    t.buf[44] = 60;
    CHECK_FAIL(init(), -EINVAL, "program headers 0x34+0x780 beyond image size");
    t.size = 51;
    CHECK_FAIL(init(), -ENOEXEC, "smaller than an ELF header (0x34)");
}

static void group_header(void)
{
    test_elf32();
    test_good_image();
    test_truncated_header();
    test_ident();
    test_phdr_table();
    test_segments();
    test_err_buffer();
    test_unaligned();
}

/* Notes. */

static void test_linux_notes(void)
{
    linux_image();
    CHECK(parse() == 0);
    CHECK_U64(notes.nr_notes, 17);
    CHECK(notes.has_entry);
    CHECK_U64(notes.entry, TB_ENTRY);
    CHECK(notes.has_hypercall_page);
    CHECK_U64(notes.hypercall_page, TB_HYPERCALL);
    CHECK(notes.has_virt_base);
    CHECK_U64(notes.virt_base, TB_VIRT_BASE);
    CHECK(notes.has_paddr_offset);
    CHECK_U64(notes.paddr_offset, 0);
    CHECK_STR(notes.xen_version, "xen-3.0");
    CHECK_STR(notes.guest_os, "linux");
    CHECK_STR(notes.guest_version, "2.6");
    CHECK_STR(notes.loader, "generic");
    CHECK_STR(notes.pae_mode, "yes");
    /* writable_page_tables(0) | pae_pgdir_above_4gb(4) | 0x8801 */
    CHECK_U64(notes.features_supported[0], 0x8811);
    CHECK_U64(notes.features_required[0], 0x1);
    CHECK_U64(notes.nr_unknown_features, 0);
    CHECK_STR(notes.unknown_feature, "");
    CHECK(notes.has_hv_start_low);
    CHECK_U64(notes.hv_start_low, 0xffff800000000000UL);
    CHECK(notes.has_l1_mfn_valid);
    CHECK_U64(notes.l1_mfn_valid_mask, 1);
    CHECK_U64(notes.l1_mfn_valid_value, 1);
    CHECK(notes.has_suspend_cancel);
    CHECK_U64(notes.suspend_cancel, 1);
    CHECK(notes.has_init_p2m);
    CHECK_U64(notes.init_p2m, 0x8000000000UL);
    CHECK(notes.has_mod_start_pfn);
    CHECK_U64(notes.mod_start_pfn, 1);
    CHECK(notes.has_supported_features);
    CHECK_U64(notes.supported_features, 0x8801);
    CHECK(notes.has_phys32_entry);
    CHECK_U64(notes.phys32_entry, TB_PHYS32_ENTRY);
}

static void test_note_bounds(void)
{
    const uint64_t first = TB_NOTE_OFF;     /* the GNU note's header */

    linux_image();
    PH_SET(&t, TB_NOTE_PHDR, p_filesz, 8);
    CHECK_FAIL(parse(), -EINVAL,
               "program header 2: note header at 0x3800 truncated by the segment end 0x3808");

    /* A second note header cut short by the segment end. */
    linux_image();
    PH_SET(&t, TB_NOTE_PHDR, p_filesz, 12 + 4 + 20 + 11);
    CHECK_FAIL(parse(), -EINVAL, "note header at 0x3824 truncated");

    linux_image();
    tb_put(&t, first, 0xffffffff, 4);           /* n_namesz */
    CHECK_FAIL(parse(), -EINVAL,
               "program header 2: note at 0x3800: name size 0xffffffff runs past the segment end 0x%lx",
               TB_NOTE_OFF + t.note_len);

    linux_image();
    tb_put(&t, first + 4, 0xfffffff0, 4);       /* n_descsz */
    CHECK_FAIL(parse(), -EINVAL,
               "note at 0x3800: desc size 0xfffffff0 runs past the segment end");

    /* One byte too many in the last note's desc. */
    linux_image();
    tb_put(&t, tb_note(&t, XEN_ELFNOTE_PHYS32_ENTRY)->off + 4, 9, 4);
    CHECK_FAIL(parse(), -EINVAL, "desc size 0x9 runs past the segment end");

    /* The last desc may go without its padding. */
    tb_linux(&t);
    tb_set_str(tb_add(&t, "Xen", XEN_ELFNOTE_GUEST_VERSION), "4.1", false);
    tb_build(&t);
    PH_SET(&t, TB_NOTE_PHDR, p_filesz, t.note_len - 1);
    t.size--;
    CHECK(parse() == 0);
    CHECK_STR(notes.guest_version, "4.1");
    /* And a failed parse leaves the notes zeroed. */
    PH_SET(&t, TB_NOTE_PHDR, p_filesz, t.note_len - 2);
    CHECK(parse() == -EINVAL);
    CHECK(notes.nr_notes == 0 && !notes.has_entry && !notes.guest_os[0]);
}

static void test_note_widths(void)
{
    tb_linux(&t);
    tb_set_num(tb_note(&t, XEN_ELFNOTE_ENTRY), TB_ENTRY, 3);
    tb_build(&t);
    CHECK_FAIL(parse(), -EINVAL,
               "note ENTRY at 0x%lx: numeric desc size 3 is not 4 or 8",
               tb_note(&t, XEN_ELFNOTE_ENTRY)->off);

    tb_linux(&t);
    tb_set_num(tb_note(&t, XEN_ELFNOTE_VIRT_BASE), 0x80000000, 4);
    set_note(XEN_ELFNOTE_SUPPORTED_FEATURES, 0xffff000000000001UL);
    tb_build(&t);
    CHECK(parse() == 0);
    CHECK_U64(notes.virt_base, 0x80000000);
    /* Bits above 31 name no feature of the one-word map. */
    CHECK_U64(notes.supported_features, 1);

    tb_linux(&t);
    tb_set_num(tb_note(&t, XEN_ELFNOTE_SUPPORTED_FEATURES), 1, 2);
    tb_build(&t);
    CHECK_FAIL(parse(), -EINVAL, "note SUPPORTED_FEATURES at");

    tb_linux(&t);
    tb_note(&t, XEN_ELFNOTE_L1_MFN_VALID)->descsz = 8;
    tb_build(&t);
    CHECK_FAIL(parse(), -EINVAL,
               "note L1_MFN_VALID at 0x%lx: desc size 8 is not a multiple of 16",
               tb_note(&t, XEN_ELFNOTE_L1_MFN_VALID)->off);

    tb_linux(&t);
    tb_note(&t, XEN_ELFNOTE_L1_MFN_VALID)->descsz = 0;
    tb_build(&t);
    CHECK_FAIL(parse(), -EINVAL, "desc size 0 is not a multiple of 16");

    /* Two pairs: the first one is kept. */
    tb_linux(&t);
    memset(tb_note(&t, XEN_ELFNOTE_L1_MFN_VALID)->desc + 16, 0xff, 16);
    tb_note(&t, XEN_ELFNOTE_L1_MFN_VALID)->descsz = 32;
    tb_build(&t);
    CHECK(parse() == 0);
    CHECK_U64(notes.l1_mfn_valid_mask, 1);
    CHECK_U64(notes.l1_mfn_valid_value, 1);
}

static void test_note_strings(void)
{
    struct tnote *n;

    /* No NUL inside descsz: bounded by it, not by the next note's bytes. */
    tb_linux(&t);
    tb_set_str(tb_note(&t, XEN_ELFNOTE_GUEST_VERSION), "2.6", false);
    tb_set_str(tb_note(&t, XEN_ELFNOTE_GUEST_OS),
               "linuxlinuxlinuxlinuxlinuxlinux-tail", true);
    tb_build(&t);
    CHECK(parse() == 0);
    CHECK_STR(notes.guest_version, "2.6");
    CHECK_STR(notes.guest_os, "linuxlinuxlinuxlinuxlinuxlinux-");

    /* A NUL inside descsz ends the string. */
    tb_linux(&t);
    n = tb_note(&t, XEN_ELFNOTE_LOADER);
    memcpy(n->desc, "generic\0junk", 12);
    n->descsz = 12;
    tb_set_str(tb_note(&t, XEN_ELFNOTE_PAE_MODE), "", false);
    tb_build(&t);
    CHECK(parse() == 0);
    CHECK_STR(notes.loader, "generic");
    CHECK_STR(notes.pae_mode, "");
}

static void test_note_owners(void)
{
    struct tnote *n;

    tb_linux(&t);
    /* Unknown Xen types are counted, not refused. */
    tb_set_num(tb_add(&t, "Xen", XEN_ELFNOTE_INFO), 0, 3);
    tb_set_num(tb_add(&t, "Xen", XEN_ELFNOTE_BSD_SYMTAB), 0, 3);
    tb_set_num(tb_add(&t, "Xen", XEN_ELFNOTE_PHYS32_ENTRY + 1), 0, 3);
    tb_set_num(tb_add(&t, "Xen", 0xffffffff), 0, 3);
    /* Not owned by Xen: not even read. */
    tb_set_num(tb_add(&t, "Xe", XEN_ELFNOTE_VIRT_BASE), 0, 3);
    tb_set_num(tb_add(&t, "XenX", XEN_ELFNOTE_VIRT_BASE), 0, 3);
    tb_set_num(tb_add(&t, "", XEN_ELFNOTE_VIRT_BASE), 0, 3);
    /* A later duplicate wins. */
    n = tb_add(&t, "Xen", XEN_ELFNOTE_HYPERCALL_PAGE);
    tb_set_num(n, TB_HYPERCALL + 0x1000, 8);
    tb_build(&t);
    CHECK(parse() == 0);
    CHECK_U64(notes.nr_notes, 17 + 5);
    CHECK_U64(notes.virt_base, TB_VIRT_BASE);
    CHECK_U64(notes.hypercall_page, TB_HYPERCALL + 0x1000);
    CHECK_U64(notes.entry, TB_ENTRY);

    /* An image without PT_NOTE has no notes, which is no parse error. */
    linux_image();
    PH_SET(&t, TB_NOTE_PHDR, p_type, 6);
    CHECK(parse() == 0);
    CHECK_U64(notes.nr_notes, 0);
}

/* Notes split across two PT_NOTE segments, and an empty one, are all read. */
static void test_two_segments(void)
{
    uint64_t split;

    linux_image();
    split = tb_note(&t, XEN_ELFNOTE_GUEST_VERSION)->off - TB_NOTE_OFF;
    EH_SET(&t, e_phnum, 5);
    PH_SET(&t, TB_NOTE_PHDR, p_filesz, split);
    PH_SET(&t, 3, p_type, PT_NOTE);
    PH_SET(&t, 3, p_offset, TB_NOTE_OFF + split);
    PH_SET(&t, 3, p_filesz, t.note_len - split);
    PH_SET(&t, 4, p_type, PT_NOTE);
    CHECK(parse() == 0);
    CHECK_U64(notes.nr_notes, 17);
    CHECK_STR(notes.guest_os, "linux");
    CHECK_STR(notes.guest_version, "2.6");
}

static void group_notes(void)
{
    test_linux_notes();
    test_note_bounds();
    test_note_widths();
    test_note_strings();
    test_note_owners();
    test_two_segments();
}

/* FEATURES and elf_xen_check_features(). */

#define FEAT(b)         (1U << (b))
/* What a PV Keel might honour: Linux requires writable_page_tables. */
#define PV_HONOURED     (FEAT(0) | FEAT(4) | FEAT(5) | FEAT(11))

static void features(const char *s)
{
    tb_linux(&t);
    tb_set_str(tb_note(&t, XEN_ELFNOTE_FEATURES), s, false);
    tb_remove(&t, XEN_ELFNOTE_SUPPORTED_FEATURES);
    tb_build(&t);
    CHECK(parse() == 0);
}

static void test_features(void)
{
    linux_image();
    CHECK(parse() == 0);
    CHECK(elf_xen_check_features(&notes, PV_HONOURED, err, ERRLEN) == 0);
    CHECK_FAIL(elf_xen_check_features(&notes, 0, err, ERRLEN), -EOPNOTSUPP,
               "kernel requires feature writable_page_tables (0), not offered");

    features("writable_descriptor_tables|supervisor_mode_kernel|"
             "mmu_pt_update_preserve_ad|hvm_callback_vector|dom0|"
             "linux_rsdp_unrestricted");
    CHECK_U64(notes.features_supported[0],
              FEAT(1) | FEAT(3) | FEAT(5) | FEAT(8) | FEAT(11) | FEAT(15));
    CHECK_U64(notes.features_required[0], 0);
    CHECK(elf_xen_check_features(&notes, 0, err, ERRLEN) == 0);

    features("!auto_translated_physmap|dom0");
    CHECK_U64(notes.features_supported[0], FEAT(2) | FEAT(11));
    CHECK_U64(notes.features_required[0], FEAT(2));
    CHECK_FAIL(elf_xen_check_features(&notes, PV_HONOURED, err, ERRLEN),
               -EOPNOTSUPP,
               "kernel requires feature auto_translated_physmap (2), not offered");
}

static void test_unknown_features(void)
{
    features("!writable_page_tables|frobnicate|pae_pgdir_above_4gb|"
             "!warp_drive|dom0|");
    CHECK_U64(notes.nr_unknown_features, 2);
    CHECK_STR(notes.unknown_feature, "frobnicate");
    CHECK_STR(notes.unknown_required, "warp_drive");
    CHECK_U64(notes.features_supported[0], FEAT(0) | FEAT(4) | FEAT(11));
    CHECK_U64(notes.features_required[0], FEAT(0));
    CHECK_FAIL(elf_xen_check_features(&notes, ~0U, err, ERRLEN), -EOPNOTSUPP,
               "kernel requires feature \"warp_drive\", unknown to Keel");

    /* Optional unknown names do not stop a kernel. */
    features("frobnicate|||!|dom0|" "a_feature_name_longer_than_thirty_one_chars");
    CHECK_U64(notes.nr_unknown_features, 2);
    CHECK_STR(notes.unknown_feature, "frobnicate");
    CHECK_STR(notes.unknown_required, "");
    CHECK_U64(notes.features_supported[0], FEAT(11));
    CHECK(elf_xen_check_features(&notes, 0, err, ERRLEN) == 0);

    features("!a_feature_name_longer_than_thirty_one_chars|!dom");
    CHECK_STR(notes.unknown_feature, "a_feature_name_longer_than_thir");
    CHECK_STR(notes.unknown_required, "a_feature_name_longer_than_thir");
    CHECK_U64(notes.nr_unknown_features, 2);

    /* Names are matched whole: no prefixes, no case folding. */
    features("dom0x|Dom0|writable");
    CHECK_U64(notes.features_supported[0], 0);
    CHECK_U64(notes.nr_unknown_features, 3);
}

static void group_features(void)
{
    test_features();
    test_unknown_features();
}

/* elf_xen_layout(). */

static void test_linux_layout(void)
{
    linux_image();
    CHECK(lay_out() == 0);
    CHECK_U64(layout.virt_base, TB_VIRT_BASE);
    CHECK_U64(layout.virt_offset, TB_VIRT_BASE);
    CHECK_U64(layout.virt_kstart, 0xffffffff81000000UL);
    CHECK_U64(layout.virt_kend, TB_KEND);
    CHECK_U64(layout.virt_entry, TB_ENTRY);
    CHECK_U64(layout.virt_hypercall, TB_HYPERCALL);

    /* Linux 6.1.121 and later: no HYPERCALL_PAGE. */
    tb_linux(&t);
    tb_remove(&t, XEN_ELFNOTE_HYPERCALL_PAGE);
    tb_build(&t);
    CHECK(lay_out() == 0);
    CHECK_U64(layout.virt_hypercall, 0);

    /* Without ENTRY the ELF entry point is used. */
    tb_linux(&t);
    tb_remove(&t, XEN_ELFNOTE_ENTRY);
    tb_build(&t);
    CHECK(lay_out() == 0);
    CHECK_U64(layout.virt_entry, TB_KSTART);
}

static void test_defaults(void)
{
    /* Without VIRT_BASE and PADDR_OFFSET: both 0, kernel VA == paddr. */
    tb_linux(&t);
    tb_remove(&t, XEN_ELFNOTE_VIRT_BASE);
    tb_remove(&t, XEN_ELFNOTE_PADDR_OFFSET);
    tb_remove(&t, XEN_ELFNOTE_ENTRY);
    tb_remove(&t, XEN_ELFNOTE_HYPERCALL_PAGE);
    t.e_entry = TB_PADDR;
    tb_build(&t);
    CHECK(lay_out() == 0);
    CHECK_U64(layout.virt_base, 0);
    CHECK_U64(layout.virt_offset, 0);
    CHECK_U64(layout.virt_kstart, TB_PADDR);
    CHECK_U64(layout.virt_entry, TB_PADDR);

    /* Old kernels: p_paddr holds the VA and PADDR_OFFSET == VIRT_BASE. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_PADDR_OFFSET, TB_VIRT_BASE);
    tb_build(&t);
    PH_SET(&t, 0, p_paddr, TB_KSTART);
    PH_SET(&t, 1, p_paddr, TB_KSTART + TB_TEXT_SIZE);
    CHECK(lay_out() == 0);
    CHECK_U64(layout.virt_offset, 0);
    CHECK_U64(layout.virt_kstart, TB_KSTART);

    tb_linux(&t);
    tb_remove(&t, XEN_ELFNOTE_VIRT_BASE);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL, "PADDR_OFFSET 0x0 without VIRT_BASE");

    tb_linux(&t);
    set_note(XEN_ELFNOTE_PADDR_OFFSET, TB_VIRT_BASE + 1);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL,
               "PADDR_OFFSET 0xffffffff80000001 above VIRT_BASE 0xffffffff80000000");
}

static void test_guest_kind(void)
{
    tb_linux(&t);
    tb_set_str(tb_note(&t, XEN_ELFNOTE_LOADER), "bogus", true);
    tb_set_str(tb_note(&t, XEN_ELFNOTE_GUEST_OS), "bogus", true);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -ENOEXEC,
               "LOADER \"bogus\" is not \"generic\" and GUEST_OS \"bogus\" is not \"linux\"");

    /* Xen's rule: a Linux kernel may name another loader. */
    tb_linux(&t);
    tb_set_str(tb_note(&t, XEN_ELFNOTE_LOADER), "bogus", true);
    tb_build(&t);
    CHECK(lay_out() == 0);

    tb_linux(&t);
    tb_remove(&t, XEN_ELFNOTE_LOADER);
    tb_set_str(tb_note(&t, XEN_ELFNOTE_GUEST_OS), "NetBSD", true);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -ENOEXEC, "LOADER \"\" is not \"generic\"");

    tb_linux(&t);
    tb_set_str(tb_note(&t, XEN_ELFNOTE_XEN_VERSION), "xen-2.0", true);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -ENOEXEC, "XEN_VERSION \"xen-2.0\" is not \"xen-3.0\"");

    tb_linux(&t);
    t.nr_notes = 1;                     /* the GNU note only */
    tb_build(&t);
    CHECK_FAIL(lay_out(), -ENOEXEC, "no Xen ELF notes: not a Xen PV kernel");
}

static void test_entry(void)
{
    tb_linux(&t);
    set_note(XEN_ELFNOTE_ENTRY, TB_KEND);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL,
               "entry 0xffffffff81005000 outside the kernel [0xffffffff81000000, 0xffffffff81005000)");

    tb_linux(&t);
    set_note(XEN_ELFNOTE_ENTRY, TB_KSTART - 1);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL, "entry 0xffffffff80ffffff outside");

    tb_linux(&t);
    set_note(XEN_ELFNOTE_ENTRY, TB_KEND - 1);
    tb_build(&t);
    CHECK(lay_out() == 0);

    tb_linux(&t);
    tb_remove(&t, XEN_ELFNOTE_ENTRY);
    t.e_entry = 0x1000040;              /* a physical address */
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL, "entry 0x1000040 outside");
}

static void test_hypercall_page(void)
{
    static const uint64_t bad[] = {
        TB_HYPERCALL + 8,               /* not page-aligned */
        TB_KSTART - 0x1000,             /* below */
        TB_KEND,                        /* above */
        0,
    };

    for ( unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        tb_linux(&t);
        set_note(XEN_ELFNOTE_HYPERCALL_PAGE, bad[i]);
        tb_build(&t);
        CHECK_FAIL(lay_out(), -EINVAL,
                   "hypercall page 0x%lx is not a page-aligned page of the kernel",
                   bad[i]);
    }

    /* The last whole page is fine; a page cut by the kernel end is not. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_HYPERCALL_PAGE, TB_KEND - 0x1000);
    tb_build(&t);
    CHECK(lay_out() == 0);
    PH_SET(&t, 1, p_memsz, TB_DATA_MEMSZ - 0x800);
    CHECK_FAIL(lay_out(), -EINVAL, "hypercall page 0xffffffff81004000");
}

static void test_address_space(void)
{
    /* A kernel inside Keel's hole. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_VIRT_BASE, 0xffff800000000000UL);
    tb_remove(&t, XEN_ELFNOTE_ENTRY);
    tb_remove(&t, XEN_ELFNOTE_HYPERCALL_PAGE);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL,
               "kernel [0xffff800001000000, 0xffff800001005000) overlaps the hypervisor hole [0xffff800000000000, 0xffff880000000000)");

    /* Starting just below its end. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_VIRT_BASE, 0xffff880000000000UL - TB_PADDR - 0x1000);
    tb_remove(&t, XEN_ELFNOTE_ENTRY);
    tb_remove(&t, XEN_ELFNOTE_HYPERCALL_PAGE);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL, "overlaps the hypervisor hole");

    /* Starting at its end is fine. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_VIRT_BASE, 0xffff880000000000UL - TB_PADDR);
    set_note(XEN_ELFNOTE_ENTRY, 0xffff880000000040UL);
    tb_remove(&t, XEN_ELFNOTE_HYPERCALL_PAGE);
    tb_build(&t);
    CHECK(lay_out() == 0);
    CHECK_U64(layout.virt_kstart, 0xffff880000000000UL);

    /* Not canonical. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_VIRT_BASE, 0x00007fffffffe000UL - TB_PADDR);
    tb_remove(&t, XEN_ELFNOTE_ENTRY);
    tb_remove(&t, XEN_ELFNOTE_HYPERCALL_PAGE);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL,
               "kernel [0x7fffffffe000, 0x800000003000) is not canonical");

    /* The kernel's end would be 2^64. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_VIRT_BASE, 0xfffffffffeffb000UL);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL,
               "kernel [0x1000000, 0x1005000) + offset 0xfffffffffeffb000 wraps");

    /* One page lower it fits. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_VIRT_BASE, 0xfffffffffeffa000UL);
    set_note(XEN_ELFNOTE_ENTRY, 0xffffffffffffa040UL);
    tb_remove(&t, XEN_ELFNOTE_HYPERCALL_PAGE);
    tb_build(&t);
    CHECK(lay_out() == 0);
    CHECK_U64(layout.virt_kend, 0xfffffffffffff000UL);

    /* VIRT_BASE must not be above the kernel. */
    tb_linux(&t);
    set_note(XEN_ELFNOTE_VIRT_BASE, 0xffffffff81800000UL);
    set_note(XEN_ELFNOTE_PADDR_OFFSET, 0x1800000);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL,
               "VIRT_BASE 0xffffffff81800000 above the kernel start 0xffffffff81000000");

    tb_linux(&t);
    set_note(XEN_ELFNOTE_INIT_P2M, TB_KSTART + 0x2000);
    tb_build(&t);
    CHECK_FAIL(lay_out(), -EINVAL, "INIT_P2M 0xffffffff81002000 inside the kernel");
}

static void group_layout(void)
{
    test_linux_layout();
    test_defaults();
    test_guest_kind();
    test_entry();
    test_hypercall_page();
    test_address_space();
}

/* elf_load(). */

struct load_call {
    char op;            /* 'c'opy or 'z'ero */
    uint64_t va;
    const void *src;
    size_t len;
};

struct load_log {
    struct load_call calls[8];
    unsigned int nr;
    unsigned int fail_at;       /* call number that fails, 0 for none */
};

static int log_call(struct load_log *log, char op, uint64_t va,
                    const void *src, size_t len)
{
    if ( log->nr < 8 )
        log->calls[log->nr] = (struct load_call){ op, va, src, len };
    log->nr++;

    return log->nr == log->fail_at ? -ENOMEM : 0;
}

static int copy_cb(void *ctx, uint64_t va, const void *src, size_t len)
{
    return log_call(ctx, 'c', va, src, len);
}

static int zero_cb(void *ctx, uint64_t va, size_t len)
{
    return log_call(ctx, 'z', va, NULL, len);
}

static int load(uint64_t virt_offset, struct load_log *log)
{
    return elf_load(&img, virt_offset, copy_cb, zero_cb, log);
}

static void check_call(const struct load_log *log, unsigned int i, char op,
                       uint64_t va, const void *src, size_t len)
{
    const struct load_call *c = &log->calls[i];

    if ( !CHECK(i < log->nr) )
        return;
    CHECK(c->op == op);
    CHECK_U64(c->va, va);
    CHECK(c->src == src);
    CHECK_U64(c->len, len);
}

static void test_load(void)
{
    struct load_log log = { 0 };

    linux_image();
    CHECK(lay_out() == 0);
    CHECK(load(layout.virt_offset, &log) == 0);
    CHECK_U64(log.nr, 3);
    check_call(&log, 0, 'c', TB_KSTART, heap_image + TB_TEXT_OFF, TB_TEXT_SIZE);
    check_call(&log, 1, 'c', TB_KSTART + TB_TEXT_SIZE,
               heap_image + TB_DATA_OFF, TB_DATA_FILESZ);
    check_call(&log, 2, 'z', TB_KSTART + TB_TEXT_SIZE + TB_DATA_FILESZ, NULL,
               TB_DATA_MEMSZ - TB_DATA_FILESZ);
    CHECK(!memcmp(log.calls[0].src, t.buf + TB_TEXT_OFF, TB_TEXT_SIZE));

    /* The first error stops the load and is returned. */
    log = (struct load_log){ .fail_at = 2 };
    CHECK(load(layout.virt_offset, &log) == -ENOMEM);
    CHECK_U64(log.nr, 2);
    log = (struct load_log){ .fail_at = 3 };
    CHECK(load(layout.virt_offset, &log) == -ENOMEM);
    CHECK_U64(log.nr, 3);

    /* Destinations that wrap are refused before any call. */
    log = (struct load_log){ 0 };
    CHECK(load(0xffffffffff000000UL, &log) == -EINVAL);
    CHECK_U64(log.nr, 0);
    /* Here the second segment wraps, after the first was copied. */
    CHECK(load(0xffffffffffffc000UL - TB_PADDR, &log) == -EINVAL);
    CHECK_U64(log.nr, 1);

    /* No calls for zero bytes: a bss-only segment gets one zero(). */
    linux_image();
    PH_SET(&t, 0, p_filesz, 0);
    PH_SET(&t, 1, p_filesz, TB_DATA_MEMSZ);
    PH_SET(&t, 1, p_offset, 0);
    CHECK(init() == 0);
    log = (struct load_log){ 0 };
    CHECK(load(0, &log) == 0);
    CHECK_U64(log.nr, 2);
    check_call(&log, 0, 'z', TB_PADDR, NULL, TB_TEXT_SIZE);
    check_call(&log, 1, 'c', TB_PADDR + TB_TEXT_SIZE, heap_image,
               TB_DATA_MEMSZ);
}

static void group_load(void)
{
    test_load();
}

/* bzimage_parse(). */

static struct bzimage bz;

static void bz_put(size_t off, uint64_t v, unsigned int width)
{
    memcpy(t.buf + off, &v, width);
}

/* A bzImage in t.buf with the given setup header and payload. */
static void bzimage(uint8_t setup_sects, uint16_t version, uint32_t poff,
                    uint32_t plen, const void *payload, size_t len)
{
    size_t start = ((setup_sects ? setup_sects : 4) + 1) * 512 + poff;

    memset(t.buf, 0, sizeof(t.buf));
    t.buf[0x1f1] = setup_sects;
    bz_put(0x1fe, 0xaa55, 2);
    memcpy(t.buf + 0x202, "HdrS", 4);
    bz_put(0x206, version, 2);
    bz_put(0x248, poff, 4);
    bz_put(0x24c, plen, 4);
    memcpy(t.buf + start, payload, len);
    t.size = start + len;
}

static int bz_parse(void)
{
    free(heap_image);
    heap_image = malloc(t.size + !t.size);
    memcpy(heap_image, t.buf, t.size);
    err[0] = '\0';

    return bzimage_parse(heap_image, t.size, &bz, err, ERRLEN);
}

static void test_bzimage(void)
{
    static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3 };

    /* Linux puts the payload after a few hundred bytes of decompressor. */
    bzimage(0x1b, 0x020f, 0x3a0, sizeof(xz), xz, sizeof(xz));
    CHECK(bz_parse() == 0);
    CHECK(bz.payload == heap_image + 0x1c * 512 + 0x3a0);
    CHECK_U64(bz.payload_size, sizeof(xz));
    CHECK(bz.compression == BZIMAGE_XZ);
    CHECK_STR(bzimage_compression_name(bz.compression), "xz");
    CHECK_U64(bz.version, 0x020f);

    /* setup_sects 0 means 4; the payload may stop short of the image end. */
    bzimage(0, 0x0208, 0, 4, xz, sizeof(xz));
    CHECK(bz_parse() == 0);
    CHECK(bz.payload == heap_image + 5 * 512);
    CHECK_U64(bz.payload_size, 4);
    CHECK(bz.compression == BZIMAGE_UNKNOWN);
    CHECK_STR(bzimage_compression_name(bz.compression), "unknown");
}

static void test_bzimage_magic(void)
{
    static const struct {
        uint8_t magic[6];
        unsigned int len;
        enum bzimage_compression comp;
        const char *name;
    } cases[] = {
        { { 0x1f, 0x8b, 8 }, 3, BZIMAGE_GZIP, "gzip" },
        { { 'B', 'Z', 'h', '9' }, 4, BZIMAGE_BZIP2, "bzip2" },
        { { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, BZIMAGE_XZ, "xz" },
        { { 0x5d, 0, 0, 0x80 }, 4, BZIMAGE_LZMA, "lzma" },
        { { 0x89, 'L', 'Z', 'O', 0 }, 5, BZIMAGE_LZO, "lzo" },
        { { 0x02, 0x21, 0x4c, 0x18 }, 4, BZIMAGE_LZ4, "lz4" },
        { { 0x28, 0xb5, 0x2f, 0xfd }, 4, BZIMAGE_ZSTD, "zstd" },
        /* A magic cut short by payload_length is no magic. */
        { { 0xfd, '7', 'z', 'X', 'Z' }, 5, BZIMAGE_UNKNOWN, "unknown" },
        { { 0x7f, 'E', 'L', 'F' }, 4, BZIMAGE_UNKNOWN, "unknown" },
    };

    for ( unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        bzimage(0x1b, 0x020f, 0x100, cases[i].len, cases[i].magic,
                cases[i].len);
        CHECK(bz_parse() == 0);
        CHECK(bz.compression == cases[i].comp);
        CHECK_STR(bzimage_compression_name(bz.compression), cases[i].name);
    }
}

static void test_bzimage_broken(void)
{
    static const uint8_t gz[] = { 0x1f, 0x8b };

    linux_image();
    CHECK_FAIL(bz_parse(), -ENOEXEC, "not a bzImage");

    bzimage(0x1b, 0x020f, 0, sizeof(gz), gz, sizeof(gz));
    t.size = 0x24f;
    CHECK_FAIL(bz_parse(), -ENOEXEC, "not a bzImage");

    bzimage(0x1b, 0x020f, 0, sizeof(gz), gz, sizeof(gz));
    bz_put(0x1fe, 0x55aa, 2);
    CHECK_FAIL(bz_parse(), -ENOEXEC, "not a bzImage");

    bzimage(0x1b, 0x0207, 0, sizeof(gz), gz, sizeof(gz));
    CHECK_FAIL(bz_parse(), -EINVAL,
               "bzImage boot protocol 2.07 is older than 2.08");

    bzimage(0x1b, 0x020f, 0, sizeof(gz) + 1, gz, sizeof(gz));
    CHECK_FAIL(bz_parse(), -EINVAL,
               "bzImage payload 0x3800+0x3 is empty or beyond image size 0x3802");

    bzimage(0x1b, 0x020f, 0, 0, gz, sizeof(gz));
    CHECK_FAIL(bz_parse(), -EINVAL, "payload 0x3800+0x0 is empty");

    bzimage(0x1b, 0x020f, 0, sizeof(gz), gz, sizeof(gz));
    bz_put(0x248, 0xffffffff, 4);
    CHECK_FAIL(bz_parse(), -EINVAL, "bzImage payload 0x1000037ff+0x2 is empty");
    CHECK(bz.payload == NULL);
}

static void group_bzimage(void)
{
    test_bzimage();
    test_bzimage_magic();
    test_bzimage_broken();
}

static const struct {
    const char *name;
    void (*fn)(void);
} groups[] = {
    { "header",   group_header },
    { "notes",    group_notes },
    { "features", group_features },
    { "layout",   group_layout },
    { "load",     group_load },
    { "bzimage",  group_bzimage },
};

int main(int argc, char **argv)
{
    for ( unsigned int i = 0; i < sizeof(groups) / sizeof(groups[0]); i++ )
    {
        if ( argc > 1 && strcmp(argv[1], groups[i].name) )
            continue;
        groups[i].fn();
        free(heap_image);
        heap_image = NULL;
        printf("%s: %d checks, %d failed\n", groups[i].name, checks, failures);
        return failures ? 1 : 0;
    }

    fprintf(stderr, "usage: %s header|notes|features|layout|load|bzimage\n",
            argv[0]);
    return 2;
}
