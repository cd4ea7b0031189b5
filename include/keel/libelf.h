/*
 * libelf: validation and loading of ELF64 x86-64 guest kernels, the Xen
 * guest ABI carried by their "Xen" PT_NOTE notes, and the unwrapping of a
 * bzImage around them.
 *
 * The image is untrusted and may sit at any alignment: every offset and
 * length is checked against its size before use, and fields are copied out
 * rather than dereferenced in place.  On failure a function returns a
 * negative errno and, when errlen > 0, leaves in err one line saying exactly
 * what is wrong.  x86-64 is little-endian, like the images accepted, so the
 * on-disk structures below are read as they are.
 */
#ifndef KEEL_LIBELF_H
#define KEEL_LIBELF_H

#include <keel/types.h>
#include <keel/compiler.h>
#include <public/features.h>

/* ELF64 file structures, from the System V gABI. */
struct elf64_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

/* ELF32 (i386) headers: a PVH kernel may be one (Xen loads both classes). */
struct elf32_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint32_t e_entry;
    uint32_t e_phoff;
    uint32_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf32_phdr {
    uint32_t p_type;
    uint32_t p_offset;
    uint32_t p_vaddr;
    uint32_t p_paddr;
    uint32_t p_filesz;
    uint32_t p_memsz;
    uint32_t p_flags;
    uint32_t p_align;
};

struct elf64_nhdr {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
};

#define PT_LOAD         1
#define PT_NOTE         4

/* More program headers than this is refused; vmlinux has about six. */
#define ELF_MAX_PHDRS   64

/*
 * A validated x86 executable in memory: ELF64 x86-64, or ELF32 i386 (whose
 * headers elf_phdr() widens to the ELF64 layout; notes have one layout).
 */
struct elf_image {
    const uint8_t *data;
    size_t size;
    const void *ehdr;               /* == data */
    const void *phdrs;              /* inside data; read with elf_phdr() */
    unsigned int nr_phdrs;
    uint64_t entry;                 /* e_entry */
    bool elf32;                     /* ELFCLASS32: 32-bit program headers */
    /* Of the PT_LOAD segments: lowest p_paddr, highest p_paddr + p_memsz */
    uint64_t pstart, pend;
    uint64_t vstart, vend;          /* the same for p_vaddr */
};

/*
 * Check the ELF header and every program header of [data, data + size),
 * and fill img.  Returns 0; -ENOEXEC when the image is not an ELF64
 * x86-64 or ELF32 i386 little-endian ET_EXEC; -EINVAL when it is one but a header is
 * inconsistent (a table or segment beyond the image, p_filesz > p_memsz,
 * an address range that wraps, no PT_LOAD, more than ELF_MAX_PHDRS).
 * On failure img is zeroed.
 */
int elf_init(struct elf_image *img, const void *data, size_t size,
             char *err, size_t errlen);

/* Copy out program header i (i < img->nr_phdrs), in the ELF64 layout. */
void elf_phdr(const struct elf_image *img, unsigned int i,
              struct elf64_phdr *ph);

/*
 * Copy each PT_LOAD segment to p_paddr + virt_offset: copy() for its
 * p_filesz bytes from the image, then zero() for the p_memsz - p_filesz
 * that follow.  Calls for zero bytes are not made.  The callbacks must
 * check the destination themselves; the first non-zero value they return
 * stops the load and is returned.  -EINVAL if a destination wraps.
 */
int elf_load(const struct elf_image *img, uint64_t virt_offset,
             int (*copy)(void *ctx, uint64_t va, const void *src, size_t len),
             int (*zero)(void *ctx, uint64_t va, size_t len), void *ctx);

/* Size of the string fields of struct xen_elf_notes, NUL included. */
#define ELF_XEN_STR_LEN       32

/*
 * The values of the "Xen" notes (types in public/elfnote.h);
 * has_* says which were present.  When a note appears twice the last one
 * wins, except that feature bits accumulate.  Strings are copies bounded by
 * the note's descsz, truncated to ELF_XEN_STR_LEN - 1 characters, always
 * NUL-terminated.
 */
struct xen_elf_notes {
    bool has_entry;             uint64_t entry;             /* 1: ENTRY */
    bool has_hypercall_page;    uint64_t hypercall_page;    /* 2 */
    bool has_virt_base;         uint64_t virt_base;         /* 3 */
    bool has_paddr_offset;      uint64_t paddr_offset;      /* 4 */
    char xen_version[ELF_XEN_STR_LEN];                      /* 5 */
    char guest_os[ELF_XEN_STR_LEN];                         /* 6 */
    char guest_version[ELF_XEN_STR_LEN];                    /* 7 */
    char loader[ELF_XEN_STR_LEN];                           /* 8 */
    char pae_mode[ELF_XEN_STR_LEN];                         /* 9 */
    /*
     * 10: FEATURES, names separated by '|'; a '!' prefix marks a feature
     * the kernel requires (it is then set in both bitmaps).  Bit numbers
     * are XENFEAT_* of public/features.h.  Unknown names are counted,
     * not refused: unknown_feature is the first of them, unknown_required
     * the first of those marked '!' ("" when none), both without the '!'.
     */
    uint32_t features_supported[XENFEAT_NR_SUBMAPS];
    uint32_t features_required[XENFEAT_NR_SUBMAPS];
    unsigned int nr_unknown_features;
    char unknown_feature[ELF_XEN_STR_LEN];
    char unknown_required[ELF_XEN_STR_LEN];
    bool has_hv_start_low;      uint64_t hv_start_low;      /* 12 */
    /* 13: the first of its (mask, value) pairs of 8-byte values */
    bool has_l1_mfn_valid;
    uint64_t l1_mfn_valid_mask, l1_mfn_valid_value;
    bool has_suspend_cancel;    uint64_t suspend_cancel;    /* 14 */
    bool has_init_p2m;          uint64_t init_p2m;          /* 15 */
    bool has_mod_start_pfn;     uint64_t mod_start_pfn;     /* 16 */
    /* 17: a bitmap, also OR-ed into features_supported */
    bool has_supported_features; uint32_t supported_features;
    bool has_phys32_entry;      uint64_t phys32_entry;      /* 18 */
    unsigned int nr_notes;      /* "Xen" notes seen, of any type */
};

/*
 * Parse the "Xen" notes of every PT_NOTE segment; notes of other owners
 * and Xen note types not listed above are skipped.  Numeric notes are 4 or
 * 8 bytes wide (from descsz; anything else is refused), L1_MFN_VALID a
 * non-empty list of 16-byte pairs.  A note whose header, name or desc runs
 * past the end of its segment is refused.  Returns 0, or -EINVAL with
 * notes zeroed.
 */
int elf_xen_parse_notes(const struct elf_image *img,
                        struct xen_elf_notes *notes, char *err, size_t errlen);

/*
 * Refuse a kernel that requires a feature outside the mask `honoured`
 * (bit n = XENFEAT_ n), or one whose name is unknown.  Note: Xen's PV
 * dom0 builder itself refuses only a required supervisor_mode_kernel, and
 * Linux 6.1 requires writable_page_tables (bit 0), so a mask without bit
 * 0 refuses Linux.  Returns 0 or -EOPNOTSUPP.
 */
int elf_xen_check_features(const struct xen_elf_notes *notes,
                           uint32_t honoured, char *err, size_t errlen);

/* Where a 64-bit PV kernel goes in its virtual address space. */
struct xen_elf_layout {
    uint64_t virt_base;         /* VIRT_BASE, 0 when absent */
    uint64_t virt_offset;       /* VIRT_BASE - PADDR_OFFSET (absent: 0) */
    uint64_t virt_kstart;       /* img->pstart + virt_offset */
    uint64_t virt_kend;         /* img->pend + virt_offset, exclusive */
    uint64_t virt_entry;        /* ENTRY, else e_entry */
    uint64_t virt_hypercall;    /* HYPERCALL_PAGE; 0 when notes lack it */
};

/*
 * The address arithmetic of a 64-bit PV kernel, as Xen's libelf does it,
 * and its checks.  Refused with -ENOEXEC: no Xen notes at all; LOADER not
 * "generic..." unless GUEST_OS is "linux..."; XEN_VERSION not "xen-3.0...".
 * Refused with -EINVAL: PADDR_OFFSET without VIRT_BASE, or above it; any
 * sum that wraps; VIRT_BASE above the kernel; a kernel range that is not
 * canonical or touches the hypervisor hole (HYPERVISOR_VIRT_START_ABI to
 * HYPERVISOR_VIRT_END_ABI, L4 slots 256-271); entry outside
 * [kstart, kend); a hypercall page not page-aligned inside the kernel;
 * INIT_P2M inside the kernel.
 */
int elf_xen_layout(const struct elf_image *img,
                   const struct xen_elf_notes *notes,
                   struct xen_elf_layout *out, char *err, size_t errlen);

enum bzimage_compression {
    BZIMAGE_UNKNOWN,
    BZIMAGE_GZIP,
    BZIMAGE_BZIP2,
    BZIMAGE_XZ,
    BZIMAGE_LZMA,
    BZIMAGE_LZO,
    BZIMAGE_LZ4,
    BZIMAGE_ZSTD,
};

/* The compressed vmlinux inside a bzImage (Debian's vmlinuz). */
struct bzimage {
    const uint8_t *payload;     /* inside the image */
    size_t payload_size;
    enum bzimage_compression compression;   /* from the payload's magic */
    uint16_t version;           /* boot protocol, major << 8 | minor */
};

/*
 * Find the payload of a bzImage: -ENOEXEC when the image is not one (no
 * "HdrS" setup header), so that the caller may take it as a plain ELF;
 * -EINVAL for boot protocol older than 2.08 or a payload beyond the image.
 */
int bzimage_parse(const void *image, size_t size, struct bzimage *bz,
                  char *err, size_t errlen);
/* "gzip", "xz"..., or "unknown". */
const char *bzimage_compression_name(enum bzimage_compression comp);

#endif /* KEEL_LIBELF_H */
