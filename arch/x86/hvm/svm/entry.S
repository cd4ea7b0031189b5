/*
 * One trip into an SVM guest and back.
 *   svm_vmrun(struct hvm_gprs *gprs, paddr_t vmcb_pa, paddr_t host_vmcb_pa)
 * Called with interrupts off.  GIF is cleared around the switch so that
 * nothing interrupts it; interrupts are enabled while the guest runs so a
 * physical interrupt makes a VMEXIT (INTR is intercepted) and is taken by
 * Keel's handler once GIF is set again.
 */
#define GPRS_rbx  0
#define GPRS_rcx  8
#define GPRS_rdx  16
#define GPRS_rsi  24
#define GPRS_rdi  32
#define GPRS_rbp  40
#define GPRS_r8   48
#define GPRS_r9   56
#define GPRS_r10  64
#define GPRS_r11  72
#define GPRS_r12  80
#define GPRS_r13  88
#define GPRS_r14  96
#define GPRS_r15  104

        .text
        .globl  svm_vmrun
svm_vmrun:
        push    %rbp                    /* callee-saved registers of the host */
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                    /* gprs, needed after the exit */
        push    %rdx                    /* host VMCB */
        mov     %rsi, %rax              /* rax = guest VMCB for vmload/vmrun/vmsave */
        clgi                            /* no interrupt, not even NMI, until stgi */
        sti                             /* ...but physical ones make the guest exit */
        mov     GPRS_rbx(%rdi), %rbx    /* guest registers not kept in the VMCB */
        mov     GPRS_rcx(%rdi), %rcx
        mov     GPRS_rdx(%rdi), %rdx
        mov     GPRS_rsi(%rdi), %rsi
        mov     GPRS_rbp(%rdi), %rbp
        mov     GPRS_r8(%rdi), %r8
        mov     GPRS_r9(%rdi), %r9
        mov     GPRS_r10(%rdi), %r10
        mov     GPRS_r11(%rdi), %r11
        mov     GPRS_r12(%rdi), %r12
        mov     GPRS_r13(%rdi), %r13
        mov     GPRS_r14(%rdi), %r14
        mov     GPRS_r15(%rdi), %r15
        mov     GPRS_rdi(%rdi), %rdi    /* last: it held the gprs pointer */
        vmload  %rax                    /* guest FS/GS/TR/LDTR/syscall MSRs */
        vmrun   %rax                    /* run until a #VMEXIT */
        vmsave  %rax                    /* keep the guest's hidden state */
        push    %rdi                    /* guest rdi; free rdi for the pointer */
        mov     16(%rsp), %rdi          /* gprs */
        mov     %rbx, GPRS_rbx(%rdi)
        mov     %rcx, GPRS_rcx(%rdi)
        mov     %rdx, GPRS_rdx(%rdi)
        mov     %rsi, GPRS_rsi(%rdi)
        mov     %rbp, GPRS_rbp(%rdi)
        mov     %r8, GPRS_r8(%rdi)
        mov     %r9, GPRS_r9(%rdi)
        mov     %r10, GPRS_r10(%rdi)
        mov     %r11, GPRS_r11(%rdi)
        mov     %r12, GPRS_r12(%rdi)
        mov     %r13, GPRS_r13(%rdi)
        mov     %r14, GPRS_r14(%rdi)
        mov     %r15, GPRS_r15(%rdi)
        pop     %rax
        mov     %rax, GPRS_rdi(%rdi)
        pop     %rax                    /* host VMCB */
        vmload  %rax                    /* Keel's TR, syscall MSRs, shadow GS */
        cli                             /* the pending interrupt waits for the C loop */
        stgi
        pop     %rdi
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
