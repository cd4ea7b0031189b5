/*
 * A read of guest-physical memory just past the domain's RAM (mem=64: the
 * last byte at 64 MiB - 1 reads fine, 64 MiB has no page behind it) is a
 * nested page fault the hypervisor cannot resolve: Keel crashes the domain
 * (and only the domain).  Expected outcome: the runner sees Keel's
 * "domain_crash: d1: ... nested page fault" line and no verdict; if the read
 * returns, the test reports FAILURE.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Access past the end of RAM crashes the domain";

void test_main(void)
{
    volatile uint8_t *last = phys_ptr((64ULL << 20) - 1), *past = phys_ptr(64ULL << 20);
    uint8_t v;

    v = *last;
    printk("last RAM byte reads %#x; now reading GPA %#lx\n", v, (unsigned long)past);
    v = *past;
    xtf_failure("Fail: read of GPA %#lx returned %#x instead of crashing the domain\n",
                (unsigned long)past, v);
}
