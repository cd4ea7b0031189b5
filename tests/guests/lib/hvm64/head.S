/*
 * Entry of an hvm64 test kernel: PHYS32_ENTRY in 32-bit flat protected mode
 * (ebx = hvm_start_info), then identity page tables for 0-4 GiB (2 MiB
 * pages, user-accessible), PAE, EFER.LME, paging, and a far jump to 64-bit
 * code.  ap_entry64 is where secondary vCPUs start (vcpu_hvm_context, mode
 * 64B): rdi = vCPU id, rsi = function, rsp = its stack.
 */
#include "hvm_head.h"

    .section .text.head, "ax", @progbits
    .code32
    .globl _start32
_start32:
    PVH_PROLOGUE GDT_CS32
    /* pml4[0] -> pdpt; pdpt[0..3] -> pd; pd: 2048 x 2 MiB identity */
    movl  $pdpt + 7, pml4
    mov   $pd + 7, %eax
    mov   $pdpt, %edi
    mov   $4, %ecx
1:  mov   %eax, (%edi)
    add   $4096, %eax
    add   $8, %edi
    loop  1b
    mov   $pd, %edi
    mov   $0x87, %eax               /* present, RW, user, 2 MiB */
    xor   %edx, %edx
    mov   $2048, %ecx
2:  mov   %eax, (%edi)
    mov   %edx, 4(%edi)
    add   $0x200000, %eax
    adc   $0, %edx
    add   $8, %edi
    loop  2b
    mov   $pml4, %eax
    mov   %eax, %cr3
    mov   %cr4, %eax
    or    $0x20, %eax               /* PAE */
    mov   %eax, %cr4
    mov   $0xc0000080, %ecx         /* EFER.LME */
    rdmsr
    or    $0x100, %eax
    wrmsr
    mov   %cr0, %eax
    or    $0x80000000, %eax         /* PG: long mode becomes active */
    mov   %eax, %cr0
    ljmp  $GDT_CS, $start64

    .code64
start64:
    mov   $GDT_DS, %eax
    mov   %eax, %ds
    mov   %eax, %es
    mov   %eax, %ss
    mov   %eax, %fs
    mov   %eax, %gs
    mov   $boot_stack + BOOT_STACK_SIZE, %esp
    xor   %ebp, %ebp
    call  hvm_start_of_day
    ud2

    .globl ap_entry64
ap_entry64:
    cli
    cld
    lgdt  gdt_ptr(%rip)
    push  $GDT_CS
    lea   1f(%rip), %rax
    push  %rax
    lretq
1:  mov   $GDT_DS, %eax
    mov   %eax, %ds
    mov   %eax, %es
    mov   %eax, %ss
    mov   %eax, %fs
    mov   %eax, %gs
    lidt  idt_ptr(%rip)
    xor   %ebp, %ebp
    and   $-16, %rsp
    call  ap_start_of_day
    ud2

    PVH_DATA

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
    .globl pml4, pdpt, pd
pml4:
    .skip 4096
pdpt:
    .skip 4096
pd:
    .skip 4 * 4096
