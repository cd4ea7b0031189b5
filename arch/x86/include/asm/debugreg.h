/* Debug register access (DR0-DR3, DR6, DR7). */
#ifndef ASM_DEBUGREG_H
#define ASM_DEBUGREG_H

#define DR6_DEFAULT 0xffff0ff0UL
#define DR7_DEFAULT 0x00000400UL

#define DEFINE_DR_ACCESSORS(n)                                              \
static inline unsigned long read_dr##n(void)                                \
{                                                                           \
    unsigned long v;                                                        \
    __asm__ __volatile__("mov %%db" #n ", %0" : "=r" (v));                  \
    return v;                                                               \
}                                                                           \
static inline void write_dr##n(unsigned long v)                             \
{                                                                           \
    __asm__ __volatile__("mov %0, %%db" #n :: "r" (v));                     \
}
DEFINE_DR_ACCESSORS(0)
DEFINE_DR_ACCESSORS(1)
DEFINE_DR_ACCESSORS(2)
DEFINE_DR_ACCESSORS(3)
DEFINE_DR_ACCESSORS(6)
DEFINE_DR_ACCESSORS(7)
#undef DEFINE_DR_ACCESSORS

/* Load a PV vCPU's breakpoints (DR7 last, so nothing fires half set up). */
static inline void load_debug_regs(const unsigned long dr[8])
{
    write_dr7(DR7_DEFAULT);
    write_dr0(dr[0]);
    write_dr1(dr[1]);
    write_dr2(dr[2]);
    write_dr3(dr[3]);
    write_dr7(dr[7] ? dr[7] : DR7_DEFAULT);
}

#endif /* ASM_DEBUGREG_H */
