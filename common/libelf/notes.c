/*
 * The Xen guest ABI carried by an ELF kernel: its "Xen" PT_NOTE notes
 * (public/elfnote.h, public/features.h) and the 64-bit PV address layout
 * they imply, with the rules of Xen's libelf-dominfo.c (docs:
 * xen-guest-abi.md §1.2).
 */
#include <keel/lib.h>
#include <keel/libelf.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/elfnote.h>
#include <public/errno.h>

/* 128 hypercall slots of 32 bytes (xen-guest-abi.md §1.6). */
#define HYPERCALL_PAGE_SIZE 4096

/* Xen's libelf pads note names and descs to 4 bytes, whatever p_align says. */
#define NOTE_ALIGN      4

/* With 4-level paging, addresses in [START, END) are not canonical. */
#define NONCANONICAL_START  0x0000800000000000UL
#define NONCANONICAL_END    0xffff800000000000UL

enum note_kind {
    NOTE_NUM,           /* 4 or 8 bytes, into has_<field> and <field> */
    NOTE_STR,           /* bounded string, into <field> */
    NOTE_FEATURES,      /* '|'-separated feature names */
    NOTE_FEATURE_MAP,   /* SUPPORTED_FEATURES bitmap */
    NOTE_MFN_PAIRS,     /* L1_MFN_VALID (mask, value) pairs */
};

struct note_type {
    const char *name;
    enum note_kind kind;
    size_t has, val;    /* offsets into struct xen_elf_notes */
};

#define NUM_NOTE(n, f) { n, NOTE_NUM, offsetof(struct xen_elf_notes, has_##f), \
                         offsetof(struct xen_elf_notes, f) }
#define STR_NOTE(n, f) { n, NOTE_STR, 0, offsetof(struct xen_elf_notes, f) }
#define OWN_NOTE(n, k) { .name = n, .kind = k }

/* Indexed by note type; other types (INFO, BSD_SYMTAB, newer) are skipped. */
static const struct note_type note_types[] = {
    [XEN_ELFNOTE_ENTRY]          = NUM_NOTE("ENTRY", entry),
    [XEN_ELFNOTE_HYPERCALL_PAGE] = NUM_NOTE("HYPERCALL_PAGE", hypercall_page),
    [XEN_ELFNOTE_VIRT_BASE]      = NUM_NOTE("VIRT_BASE", virt_base),
    [XEN_ELFNOTE_PADDR_OFFSET]   = NUM_NOTE("PADDR_OFFSET", paddr_offset),
    [XEN_ELFNOTE_XEN_VERSION]    = STR_NOTE("XEN_VERSION", xen_version),
    [XEN_ELFNOTE_GUEST_OS]       = STR_NOTE("GUEST_OS", guest_os),
    [XEN_ELFNOTE_GUEST_VERSION]  = STR_NOTE("GUEST_VERSION", guest_version),
    [XEN_ELFNOTE_LOADER]         = STR_NOTE("LOADER", loader),
    [XEN_ELFNOTE_PAE_MODE]       = STR_NOTE("PAE_MODE", pae_mode),
    [XEN_ELFNOTE_FEATURES]       = OWN_NOTE("FEATURES", NOTE_FEATURES),
    [XEN_ELFNOTE_HV_START_LOW]   = NUM_NOTE("HV_START_LOW", hv_start_low),
    [XEN_ELFNOTE_L1_MFN_VALID]   = OWN_NOTE("L1_MFN_VALID", NOTE_MFN_PAIRS),
    [XEN_ELFNOTE_SUSPEND_CANCEL] = NUM_NOTE("SUSPEND_CANCEL", suspend_cancel),
    [XEN_ELFNOTE_INIT_P2M]       = NUM_NOTE("INIT_P2M", init_p2m),
    [XEN_ELFNOTE_MOD_START_PFN]  = NUM_NOTE("MOD_START_PFN", mod_start_pfn),
    [XEN_ELFNOTE_SUPPORTED_FEATURES] = OWN_NOTE("SUPPORTED_FEATURES",
                                                NOTE_FEATURE_MAP),
    [XEN_ELFNOTE_PHYS32_ENTRY]   = NUM_NOTE("PHYS32_ENTRY", phys32_entry),
};

#define FEATURE(f) [XENFEAT_##f] = #f

/* Names in the FEATURES note, indexed by bit. */
static const char *const feature_names[32 * XENFEAT_NR_SUBMAPS] = {
    FEATURE(writable_page_tables),
    FEATURE(writable_descriptor_tables),
    FEATURE(auto_translated_physmap),
    FEATURE(supervisor_mode_kernel),
    FEATURE(pae_pgdir_above_4gb),
    FEATURE(mmu_pt_update_preserve_ad),
    FEATURE(highmem_assist),
    FEATURE(gnttab_map_avail_bits),
    FEATURE(hvm_callback_vector),
    FEATURE(hvm_safe_pvclock),
    FEATURE(hvm_pirqs),
    FEATURE(dom0),
    FEATURE(grant_map_identity),
    FEATURE(memory_op_vnode_supported),
    FEATURE(ARM_SMCCC_supported),
    FEATURE(linux_rsdp_unrestricted),
    FEATURE(not_direct_mapped),
    FEATURE(direct_mapped),
};

/* The bitmaps are one word wide; the code below indexes word 0 only. */
BUILD_BUG_ON(XENFEAT_NR_SUBMAPS != 1);

/* A "Xen" note being parsed. */
struct note {
    const struct note_type *type;
    const uint8_t *desc;
    uint32_t descsz;
    uint64_t off;       /* file offset of its header, for messages */
};

/* Copy len bytes of src as a string, truncated to fit ELF_XEN_STR_LEN. */
static void copy_str(char *dst, const void *src, size_t len)
{
    len = min(len, (size_t)ELF_XEN_STR_LEN - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static int feature_bit(const char *name, size_t len)
{
    unsigned int bit;

    for ( bit = 0; bit < ARRAY_SIZE(feature_names); bit++ )
        if ( feature_names[bit] && strlen(feature_names[bit]) == len &&
             !memcmp(feature_names[bit], name, len) )
            return bit;

    return -1;
}

static void add_feature(struct xen_elf_notes *notes, const char *name,
                        size_t len)
{
    bool required = name[0] == '!';
    int bit;

    name += required;
    len -= required;
    if ( !len )
        return;
    bit = feature_bit(name, len);
    if ( bit < 0 )
    {
        if ( !notes->nr_unknown_features++ )
            copy_str(notes->unknown_feature, name, len);
        if ( required && !notes->unknown_required[0] )
            copy_str(notes->unknown_required, name, len);
        return;
    }

    notes->features_supported[0] |= 1U << bit;
    if ( required )
        notes->features_required[0] |= 1U << bit;
}

/* FEATURES is emitted with .ascii: it ends at descsz or at a NUL. */
static void parse_features(struct xen_elf_notes *notes, const struct note *n)
{
    const char *s = (const char *)n->desc;
    size_t len = strnlen(s, n->descsz), pos, tok;

    for ( pos = 0; pos < len; pos += tok + 1 )
    {
        for ( tok = 0; pos + tok < len && s[pos + tok] != '|'; tok++ )
            continue;
        /* Empty names, as in "a||b" or a lone '!', are ignored. */
        if ( tok )
            add_feature(notes, s + pos, tok);
    }
}

static int note_num(const struct note *n, uint64_t *val,
                    char *err, size_t errlen)
{
    uint32_t v32;

    switch ( n->descsz )
    {
    case 4:
        memcpy(&v32, n->desc, sizeof(v32));
        *val = v32;
        return 0;
    case 8:
        memcpy(val, n->desc, sizeof(*val));
        return 0;
    }

    return errf(err, errlen, -EINVAL,
                    "note %s at 0x%lx: numeric desc size %u is not 4 or 8",
                    n->type->name, n->off, n->descsz);
}

/*
 * A list of (mask, value) pairs of 8-byte values on x86-64; Xen itself
 * does not use them, so only the first pair is kept.
 */
static int parse_mfn_pairs(struct xen_elf_notes *notes, const struct note *n,
                           char *err, size_t errlen)
{
    if ( !n->descsz || n->descsz % 16 )
        return errf(err, errlen, -EINVAL,
                        "note %s at 0x%lx: desc size %u is not a multiple of 16",
                        n->type->name, n->off, n->descsz);

    memcpy(&notes->l1_mfn_valid_mask, n->desc, 8);
    memcpy(&notes->l1_mfn_valid_value, n->desc + 8, 8);
    notes->has_l1_mfn_valid = true;

    return 0;
}

static int parse_note(struct xen_elf_notes *notes, const struct note *n,
                      char *err, size_t errlen)
{
    char *base = (char *)notes;
    uint64_t val;
    int rc = 0;

    switch ( n->type->kind )
    {
    case NOTE_NUM:
        rc = note_num(n, &val, err, errlen);
        if ( rc )
            break;
        *(bool *)(base + n->type->has) = true;
        *(uint64_t *)(base + n->type->val) = val;
        break;
    case NOTE_STR:
        copy_str(base + n->type->val, n->desc,
                 strnlen((const char *)n->desc, n->descsz));
        break;
    case NOTE_FEATURES:
        parse_features(notes, n);
        break;
    case NOTE_FEATURE_MAP:
        rc = note_num(n, &val, err, errlen);
        if ( rc )
            break;
        /* Bits above 31 would be features Xen's one-word map cannot name. */
        notes->supported_features = val;
        notes->has_supported_features = true;
        notes->features_supported[0] |= val;
        break;
    case NOTE_MFN_PAIRS:
        rc = parse_mfn_pairs(notes, n, err, errlen);
        break;
    }

    return rc;
}

/* namesz counts the owner's NUL: "Xen" takes 4 bytes, or more if padded. */
static bool owner_is_xen(const uint8_t *name, uint32_t namesz)
{
    return namesz >= 4 && !memcmp(name, "Xen", 4);
}

/* Count a "Xen" note, and read it when its type is one Keel knows. */
static int xen_note(struct xen_elf_notes *notes, const struct elf64_nhdr *nh,
                    const uint8_t *desc, uint64_t off, char *err, size_t errlen)
{
    struct note n = { .desc = desc, .descsz = nh->n_descsz, .off = off };

    notes->nr_notes++;
    if ( nh->n_type >= ARRAY_SIZE(note_types) || !note_types[nh->n_type].name )
        return 0;
    n.type = &note_types[nh->n_type];

    return parse_note(notes, &n, err, errlen);
}

/*
 * Walk the notes of program header i, whose file range elf_init() checked.
 * Each note takes at least a header, so the walk ends.
 */
static int parse_segment(const struct elf_image *img, unsigned int i,
                         const struct elf64_phdr *ph,
                         struct xen_elf_notes *notes, char *err, size_t errlen)
{
    uint64_t off = ph->p_offset, end = ph->p_offset + ph->p_filesz;
    uint64_t name_off, desc_off;
    struct elf64_nhdr nh;
    int rc;

    while ( off < end )
    {
        if ( end - off < sizeof(nh) )
            return errf(err, errlen, -EINVAL,
                            "program header %u: note header at 0x%lx truncated by the segment end 0x%lx",
                            i, off, end);
        memcpy(&nh, img->data + off, sizeof(nh));

        name_off = off + sizeof(nh);
        if ( ROUNDUP((uint64_t)nh.n_namesz, NOTE_ALIGN) > end - name_off )
            return errf(err, errlen, -EINVAL,
                            "program header %u: note at 0x%lx: name size 0x%x runs past the segment end 0x%lx",
                            i, off, nh.n_namesz, end);
        desc_off = name_off + ROUNDUP((uint64_t)nh.n_namesz, NOTE_ALIGN);
        /* Only the desc itself must fit: the last one may lack its padding. */
        if ( nh.n_descsz > end - desc_off )
            return errf(err, errlen, -EINVAL,
                            "program header %u: note at 0x%lx: desc size 0x%x runs past the segment end 0x%lx",
                            i, off, nh.n_descsz, end);

        if ( owner_is_xen(img->data + name_off, nh.n_namesz) )
        {
            rc = xen_note(notes, &nh, img->data + desc_off, off, err, errlen);
            if ( rc )
                return rc;
        }

        off = desc_off + ROUNDUP((uint64_t)nh.n_descsz, NOTE_ALIGN);
    }

    return 0;
}

int elf_xen_parse_notes(const struct elf_image *img,
                        struct xen_elf_notes *notes, char *err, size_t errlen)
{
    struct elf64_phdr ph;
    unsigned int i;
    int rc;

    memset(notes, 0, sizeof(*notes));

    for ( i = 0; i < img->nr_phdrs; i++ )
    {
        elf_phdr(img, i, &ph);
        if ( ph.p_type != PT_NOTE )
            continue;
        rc = parse_segment(img, i, &ph, notes, err, errlen);
        if ( rc )
        {
            memset(notes, 0, sizeof(*notes));
            return rc;
        }
    }

    return 0;
}

int elf_xen_check_features(const struct xen_elf_notes *notes,
                           uint32_t honoured, char *err, size_t errlen)
{
    uint32_t missing = notes->features_required[0] & ~honoured;
    unsigned int bit;

    if ( notes->unknown_required[0] )
        return errf(err, errlen, -EOPNOTSUPP,
                        "kernel requires feature \"%s\", unknown to Keel",
                        notes->unknown_required);
    if ( !missing )
        return 0;

    /* Required bits come only from FEATURES names, so each has a name. */
    bit = __builtin_ctz(missing);

    return errf(err, errlen, -EOPNOTSUPP,
                    "kernel requires feature %s (%u), not offered",
                    feature_names[bit], bit);
}

/* Whether the half-open ranges [s1, e1) and [s2, e2) meet. */
static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s1 < e2 && s2 < e1;
}

/* Xen's rules: a generic-loader or Linux kernel, built for Xen 3.0's ABI. */
static int check_guest(const struct xen_elf_notes *notes,
                       char *err, size_t errlen)
{
    if ( !notes->nr_notes )
        return errf(err, errlen, -ENOEXEC,
                        "no Xen ELF notes: not a Xen PV kernel");
    if ( strncmp(notes->loader, "generic", 7) &&
         strncmp(notes->guest_os, "linux", 5) )
        return errf(err, errlen, -ENOEXEC,
                        "LOADER \"%s\" is not \"generic\" and GUEST_OS \"%s\" is not \"linux\"",
                        notes->loader, notes->guest_os);
    if ( strncmp(notes->xen_version, "xen-3.0", 7) )
        return errf(err, errlen, -ENOEXEC,
                        "XEN_VERSION \"%s\" is not \"xen-3.0\"",
                        notes->xen_version);

    return 0;
}

/*
 * Xen's defaults for notes-based PV kernels: VIRT_BASE 0 and PADDR_OFFSET
 * 0, and PADDR_OFFSET alone is an error.  A PADDR_OFFSET above VIRT_BASE
 * would make the offset wrap, which Xen allows and Keel refuses.
 */
static int place_base(const struct xen_elf_notes *notes,
                      struct xen_elf_layout *out, char *err, size_t errlen)
{
    uint64_t paddr_offset = notes->has_paddr_offset ? notes->paddr_offset : 0;

    if ( notes->has_paddr_offset && !notes->has_virt_base )
        return errf(err, errlen, -EINVAL,
                        "PADDR_OFFSET 0x%lx without VIRT_BASE", paddr_offset);

    out->virt_base = notes->has_virt_base ? notes->virt_base : 0;
    if ( paddr_offset > out->virt_base )
        return errf(err, errlen, -EINVAL,
                        "PADDR_OFFSET 0x%lx above VIRT_BASE 0x%lx",
                        paddr_offset, out->virt_base);
    out->virt_offset = out->virt_base - paddr_offset;

    return 0;
}

static int place_kernel(const struct elf_image *img,
                        struct xen_elf_layout *out, char *err, size_t errlen)
{
    uint64_t off = out->virt_offset;

    /* pstart <= pend, so checking pend covers both sums. */
    if ( img->pend > UINT64_MAX - off )
        return errf(err, errlen, -EINVAL,
                        "kernel [0x%lx, 0x%lx) + offset 0x%lx wraps",
                        img->pstart, img->pend, off);
    out->virt_kstart = img->pstart + off;
    out->virt_kend = img->pend + off;

    if ( out->virt_base > out->virt_kstart )
        return errf(err, errlen, -EINVAL,
                        "VIRT_BASE 0x%lx above the kernel start 0x%lx",
                        out->virt_base, out->virt_kstart);
    if ( overlaps(out->virt_kstart, out->virt_kend,
                  NONCANONICAL_START, NONCANONICAL_END) )
        return errf(err, errlen, -EINVAL,
                        "kernel [0x%lx, 0x%lx) is not canonical",
                        out->virt_kstart, out->virt_kend);
    if ( overlaps(out->virt_kstart, out->virt_kend,
                  HYPERVISOR_VIRT_START_ABI, HYPERVISOR_VIRT_END_ABI) )
        return errf(err, errlen, -EINVAL,
                        "kernel [0x%lx, 0x%lx) overlaps the hypervisor hole [0x%lx, 0x%lx)",
                        out->virt_kstart, out->virt_kend,
                        HYPERVISOR_VIRT_START_ABI, HYPERVISOR_VIRT_END_ABI);

    return 0;
}

static bool in_kernel(const struct xen_elf_layout *l, uint64_t va)
{
    return va >= l->virt_kstart && va < l->virt_kend;
}

static int place_entries(const struct elf_image *img,
                         const struct xen_elf_notes *notes,
                         struct xen_elf_layout *out, char *err, size_t errlen)
{
    uint64_t hc = notes->hypercall_page;

    out->virt_entry = notes->has_entry ? notes->entry : img->entry;
    if ( !in_kernel(out, out->virt_entry) )
        return errf(err, errlen, -EINVAL,
                        "entry 0x%lx outside the kernel [0x%lx, 0x%lx)",
                        out->virt_entry, out->virt_kstart, out->virt_kend);

    /* Keel writes a whole page there. */
    if ( notes->has_hypercall_page &&
         (!IS_ALIGNED(hc, HYPERCALL_PAGE_SIZE) || !in_kernel(out, hc) ||
          out->virt_kend - hc < HYPERCALL_PAGE_SIZE) )
        return errf(err, errlen, -EINVAL,
                        "hypercall page 0x%lx is not a page-aligned page of the kernel [0x%lx, 0x%lx)",
                        hc, out->virt_kstart, out->virt_kend);
    out->virt_hypercall = notes->has_hypercall_page ? hc : 0;

    if ( notes->has_init_p2m && in_kernel(out, notes->init_p2m) )
        return errf(err, errlen, -EINVAL,
                        "INIT_P2M 0x%lx inside the kernel [0x%lx, 0x%lx)",
                        notes->init_p2m, out->virt_kstart, out->virt_kend);

    return 0;
}

int elf_xen_layout(const struct elf_image *img,
                   const struct xen_elf_notes *notes,
                   struct xen_elf_layout *out, char *err, size_t errlen)
{
    int rc;

    memset(out, 0, sizeof(*out));

    rc = check_guest(notes, err, errlen);
    if ( !rc )
        rc = place_base(notes, out, err, errlen);
    if ( !rc )
        rc = place_kernel(img, out, err, errlen);
    if ( !rc )
        rc = place_entries(img, notes, out, err, errlen);

    return rc;
}
