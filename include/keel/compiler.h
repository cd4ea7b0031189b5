/* Compiler helpers shared by all of Keel (hypervisor and host unit tests). */
#ifndef KEEL_COMPILER_H
#define KEEL_COMPILER_H

#define likely(x)        __builtin_expect(!!(x), 1)
#define unlikely(x)      __builtin_expect(!!(x), 0)
#define __used           __attribute__((__used__))
#define __unused         __attribute__((__unused__))
#define __packed         __attribute__((__packed__))
#define __aligned(a)     __attribute__((__aligned__(a)))
#define __section(s)     __attribute__((__section__(s)))
#define __noreturn       __attribute__((__noreturn__))
#define __printf(a, b)   __attribute__((__format__(__printf__, a, b)))
#define __maybe_unused   __attribute__((__unused__))
#define __always_inline  inline __attribute__((__always_inline__))
#define noinline         __attribute__((__noinline__))

#define barrier()        __asm__ __volatile__("" ::: "memory")
#define ACCESS_ONCE(x)   (*(volatile __typeof__(x) *)&(x))
#define READ_ONCE(x)     ACCESS_ONCE(x)
#define WRITE_ONCE(x, v) (ACCESS_ONCE(x) = (v))

#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c)  _Static_assert(!(c), #c)

#define offsetof_end(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define __stringify_1(x) #x
#define __stringify(x)   __stringify_1(x)

#endif /* KEEL_COMPILER_H */
