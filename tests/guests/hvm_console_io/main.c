/*
 * console_io from an HVM domU: a write returns 0 and reaches the console as
 * a "(d1) " line (the runner checks the marker), 0 bytes and NULL are fine,
 * a buffer at an unpopulated GPA is -EFAULT, an unknown command -ENOSYS.
 * (Xen 4.17 release builds refuse console_io to domUs with -EPERM; Keel
 * allows it, which is what this test expects.)
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "console_io from an HVM domU";

void test_main(void)
{
    static const char marker[] = "hvm console_io marker: 0123456789\n";
    long rc;

    rc = hypercall_console_io(CONSOLEIO_write, sizeof(marker) - 1, marker);
    check_rc("write marker", rc, 0);
    rc = hypercall_console_io(CONSOLEIO_write, 0, NULL);
    check_rc("write 0 bytes from NULL", rc, 0);
    rc = hypercall_console_io(CONSOLEIO_write, 16, phys_ptr(0x10000000));
    check_rc("write from an unpopulated GPA", rc, -EFAULT);
    rc = hypercall_console_io(99, sizeof(marker) - 1, marker);
    check_rc("console_io(99)", rc, -ENOSYS);
}
