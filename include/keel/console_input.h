/*
 * Serial input, as on Xen: what is typed goes to one target at a time, and
 * CTRL-a three times in a row moves it on in a cycle: dom0 (CONSOLEIO_read,
 * announced by VIRQ_CONSOLE), then each domU started at boot (its vUART's
 * receiver, or the in side of the console ring Keel serves), then Keel's
 * debug keys, then back to the start.  Without dom0 input starts at the
 * first domU.
 */
#ifndef KEEL_CONSOLE_INPUT_H
#define KEEL_CONSOLE_INPUT_H

#include <keel/types.h>

struct domain;

/* A character from the serial line (the console poll timer). */
void console_input_char(unsigned char c);
/* dom0 exists: input goes to it from now on. */
void console_input_to_hardware_domain(struct domain *d);
/* A domU started at boot: the next target of the cycle. */
void console_input_add_domain(struct domain *d);
/* CONSOLEIO_read: up to len buffered characters into buf; the count. */
size_t console_input_read(char *buf, size_t len);

#endif /* KEEL_CONSOLE_INPUT_H */
