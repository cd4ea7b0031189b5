/*
 * ACPI S5 through the FADT's PM1a control block (port 0xb008), the way
 * Linux's acpi_hw_legacy_sleep does it: SLP_TYP written first, then
 * SLP_TYP | SLP_EN.  SLP_EN with another type (S1) and SLP_TYP 5 without
 * SLP_EN do nothing.  The test prints its verdict itself and then writes
 * SLP_EN: Keel must power the domain off there (its console line and the
 * poweroff end line are required); if the write returns, the library
 * prints a second verdict and the runner fails the test.
 */
#include "hvm.h"
#include "hvm_timers.h"
#include "console.h"
#include "report.h"

const char test_title[] = "ACPI S5 through PM1a_CNT";

#define SLP_TYP(t) ((t) << 10)
#define SLP_EN     (1U << 13)

void test_main(void)
{
    outw(SLP_TYP(1) | SLP_EN, PM1A_CNT_PORT);  /* S1: not offered */
    outw(SLP_TYP(5), PM1A_CNT_PORT);           /* no SLP_EN yet */
    pm_wait_us(20000);
    check_eq("PM1_CNT with SLP_TYP 5", inw(PM1A_CNT_PORT), SLP_TYP(5) | 1);
    if ( xtf_status_is_failing() )
        return;
    printk("Test result: SUCCESS\n");
    outw(inw(PM1A_CNT_PORT) | SLP_EN, PM1A_CNT_PORT);
    pm_wait_us(500000);
    xtf_failure("Fail: SLP_EN with SLP_TYP 5 did not power the domain off\n");
}
