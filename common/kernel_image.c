/*
 * From boot module to loadable ELF (see keel/kernel_image.h).  The
 * decompressed size comes from the 4 bytes Linux appends to the payload; it
 * only sizes the buffer (the decoder never writes past it and checks that
 * the real size matches), and is bounded so that a hostile module cannot
 * ask for more than Keel can spare.
 */
#include <keel/lib.h>
#include <keel/decompress.h>
#include <keel/kernel_image.h>
#include <keel/libelf.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <keel/xmalloc.h>
#include <public/errno.h>

#define MAX_UNPACKED (512UL << 20)          /* Debian's 6.1 vmlinux is ~63 MiB */

static unsigned int order_for(size_t bytes)
{
    unsigned int order = 0;

    while ( ((size_t)PAGE_SIZE << order) < bytes )
        order++;
    return order;
}

static int unpack_bzimage(const struct bzimage *bz, struct kernel_image *k,
                          char *err, size_t errlen)
{
    size_t want = decompress_size_hint(bz->payload, bz->payload_size), got = 0;
    struct decompress_state *st;
    s_time_t t0 = NOW();
    int rc;

    if ( want == 0 || want > MAX_UNPACKED )
    {
        snprintf(err, errlen, "bzImage payload claims %zu bytes uncompressed (at most %lu)",
                 want, MAX_UNPACKED);
        return -EINVAL;
    }
    k->unpacked_order = order_for(want);
    k->unpacked = alloc_xenheap_pages(k->unpacked_order, 0);
    st = xmalloc(struct decompress_state);
    if ( !k->unpacked || !st )
    {
        xfree(st);
        kernel_image_release(k);
        snprintf(err, errlen, "no memory to decompress %zu MiB of kernel", want >> 20);
        return -ENOMEM;
    }
    rc = decompress_payload(bz->compression, bz->payload, bz->payload_size, k->unpacked,
                            (size_t)PAGE_SIZE << k->unpacked_order, &got, st, err, errlen);
    xfree(st);
    if ( rc )
    {
        kernel_image_release(k);
        return rc;
    }
    printk("Kernel: bzImage (boot protocol %u.%02u), %s payload %zu KiB -> %zu KiB ELF "
           "in %lu ms\n", bz->version >> 8, bz->version & 0xff,
           bzimage_compression_name(bz->compression), bz->payload_size >> 10, got >> 10,
           (unsigned long)((NOW() - t0) / NSEC_PER_MSEC));
    k->elf = k->unpacked;
    k->elf_size = got;
    return 0;
}

int kernel_image_unpack(const void *image, size_t size, struct kernel_image *k,
                        char *err, size_t errlen)
{
    static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
    struct bzimage bz;
    int rc;

    memset(k, 0, sizeof(*k));
    if ( size >= 4 && !memcmp(image, elf_magic, 4) )
    {
        k->elf = image;
        k->elf_size = size;
        return 0;
    }
    rc = bzimage_parse(image, size, &bz, err, errlen);
    if ( rc == -ENOEXEC )
        snprintf(err, errlen, "not an ELF image or a bzImage");
    if ( rc )
        return rc;
    return unpack_bzimage(&bz, k, err, errlen);
}

void kernel_image_release(struct kernel_image *k)
{
    free_xenheap_pages(k->unpacked, k->unpacked_order);
    k->unpacked = NULL;
    k->elf = NULL;
}
