/* Verdicts: the most severe status reported wins. */
#include "report.h"
#include "console.h"
#include "hypercall.h"

enum status { ST_SUCCESS, ST_SKIP, ST_ERROR, ST_FAILURE };
static const char *const status_name[] = {
    [ST_SUCCESS] = "SUCCESS", [ST_SKIP] = "SKIP",
    [ST_ERROR] = "ERROR", [ST_FAILURE] = "FAILURE",
};
static enum status status = ST_SUCCESS;
static bool exiting;

static void report(enum status s, const char *fmt, va_list ap)
{
    if ( s > status )
        status = s;
    if ( fmt )
        vprintk(fmt, ap);
}

#define DEFINE_REPORT(fn, st)                   \
    void fn(const char *fmt, ...)               \
    {                                           \
        va_list ap;                             \
        va_start(ap, fmt);                      \
        report(st, fmt, ap);                    \
        va_end(ap);                             \
    }
DEFINE_REPORT(xtf_success, ST_SUCCESS)
DEFINE_REPORT(xtf_skip, ST_SKIP)
DEFINE_REPORT(xtf_error, ST_ERROR)
DEFINE_REPORT(xtf_failure, ST_FAILURE)

bool xtf_status_is_failing(void)
{
    return status >= ST_ERROR;
}

void xtf_exit_reason(unsigned int reason)
{
    /* A fault while reporting must not print a second verdict. */
    if ( !exiting )
    {
        exiting = true;
        printk("Test result: %s\n", status_name[status]);
    }
    /*
     * SCHEDOP_shutdown never returns to a guest that asked for it.  If it
     * does, say so (the runner fails any log with this line) and insist
     * with reason crash, printing nothing more.
     */
    long rc = hypercall_shutdown(reason);

    printk("Test error: shutdown hypercall returned %ld (reason %u)\n", rc, reason);
    for ( ;; )
        hypercall_shutdown(SHUTDOWN_crash);
}

void xtf_exit(void)
{
    xtf_exit_reason(SHUTDOWN_poweroff);
}
