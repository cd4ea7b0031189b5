/* Host stand-in: unit tests run in user space, where there is no IF flag. */
#ifndef ASM_IRQFLAGS_H
#define ASM_IRQFLAGS_H

static inline unsigned long local_save_flags(void)
{
    return 0;
}

static inline void local_irq_disable(void)
{
}

static inline void local_irq_enable(void)
{
}

static inline unsigned long local_irq_save(void)
{
    return 0;
}

static inline void local_irq_restore(unsigned long flags)
{
    (void)flags;
}

static inline bool local_irq_is_enabled(void)
{
    return true;
}

#endif /* ASM_IRQFLAGS_H */
