/*
 * Exception and callback entry stubs, and the way back (iret hypercall).
 *
 * The hypervisor's bounce frame is RCX, R11, [error code], RIP, CS, RFLAGS,
 * RSP, SS.  Each stub reloads rcx/r11 from the frame, drops those two
 * slots, puts a zero error code where none was pushed, and stores the
 * vector in the upper half of the error-code slot.  handle_exception then
 * builds struct cpu_regs (see traps.h) and calls do_exception().
 */
#include "regs_asm.h"
#define HYPERVISOR_iret      23
#define SYSCALL_ENTRY_VECTOR 256
#define EVENT_ENTRY_VECTOR   257
#define FAILSAFE_ENTRY_VECTOR 258

    .text
    .code64

.macro STUB vec, has_ec
    .p2align 4
entry_\vec:
    mov   (%rsp), %rcx
    mov   8(%rsp), %r11
    .if \has_ec
    add   $16, %rsp
    .else
    add   $8, %rsp
    movq  $0, (%rsp)
    .endif
    movl  $\vec, 4(%rsp)
    jmp   handle_exception
.endm

    STUB 0, 0
    STUB 1, 0
    STUB 2, 0
    STUB 3, 0
    STUB 4, 0
    STUB 5, 0
    STUB 6, 0
    STUB 7, 0
    STUB 8, 1
    STUB 9, 0
    STUB 10, 1
    STUB 11, 1
    STUB 12, 1
    STUB 13, 1
    STUB 14, 1
    STUB 15, 0
    STUB 16, 0
    STUB 17, 1
    STUB 18, 0
    STUB 19, 0
    STUB 20, 0
    STUB 21, 1
    STUB 22, 0
    STUB 23, 0
    STUB 24, 0
    STUB 25, 0
    STUB 26, 0
    STUB 27, 0
    STUB 28, 0
    STUB 29, 1
    STUB 30, 1
    STUB 31, 0

    /* Callbacks: same frame as an exception without an error code. */
    STUB SYSCALL_ENTRY_VECTOR, 0
    STUB EVENT_ENTRY_VECTOR, 0
    STUB FAILSAFE_ENTRY_VECTOR, 0

    .globl syscall_entry, event_entry, failsafe_entry
    .set syscall_entry, entry_256
    .set event_entry, entry_257
    .set failsafe_entry, entry_258

    .section .rodata
    .balign 8
    .globl exception_entry_points
exception_entry_points:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad entry_\v
    .endr

    .text
    .p2align 4
handle_exception:
    SAVE_ALL_GPRS
    CALL_DO_EXCEPTION
    RESTORE_ALL_GPRS
    add   $8, %rsp                  /* error code / vector */
    /* fall through: rsp -> RIP, CS, RFLAGS, RSP, SS */

/*
 * iret hypercall.  Stack on the syscall: RAX, R11, RCX, flags, RIP, CS,
 * RFLAGS, RSP, SS.  Slot 23 of the hypercall page pushes rcx, r11 and rax
 * itself, so the guest only pushes flags before jumping there.
 */
    .globl iret_to_guest
iret_to_guest:
    push  $0                        /* flags: restore rcx/r11 too */
    cmpb  $0, hypercall_via_page(%rip)
    jne   1f
    push  %rcx
    push  %r11
    push  %rax
    mov   $HYPERVISOR_iret, %eax
    syscall
    ud2
1:  jmp   hypercall_page + HYPERVISOR_iret * 32

/*
 * unsigned long exec_user(unsigned long (*fn)(unsigned long), unsigned long arg)
 * iret()s to user mode at user_trampoline with r11 = fn and rcx = arg, on
 * the user stack.  The trampoline calls fn(arg) and issues `syscall` with
 * rax = USER_RETURN_MAGIC, rdi = result; the syscall callback (C) then
 * calls exec_user_return(result), which resumes here on the saved stack.
 */
#define USER_RETURN_MAGIC 0x7573657272657421
#define FLAT_USER_CS64    0xe033
#define FLAT_USER_SS64    0xe02b
    .globl exec_user, exec_user_return, user_trampoline
exec_user:
    push  %rbx
    push  %rbp
    push  %r12
    push  %r13
    push  %r14
    push  %r15
    mov   %rsp, exec_user_saved_rsp(%rip)
    push  $FLAT_USER_SS64           /* SS */
    lea   user_stack + 16384(%rip), %rax
    push  %rax                      /* RSP */
    push  $0x2                      /* RFLAGS: IF clear, so events stay masked */
    push  $FLAT_USER_CS64           /* CS, RPL 3: return to user mode */
    lea   user_trampoline(%rip), %rax
    push  %rax                      /* RIP */
    push  $0                        /* flags */
    push  %rsi                      /* RCX = arg */
    push  %rdi                      /* R11 = fn */
    push  $0                        /* RAX */
    mov   $HYPERVISOR_iret, %eax
    cmpb  $0, hypercall_via_page(%rip)
    jne   1f
    syscall
    ud2
1:  add   $24, %rsp                 /* the page's slot pushes rcx, r11, rax */
    mov   -8(%rsp), %rcx
    mov   -16(%rsp), %r11
    mov   -24(%rsp), %rax
    jmp   hypercall_page + HYPERVISOR_iret * 32

exec_user_return:
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
user_trampoline:
    mov   %rcx, %rdi
    call  *%r11
    mov   %rax, %rdi
    movabs $USER_RETURN_MAGIC, %rax
    syscall
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
