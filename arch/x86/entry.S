/*
 * Entry from exceptions and interrupts: one small stub per vector pushes a
 * zero error code when the CPU did not, records the vector, and joins a
 * common path that saves the registers as struct cpu_user_regs and calls C.
 */
#include <asm/config.h>
#include <asm/current.h>
#include <asm/extable.h>
#include <public/arch-x86/xen-x86_64.h>

#define UREGS_cs        (8*15 + 8 + 8)   /* offset of cs in struct cpu_user_regs */
#define UREGS_vector    (8*15 + 4)
#define VECTOR_SYSCALL  0x100            /* entry_vector of a 64-bit syscall */
#define VECTOR_SYSCALL32 0x101           /* ... of a compat-mode syscall */

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
        testb   $1, smap_enabled(%rip)  /* a guest's AC must not open SMAP */
        jz      4f
        clac
4:      mov     %rsp, %rdi              /* arg: struct cpu_user_regs * */
        cmpl    $VECTOR_SYSCALL, UREGS_vector(%rsp)
        jae     3f                      /* a guest's syscall */
        cmpl    $32, UREGS_vector(%rsp) /* entry_vector < 32: an exception */
        jae     1f
        call    do_exception
        jmp     2f
1:      call    do_IRQ
        jmp     2f
3:      call    do_syscall
        jmp     exit_to_guest_path      /* a syscall frame always returns to the guest */
2:      testb   $3, UREGS_cs(%rsp)      /* back to a guest (ring 3)? */
        jz      restore_all
        /* NMI and #MC run on IST stacks, not on the guest frame: just return. */
        cmpl    $2, UREGS_vector(%rsp)
        je      restore_all
        cmpl    $18, UREGS_vector(%rsp)
        je      restore_all
        .globl  exit_to_guest_path
exit_to_guest_path:
        mov     %rsp, %rdi
        call    exit_to_guest           /* softirqs, events; returns with IRQs off */
restore_all:
        pop     %r15                    /* restore, possibly changed by C */
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
iretq_insn:
        iretq
        /* A guest frame Keel's iretq cannot load (bad selector, non-canonical rip). */
        .pushsection .text.fixup, "ax"
iretq_fault:
        and     $~15, %rsp              /* still on this CPU's stack: align for C */
        call    pv_failed_iret          /* crashes the domain, never returns */
        .popsection
        _ASM_EXTABLE(iretq_insn, iretq_fault)

/*
 * SYSCALL from a PV guest (ring 3): rcx = return rip, r11 = rflags, rsp is
 * still the guest's.  Find this CPU's stack through the shadow GS base,
 * build the same frame an exception would, and join the common path.
 */
        .globl  lstar_entry
lstar_entry:
        swapgs                          /* GS base = &cpu_info (Keel's) */
        mov     %rsp, %gs:CPUINFO_scratch /* park the guest rsp */
        mov     %gs:CPUINFO_rsp0, %rsp  /* frame ends at cpu_info */
        pushq   $FLAT_KERNEL_SS         /* ss */
        pushq   %gs:CPUINFO_scratch     /* rsp */
        swapgs                          /* guest GS base back, before any C */
        push    %r11                    /* rflags */
        pushq   $FLAT_KERNEL_CS         /* cs */
        push    %rcx                    /* rip: the instruction after syscall */
        pushq   $0                      /* error code */
        movl    $VECTOR_SYSCALL, 4(%rsp)
        jmp     common_entry

/* SYSCALL from compatibility mode: same frame, a different vector. */
        .globl  cstar_entry
cstar_entry:
        swapgs
        mov     %rsp, %gs:CPUINFO_scratch
        mov     %gs:CPUINFO_rsp0, %rsp
        pushq   $FLAT_RING3_SS32
        pushq   %gs:CPUINFO_scratch
        swapgs
        push    %r11
        pushq   $FLAT_RING3_CS32
        push    %rcx
        pushq   $0
        movl    $VECTOR_SYSCALL32, 4(%rsp)
        jmp     common_entry

/*
 * #DB arrives on its own IST stack: it can be raised in ring 0 while rsp is
 * still the guest's, at the first instruction of the SYSCALL entry when a
 * `mov ss` deferred a guest data breakpoint over the `syscall` (XSA-260).
 * From ring 0 it is handled where it is (do_exception just notes it).  From
 * a guest (ring 3) the frame moves to where every guest frame lives, just
 * below cpu_info, so that the bounce code finds it there and the IST stack
 * is free again before Keel touches guest memory (which may hold another
 * breakpoint).  The IST stacks share the CPU's stack block (asm/config.h).
 */
#define GUEST_FRAME_OFFSET (CPU_INFO_SIZE - 1 + 6 * 8) /* from rsp | (STACK_SIZE - 1) */
db_ist_entry:
        testb   $3, 16(%rsp)            /* CS of the interrupted context */
        jz      common_entry            /* ring 0: stay on the IST stack */
        push    %rdi                    /* scratch, restored before the switch */
        push    %rsi
        push    %rcx
        mov     %rsp, %rdi
        or      $(STACK_SIZE - 1), %rdi
        sub     $GUEST_FRAME_OFFSET, %rdi /* rdi = cpu_info - 6 qwords */
        lea     3*8(%rsp), %rsi         /* error code/vector, rip, cs, rflags, rsp, ss */
        mov     $6, %ecx
        cld                             /* DF may still be the guest's */
        rep movsq
        pop     %rcx
        pop     %rsi
        pop     %rdi
        or      $(STACK_SIZE - 1), %rsp /* the same address, now in rsp */
        sub     $GUEST_FRAME_OFFSET, %rsp
        jmp     common_entry

/*
 * Start (or resume) the guest context whose frame the caller has placed
 * just below cpu_info: point rsp at it and leave through the exit path.
 */
        .globl  reset_stack_and_enter_guest
reset_stack_and_enter_guest:
        mov     %rdi, %rsp              /* rdi = the guest frame */
        jmp     exit_to_guest_path

/* Run fn (rsi) on a fresh stack: rdi = new rsp. Used to switch to idle. */
        .globl  reset_stack_and_call
reset_stack_and_call:
        mov     %rdi, %rsp
        xor     %ebp, %ebp              /* end of backtraces */
        call    *%rsi
        ud2                             /* fn never returns */

/* The stubs: 16 bytes apart is not needed, the table below names each. */
        .macro  entry_stub vec
        .balign 8
entry_stub_\vec:
        .if !HAS_ERRCODE(\vec)
        push    $0                      /* uniform frame: fake error code */
        .endif
        movl    $\vec, 4(%rsp)          /* entry_vector beside the error code */
        .if \vec == 1
        jmp     db_ist_entry            /* #DB: on its IST stack */
        .else
        jmp     common_entry
        .endif
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
