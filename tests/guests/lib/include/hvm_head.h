/* Shared by the pvh and hvm64 heads: Xen ELF notes, 32-bit prologue, GDT. */
#include "hvm_layout.h"
#include <public/elfnote.h>

#define BOOT_STACK_SIZE 16384

#define ELFNOTE(type, what)                                \
    .pushsection .note.Xen, "a", @note;                    \
    .balign 4;                                             \
    .long 2f - 1f;          /* namesz */                   \
    .long 4f - 3f;          /* descsz */                   \
    .long type;                                            \
1:  .asciz "Xen";                                          \
2:  .balign 4;                                             \
3:  what;                                                  \
4:  .balign 4;                                             \
    .popsection

ELFNOTE(XEN_ELFNOTE_GUEST_OS,       .asciz "keel-guest-tests")
ELFNOTE(XEN_ELFNOTE_GUEST_VERSION,  .asciz "1")
ELFNOTE(XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0")
ELFNOTE(XEN_ELFNOTE_LOADER,         .asciz "generic")
/* 32-bit flat protected mode entry, paging off, ebx = hvm_start_info. */
ELFNOTE(XEN_ELFNOTE_PHYS32_ENTRY,   .long _start32)

/*
 * The first instructions at PHYS32_ENTRY (32-bit, any stack): a boot stack,
 * the entry state saved for the start_info test (into .data: the bss is
 * cleared afterwards), the library's GDT and flat segments, cleared bss.
 * Leaves with cs = \cs32, ds/es/ss/fs/gs = GDT_DS.
 */
.macro PVH_PROLOGUE cs32
    cli
    cld
    mov   %ebx, entry_ebx
    mov   %cr0, %eax
    mov   %eax, entry_cr0
    mov   %cr4, %eax
    mov   %eax, entry_cr4
    mov   %cs, %eax
    mov   %eax, entry_cs
    mov   %ds, %eax
    mov   %eax, entry_ds
    mov   $boot_stack + BOOT_STACK_SIZE, %esp
    pushf
    pop   %eax
    mov   %eax, entry_eflags
    lgdt  gdt_ptr
    ljmp  $\cs32, $1f
1:  mov   $GDT_DS, %eax
    mov   %eax, %ds
    mov   %eax, %es
    mov   %eax, %ss
    mov   %eax, %fs
    mov   %eax, %gs
    mov   $__bss_start, %edi
    mov   $__bss_end, %ecx
    sub   %edi, %ecx
    xor   %eax, %eax
    rep stosb
.endm


/* Entry state and the GDT (.data: written before the bss is cleared). */
.macro PVH_DATA
    .section .data
    .balign 4
    .globl entry_ebx, entry_cr0, entry_cr4, entry_eflags, entry_cs, entry_ds
entry_ebx:    .long 0
entry_cr0:    .long 0
entry_cr4:    .long 0
entry_eflags: .long 0
entry_cs:     .long 0
entry_ds:     .long 0

    .balign 16
    .globl gdt, gdt_ptr
gdt:
    .quad 0
#ifdef __x86_64__
    .quad 0x00af9b000000ffff        /* 0x08: 64-bit code */
#else
    .quad 0x00cf9b000000ffff        /* 0x08: flat 32-bit code */
#endif
    .quad 0x00cf93000000ffff        /* 0x10: flat data */
    .quad 0x00cf9b000000ffff        /* 0x18: flat 32-bit code */
    .quad 0x00cff3000000ffff        /* 0x20 (0x23): user data */
    .quad 0x00affb000000ffff        /* 0x28 (0x2b): user 64-bit code */
    .quad 0, 0                      /* 0x30: TSS, filled in by user mode setup */
gdt_end:
    .balign 8
    .word 0
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt, 0

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
    .globl boot_stack
boot_stack:
    .skip BOOT_STACK_SIZE
.endm
