/*
 * Serial input with a dom0 and a boot-time domU: dom0 is the first input
 * target (CONSOLEIO_read), CTRL-a three times moves the focus to domain 1
 * (hvm_console_input_ring, the peer: its console ring's in side), three
 * more to Keel's debug keys.  Once dom0 says "ready for keys" the runner
 * types "ab", CTRL-a x3, "xy", CTRL-a x3, "t": dom0 must read exactly
 * "ab" (nothing more once the peer is done), the peer exactly "xy", and
 * Keel answers 't' (the TESTS regexes).  Xen 4.17 cycles the same way;
 * the test needs a boot-time domU, so it is skipped there.
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"

const char test_title[] = "Serial input: dom0 first, CTRL-a x3 to the domU, then Keel";

#define PEER 1
#define WANT "ab"

static char buf[32];
static unsigned int got;

static unsigned int read_input(void)
{
    long rc = hypercall_console_io(CONSOLEIO_read, sizeof(buf) - 1 - got, buf + got);

    if ( rc > 0 )
        got += rc;
    return got;
}

void test_main(void)
{
    struct xen_domctl_getdomaininfo info;

    printk("ready for keys\n");
    if ( !wait_ms(read_input() >= strlen(WANT), 60000) )
        xtf_failure("Fail: %u of %u characters arrived\n", got, (unsigned int)strlen(WANT));
    if ( !wait_ms(domain_info_from(PEER, &info) == 0 && (info.flags & XEN_DOMINF_shutdown),
                  60000) )
        xtf_failure("Fail: the peer did not finish\n");
    read_input();
    buf[got] = 0;
    printk("console input: %s\n", buf);
    if ( got != strlen(WANT) || memcmp(buf, WANT, got) )
        xtf_failure("Fail: dom0 read '%s', expected '%s'\n", buf, WANT);
}
