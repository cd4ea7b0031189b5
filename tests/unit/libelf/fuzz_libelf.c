/*
 * libFuzzer target for common/libelf.  Any input must be refused with a
 * message or parsed into values that keep the documented promises; ASan
 * and UBSan catch any access outside the input.  fuzz_smoke.c drives the
 * same function without libFuzzer.
 */
#include <keel/libelf.h>
#include <public/errno.h>
#include <public/arch-x86/xen-x86_64.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct load_ctx {
    const uint8_t *data;
    size_t size;
    unsigned int sum;
};

static void require(bool ok)
{
    if ( !ok )
        abort();
}

/* A failure leaves a one-line, NUL-terminated message. */
static void check_err(int rc, const char *err, size_t errlen)
{
    require(rc <= 0);
    if ( rc )
        require(strnlen(err, errlen) < errlen && err[0] &&
                !strchr(err, '\n'));
}

/* elf_load may only hand out bytes of the image. */
static int fuzz_copy(void *p, uint64_t va, const void *src, size_t len)
{
    struct load_ctx *ctx = p;
    const uint8_t *s = src;

    (void)va;
    require(len && s >= ctx->data && len <= ctx->size &&
            (size_t)(s - ctx->data) <= ctx->size - len);
    ctx->sum += s[0] + s[len - 1];

    return 0;
}

static int fuzz_zero(void *p, uint64_t va, size_t len)
{
    (void)p;
    (void)va;
    require(len);

    return 0;
}

static void check_strings(const struct xen_elf_notes *n)
{
    const char *s[] = { n->xen_version, n->guest_os, n->guest_version,
                        n->loader, n->pae_mode, n->unknown_feature,
                        n->unknown_required };

    for ( unsigned int i = 0; i < sizeof(s) / sizeof(s[0]); i++ )
        require(strnlen(s[i], ELF_XEN_STR_LEN) < ELF_XEN_STR_LEN);
    require((n->features_required[0] & ~n->features_supported[0]) == 0);
}

static void check_layout(const struct elf_image *img,
                         const struct xen_elf_layout *l)
{
    require(l->virt_kstart == img->pstart + l->virt_offset);
    require(l->virt_kend == img->pend + l->virt_offset);
    require(l->virt_kstart <= l->virt_entry && l->virt_entry < l->virt_kend);
    require(l->virt_base <= l->virt_kstart);
    /* Clear of the non-canonical gap and the hypervisor hole after it. */
    require(l->virt_kend <= 0x0000800000000000UL ||
            l->virt_kstart >= HYPERVISOR_VIRT_END_ABI);
}

/* A bzImage's payload lies inside it. */
static void fuzz_bzimage(const uint8_t *data, size_t size, size_t errlen)
{
    struct bzimage bz;
    char err[160];
    int rc;

    rc = bzimage_parse(data, size, &bz, err, errlen);
    check_err(rc, err, errlen);
    if ( !rc )
        require(bz.payload_size && bz.payload >= data &&
                bz.payload_size <= size &&
                (size_t)(bz.payload - data) <= size - bz.payload_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Odd sizes also exercise truncated messages. */
    size_t errlen = size & 1 ? 160 : 12;
    struct load_ctx ctx = { data, size, 0 };
    struct xen_elf_layout layout;
    struct xen_elf_notes notes;
    struct elf_image img;
    char err[160];
    int rc;

    fuzz_bzimage(data, size, errlen);

    rc = elf_init(&img, data, size, err, errlen);
    check_err(rc, err, errlen);
    if ( rc )
        return 0;
    require(img.nr_phdrs >= 1 && img.nr_phdrs <= ELF_MAX_PHDRS);
    require(img.pstart <= img.pend);
    require(img.vstart <= img.vend);

    rc = elf_xen_parse_notes(&img, &notes, err, errlen);
    check_err(rc, err, errlen);
    if ( rc )
        return 0;
    check_strings(&notes);
    check_err(elf_xen_check_features(&notes, 0x811, err, errlen), err, errlen);

    rc = elf_xen_layout(&img, &notes, &layout, err, errlen);
    check_err(rc, err, errlen);
    if ( !rc )
        check_layout(&img, &layout);

    rc = elf_load(&img, rc ? 0 : layout.virt_offset, fuzz_copy, fuzz_zero,
                  &ctx);
    require(rc == 0 || rc == -EINVAL);

    return 0;
}
