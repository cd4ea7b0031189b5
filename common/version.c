/* Version and build information; the Makefile passes the build facts in. */
#include <keel/lib.h>
#include <keel/version.h>

#ifndef KEEL_COMPILER
#error "the Makefile defines KEEL_COMPILER and KEEL_COMPILE_DATE"
#endif

const char *keel_version_string(void)
{
    return __stringify(KEEL_VERSION_MAJOR) "." __stringify(KEEL_VERSION_MINOR)
           KEEL_EXTRAVERSION;
}

const char *keel_compiler(void)
{
    return KEEL_COMPILER;
}

const char *keel_compile_date(void)
{
    return KEEL_COMPILE_DATE;
}
