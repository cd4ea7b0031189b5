/*
 * Symbol lookup for backtraces.  The tables are generated from the first
 * link of the image (tools/gen-symbols.sh) and linked into the second;
 * they list every text symbol in ascending address order.
 */
#include <keel/lib.h>
#include <keel/symbols.h>

extern const unsigned long symbols_addresses[];
extern const uint32_t symbols_name_offsets[];
extern const char symbols_names[];
extern const unsigned long symbols_count;
extern char __image_start[], __text_end[];

const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset)
{
    unsigned long lo = 0, hi = symbols_count;

    if ( addr < (unsigned long)__image_start ||
         addr >= (unsigned long)__text_end || !hi )
        return NULL;
    /* Binary search for the last symbol at or below addr. */
    while ( hi - lo > 1 )
    {
        unsigned long mid = lo + (hi - lo) / 2;

        if ( symbols_addresses[mid] <= addr )
            lo = mid;
        else
            hi = mid;
    }
    if ( symbols_addresses[lo] > addr )
        return NULL;
    *offset = addr - symbols_addresses[lo];
    *size = (lo + 1 < symbols_count ? symbols_addresses[lo + 1]
                                    : (unsigned long)__text_end) -
            symbols_addresses[lo];
    return &symbols_names[symbols_name_offsets[lo]];
}
