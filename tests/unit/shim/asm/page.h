/*
 * Host stand-in for the direct map: frame mfn lives at
 * host_directmap + mfn * 4096, inside an arena set up by host_mm.c.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <keel/types.h>

extern char *host_directmap;

#define mfn_to_virt(mfn) \
    ((void *)(host_directmap + ((unsigned long)(mfn) << 12)))
#define virt_to_mfn(va) \
    ((mfn_t)((unsigned long)((const char *)(va) - host_directmap) >> 12))

#endif /* ASM_PAGE_H */
