/*
 * A domU that never takes its serial input, with hostile ring indices:
 * its console ring's in_prod is set 2^31 ahead of in_cons (the ring looks
 * more than full) before the runner types "12345" (TESTS keys=...).  Keel
 * must drop the characters (and say so once: the TESTS regex), write
 * nothing into in[] nor the indices, and go on: the domain runs to its
 * verdict.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Serial input to a domU whose console ring looks full";

#define RING_IN_SIZE  1024
#define RING_IDX      3072              /* in_cons, in_prod, out_cons, out_prod */
#define HOSTILE_PROD  0x80000000u

void test_main(void)
{
    volatile uint8_t *ring;
    volatile uint32_t *idx;
    uint64_t pfn = 0, end;
    unsigned int dirty = 0;

    check_rc("get CONSOLE_PFN", hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn), 0);
    if ( !pfn || pfn >= (64U << 8) )
        return xtf_failure("Fail: console ring gfn %#lx\n", (unsigned long)pfn);
    ring = phys_ptr(pfn << 12);
    idx = (volatile uint32_t *)(ring + RING_IDX);
    for ( unsigned int i = 0; i < RING_IN_SIZE; i++ )
        ring[i] = 0;
    idx[0] = 0;
    idx[1] = HOSTILE_PROD;
    outb(0, 0x3f9);                     /* UART receive interrupt off: input goes to the ring */
    printk("ready for keys\n");

    end = tsc_after_ms(4000);           /* the keys come within a second or so */
    while ( rdtsc() < end )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    for ( unsigned int i = 0; i < RING_IN_SIZE; i++ )
        dirty += ring[i] != 0;
    check_eq("in[] bytes written", dirty, 0);
    check_eq("in_cons", idx[0], 0);
    check_eq("in_prod", idx[1], HOSTILE_PROD);
}
