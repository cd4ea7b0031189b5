/*
 * hvm64, two vCPUs: one line written to the UART's THR half by vCPU 0 and
 * half by vCPU 1 (as Linux transmits from whichever vCPU takes IRQ 4) is
 * one "(d1) " line on Keel's console, not two: the UART collects its
 * output per UART (the TESTS regex wants the whole line).  Port 0xE9 stays
 * per vCPU.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "UART output from two vCPUs makes one line";

static volatile unsigned int turn;

static void thr_puts(const char *s)
{
    for ( ; *s; s++ )
        outb(*s, 0x3f8);
}

static void ap_main(unsigned int id)
{
    (void)id;
    while ( turn != 1 )
        cpu_relax();
    thr_puts("and vCPU 1\n");
    turn = 2;
    for ( ;; )
        safe_halt();
}

void test_main(void)
{
    long rc = hvm_start_vcpu(1, ap_main);

    if ( rc )
        return xtf_failure("Fail: starting vCPU 1: %ld\n", rc);
    thr_puts("uart line from vCPU 0 ");
    turn = 1;
    if ( !wait_until(turn == 2, 5000) )
        xtf_failure("Fail: vCPU 1 did not write its half\n");
}
