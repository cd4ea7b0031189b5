/*
 * Host stand-in for Keel's symbol table: a fixed list of fake functions,
 * which test_vsnprintf.c relies on for %pS and %ps.
 */
#include <keel/compiler.h>
#include <keel/symbols.h>

static const struct {
    const char *name;
    unsigned long start, size;
} stub_symbols[] = {
    { "start_keel",       0xffff828000200000UL, 0x180 },
    { "do_page_fault",    0xffff828000201000UL, 0x40 },
    { "a_very_long_function_name_for_testing_widths",
                          0xffff828000202000UL, 0x10 },
};

const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset)
{
    for ( unsigned int i = 0; i < ARRAY_SIZE(stub_symbols); i++ )
        if ( addr - stub_symbols[i].start < stub_symbols[i].size )
        {
            *size = stub_symbols[i].size;
            *offset = addr - stub_symbols[i].start;
            return stub_symbols[i].name;
        }

    return NULL;
}
