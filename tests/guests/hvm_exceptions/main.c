/*
 * Exceptions through the guest's own IDT, with the CPU's frame:
 *  - #DE (div by 0), #UD (ud2), #BP (int3, a trap: RIP after it), #GP with
 *    a selector error code (loading selector 0x1230 into %ds), each with
 *    frame CS = the kernel's and RIP as the architecture says;
 *  - a software interrupt (int $0x30) reaches its IDT vector;
 *  - hvm64: #PF on an unmapped address: error code (read 0, write 2) and
 *    CR2; every 64-bit frame is 16-byte aligned (the SS slot ends on 16).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Exceptions through the guest IDT";

static volatile unsigned int soft_ints;

static void soft_irq(struct cpu_regs *regs)
{
    (void)regs;
    soft_ints++;
}

static void check_frame(const char *what, exinfo_t ex, exinfo_t want, unsigned long rip)
{
    if ( ex != want )
        return xtf_failure("Fail: %s: exinfo %#x, expected %#x\n", what, ex, want);
    if ( last_exception.rip != rip )
        xtf_failure("Fail: %s: frame RIP %#lx, expected %#lx\n", what,
                    (unsigned long)last_exception.rip, rip);
    if ( (uint16_t)last_exception.cs != GDT_CS )
        xtf_failure("Fail: %s: frame CS %#lx, expected %#x\n", what,
                    (unsigned long)last_exception.cs, GDT_CS);
#ifdef __x86_64__
    /* The CPU aligns rsp to 16 before pushing SS, RSP, RFLAGS, CS, RIP. */
    if ( (last_exception.frame_addr + 40) & 15 )
        xtf_failure("Fail: %s: frame (RIP slot at %#lx) is not 16-byte aligned\n", what,
                    (unsigned long)last_exception.frame_addr);
#endif
}

void test_main(void)
{
    unsigned long rip;
    exinfo_t ex;

    asm volatile ("lea 1f, %[rip]; xor %%edx, %%edx; xor %%ecx, %%ecx; 1: divl %%ecx; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [rip] "=&r" (rip) : "0" (1) : "ecx", "edx");
    check_frame("#DE", ex, EXINFO_SYM(DE, 0), rip);

    asm volatile ("lea 1f, %[rip]; 1: ud2; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [rip] "=&r" (rip) : "0" (0));
    check_frame("#UD", ex, EXINFO_SYM(UD, 0), rip);

    asm volatile ("lea 1f, %[rip]; int3; 1:"
                  _ASM_EXTABLE(1b, 1b)
                  : "=a" (ex), [rip] "=&r" (rip) : "0" (0));
    check_frame("#BP", ex, EXINFO_SYM(BP, 0), rip);

    asm volatile ("lea 1f, %[rip]; mov $0x1230, %%ecx; 1: mov %%ecx, %%ds; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [rip] "=&r" (rip) : "0" (0) : "ecx");
    check_frame("#GP loading selector 0x1230", ex, EXINFO_SYM(GP, 0x1230), rip);
    asm volatile ("mov %0, %%ds" :: "r" (GDT_DS));

    irq_handlers[0x30] = soft_irq;
    asm volatile ("int $0x30" ::: "memory");
    check_eq("int $0x30 handled", soft_ints, 1);

#ifdef __x86_64__
    {
        volatile uint8_t *unmapped = (volatile uint8_t *)0x200000000UL;  /* 8 GiB */

        asm volatile ("lea 1f(%%rip), %[rip]; 1: movb (%[p]), %%cl; 2:"
                      _ASM_EXTABLE(1b, 2b)
                      : "=a" (ex), [rip] "=&r" (rip) : "0" (0), [p] "r" (unmapped) : "rcx");
        check_frame("#PF read", ex, EXINFO_SYM(PF, 0), rip);
        check_eq("CR2 of the read #PF", last_exception.cr2, (unsigned long)unmapped);
        asm volatile ("lea 1f(%%rip), %[rip]; 1: movb $1, 8(%[p]); 2:"
                      _ASM_EXTABLE(1b, 2b)
                      : "=a" (ex), [rip] "=&r" (rip) : "0" (0), [p] "r" (unmapped) : "memory");
        check_frame("#PF write", ex, EXINFO_SYM(PF, X86_PFEC_WRITE), rip);
        check_eq("CR2 of the write #PF", last_exception.cr2, (unsigned long)unmapped + 8);
    }
#endif
}
