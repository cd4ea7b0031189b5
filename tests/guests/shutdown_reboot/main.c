/*
 * SCHEDOP_shutdown(SHUTDOWN_reboot) from dom0: the verdict line is printed
 * first, then the hypercall must not return; the runner checks what the
 * hypervisor prints for this reason (TESTS).
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "dom0 shutdown, reason reboot";

void test_main(void)
{
    printk("shutting down with reason %u\n", SHUTDOWN_reboot);
    xtf_exit_reason(SHUTDOWN_reboot);
}
