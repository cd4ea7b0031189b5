/* Basic types.  Only the compiler's freestanding headers are used. */
#ifndef KEEL_TYPES_H
#define KEEL_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t s_time_t;        /* nanoseconds since boot */
typedef uint64_t paddr_t;        /* machine (physical) address */
typedef unsigned long mfn_t;     /* machine frame number */
typedef uint16_t domid_t;

#define NSEC_PER_USEC 1000LL
#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_SEC  1000000000LL
#define MICROSECS(us) ((s_time_t)(us) * NSEC_PER_USEC)
#define MILLISECS(ms) ((s_time_t)(ms) * NSEC_PER_MSEC)
#define SECONDS(s)    ((s_time_t)(s) * NSEC_PER_SEC)
#define STIME_MAX     INT64_MAX

#endif /* KEEL_TYPES_H */
