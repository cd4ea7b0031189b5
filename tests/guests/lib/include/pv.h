/* PV-environment services: start_info, shared_info, p2m, mappings, user mode. */
#ifndef GUEST_PV_H
#define GUEST_PV_H

#include "types.h"
#include "hypercall.h"
#include "x86.h"

/* The image is linked at VIRT_BASE; the bootstrap region is pfn (va - VIRT_BASE) >> 12. */
#define GUEST_VIRT_BASE 0xffffffff80000000UL

extern const struct start_info *start_info;     /* rsi at entry */
extern struct shared_info *shared_info;         /* mapped at start of day */
extern char _start_image[], _end_image[], __bss_start[], __bss_end[];

static inline struct vcpu_info *vcpu0_info(void)
{
    return &shared_info->vcpu_info[0];
}

/* Machine frame of a VA of the bootstrap region (via start_info->mfn_list). */
unsigned long virt_to_mfn(const void *va);
static inline uint64_t virt_to_maddr(const void *va)
{
    return ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) | ((unsigned long)va & ~PAGE_MASK);
}

/* Remaps one page of the bootstrap region read-only or read-write (0 or -errno). */
long remap_page(void *va, uint64_t flags);
static inline long make_page_ro(void *va) { return remap_page(va, PTE_RO); }
static inline long make_page_rw(void *va) { return remap_page(va, PTE_RW); }

static inline long mmuext_one(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = arg1;
    op.arg2.vcpumask = arg2;
    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/*
 * User mode.  setup_user_mode() registers the syscall callback, sets the
 * kernel entry stack (stack_switch) and gives the vCPU a user L4: a copy of
 * the kernel's guest slots, pinned and installed with
 * MMUEXT_NEW_USER_BASEPTR.  exec_user(fn, arg) iret()s to ring 3, runs
 * fn(arg) on a user stack and comes back when fn returns (via `syscall`).
 */
extern uint64_t user_l4[512];
extern void (*syscall_hook)(struct cpu_regs *regs);  /* user syscalls other than "return" */
long setup_user_mode(void);
unsigned long exec_user(unsigned long (*fn)(unsigned long), unsigned long arg);
/* rax value with which the user-mode trampoline asks to return to the kernel. */
#define USER_RETURN_MAGIC 0x7573657272657421UL

/* The last user-mode syscall frame bounced to the callback. */
struct syscall_record {
    unsigned int count;
    uint64_t rcx, r11, rip, cs, rflags, rsp, ss;
    uint64_t frame_addr;
    uint8_t upcall_mask;
    uint64_t rflags_in_callback;
};
extern struct syscall_record last_syscall;
extern bool syscall_mask_events;    /* CALLBACKF_mask_events when registering */

/* rsp and rflags at the entry point, as the domain builder set them. */
extern unsigned long entry_rsp, entry_rflags;

/*
 * Checks last_exception against what the ABI says a bounce frame holds.
 * ec < 0: no error code expected.  rsp: guest rsp at the fault.  cs: the
 * selector expected in the frame (RPL cleared for kernel mode).
 * frame_top: 0 = kernel mode (frame below rsp aligned to 16), else the
 * stack_switch stack top.  Reports failures, returns true if all matched.
 */
bool check_exception_frame(const char *what, unsigned int vec, int ec,
                           unsigned long rip, unsigned long rsp,
                           unsigned int cs, unsigned long frame_top);

#define FRAME_CS_KERNEL (FLAT_KERNEL_CS & ~3)   /* 0xe030 */
#define FRAME_CS_USER   FLAT_USER_CS            /* 0xe033 */

#endif /* GUEST_PV_H */
