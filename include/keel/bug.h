/* BUG()/ASSERT(): a broken invariant inside Keel stops the machine loudly. */
#ifndef KEEL_BUG_H
#define KEEL_BUG_H

#include <keel/compiler.h>

/* Implemented by common/panic.c in Keel and by the unit-test harness on the host. */
void __noreturn bug_fail(const char *cond, const char *file, unsigned int line);

#define BUG()      bug_fail("BUG", __FILE__, __LINE__)
#define BUG_ON(c)  do { if ( unlikely(c) ) bug_fail(#c, __FILE__, __LINE__); } while ( 0 )
#define ASSERT(c)  BUG_ON(!(c))

#endif /* KEEL_BUG_H */
