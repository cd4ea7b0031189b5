/*
 * Entry from exceptions and interrupts: one small stub per vector pushes a
 * zero error code when the CPU did not, records the vector, and joins a
 * common path that saves the registers as struct cpu_user_regs and calls C.
 */
#include <asm/config.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                        (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign 16
common_entry:
        push    %rdi                    /* save in the order of struct cpu_user_regs */
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        cld                             /* C expects DF clear */
        mov     %rsp, %rdi              /* arg: struct cpu_user_regs * */
        cmpl    $32, 8*15+4(%rsp)       /* entry_vector < 32: an exception */
        jae     1f
        call    do_exception
        jmp     2f
1:      call    do_IRQ
2:      pop     %r15                    /* restore, possibly changed by C (fixups) */
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
        add     $8, %rsp                /* drop error code + vector */
        iretq

/* The stubs: 16 bytes apart is not needed, the table below names each. */
        .macro  entry_stub vec
        .balign 8
entry_stub_\vec:
        .if !HAS_ERRCODE(\vec)
        push    $0                      /* uniform frame: fake error code */
        .endif
        movl    $\vec, 4(%rsp)          /* entry_vector beside the error code */
        jmp     common_entry
        .endm

        .altmacro
        .macro  all_stubs from=0, to=255
        entry_stub \from
        .if \to-\from
        all_stubs %(\from+1), \to
        .endif
        .endm
        all_stubs 0, 63
        all_stubs 64, 127
        all_stubs 128, 191
        all_stubs 192, 255

        .macro  stub_addr vec
        .quad   entry_stub_\vec
        .endm
        .macro  all_addrs from=0, to=255
        stub_addr \from
        .if \to-\from
        all_addrs %(\from+1), \to
        .endif
        .endm

        .section .rodata, "a", @progbits
        .balign 8
        .globl  entry_stubs
entry_stubs:
        all_addrs 0, 63
        all_addrs 64, 127
        all_addrs 128, 191
        all_addrs 192, 255
