/* Console output: printk goes to the hypervisor console (console_io write). */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include "types.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
void console_write(const char *buf, size_t len);

#endif /* GUEST_CONSOLE_H */
