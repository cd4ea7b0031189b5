/* SPDX-License-Identifier: MIT */
/* callback_op hypercall: entry points the hypervisor calls in the guest. */
#ifndef PUBLIC_CALLBACK_H
#define PUBLIC_CALLBACK_H

#include <stdint.h>

#define CALLBACKTYPE_event      0
#define CALLBACKTYPE_failsafe   1
#define CALLBACKTYPE_syscall    2
#define CALLBACKTYPE_nmi        4
#define CALLBACKTYPE_sysenter   5
#define CALLBACKTYPE_syscall32  7

#define CALLBACKF_mask_events   (1 << 0)   /* mask events while the callback runs */

#define CALLBACKOP_register     0
struct callback_register {
    uint16_t type;
    uint16_t flags;
    uint32_t pad;
    uint64_t address;
};
#define CALLBACKOP_unregister   1
struct callback_unregister {
    uint16_t type;
    uint16_t pad;
};

#endif /* PUBLIC_CALLBACK_H */
