/*
 * The PVH start of day (Xen's docs/misc/pvh.pandoc, start_info.h):
 *  - entry state: CR0.PE set, paging off, CR4 = 0, EFLAGS without IF, TF
 *    or VM and with bit 1 set, ebx = the hvm_start_info;
 *  - hvm_start_info: magic 0x336ec578, version >= 1, no modules, placed in
 *    RAM outside the kernel image;
 *  - the memory map (version >= 1) has RAM at 1 MiB covering the kernel,
 *    about 64 MiB in all (the runner gives mem=64);
 *  - the command line is the module's: it holds "type=pvh" and
 *    "test=hvm_start_info" (the runner puts them there).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "PVH entry state and hvm_start_info";

void test_main(void)
{
    const struct hvm_start_info *si = start_info;
    const struct hvm_memmap_table_entry *map;
    const char *cmdline;
    uint64_t ram = 0, img_start = (unsigned long)_start_image, img_end = (unsigned long)_end_image;
    bool covers_image = false;

    printk("entry: ebx %#x cr0 %#x cr4 %#x eflags %#x cs %#x ds %#x\n",
           entry_ebx, entry_cr0, entry_cr4, entry_eflags, entry_cs, entry_ds);
    if ( !(entry_cr0 & X86_CR0_PE) || (entry_cr0 & X86_CR0_PG) )
        xtf_failure("Fail: entry CR0 %#x: expected PE set, PG clear\n", entry_cr0);
    check_eq("entry CR4", entry_cr4, 0);
    if ( entry_eflags & (X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_VM) )
        xtf_failure("Fail: entry EFLAGS %#x has IF, TF or VM\n", entry_eflags);
    if ( !(entry_eflags & X86_EFLAGS_MBS) )
        xtf_failure("Fail: entry EFLAGS %#x lacks bit 1\n", entry_eflags);

    if ( entry_ebx == 0 || entry_ebx >= (64U << 20) )
        return xtf_failure("Fail: ebx %#x is not in RAM\n", entry_ebx);
    if ( entry_ebx < img_end && entry_ebx + sizeof(*si) > img_start )
        xtf_failure("Fail: start info %#x overlaps the image %#lx-%#lx\n", entry_ebx,
                    (unsigned long)img_start, (unsigned long)img_end);
    check_eq("magic", si->magic, HVM_START_MAGIC);
    if ( si->version < 1 )
        return xtf_failure("Fail: version %u, expected >= 1 (memory map)\n", si->version);
    check_eq("nr_modules", si->nr_modules, 0);
    printk("start info: version %u flags %#x cmdline %#lx rsdp %#lx memmap %#lx x %u\n",
           si->version, si->flags, (unsigned long)si->cmdline_paddr,
           (unsigned long)si->rsdp_paddr, (unsigned long)si->memmap_paddr, si->memmap_entries);

    if ( !si->memmap_paddr || !si->memmap_entries || si->memmap_entries > 128 )
        return xtf_failure("Fail: memory map at %#lx with %u entries\n",
                           (unsigned long)si->memmap_paddr, si->memmap_entries);
    map = phys_ptr(si->memmap_paddr);
    for ( unsigned int i = 0; i < si->memmap_entries; i++ )
    {
        printk("  map %u: %#010lx-%#010lx type %u\n", i, (unsigned long)map[i].addr,
               (unsigned long)(map[i].addr + map[i].size), map[i].type);
        if ( map[i].type != HVM_MEMMAP_TYPE_RAM )
            continue;
        ram += map[i].size;
        if ( map[i].addr <= img_start && map[i].addr + map[i].size >= img_end )
            covers_image = true;
    }
    if ( !covers_image )
        xtf_failure("Fail: no RAM entry covers the kernel at %#lx-%#lx\n",
                    (unsigned long)img_start, (unsigned long)img_end);
    if ( ram < (60ULL << 20) || ram > (64ULL << 20) )
        xtf_failure("Fail: %lu KiB of RAM in the map, expected about 64 MiB\n",
                    (unsigned long)(ram >> 10));

    if ( !si->cmdline_paddr )
        return xtf_failure("Fail: no command line\n");
    cmdline = phys_ptr(si->cmdline_paddr);
    printk("cmdline '%s'\n", cmdline);
    if ( !strstr(cmdline, "type=pvh") || !strstr(cmdline, "test=hvm_start_info") )
        xtf_failure("Fail: command line '%s' is not the module's\n", cmdline);
}
