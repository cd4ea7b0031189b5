/*
 * Serial input through the console ring Keel serves for a boot-time PVH
 * domU (common/console_backend.c): typed characters appear in the ring's
 * in[] with in_prod advanced, and the guest consumes them (in_cons) as
 * hvc_xen would.  It does not touch its UART, so its input goes to the
 * ring.  Alone it is domain 1 and the first input target (TESTS keys=xy);
 * as the peer of hvm_uart_input it is domain 2, reached by CTRL-a x3 from
 * domain 1.  Either way it must get exactly "xy".
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Serial input through the console ring";

#define RING_IN_SIZE  1024              /* struct xencons_interface: in[1024], out[2048] */
#define RING_IDX      3072              /* in_cons, in_prod, out_cons, out_prod */
#define WANT          "xy"

void test_main(void)
{
    volatile uint8_t *ring;
    volatile uint32_t *idx;
    uint64_t pfn = 0, end, quiet = 0;
    char buf[32];
    unsigned int got = 0;

    check_rc("get CONSOLE_PFN", hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn), 0);
    if ( !pfn || pfn >= (64U << 8) )
        return xtf_failure("Fail: console ring gfn %#lx\n", (unsigned long)pfn);
    ring = phys_ptr(pfn << 12);
    idx = (volatile uint32_t *)(ring + RING_IDX);
    printk("ready for keys\n");

    end = tsc_after_ms(60000);
    for ( ;; )
    {
        uint32_t cons = idx[0], prod = idx[1];

        if ( prod - cons > RING_IN_SIZE )
            return xtf_failure("Fail: in indices %u/%u\n", cons, prod);
        __asm__ __volatile__("" ::: "memory");
        while ( cons != prod && got < sizeof(buf) - 1 )
            buf[got++] = ring[cons++ % RING_IN_SIZE];
        idx[0] = cons;
        if ( got >= strlen(WANT) && !quiet )
            quiet = tsc_after_ms(300);  /* anything more would come now */
        if ( rdtsc() >= (quiet ? quiet : end) )
            break;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    buf[got] = 0;
    printk("console ring input: %s\n", buf);
    if ( got != strlen(WANT) || memcmp(buf, WANT, got) )
        xtf_failure("Fail: received '%s', expected '%s'\n", buf, WANT);
}
