/*
 * A guest kernel as the boot loader gave it (a bzImage such as Debian's
 * vmlinuz, or a plain ELF), turned into the ELF image the domain builders
 * load: a bzImage's payload is decompressed into heap frames that the
 * caller releases once the domain is built.
 */
#ifndef KEEL_KERNEL_IMAGE_H
#define KEEL_KERNEL_IMAGE_H

#include <keel/types.h>

struct kernel_image {
    const void *elf;            /* the ELF to load */
    size_t elf_size;
    void *unpacked;             /* heap frames holding it, if decompressed */
    unsigned int unpacked_order;
};

/* 0, or -errno with the reason in err ("not an ELF image or bzImage", ...). */
int kernel_image_unpack(const void *image, size_t size, struct kernel_image *k,
                        char *err, size_t errlen);
void kernel_image_release(struct kernel_image *k);

#endif /* KEEL_KERNEL_IMAGE_H */
