/*
 * Output by port I/O: bytes written to port 0xE9 and to the 16550's THR
 * (0x3f8, after polling LSR.THRE) come out as "(d1) " console lines; the
 * runner checks both marker lines.  The LSR reads "transmitter empty"
 * (bits 5 and 6), and a '\r' does not end up inside the line.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Port 0xE9 and UART output";

static void uart_puts(const char *s)
{
    for ( ; *s; s++ )
    {
        unsigned int tries = 0;

        while ( !(inb(0x3f8 + 5) & 0x20) )
            if ( ++tries > 100000 )
                return xtf_failure("Fail: UART LSR never shows THR empty\n");
        outb(*s, 0x3f8);
    }
}

void test_main(void)
{
    static const char e9[] = "e9 marker: 0123456789\n";
    uint8_t lsr = inb(0x3f8 + 5);

    for ( const char *p = e9; *p; p++ )
        outb(*p, 0xe9);
    if ( (lsr & 0x60) != 0x60 )
        xtf_failure("Fail: UART LSR %#x, expected bits 5 and 6 (transmitter empty)\n", lsr);
    uart_puts("uart marker: 9876543210\r\n");
}
