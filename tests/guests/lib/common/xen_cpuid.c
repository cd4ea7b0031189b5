/* Finding the Xen CPUID leaves, as a guest kernel does. */
#include "hypercall.h"     /* the public headers traps.h relies on */
#include "string.h"
#include "x86.h"

/*
 * Xen's leaves may sit at any 0x100 step from 0x40000000 (another
 * hypervisor's may come first): the first base with the signature and at
 * least two leaves above it.  0 when there is none; *max gets its eax.
 */
uint32_t find_xen_cpuid_base(cpuid_fn_t cpuid_fn, uint32_t *max)
{
    struct cpuid_leaf l;
    char sig[13];

    for ( uint32_t b = 0x40000000; b < 0x40010000; b += 0x100 )
    {
        cpuid_fn(b, 0, &l);
        memcpy(&sig[0], &l.b, 4);
        memcpy(&sig[4], &l.c, 4);
        memcpy(&sig[8], &l.d, 4);
        sig[12] = 0;
        if ( !strcmp(sig, "XenVMMXenVMM") && l.a >= b + 2 )
        {
            *max = l.a;
            return b;
        }
    }
    return 0;
}
