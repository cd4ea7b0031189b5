/*
 * Keel's link map.  Linked at KEEL_VIRT_START + KEEL_PHYS_START inside the
 * hypervisor hole, loaded at KEEL_PHYS_START: LMA = VMA - KEEL_VIRT_START.
 * The symbol table (generated after a first link) comes after .data so that
 * adding it moves no code.
 */
#include <asm/config.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32)

#define LMA(s) AT(ADDR(s) - KEEL_VIRT_START)

SECTIONS
{
    . = KEEL_VIRT_START + KEEL_PHYS_START;
    __image_start = .;

    .text : LMA(.text) {
        *(.text.head)
        __text_start = .;
        *(.text .text.*)
        __text_end = .;
    }

    .rodata : LMA(.rodata) {
        *(.rodata.head)
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __setup_start = .;
        KEEP(*(.init.setup))
        __setup_end = .;
        . = ALIGN(8);
        __ex_table_start = .;
        KEEP(*(.ex_table))
        __ex_table_end = .;
        . = ALIGN(8);
        __initcall_start = .;
        KEEP(*(.initcall))
        __initcall_end = .;
    }

    .trampoline : LMA(.trampoline) {
        . = ALIGN(16);
        __trampoline_start = .;
        KEEP(*(.trampoline))
        __trampoline_end = .;
    }

    .data : LMA(.data) {
        *(.data .data.*)
    }

    .symbols : LMA(.symbols) {
        . = ALIGN(8);
        KEEP(*(.symbols))
    }
    __load_end = .;

    .bss (NOLOAD) : LMA(.bss) {
        . = ALIGN(4096);
        __bss_start = .;
        *(.bss.stack_aligned)
        *(.bss.page_aligned)
        *(.bss .bss.* COMMON)
        . = ALIGN(4096);
        __bss_end = .;
    }
    __image_end = .;

    /DISCARD/ : {
        *(.note.GNU-stack)
        *(.comment)
        *(.eh_frame)
        *(.note.gnu.property)
    }
}
