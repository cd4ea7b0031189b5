/*
 * Guest-access windows under SMAP.  With CR4.SMAP on, a supervisor access
 * to a user page faults unless RFLAGS.AC is set; Keel sets it (stac) only
 * around the instructions that are meant to touch guest memory and clears
 * it (clac) right after, so a stray pointer into a guest faults instead of
 * reading or writing guest-controlled data.  Every entry into Keel clears
 * AC too (entry.S): a guest's own AC never opens a window.
 */
#ifndef ASM_SMAP_H
#define ASM_SMAP_H

#include <asm/processor.h>

static inline void guest_access_begin(void)
{
    if ( smap_enabled )
        __asm__ __volatile__("stac" ::: "memory");
}

static inline void guest_access_end(void)
{
    if ( smap_enabled )
        __asm__ __volatile__("clac" ::: "memory");
}

#endif /* ASM_SMAP_H */
