/* Keel's console: a ring buffer of everything printed plus live outputs. */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <keel/types.h>

#define CONRING_SIZE (64 * 1024)   /* bytes of history kept for `kl dmesg` */

void console_init_preirq(const char *console_opt, const char *com1_opt);
void console_write(const char *s, size_t len);
/* From now on serial output is queued and drained in the background. */
void console_endboot(void);
/* Send everything queued, waiting for the UART: before the machine stops. */
void console_flush(void);
/* Copy up to len bytes of history starting at byte index `from` (0 = oldest). */
size_t console_ring_read(char *buf, size_t from, size_t len);
size_t console_ring_size(void);
/* Absolute positions (bytes ever written): the oldest kept, and the next. */
void console_ring_window(size_t *oldest, size_t *prod);
/* A byte typed on the serial console, or -1. */
int console_getc(void);
/* Panic path: make sure a held console lock cannot stop the last words. */
void console_force_unlock(void);

void vga_init(void);
void vga_putc(char c);

#endif /* KEEL_CONSOLE_H */
