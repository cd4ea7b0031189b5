/*
 * libFuzzer target for common/kernel_image.c: a boot module, ELF or
 * bzImage, turned into the ELF the domain builders load (bzimage_parse,
 * the size hint of the payload's trailer, the xz/gzip decoders).  Any
 * input must be refused with a documented error and a one-line message,
 * leaving nothing allocated, or give an ELF that lies inside the module
 * or inside the frames allocated for it; the result then goes through
 * libelf as the builders would, and kernel_image_release() frees it
 * (LeakSanitizer sees anything left behind).  The host page heap refuses
 * more than 8 MiB at once (stubs.c), so a lying size hint is cheap.
 */
#include <keel/kernel_image.h>
#include <keel/libelf.h>
#include <keel/mm.h>
#include <public/errno.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if ( !ok )
        abort();
}

static void check_err(int rc, const char *err, size_t errlen)
{
    require(rc == -EINVAL || rc == -ENOSPC || rc == -EOPNOTSUPP ||
            rc == -ENOMEM || rc == -ENOEXEC);
    require(err[0] && strnlen(err, errlen) < errlen && !strchr(err, '\n'));
}

/* The ELF handed out must lie in the module or in its own frames. */
static void check_image(const struct kernel_image *k, const uint8_t *data,
                        size_t size)
{
    const uint8_t *elf = k->elf;
    volatile uint8_t last;

    require(elf && k->elf_size >= 4 && !memcmp(elf, "\x7f" "ELF", 4));
    if ( !k->unpacked )
    {
        require(elf == data && k->elf_size == size);
        return;
    }
    require(elf == k->unpacked && k->unpacked_order < 64 &&
            k->elf_size <= (size_t)PAGE_SIZE << k->unpacked_order);
    /* Its last byte is readable: ASan would see a short buffer. */
    last = elf[k->elf_size - 1];
    (void)last;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t errlen = size & 1 ? 160 : 12;
    struct xen_elf_notes notes;
    struct kernel_image k;
    struct elf_image img;
    char err[160];
    int rc;

    memset(&k, 0x5a, sizeof(k));                /* unpack sets every field */
    rc = kernel_image_unpack(data, size, &k, err, errlen);
    if ( rc )
    {
        check_err(rc, err, errlen);
        require(!k.unpacked && !k.elf);
        return 0;
    }
    check_image(&k, data, size);

    if ( !elf_init(&img, k.elf, k.elf_size, err, sizeof(err)) )
        elf_xen_parse_notes(&img, &notes, err, sizeof(err));
    kernel_image_release(&k);
    require(!k.unpacked && !k.elf);

    return 0;
}
