/*
 * The console ring Keel serves for a boot-time PVH/HVM domU
 * (common/console_backend.c), driven by hand as hvc_xen would, and
 * attacked:
 *  - HVM_PARAM_CONSOLE_PFN/_EVTCHN name a ring; bytes put in its out[]
 *    with out_prod advanced are consumed (out_cons catches up) and reach
 *    the serial line as a "(d1) " line (the TESTS regex wants it);
 *  - hostile indices, out_prod 2^31 ahead of out_cons: Keel skips the
 *    backlog (out_cons = out_prod), says so once ("output skipped": the
 *    regex wants it), prints none of it, and goes on serving the ring: a
 *    second marker written after it arrives too;
 *  - the domain runs on (the verdict line).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Keel's console ring backend, with hostile indices";

#define RING_OUT      1024              /* struct xencons_interface: in[1024], out[2048] */
#define RING_OUT_SIZE 2048
#define RING_IDX      3072              /* in_cons, in_prod, out_cons, out_prod */
#define HVM_PARAM_CONSOLE_EVTCHN_ 18     /* Xen's public/hvm/params.h */
#define SPINS         4000000UL         /* yields before giving up (~seconds under TCG) */

static volatile uint8_t *ring;
static volatile uint32_t *idx;

/* Yield until Keel has consumed everything, or give up. */
static bool drained(void)
{
    for ( unsigned long i = 0; i < SPINS; i++ )
    {
        if ( idx[2] == idx[3] )
            return true;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    return false;
}

static void put(const char *s)
{
    uint32_t prod = idx[3];

    for ( ; *s; s++ )
        ring[RING_OUT + (prod++ % RING_OUT_SIZE)] = *s;
    __asm__ __volatile__("" ::: "memory");
    idx[3] = prod;
}

void test_main(void)
{
    uint64_t pfn = 0, port = 0;

    check_rc("get CONSOLE_PFN", hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn), 0);
    check_rc("get CONSOLE_EVTCHN", hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN_, &port), 0);
    if ( !pfn || !port || pfn >= (64U << 8) )
        return xtf_failure("Fail: console ring gfn %#lx port %lu\n", (unsigned long)pfn,
                           (unsigned long)port);
    ring = phys_ptr(pfn << 12);
    idx = (volatile uint32_t *)(ring + RING_IDX);
    printk("console ring at gfn %#lx, port %lu, out %u/%u\n", (unsigned long)pfn,
           (unsigned long)port, idx[2], idx[3]);

    put("console ring marker: 42\n");
    if ( !drained() )
        return xtf_failure("Fail: Keel did not consume the ring (out %u/%u)\n", idx[2], idx[3]);

    idx[3] = idx[2] + 0x80000000U;      /* 2 GiB of "output" that is not there */
    if ( !drained() )
        return xtf_failure("Fail: hostile indices not skipped (out %u/%u)\n", idx[2], idx[3]);

    put("console ring after the reset: ok\n");
    if ( !drained() )
        xtf_failure("Fail: the ring is no longer served (out %u/%u)\n", idx[2], idx[3]);
}
