/* Basic freestanding types and helpers for the guest test library. */
#ifndef GUEST_TYPES_H
#define GUEST_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define PAGE_SHIFT      12
#define PAGE_SIZE       4096UL
#define PAGE_MASK       (~(PAGE_SIZE - 1))
#define __aligned(n)    __attribute__((aligned(n)))
#define __page_aligned  __aligned(4096)
#define __noreturn      __attribute__((noreturn))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define __used          __attribute__((used))
#define __section(s)    __attribute__((section(s)))
#define barrier()       asm volatile ("" ::: "memory")
#define ACCESS_ONCE(x)  (*(volatile __typeof__(x) *)&(x))
#define STR_(x)         #x
#define STR(x)          STR_(x)

#endif /* GUEST_TYPES_H */
