/*
 * Saving and restoring every general register in the order of struct
 * cpu_regs (traps.h), for the exception entries of pv64 and hvm64.
 */
#ifndef GUEST_REGS_ASM_H
#define GUEST_REGS_ASM_H

.macro SAVE_ALL_GPRS
    push  %rdi
    push  %rsi
    push  %rdx
    push  %rcx
    push  %rax
    push  %r8
    push  %r9
    push  %r10
    push  %r11
    push  %rbx
    push  %rbp
    push  %r12
    push  %r13
    push  %r14
    push  %r15
.endm

.macro RESTORE_ALL_GPRS
    pop   %r15
    pop   %r14
    pop   %r13
    pop   %r12
    pop   %rbp
    pop   %rbx
    pop   %r11
    pop   %r10
    pop   %r9
    pop   %r8
    pop   %rax
    pop   %rcx
    pop   %rdx
    pop   %rsi
    pop   %rdi
.endm

/* do_exception(regs) on a 16-byte aligned stack, regs at the current rsp. */
.macro CALL_DO_EXCEPTION
    mov   %rsp, %rdi
    mov   %rsp, %rbp
    and   $-16, %rsp
    call  do_exception
    mov   %rbp, %rsp
.endm

#endif /* GUEST_REGS_ASM_H */
