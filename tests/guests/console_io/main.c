/*
 * console_io: CONSOLEIO_write returns 0 for any length (0, short, a whole
 * page, text with a NUL in it), the text reaches the console, CONSOLEIO_read
 * returns 0..count, an unknown command is -ENOSYS.  The runner checks that
 * the marker line below appears on the console.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "console_io write and read";

static char big[4096];

void test_main(void)
{
    static const char marker[] = "console_io marker: 0123456789 abcdef\n";
    static const char with_nul[] = "before-NUL\0after-NUL\n";
    char rbuf[16];
    long rc;

    rc = hypercall_console_io(CONSOLEIO_write, sizeof(marker) - 1, marker);
    check_rc("write marker", rc, 0);
    rc = hypercall_console_io(CONSOLEIO_write, 0, marker);
    check_rc("write 0 bytes", rc, 0);
    rc = hypercall_console_io(CONSOLEIO_write, 0, NULL);
    check_rc("write 0 bytes from NULL", rc, 0);
    rc = hypercall_console_io(CONSOLEIO_write, sizeof(with_nul) - 1, with_nul);
    check_rc("write with a NUL inside", rc, 0);
    printk("\n");

    memset(big, '=', sizeof(big));
    for ( unsigned int i = 79; i < sizeof(big); i += 80 )
        big[i] = '\n';
    big[sizeof(big) - 1] = '\n';
    rc = hypercall_console_io(CONSOLEIO_write, sizeof(big), big);
    check_rc("write 4096 bytes", rc, 0);

    rc = hypercall_console_io(CONSOLEIO_read, sizeof(rbuf), rbuf);
    if ( rc < 0 || rc > (long)sizeof(rbuf) )
        xtf_failure("Fail: read %zu bytes returned %ld\n", sizeof(rbuf), rc);
    rc = hypercall_console_io(CONSOLEIO_read, 0, rbuf);
    check_rc("read 0 bytes", rc, 0);

    rc = hypercall_console_io(99, sizeof(marker) - 1, marker);
    check_rc("console_io(99)", rc, -ENOSYS);
}
