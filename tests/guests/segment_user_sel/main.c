/*
 * Guest GDT selectors in user %gs and in the iret hypercall (Linux's
 * load_gs_index and its __USER_CS 0x33 / __USER_DS 0x2b):
 *  - set_segment_base(GS_USER_SEL, 0x0b), a data descriptor with base B:
 *    returns 0, the user GS base (rdmsr SHADOW_GS_BASE) is B, %gs holds
 *    0x0b, the kernel's %gs base is untouched; in user mode %gs:off reads
 *    the byte at B + off;
 *  - a DPL 0 data descriptor loads too (installed with DPL 3), and so does
 *    a readable code segment;
 *  - selectors the CPU refuses (beyond the GDT's entries, execute-only
 *    code, not present, an LDT selector) and null: still 0, %gs null (a
 *    null selector as given: 0 or 3) and the user GS base 0 (Xen 4.17
 *    loads null instead and never fails);
 *  - iret to CS 0x33 / SS 0x2b of the guest's GDT runs user code there
 *    (%cs and %ss read 0x33 and 0x2b), and back by syscall; so does
 *    FLAT_USER_CS with the guest's SS;
 *  - iret to a CS that is a data segment: #GP(0x28) at the return address
 *    in user mode, delivered to the kernel.
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "User GS and iret with guest GDT selectors";

static uint64_t gdt[512] __page_aligned __section(".bss.page_aligned");
uint8_t user_stack2[4096] __attribute__((aligned(16)));
static unsigned long kernel_gs_var = 0x6b65726e656c6773UL;
static const uint64_t target = 0x7461726765742121UL;

#define GS_BASE   0x12345000UL              /* a 32-bit descriptor base */
#define SEL_DATA  0x0b                      /* index 1: data, base GS_BASE */
#define SEL_DPL0  0x13                      /* index 2: data, DPL 0, base GS_BASE */
#define SEL_XO    0x1b                      /* index 3: execute-only code */
#define SEL_NP    0x23                      /* index 4: data, not present */
#define USER_DS   0x2b                      /* index 5: Linux's __USER_DS */
#define USER_CS   0x33                      /* index 6: Linux's __USER_CS */
#define SEL_RX    0x3b                      /* index 7: readable code, base GS_BASE */
#define GDT_ENTS  8

static uint64_t with_base(uint64_t desc, uint32_t base)
{
    desc &= ~0xff0000ffffff0000ULL;
    desc |= (uint64_t)(base & 0xffffff) << 16;
    desc |= (uint64_t)(base >> 24) << 56;
    return desc;
}

static unsigned int read_gs_sel(void)
{
    unsigned int sel;

    asm volatile ("mov %%gs, %0" : "=r" (sel));
    return sel;
}

static uint64_t user_gs_base(void)
{
    uint64_t v = 0;

    if ( rdmsr_safe(MSR_SHADOW_GS_BASE, &v) )
        xtf_failure("Fail: rdmsr SHADOW_GS_BASE faulted\n");
    return v;
}

static unsigned long read_kernel_gs0(void)
{
    unsigned long v;

    asm volatile ("mov %%gs:0, %0" : "=r" (v));
    return v;
}

/* User mode: the 8 bytes at %gs:off. */
static unsigned long user_read_gs(unsigned long off)
{
    unsigned long v;

    asm volatile ("mov %%gs:(%1), %0" : "=r" (v) : "r" (off) : "memory");
    return v;
}

static unsigned long user_gs_sel(unsigned long unused)
{
    (void)unused;
    return read_gs_sel();
}

static void check_good(const char *what, unsigned int sel)
{
    check_rc(what, hypercall_set_segment_base(SEGBASE_GS_USER_SEL, sel), 0);
    check_eq("user GS base", user_gs_base(), GS_BASE);
    check_eq("%gs selector", read_gs_sel(), sel | 3);
}

/* gs: what %gs holds afterwards (null, or the null selector as given). */
static void check_refused(const char *what, unsigned int sel, unsigned int gs)
{
    /* A good load first, so that a refused one visibly resets the base. */
    hypercall_set_segment_base(SEGBASE_GS_USER_SEL, SEL_DATA);
    check_rc(what, hypercall_set_segment_base(SEGBASE_GS_USER_SEL, sel), 0);
    check_eq("user GS base after a refused selector", user_gs_base(), 0);
    check_eq("%gs after a refused selector", read_gs_sel(), gs);
}

static void check_gs_user_sel(void)
{
    unsigned long off = (unsigned long)&target - GS_BASE;

    check_rc("set GS_KERNEL", hypercall_set_segment_base(SEGBASE_GS_KERNEL,
                                                         (unsigned long)&kernel_gs_var), 0);
    check_good("GS_USER_SEL 0x0b", SEL_DATA);
    check_eq("kernel %gs:0 unchanged", read_kernel_gs0(), kernel_gs_var);
    check_eq("user %gs:(target - base)", exec_user(user_read_gs, off), target);
    check_eq("user %gs selector", exec_user(user_gs_sel, 0), SEL_DATA);
    check_eq("kernel %gs:0 after user mode", read_kernel_gs0(), kernel_gs_var);

    check_good("GS_USER_SEL 0x10 (RPL 0, DPL 0 descriptor)", SEL_DPL0 & ~3);
    check_good("GS_USER_SEL 0x3b (readable code)", SEL_RX);

    check_refused("GS_USER_SEL 0x4b (beyond the GDT entries)", 0x4b, 0);
    check_refused("GS_USER_SEL 0x1b (execute-only code)", SEL_XO, 0);
    check_refused("GS_USER_SEL 0x23 (not present)", SEL_NP, 0);
    check_refused("GS_USER_SEL 0x0f (LDT)", 0x0f, 0);
    check_refused("GS_USER_SEL 0 (null)", 0, 0);
    check_refused("GS_USER_SEL 3 (null, RPL 3)", 3, 3);
    check_eq("user %gs:off with a null %gs", exec_user(user_read_gs,
                                                       (unsigned long)&target), target);
}

/*
 * iret_to_user(cs, ss): iret hypercall to user_code with these selectors,
 * on user_stack2.  user_code reads %cs and %ss and makes a syscall with
 * rax = IRET_MAGIC; the syscall hook (or, if the iret faults, the #GP
 * hook) resumes the kernel at iret_back with rax = the result, on the
 * stack iret_to_user saved.
 */
#define IRET_MAGIC 0x6972657475736572UL
#define IRET_FAULTED 0xfa017ed0UL
unsigned long iret_to_user(unsigned long cs, unsigned long ss);
extern char user_code[], iret_back[];
unsigned long iret_saved_rsp;
asm (".pushsection .text\n"
     "iret_to_user:\n"
     "  push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
     "  mov %rsp, iret_saved_rsp(%rip)\n"
     "  push %rsi\n"                            /* SS */
     "  lea user_stack2+4096(%rip), %rax\n"
     "  push %rax\n"                            /* RSP */
     "  push $2\n"                              /* RFLAGS: events stay masked */
     "  push %rdi\n"                            /* CS */
     "  lea user_code(%rip), %rax\n"
     "  push %rax\n"                            /* RIP */
     "  push $0; push $0; push $0; push $0\n"   /* flags, RCX, R11, RAX */
     "  mov $23, %eax\n"
     "  syscall\n"
     "  ud2\n"
     "iret_back:\n"
     "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
     "  ret\n"
     "user_code:\n"
     "  mov %cs, %edi\n"
     "  shl $16, %edi\n"
     "  mov %ss, %di\n"
     "  movabs $0x6972657475736572, %rax\n"     /* IRET_MAGIC */
     "  syscall\n"
     "  ud2\n"
     ".popsection\n");

static void resume_kernel(struct cpu_regs *regs, unsigned long result)
{
    regs->rax = result;
    regs->rip = (unsigned long)iret_back;
    regs->cs = FLAT_KERNEL_CS & ~3;             /* RPL 0: stay in kernel mode */
    regs->ss = FLAT_KERNEL_SS;
    regs->rsp = iret_saved_rsp;
}

static void iret_syscall_hook(struct cpu_regs *regs)
{
    if ( regs->rax != IRET_MAGIC )
    {
        xtf_error("Error: unexpected user syscall rax %#lx\n", regs->rax);
        xtf_exit();
    }
    resume_kernel(regs, regs->rdi);
}

static struct { unsigned int vec, ec; unsigned long cs; } iret_fault;

static bool iret_fault_hook(struct cpu_regs *regs)
{
    if ( regs->rip != (unsigned long)user_code )
        return false;
    iret_fault.vec = regs->entry_vector;
    iret_fault.ec = regs->error_code;
    iret_fault.cs = regs->cs & 0xffff;
    resume_kernel(regs, IRET_FAULTED);
    return true;
}

static void check_iret(void)
{
    syscall_hook = iret_syscall_hook;
    check_eq("user %cs:%ss after iret to 0x33/0x2b", iret_to_user(USER_CS, USER_DS),
             (USER_CS << 16) | USER_DS);
    check_eq("user %cs:%ss after iret to FLAT_USER_CS", iret_to_user(FLAT_USER_CS, USER_DS),
             ((unsigned long)FLAT_USER_CS << 16) | USER_DS);

    exception_hooks[X86_EXC_GP] = iret_fault_hook;
    check_eq("iret to CS 0x2b (a data segment)", iret_to_user(USER_DS, USER_DS), IRET_FAULTED);
    check_eq("fault vector", iret_fault.vec, X86_EXC_GP);
    check_eq("fault error code", iret_fault.ec, USER_DS & ~3);
    check_eq("fault frame CS", iret_fault.cs, USER_DS);
    exception_hooks[X86_EXC_GP] = NULL;
    syscall_hook = NULL;
    check_eq("kernel %gs:0 after the irets", read_kernel_gs0(), kernel_gs_var);
}

void test_main(void)
{
    xen_pfn_t frames[1];

    gdt[1] = with_base(make_seg_desc(SEG_TYPE_DATA_RW, 3, false, true), GS_BASE);
    gdt[2] = with_base(make_seg_desc(SEG_TYPE_DATA_RW, 0, false, true), GS_BASE);
    gdt[3] = make_seg_desc(0x9, 3, false, true);            /* execute-only, accessed */
    gdt[4] = make_seg_desc(SEG_TYPE_DATA_RW, 3, false, true) & ~(1ULL << 47);
    gdt[5] = make_seg_desc(SEG_TYPE_DATA_RW, 3, false, true);
    gdt[6] = make_seg_desc(SEG_TYPE_CODE_RX, 3, true, false);
    gdt[7] = with_base(make_seg_desc(SEG_TYPE_CODE_RX, 3, false, true), GS_BASE);
    if ( make_page_ro(gdt) )
        return xtf_error("Error: cannot remap the GDT page read-only\n");
    frames[0] = virt_to_mfn(gdt);
    if ( hypercall_set_gdt(frames, GDT_ENTS) )
        return xtf_error("Error: set_gdt refused the test GDT\n");
    if ( setup_user_mode() )
        return xtf_error("Error: no user mode\n");

    check_gs_user_sel();
    check_iret();
}
