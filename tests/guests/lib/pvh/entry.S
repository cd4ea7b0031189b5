/*
 * 32-bit interrupt entry: one 16-byte stub per vector at irq_stubs + 16 *
 * vector.  Each pushes a zero error code when the CPU did not, then the
 * vector; handle_interrupt saves the registers with pusha (struct cpu_regs
 * of traps.h), calls do_exception() and returns with iret.
 */
#include "hvm_layout.h"

    .text
    .code32
    .p2align 4
    .globl irq_stubs
irq_stubs:
vec = 0
.rept 256
    .p2align 4
    .if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
    push  $0
    .endif
    push  $vec
    jmp   handle_interrupt
vec = vec + 1
.endr

    .p2align 4
handle_interrupt:
    pusha
    cld
    mov   %esp, %eax
    push  %eax
    call  do_exception
    add   $4, %esp
    popa
    add   $8, %esp                  /* vector, error code */
    iret
