/*
 * A triple fault (IDT limit 0, then ud2: #UD cannot be delivered, nor the
 * #GP or #DF after it) ends the domain cleanly: Keel prints
 * "domain_crash: d1: d1v0: triple fault (shutdown)" and keeps running.
 * Expected outcome: that line and no verdict.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Triple fault ends the domain";

void test_main(void)
{
    static const struct desc_ptr empty = { 0, 0 };

    printk("loading an empty IDT and executing ud2\n");
    asm volatile ("lidt %0; ud2" :: "m" (empty) : "memory");
    xtf_failure("Fail: still running after a triple fault\n");
}
