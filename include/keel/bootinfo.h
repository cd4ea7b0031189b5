/*
 * What the boot loader told us, in a loader-neutral form.  Strings and the
 * RSDP are copied out of the loader's memory so that it can be reused.
 */
#ifndef KEEL_BOOTINFO_H
#define KEEL_BOOTINFO_H

#include <keel/types.h>

#define BOOT_MAX_MODULES   16
#define BOOT_MAX_MEMMAP    128
#define BOOT_CMDLINE_MAX   1024

/* E820 range types, as the BIOS reports them. */
#define E820_RAM       1
#define E820_RESERVED  2
#define E820_ACPI      3
#define E820_NVS       4
#define E820_UNUSABLE  5

struct boot_module {
    paddr_t start;
    uint64_t size;
    char cmdline[BOOT_CMDLINE_MAX];
};

struct boot_memrange {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct boot_info {
    const char *protocol;                    /* "multiboot2" or "multiboot1" */
    char loader[64];
    char cmdline[BOOT_CMDLINE_MAX];
    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
    unsigned int nr_memmap;
    struct boot_memrange memmap[BOOT_MAX_MEMMAP];
    bool have_rsdp;
    uint8_t rsdp[36];                        /* ACPI 2.0 RSDP is 36 bytes */
};

/* What the loader gave, kept by arch/x86/setup.c for later readers. */
const struct boot_info *keel_boot_info(void);
const char *keel_boot_cmdline(void);

/* Fill *bi from the loader's information; 0 or a negative errno. */
int multiboot_parse(uint32_t magic, paddr_t info_pa, struct boot_info *bi);

#endif /* KEEL_BOOTINFO_H */
