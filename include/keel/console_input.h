/*
 * Serial input, as on Xen: once dom0 runs, what is typed goes to dom0
 * (CONSOLEIO_read, announced by VIRQ_CONSOLE); CTRL-a three times in a row
 * switches it to Keel's debug keys and back.
 */
#ifndef KEEL_CONSOLE_INPUT_H
#define KEEL_CONSOLE_INPUT_H

#include <keel/types.h>

struct domain;

/* A character from the serial line (the console poll timer). */
void console_input_char(unsigned char c);
/* dom0 exists: input goes to it from now on. */
void console_input_to_hardware_domain(struct domain *d);
/* CONSOLEIO_read: up to len buffered characters into buf; the count. */
size_t console_input_read(char *buf, size_t len);

#endif /* KEEL_CONSOLE_INPUT_H */
