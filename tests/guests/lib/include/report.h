/*
 * XTF-style verdicts.  Severity: SUCCESS < SKIP < ERROR < FAILURE; the most
 * severe status reported wins.  A test that reports nothing succeeds.
 * xtf_exit() prints exactly one "Test result: ..." line and powers off.
 *   FAILURE: the hypervisor behaved wrongly (the assertion a test exists for).
 *   ERROR:   the test itself could not do its job (setup failed, unexpected trap).
 *   SKIP:    the behaviour cannot be tested here.
 */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

#include "types.h"

void xtf_success(const char *fmt, ...) __printf(1, 2);
void xtf_skip(const char *fmt, ...) __printf(1, 2);
void xtf_error(const char *fmt, ...) __printf(1, 2);
void xtf_failure(const char *fmt, ...) __printf(1, 2);
bool xtf_status_is_failing(void);
/* Prints the verdict, then shuts the domain down with SHUTDOWN_poweroff. */
void __noreturn xtf_exit(void);
/* Prints the verdict, then shuts the domain down with the given reason. */
void __noreturn xtf_exit_reason(unsigned int reason);

/* Every test provides these. */
extern const char test_title[];
void test_main(void);

/* Compare helpers that report a failure with both values. */
#define check_eq(what, got, want) do {                                     \
        unsigned long got_ = (unsigned long)(got), want_ = (unsigned long)(want); \
        if ( got_ != want_ )                                               \
            xtf_failure("Fail: %s: got %#lx, expected %#lx\n",             \
                        (what), got_, want_);                              \
    } while ( 0 )
#define check_rc(what, got, want) do {                                     \
        long got_ = (long)(got), want_ = (long)(want);                     \
        if ( got_ != want_ )                                               \
            xtf_failure("Fail: %s: rc %ld, expected %ld\n",                \
                        (what), got_, want_);                              \
    } while ( 0 )

#endif /* GUEST_REPORT_H */
