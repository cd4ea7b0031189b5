/* Symbol lookup for code addresses, used by %pS / %ps and stack traces. */
#ifndef KEEL_SYMBOLS_H
#define KEEL_SYMBOLS_H

#include <keel/types.h>

/*
 * Name of the symbol containing addr, or NULL when none is known.  On
 * success *size is the symbol's size and *offset how far addr lies into it.
 */
const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset);

#endif /* KEEL_SYMBOLS_H */
