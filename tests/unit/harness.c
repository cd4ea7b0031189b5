/* Host side of the unit-test harness: counters, BUG() capture, isolation. */
#include <keel/bug.h>

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

jmp_buf *h_bug_jmp;
static unsigned long checks, failures;

bool h_check(bool ok, const char *what, const char *file, int line)
{
    checks++;
    if ( !ok )
    {
        failures++;
        printf("%s:%d: check failed: %s\n", file, line, what);
    }
    return ok;
}

void h_check_int(long long a, long long b, const char *what,
                 const char *file, int line)
{
    if ( !h_check(a == b, what, file, line) )
        printf("    got %lld, expected %lld\n", a, b);
}

void h_check_uint(unsigned long long a, unsigned long long b,
                  const char *what, const char *file, int line)
{
    if ( !h_check(a == b, what, file, line) )
        printf("    got %#llx, expected %#llx\n", a, b);
}

void h_check_str(const char *a, const char *b, const char *what,
                 const char *file, int line)
{
    bool same = a && b ? !__builtin_strcmp(a, b) : a == b;

    if ( !h_check(same, what, file, line) )
        printf("    got \"%s\", expected \"%s\"\n", a ? a : "(NULL)",
               b ? b : "(NULL)");
}

void bug_fail(const char *cond, const char *file, unsigned int line)
{
    jmp_buf *jb = h_bug_jmp;

    if ( jb )
    {
        h_bug_jmp = NULL;
        longjmp(*jb, 1);
    }

    printf("%s:%u: unexpected BUG: %s\n", file, line, cond);
    fflush(stdout);
    abort();
}

/*
 * The child reports its counters through a pipe.  A child that dies
 * (unexpected BUG, sanitizer report) counts as one failure.
 */
void h_run(const char *name, void (*fn)(void))
{
    unsigned long counts[2] = { 0, 0 };
    int fds[2], status;
    pid_t pid;

    fflush(stdout);
    if ( pipe(fds) )
        abort();

    pid = fork();
    if ( pid < 0 )
        abort();
    if ( pid == 0 )
    {
        close(fds[0]);
        checks = failures = 0;
        fn();
        counts[0] = checks;
        counts[1] = failures;
        if ( write(fds[1], counts, sizeof(counts)) != sizeof(counts) )
            abort();
        fflush(stdout);
        _exit(0);
    }

    close(fds[1]);
    if ( read(fds[0], counts, sizeof(counts)) != sizeof(counts) )
        counts[0] = counts[1] = 0;
    close(fds[0]);
    waitpid(pid, &status, 0);

    checks += counts[0];
    failures += counts[1];
    if ( !WIFEXITED(status) || WEXITSTATUS(status) )
    {
        failures++;
        printf("%s: child died (status %#x)\n", name, status);
    }
    else if ( counts[1] )
        printf("%s: %lu of %lu checks failed\n", name, counts[1], counts[0]);
}

int h_finish(const char *prog)
{
    printf("%s: %lu checks, %lu failed\n", prog, checks, failures);
    return failures || !checks ? EXIT_FAILURE : EXIT_SUCCESS;
}
