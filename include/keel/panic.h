/* Fatal errors: panic() prints why, where and how we got there, then stops. */
#ifndef KEEL_PANIC_H
#define KEEL_PANIC_H

#include <keel/compiler.h>

struct cpu_user_regs;

void __noreturn panic(const char *fmt, ...) __printf(1, 2);
/* The fatal-exception path: regs are printed before the backtrace. */
void __noreturn panic_with_regs(const struct cpu_user_regs *regs,
                                const char *fmt, ...) __printf(2, 3);
/* Set by the `noreboot` option: halt instead of rebooting after a panic. */
extern bool opt_noreboot;

#endif /* KEEL_PANIC_H */
