/* SPDX-License-Identifier: MIT */
/* platform_op hypercall (dom0 only): numbers and layouts of Xen's public platform.h. */
#ifndef PUBLIC_PLATFORM_H
#define PUBLIC_PLATFORM_H

#include <stdint.h>

#define XENPF_INTERFACE_VERSION 0x03000001

/* Set the wall clock: secs.nsecs was the time at system time system_time. */
#define XENPF_settime32 17
struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};
#define XENPF_settime64 62
struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;                /* must be zero */
    uint64_t system_time;
};

/* 136 bytes: command, version, a 128-byte union. */
struct xen_platform_op {
    uint32_t cmd;
    uint32_t interface_version;  /* XENPF_INTERFACE_VERSION, else -EACCES */
    union {
        struct xenpf_settime32 settime32;
        struct xenpf_settime64 settime64;
        uint8_t pad[128];
    } u;
};

#endif /* PUBLIC_PLATFORM_H */
