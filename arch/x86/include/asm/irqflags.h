/* Local interrupt flag control (EFLAGS.IF) on x86. */
#ifndef ASM_IRQFLAGS_H
#define ASM_IRQFLAGS_H

#define X86_EFLAGS_IF 0x200UL

static inline unsigned long local_save_flags(void)
{
    unsigned long flags;

    __asm__ __volatile__("pushf; pop %0" : "=r" (flags) :: "memory");
    return flags;
}

static inline void local_irq_disable(void)
{
    __asm__ __volatile__("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
    __asm__ __volatile__("sti" ::: "memory");
}

static inline unsigned long local_irq_save(void)
{
    unsigned long flags = local_save_flags();

    local_irq_disable();
    return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
    if ( flags & X86_EFLAGS_IF )
        local_irq_enable();
}

static inline bool local_irq_is_enabled(void)
{
    return local_save_flags() & X86_EFLAGS_IF;
}

#endif /* ASM_IRQFLAGS_H */
