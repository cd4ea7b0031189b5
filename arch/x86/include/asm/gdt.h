/* Per-CPU descriptor tables. */
#ifndef ASM_GDT_H
#define ASM_GDT_H

#include <keel/types.h>

#define X86_EFLAGS_TF  0x00000100UL
#define X86_EFLAGS_DF  0x00000400UL
#define X86_EFLAGS_NT  0x00004000UL
#define X86_EFLAGS_RF  0x00010000UL
#define X86_EFLAGS_VM  0x00020000UL
#define X86_EFLAGS_AC  0x00040000UL
#define X86_EFLAGS_IOPL 0x00003000UL
#define X86_EFLAGS_MBS 0x00000002UL          /* bit 1 is always set */

/* The 16-page GDT of a CPU (guest entries below RESERVED_GDT_ENTRY). */
uint64_t *gdt_of_cpu(unsigned int cpu);

#endif /* ASM_GDT_H */
