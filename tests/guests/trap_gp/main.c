/*
 * #GP delivery with error codes:
 *  non-canonical memory access         -> #GP(0), full frame check
 *  load %es with an empty GDT slot (8)  -> #GP(8)
 *  load %es with an LDT selector (no LDT) -> #GP(0xc)
 *  load %ss with a null selector in ring 3 -> #GP(0)
 * and the frame's error-code slot sits between R11 and RIP.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "#GP delivery, error codes and frame";

#define SEL_CASE(what, seg, sel, want) do {                                 \
        exinfo_t ex;                                                        \
        asm volatile ("1: mov %w[s], %%" seg "; 2:"                         \
                      _ASM_EXTABLE(1b, 2b)                                  \
                      : "=a" (ex) : "0" (0), [s] "r" (sel) : "memory");     \
        check_eq(what, ex, want);                                           \
    } while ( 0 )

void test_main(void)
{
    unsigned long rip, sp;
    exinfo_t ex;

    asm volatile ("lea 1f(%%rip), %[rip]; mov %%rsp, %[sp];"
                  "1: mov (%[a]), %%rdx; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [rip] "=&r" (rip), [sp] "=&r" (sp)
                  : "0" (0), [a] "r" (0x8000000000000000UL) : "rdx", "memory");
    check_eq("non-canonical read", ex, EXINFO_SYM(GP, 0));
    check_exception_frame("#GP", X86_EXC_GP, 0, rip, sp, FRAME_CS_KERNEL, 0);

    SEL_CASE("mov 0x0b -> %es (empty GDT slot)", "es", 0x0b, EXINFO_SYM(GP, 0x08));
    SEL_CASE("mov 0x0f -> %es (LDT, none loaded)", "es", 0x0f, EXINFO_SYM(GP, 0x0c));
    SEL_CASE("mov 0 -> %ss in ring 3", "ss", 0, EXINFO_SYM(GP, 0));
    SEL_CASE("mov 0 -> %es is fine", "es", 0, 0);
}
