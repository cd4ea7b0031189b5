/*
 * Exception fixup table: an instruction that may fault names a place to
 * resume.  Entries are 32-bit offsets relative to themselves, so the table
 * needs no relocation in our position-independent image.
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#ifdef __ASSEMBLER__
#define _ASM_EXTABLE(from, to)          \
    .pushsection .ex_table, "a";        \
    .balign 4;                          \
    .long (from) - .;                   \
    .long (to) - .;                     \
    .popsection
#else
#define _ASM_EXTABLE(from, to)          \
    " .pushsection .ex_table, \"a\"\n"  \
    " .balign 4\n"                      \
    " .long (" #from ") - .\n"          \
    " .long (" #to ") - .\n"            \
    " .popsection\n"

/*
 * For an asm whose instruction has label 1 and whose end has label 2: if
 * the instruction faults, operand %0 is set to `val` and execution goes on
 * at 2.  The common "this may fault, tell me" pattern in one place.
 */
#define _ASM_FIXUP_SET_0(val)                   \
    " .pushsection .text.fixup, \"ax\"\n"      \
    "3: movl $" #val ", %0\n"                   \
    "   jmp 2b\n"                               \
    " .popsection\n"                            \
    _ASM_EXTABLE(1b, 3b)

struct exception_table_entry {
    int32_t insn;   /* faulting instruction, relative to &insn */
    int32_t fixup;  /* where to continue, relative to &fixup */
};

/* Returns the fixup address for a faulting rip, or 0 when there is none. */
unsigned long search_exception_table(unsigned long rip);
#endif

#endif /* ASM_EXTABLE_H */
