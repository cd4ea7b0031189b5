/*
 * ELF64 and ELF32 image validation and PT_LOAD segment loading
 * (keel/libelf.h).  An ELF32 image's headers are widened to the ELF64
 * layout as they are read, so that everything after elf_init sees one.
 *
 * Headers are copied out of the image before use: the image may be at any
 * alignment, and a copy cannot change between its check and its use.
 */
#include <keel/lib.h>
#include <keel/libelf.h>
#include <public/errno.h>

#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define EM_386          3
#define EM_X86_64       62

BUILD_BUG_ON(sizeof(struct elf64_ehdr) != 64);
BUILD_BUG_ON(sizeof(struct elf64_phdr) != 56);
BUILD_BUG_ON(sizeof(struct elf32_ehdr) != 52);
BUILD_BUG_ON(sizeof(struct elf32_phdr) != 32);

/* Whether [off, off + len) lies inside size bytes, without wrapping. */
static bool in_image(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

static int check_ident(const struct elf64_ehdr *eh, char *err, size_t errlen)
{
    static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

    if ( memcmp(eh->e_ident, magic, sizeof(magic)) )
        return errf(err, errlen, -ENOEXEC, "bad magic: not an ELF image");
    if ( eh->e_ident[EI_CLASS] != ELFCLASS64 && eh->e_ident[EI_CLASS] != ELFCLASS32 )
        return errf(err, errlen, -ENOEXEC, "class %u: neither ELF64 nor ELF32",
                        eh->e_ident[EI_CLASS]);
    if ( eh->e_ident[EI_DATA] != ELFDATA2LSB )
        return errf(err, errlen, -ENOEXEC,
                        "data encoding %u: not little-endian",
                        eh->e_ident[EI_DATA]);
    if ( eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT )
        return errf(err, errlen, -ENOEXEC, "ELF version %u/%u is not 1",
                        eh->e_ident[EI_VERSION], eh->e_version);

    return 0;
}

/* The header in the ELF64 layout, its fields widened if it is ELF32. */
static void widen_ehdr(const struct elf32_ehdr *e32, struct elf64_ehdr *eh)
{
    memcpy(eh->e_ident, e32->e_ident, sizeof(eh->e_ident));
    eh->e_type = e32->e_type;
    eh->e_machine = e32->e_machine;
    eh->e_version = e32->e_version;
    eh->e_entry = e32->e_entry;
    eh->e_phoff = e32->e_phoff;
    eh->e_shoff = e32->e_shoff;
    eh->e_flags = e32->e_flags;
    eh->e_ehsize = e32->e_ehsize;
    eh->e_phentsize = e32->e_phentsize;
    eh->e_phnum = e32->e_phnum;
    eh->e_shentsize = e32->e_shentsize;
    eh->e_shnum = e32->e_shnum;
    eh->e_shstrndx = e32->e_shstrndx;
}

static int check_ehdr(const struct elf64_ehdr *eh, size_t size,
                      char *err, size_t errlen)
{
    bool is32 = eh->e_ident[EI_CLASS] == ELFCLASS32;
    size_t phsize = is32 ? sizeof(struct elf32_phdr) : sizeof(struct elf64_phdr);

    if ( eh->e_machine != (is32 ? EM_386 : EM_X86_64) )
        return errf(err, errlen, -ENOEXEC, "machine %u is not %s", eh->e_machine,
                    is32 ? "i386 (3) in an ELF32 image" : "x86-64 (62)");
    if ( eh->e_type != ET_EXEC )
        return errf(err, errlen, -ENOEXEC,
                        "type %u is not an executable (ET_EXEC 2)", eh->e_type);
    if ( eh->e_phentsize != phsize )
        return errf(err, errlen, -EINVAL,
                        "program header size %u is not %zu",
                        eh->e_phentsize, phsize);
    if ( !eh->e_phnum )
        return errf(err, errlen, -EINVAL, "no program headers");
    /* Also refuses PN_XNUM (0xffff), which defers the count to a section. */
    if ( eh->e_phnum > ELF_MAX_PHDRS )
        return errf(err, errlen, -EINVAL,
                        "%u program headers: more than %u", eh->e_phnum,
                        ELF_MAX_PHDRS);
    /* e_phnum <= 64, so the table size cannot overflow. */
    if ( !in_image(eh->e_phoff, eh->e_phnum * phsize, size) )
        return errf(err, errlen, -EINVAL,
                        "program headers 0x%lx+0x%zx beyond image size 0x%zx",
                        eh->e_phoff, eh->e_phnum * phsize, size);

    return 0;
}

void elf_phdr(const struct elf_image *img, unsigned int i,
              struct elf64_phdr *ph)
{
    struct elf32_phdr p32;

    ASSERT(i < img->nr_phdrs);
    if ( !img->elf32 )
    {
        memcpy(ph, (const uint8_t *)img->phdrs + i * sizeof(*ph), sizeof(*ph));
        return;
    }
    memcpy(&p32, (const uint8_t *)img->phdrs + i * sizeof(p32), sizeof(p32));
    *ph = (struct elf64_phdr){
        .p_type = p32.p_type, .p_flags = p32.p_flags, .p_offset = p32.p_offset,
        .p_vaddr = p32.p_vaddr, .p_paddr = p32.p_paddr, .p_filesz = p32.p_filesz,
        .p_memsz = p32.p_memsz, .p_align = p32.p_align,
    };
}

/* Check PT_LOAD ranges and widen the image's address bounds to cover it. */
static int add_load(struct elf_image *img, unsigned int i,
                    const struct elf64_phdr *ph, char *err, size_t errlen)
{
    if ( ph->p_filesz > ph->p_memsz )
        return errf(err, errlen, -EINVAL,
                        "program header %u: file size 0x%lx exceeds memory size 0x%lx",
                        i, ph->p_filesz, ph->p_memsz);
    if ( ph->p_memsz > UINT64_MAX - ph->p_paddr )
        return errf(err, errlen, -EINVAL,
                        "program header %u: physical range 0x%lx+0x%lx wraps",
                        i, ph->p_paddr, ph->p_memsz);
    if ( ph->p_memsz > UINT64_MAX - ph->p_vaddr )
        return errf(err, errlen, -EINVAL,
                        "program header %u: virtual range 0x%lx+0x%lx wraps",
                        i, ph->p_vaddr, ph->p_memsz);

    img->pstart = min(img->pstart, ph->p_paddr);
    img->pend = max(img->pend, ph->p_paddr + ph->p_memsz);
    img->vstart = min(img->vstart, ph->p_vaddr);
    img->vend = max(img->vend, ph->p_vaddr + ph->p_memsz);

    return 0;
}

static int check_phdrs(struct elf_image *img, char *err, size_t errlen)
{
    struct elf64_phdr ph;
    unsigned int i, nr_load = 0;
    int rc;

    img->pstart = img->vstart = UINT64_MAX;
    img->pend = img->vend = 0;

    for ( i = 0; i < img->nr_phdrs; i++ )
    {
        elf_phdr(img, i, &ph);
        /* Every segment's bytes are checked: PT_NOTE's are read later. */
        if ( !in_image(ph.p_offset, ph.p_filesz, img->size) )
            return errf(err, errlen, -EINVAL,
                            "program header %u: file range 0x%lx+0x%lx beyond image size 0x%zx",
                            i, ph.p_offset, ph.p_filesz, img->size);
        if ( ph.p_type != PT_LOAD )
            continue;
        rc = add_load(img, i, &ph, err, errlen);
        if ( rc )
            return rc;
        nr_load++;
    }

    if ( !nr_load )
        return errf(err, errlen, -EINVAL, "no PT_LOAD program header");

    return 0;
}

int elf_init(struct elf_image *img, const void *data, size_t size,
             char *err, size_t errlen)
{
    struct elf_image new = { .data = data, .size = size, .ehdr = data };
    struct elf64_ehdr eh;
    int rc;

    /* img stays zeroed unless the whole image is good. */
    memset(img, 0, sizeof(*img));

    if ( size < sizeof(struct elf32_ehdr) )
        return errf(err, errlen, -ENOEXEC,
                        "image size 0x%zx is smaller than an ELF header (0x%zx)",
                        size, sizeof(struct elf32_ehdr));
    memcpy(&eh, data, sizeof(struct elf32_ehdr));   /* e_ident: the class */
    rc = check_ident(&eh, err, errlen);
    if ( rc )
        return rc;
    new.elf32 = eh.e_ident[EI_CLASS] == ELFCLASS32;
    if ( new.elf32 )
    {
        struct elf32_ehdr e32;

        memcpy(&e32, data, sizeof(e32));
        widen_ehdr(&e32, &eh);
    }
    else if ( size < sizeof(eh) )
        return errf(err, errlen, -ENOEXEC,
                        "image size 0x%zx is smaller than an ELF64 header (0x%zx)",
                        size, sizeof(eh));
    else
        memcpy(&eh, data, sizeof(eh));

    rc = check_ehdr(&eh, size, err, errlen);
    if ( rc )
        return rc;

    new.phdrs = new.data + eh.e_phoff;
    new.nr_phdrs = eh.e_phnum;
    new.entry = eh.e_entry;

    rc = check_phdrs(&new, err, errlen);
    if ( rc )
        return rc;

    *img = new;

    return 0;
}

int elf_load(const struct elf_image *img, uint64_t virt_offset,
             int (*copy)(void *ctx, uint64_t va, const void *src, size_t len),
             int (*zero)(void *ctx, uint64_t va, size_t len), void *ctx)
{
    struct elf64_phdr ph;
    unsigned int i;
    uint64_t va;
    int rc;

    for ( i = 0; i < img->nr_phdrs; i++ )
    {
        elf_phdr(img, i, &ph);
        if ( ph.p_type != PT_LOAD )
            continue;

        va = ph.p_paddr + virt_offset;
        if ( va < virt_offset || ph.p_memsz > UINT64_MAX - va )
            return -EINVAL;

        if ( ph.p_filesz )
        {
            rc = copy(ctx, va, img->data + ph.p_offset, ph.p_filesz);
            if ( rc )
                return rc;
        }
        if ( ph.p_memsz > ph.p_filesz )
        {
            rc = zero(ctx, va + ph.p_filesz, ph.p_memsz - ph.p_filesz);
            if ( rc )
                return rc;
        }
    }

    return 0;
}
