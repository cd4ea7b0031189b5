/*
 * The privileged-instruction emulator must decode only bytes it fetched.
 * With virtual IOPL 1 (PHYSDEVOP_set_iopl), `in` from the PV kernel raises
 * #GP and the hypervisor emulates it; the attack gives it instructions
 * whose port byte the emulator's fetch does not hold:
 *  - `in $0x80, %al` behind 13 operand-size prefixes: 15 bytes, legal,
 *    emulated (control);
 *  - the same behind 14 prefixes: 16 bytes, longer than any x86
 *    instruction.  The CPU raises #GP(0) for the length; the emulator
 *    fetches at most 15 bytes, so the port byte is past its buffer.  Xen
 *    4.17's x86_emulate refuses it and the guest gets #GP(0); an emulator
 *    that reads the byte anyway does I/O on whatever port follows its
 *    buffer and skips 16 bytes (no fault);
 *  - `in $imm8, %al` whose opcode is the last byte of a page and whose
 *    immediate would be on the next, unmapped page: the CPU's own fetch
 *    raises #PF (error code 0x10, cr2 = the next page) before any
 *    emulation;
 *  - `in %dx, %al` as the last byte of that page: complete, emulated.
 * Expectations are Xen 4.17's (make test-xen).
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "Emulator fetch length: in/out past the fetched bytes";

/* Two pages of code space; the second is unmapped for the page-end cases. */
static uint8_t code[2 * PAGE_SIZE] __page_aligned __section(".bss.page_aligned");

#define PFX13 ".byte 0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66\n\t"

static exinfo_t run_15_bytes(void)
{
    exinfo_t ex;

    asm volatile ("1: " PFX13 "inb $0x80, %%al\n\t"
                  "xor %%eax, %%eax\n2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" (0) : "memory");
    return ex;
}

static exinfo_t run_16_bytes(unsigned long *rip_after)
{
    exinfo_t ex;
    unsigned long after;

    asm volatile ("lea 3f(%%rip), %[after]\n\t"
                  "1: " PFX13 ".byte 0x66\n\tinb $0x80, %%al\n\t"
                  "3: xor %%eax, %%eax\n2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [after] "=&r" (after) : "0" (0) : "memory");
    *rip_after = after;
    return ex;
}

/* Where the page-end code goes back to: the #PF hook sends it to rbx. */
static bool pf_to_rbx(struct cpu_regs *regs)
{
    regs->rip = regs->rbx;
    regs->rax = EXINFO(X86_EXC_PF, regs->error_code);
    return true;
}

/* Jump to the last byte of the first code page; rbx is the way back. */
static exinfo_t run_page_end(uint8_t last_byte)
{
    uint8_t *insn = &code[PAGE_SIZE - 1];
    exinfo_t ex;

    *insn = last_byte;
    exception_hooks[X86_EXC_PF] = pf_to_rbx;
    asm volatile ("lea 1f(%%rip), %%rbx\n\t"
                  "mov $0x80, %%edx\n\t"
                  "jmp *%[insn]\n"
                  "1:"
                  : "=a" (ex) : "0" (0), [insn] "r" (insn)
                  : "rbx", "rdx", "memory");
    exception_hooks[X86_EXC_PF] = NULL;
    return ex;
}

void test_main(void)
{
    struct physdev_set_iopl io = { .iopl = 1 };
    uint8_t *next = &code[PAGE_SIZE];
    unsigned long after = 0;
    exinfo_t ex;
    bool vulnerable = false;

    check_rc("PHYSDEVOP_set_iopl(1)", hypercall_physdev_op(PHYSDEVOP_set_iopl, &io), 0);

    ex = run_15_bytes();
    printk("15-byte in $0x80 (13 prefixes): exinfo %#x\n", ex);
    check_eq("15-byte in emulated", ex, 0);

    ex = run_16_bytes(&after);
    printk("16-byte in $0x80 (14 prefixes): exinfo %#x, rip %#lx, fault rip %#lx\n",
           ex, after, last_exception.rip);
    if ( ex == 0 )
    {
        xtf_failure("Fail: a 16-byte in was emulated from a byte past the fetch\n");
        vulnerable = true;
    }
    else
        check_eq("16-byte in: #GP(0)", ex, EXINFO_SYM(GP, 0));

    /* The tail: the opcode on the last byte, the next page unmapped. */
    next[0] = 0x80;
    code[PAGE_SIZE - 2] = 0x90;
    check_rc("unmap the second code page",
             hypercall_update_va_mapping((unsigned long)next, 0, UVMF_INVLPG | UVMF_LOCAL), 0);
    ex = run_page_end(0xe4);
    printk("in $imm8 split at the page end: exinfo %#x, rip %#lx, cr2 %#lx\n",
           ex, last_exception.rip, last_exception.cr2);
    check_eq("split in: #PF", exinfo_vec(ex), X86_EXC_PF);
    check_eq("split in: #PF rip", last_exception.rip, (unsigned long)&code[PAGE_SIZE - 1]);
    check_eq("split in: cr2 = the unmapped page", last_exception.cr2, (unsigned long)next);
    /* The CPU's own fetch fault: not present, instruction fetch (Xen: 0x10). */
    check_eq("split in: #PF error code", exinfo_ec(ex), X86_PFEC_INSN);

    /* A one-byte `in %dx, %al` there is whole: emulated, then it runs on into
     * the unmapped page, which faults at the page's first byte. */
    ex = run_page_end(0xec);
    printk("in %%dx at the page end: exinfo %#x, rip %#lx, cr2 %#lx\n",
           ex, last_exception.rip, last_exception.cr2);
    check_eq("in %dx emulated, then #PF at the next page", last_exception.rip,
             (unsigned long)next);
    check_rc("map the second code page again", make_page_rw(next), 0);

    if ( !vulnerable )
        printk("Not vulnerable\n");
}
