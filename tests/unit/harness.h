/*
 * Minimal assertion harness for host unit tests.  Checks are counted; a
 * failed one prints its file:line and the test carries on.  bug_fail()
 * longjmps back into EXPECT_BUG() so that tests can demand a BUG().
 */
#ifndef UNIT_HARNESS_H
#define UNIT_HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>

extern jmp_buf *h_bug_jmp;

bool h_check(bool ok, const char *what, const char *file, int line);
void h_check_int(long long a, long long b, const char *what,
                 const char *file, int line);
void h_check_uint(unsigned long long a, unsigned long long b,
                  const char *what, const char *file, int line);
void h_check_str(const char *a, const char *b, const char *what,
                 const char *file, int line);
/* Run fn in a child process, so that it starts from fresh static state. */
void h_run(const char *name, void (*fn)(void));
/* Print the totals; returns the process exit status. */
int h_finish(const char *prog);

#define CHECK(c)         h_check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_INT(a, b)  h_check_int(a, b, #a " == " #b, __FILE__, __LINE__)
#define CHECK_UINT(a, b) h_check_uint(a, b, #a " == " #b, __FILE__, __LINE__)
#define CHECK_STR(a, b)  h_check_str(a, b, #a " == " #b, __FILE__, __LINE__)

/* The statement must end in BUG(); anything else is a failed check. */
#define EXPECT_BUG(...)                                                   \
    do {                                                                  \
        jmp_buf h_jb_;                                                    \
        h_bug_jmp = &h_jb_;                                               \
        if ( !setjmp(h_jb_) )                                             \
        {                                                                 \
            __VA_ARGS__;                                                  \
            h_bug_jmp = NULL;                                             \
            h_check(false, "BUG() expected from " #__VA_ARGS__,           \
                    __FILE__, __LINE__);                                  \
        }                                                                 \
        else                                                              \
            h_check(true, #__VA_ARGS__, __FILE__, __LINE__);              \
    } while ( 0 )

#endif /* UNIT_HARNESS_H */
