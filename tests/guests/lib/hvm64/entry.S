/*
 * 64-bit interrupt entry: one 16-byte stub per vector at irq_stubs + 16 *
 * vector.  Each pushes a zero error code when the CPU did not and puts the
 * vector in the upper half of the error-code slot; handle_interrupt builds
 * struct cpu_regs (traps.h), calls do_exception() and returns with iretq.
 * Also user mode: exec_user / exec_user_return (see hvm.h).
 */
#include "hvm_layout.h"
#include "regs_asm.h"

    .text
    .code64
    .p2align 4
    .globl irq_stubs
irq_stubs:
vec = 0
.rept 256
    .p2align 4
    .if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
    pushq $0
    .endif
    movl  $vec, 4(%rsp)
    jmp   handle_interrupt
vec = vec + 1
.endr

    .p2align 4
handle_interrupt:
    SAVE_ALL_GPRS
    cld
    CALL_DO_EXCEPTION
    RESTORE_ALL_GPRS
    add   $8, %rsp                  /* error code / vector */
    iretq

/* unsigned long exec_user_asm(unsigned long (*fn)(unsigned long), unsigned long arg) */
    .globl exec_user_asm, exec_user_return
exec_user_asm:
    push  %rbx
    push  %rbp
    push  %r12
    push  %r13
    push  %r14
    push  %r15
    mov   %rsp, exec_user_saved_rsp(%rip)
    push  $GDT_USER_DS              /* SS */
    lea   user_stack + 16384(%rip), %rax
    push  %rax                      /* RSP */
    push  $0x2                      /* RFLAGS: IF clear */
    push  $GDT_USER_CS              /* CS */
    lea   user_trampoline(%rip), %rax
    push  %rax                      /* RIP */
    mov   %rdi, %r11
    mov   %rsi, %rcx
    iretq

/* Called from the USER_RETURN_VECTOR handler, rdi = fn's result. */
exec_user_return:
    mov   $GDT_DS, %eax
    mov   %eax, %ss
    mov   exec_user_saved_rsp(%rip), %rsp
    mov   %rdi, %rax
    pop   %r15
    pop   %r14
    pop   %r13
    pop   %r12
    pop   %rbp
    pop   %rbx
    ret

    .p2align 4
    .globl user_trampoline
user_trampoline:
    mov   %rcx, %rdi
    call  *%r11
    mov   %rax, %rdi
    int   $USER_RETURN_VECTOR
    ud2

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
    .globl user_stack, kernel_entry_stack
user_stack:
    .skip 16384
kernel_entry_stack:
    .skip 8192
    .section .bss
    .balign 8
exec_user_saved_rsp:
    .skip 8
