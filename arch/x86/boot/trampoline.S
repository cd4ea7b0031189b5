/*
 * Application-processor start-up.  This block is copied to TRAMPOLINE_PHYS
 * (below 1 MiB, where a SIPI can start a CPU in real mode) and takes the
 * AP from real mode through protected mode into long mode on the boot page
 * tables, then jumps to start_secondary() on the stack the BSP prepared.
 * Addresses inside are their run-time (copied) physical addresses.
 */
#include <asm/config.h>

#define tramp_sym(s)   ((s) - trampoline_start + TRAMPOLINE_PHYS)

        .section .trampoline, "ax", @progbits
        .code16
        .globl  trampoline_start
trampoline_start:
        cli                                     /* no IDT in real mode for us */
        cld
        xor     %ax, %ax
        mov     %ax, %ds                        /* ds = 0: absolute addresses */
        lgdtl   tramp_sym(tramp_gdtr)           /* GDT copy inside this page */
        mov     %cr0, %eax
        or      $1, %eax                        /* CR0.PE: protected mode */
        mov     %eax, %cr0
        ljmpl   $BOOT_CS32, $tramp_sym(tramp32) /* reload CS with a 32-bit segment */

        .code32
tramp32:
        mov     $BOOT_DS, %eax
        mov     %eax, %ds                       /* flat data segments */
        mov     %eax, %es
        mov     %eax, %ss
        mov     %cr4, %eax
        or      $(1 << 5), %eax                 /* CR4.PAE */
        mov     %eax, %cr4
        mov     tramp_sym(tramp_cr3), %eax      /* the BSP's idle page tables */
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx               /* EFER */
        rdmsr
        or      $((1 << 8) | (1 << 11)), %eax   /* LME | NXE */
        wrmsr
        mov     %cr0, %eax
        or      $((1 << 31) | (1 << 16)), %eax  /* CR0.PG | CR0.WP */
        mov     %eax, %cr0
        ljmp    $BOOT_CS64, $tramp_sym(tramp64) /* long mode */

        .code64
tramp64:
        mov     tramp_sym(tramp_stack), %rsp    /* identity-mapped, absolute */
        xor     %ebp, %ebp                      /* end of backtraces */
        movabs  $start_secondary, %rax          /* on into Keel's high mapping */
        jmp     *%rax

        .balign 8
tramp_gdt:
        .quad   0
        .quad   0x00af9a000000ffff              /* BOOT_CS64 */
        .quad   0x00cf92000000ffff              /* BOOT_DS */
        .quad   0x00cf9a000000ffff              /* BOOT_CS32 */
tramp_gdt_end:
tramp_gdtr:
        .short  tramp_gdt_end - tramp_gdt - 1
        .long   tramp_sym(tramp_gdt)
        .balign 8
        .globl  tramp_cr3, tramp_stack
tramp_cr3:      .long 0                         /* written by the BSP */
        .balign 8
tramp_stack:    .quad 0                         /* written by the BSP, per AP */
        .globl  trampoline_end
trampoline_end:
