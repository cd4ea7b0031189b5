/*
 * The Linux/x86 boot protocol (Documentation/arch/x86/boot.rst facts), as
 * far as a loader that enters a bzImage at its 64-bit entry needs it: what
 * the setup header of the image asks for, and the "zero page"
 * (struct boot_params) handed to the kernel in rsi.  Pure data: the HVM
 * builder (arch/x86/hvm/linux_boot.c) places it in guest memory.
 */
#ifndef KEEL_LINUX_BOOT_H
#define KEEL_LINUX_BOOT_H

#include <keel/types.h>

#define LINUX_ZERO_PAGE_SIZE   4096
#define LINUX_ENTRY64_OFFSET   0x200     /* the 64-bit entry: load address + 0x200 */
#define LINUX_BOOT_CS          0x10      /* __BOOT_CS and __BOOT_DS of the protocol */
#define LINUX_BOOT_DS          0x18
#define LINUX_E820_MAX         128       /* e820_table entries in the zero page */

#define LINUX_E820_RAM      1          /* e820 types of the zero page */
#define LINUX_E820_RESERVED 2

/* What the image's setup header says (linux_image_parse). */
struct linux_image {
    uint16_t version;               /* boot protocol, major << 8 | minor */
    size_t kernel_offset;           /* the protected-mode kernel in the file */
    size_t kernel_size;
    uint64_t pref_address;          /* where it wants to be loaded */
    uint32_t init_size;             /* bytes it needs from there to run */
    uint32_t kernel_alignment;
    uint32_t initrd_addr_max;       /* highest address an initrd byte may have */
    uint32_t cmdline_size;          /* longest command line, NUL excluded */
    bool relocatable;
};

struct linux_e820_entry {
    uint64_t addr, size;
    uint32_t type;
};

/* Where the loader put things (guest-physical addresses). */
struct linux_boot_args {
    uint64_t cmdline;
    uint64_t initrd, initrd_size;   /* size 0: none */
    uint64_t rsdp;                  /* 0: the kernel searches for it */
    const struct linux_e820_entry *map;
    unsigned int nr_map;
};

/*
 * Check that image (size bytes) is a bzImage Keel can enter at its 64-bit
 * entry (protocol 2.12 or later with XLF_KERNEL_64, loaded high), and fill
 * li.  -ENOEXEC if it is no bzImage at all, -EINVAL with the reason in err
 * otherwise.
 */
int linux_image_parse(const void *image, size_t size, struct linux_image *li,
                      char *err, size_t errlen);

/*
 * The zero page for image (already checked by linux_image_parse): zeroed,
 * the image's setup header copied in as the protocol says, then the
 * loader's fields (type_of_loader "undefined", the command line, the
 * initrd, the e820 map, the RSDP).  -EINVAL if a field does not fit the
 * protocol (initrd or command line above 4 GiB, too many map entries).
 */
int linux_boot_params(uint8_t zp[LINUX_ZERO_PAGE_SIZE], const void *image,
                      const struct linux_boot_args *a);

#endif /* KEEL_LINUX_BOOT_H */
