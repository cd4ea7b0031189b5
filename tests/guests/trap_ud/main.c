/*
 * #UD from the PV kernel: ud2 and ud0 (0f ff), and an opcode invalid in
 * 64-bit mode (06, push %es), each bounced with the documented frame and
 * rip at the faulting instruction.  A ud2 not followed by "xen" must not be
 * taken for the forced-emulation prefix: "ud2; .ascii "xe"" is still #UD.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "#UD delivery and bounce frame";

#define UD_CASE(name, bytes) do {                                          \
        unsigned long rip, sp;                                             \
        exinfo_t ex;                                                       \
        asm volatile ("lea 1f(%%rip), %[rip]\n\t"                          \
                      "mov %%rsp, %[sp]\n\t"                               \
                      "1: " bytes "\n\t"                                   \
                      "2:"                                                 \
                      _ASM_EXTABLE(1b, 2b)                                 \
                      : "=a" (ex), [rip] "=&r" (rip), [sp] "=&r" (sp)      \
                      : "0" (0) : "memory");                               \
        check_eq(name, ex, EXINFO_SYM(UD, 0));                            \
        check_exception_frame(name, X86_EXC_UD, -1, rip, sp, FRAME_CS_KERNEL, 0); \
    } while ( 0 )

void test_main(void)
{
    UD_CASE("ud2", "ud2");
    UD_CASE("ud0", ".byte 0x0f, 0xff");
    UD_CASE("push %es in 64-bit mode", ".byte 0x06");
    UD_CASE("ud2 + 'xe' (not a full emulation prefix)", "ud2; .byte 'x', 'e', 0x90");
}
