/*
 * Ticket spinlocks and reader/writer locks.  Built only on GCC atomics so
 * that common code using them also builds on the host for unit tests.
 */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <keel/types.h>
#include <keel/compiler.h>
#include <asm/irqflags.h>

typedef struct {
    uint16_t head;      /* ticket now being served */
    uint16_t tail;      /* next ticket to hand out */
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { 0, 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

static inline void cpu_relax(void)
{
    __builtin_ia32_pause();
}

static inline void spin_lock_init(spinlock_t *l)
{
    l->head = l->tail = 0;
}

static inline void spin_lock(spinlock_t *l)
{
    uint16_t me = __atomic_fetch_add(&l->tail, 1, __ATOMIC_RELAXED);

    while ( __atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me )
        cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
    uint16_t head = __atomic_load_n(&l->head, __ATOMIC_RELAXED);
    uint16_t tail = head;

    /* Take a ticket only if nobody holds or waits for the lock. */
    return __atomic_compare_exchange_n(&l->tail, &tail, (uint16_t)(tail + 1),
                                       false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED) &&
           head == tail;
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->head, (uint16_t)(l->head + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->head, __ATOMIC_RELAXED) !=
           __atomic_load_n(&l->tail, __ATOMIC_RELAXED);
}

static inline void spin_lock_irq(spinlock_t *l)
{
    local_irq_disable();
    spin_lock(l);
}

static inline void spin_unlock_irq(spinlock_t *l)
{
    spin_unlock(l);
    local_irq_enable();
}

#define spin_lock_irqsave(l, flags) \
    do { (flags) = local_irq_save(); spin_lock(l); } while ( 0 )

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    local_irq_restore(flags);
}

/*
 * Reader/writer lock: bit 31 is the writer, the low bits count readers.
 * Writers wait for readers to drain; new readers wait while a writer holds it.
 */
typedef struct {
    uint32_t cnts;
} rwlock_t;

#define RW_LOCK_UNLOCKED  { 0 }
#define RW_WRITER         0x80000000u
#define DEFINE_RWLOCK(l)  rwlock_t l = RW_LOCK_UNLOCKED

static inline void rwlock_init(rwlock_t *l)
{
    l->cnts = 0;
}

static inline void read_lock(rwlock_t *l)
{
    for ( ;; )
    {
        uint32_t old = __atomic_load_n(&l->cnts, __ATOMIC_RELAXED);

        if ( !(old & RW_WRITER) &&
             __atomic_compare_exchange_n(&l->cnts, &old, old + 1, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        cpu_relax();
    }
}

static inline void read_unlock(rwlock_t *l)
{
    __atomic_fetch_sub(&l->cnts, 1, __ATOMIC_RELEASE);
}

static inline void write_lock(rwlock_t *l)
{
    for ( ;; )
    {
        uint32_t old = 0;

        if ( __atomic_compare_exchange_n(&l->cnts, &old, RW_WRITER, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        cpu_relax();
    }
}

static inline void write_unlock(rwlock_t *l)
{
    __atomic_store_n(&l->cnts, 0, __ATOMIC_RELEASE);
}

#endif /* KEEL_SPINLOCK_H */
