/*
 * Entry point of a pv64 test kernel and its Xen ELF notes.
 * On entry (dom0_build): rsi = VA of start_info, rsp = top of a boot
 * stack page, cs = FLAT_KERNEL_CS, events masked in vcpu_info.
 */
#include <public/elfnote.h>

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
ELFNOTE(XEN_ELFNOTE_VIRT_BASE,      .quad 0xffffffff80000000)
ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET,   .quad 0)
ELFNOTE(XEN_ELFNOTE_ENTRY,          .quad _start)
ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
/* Nothing required ('!'): we run on plain PV page tables.  dom0: may be dom0. */
ELFNOTE(XEN_ELFNOTE_FEATURES,       .ascii "dom0")
ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << 11))

    .section .text.head, "ax", @progbits
    .code64
    .globl _start
_start:
    cld
    mov   %rsi, %rbx
    mov   %rsp, %r12                /* initial state, for the start_info test */
    pushf
    pop   %r13
    /* The loader zeroes bss already; do it again rather than trust it. */
    lea   __bss_start(%rip), %rdi
    lea   __bss_end(%rip), %rcx
    sub   %rdi, %rcx
    xor   %eax, %eax
    rep stosb
    mov   %rbx, start_info(%rip)
    mov   %r12, entry_rsp(%rip)
    mov   %r13, entry_rflags(%rip)
    lea   boot_stack + 16384(%rip), %rsp
    xor   %ebp, %ebp
    call  pv_start_of_day
    ud2

    .section .text.hypercall_page, "ax", @progbits
    .balign 4096
    .globl hypercall_page
hypercall_page:
    /* Filled in by the hypervisor; zeroes here so a test sees if it was not. */
    .fill 4096, 1, 0

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
    .globl boot_stack
boot_stack:
    .skip 16384

    .section .bss
    .balign 8
    .globl entry_rsp, entry_rflags
entry_rsp:
    .skip 8
entry_rflags:
    .skip 8
