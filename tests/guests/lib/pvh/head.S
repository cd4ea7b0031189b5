/*
 * Entry of a pvh test kernel: PHYS32_ENTRY in 32-bit flat protected mode,
 * paging off, ebx = hvm_start_info.  The kernel stays in that mode, on its
 * own GDT (0x08 code, 0x10 data) and IDT.
 */
#include "hvm_head.h"

    .section .text.head, "ax", @progbits
    .code32
    .globl _start32
_start32:
    PVH_PROLOGUE GDT_CS
    xor   %ebp, %ebp
    call  hvm_start_of_day
    ud2

    PVH_DATA
