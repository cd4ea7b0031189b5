/* SPDX-License-Identifier: MIT */
/* physdev_op hypercall (the subset Keel knows). */
#ifndef PUBLIC_PHYSDEV_H
#define PUBLIC_PHYSDEV_H

#include <stdint.h>

#define PHYSDEVOP_set_iopl     6
struct physdev_set_iopl {
    uint32_t iopl;             /* 0..3: the virtual IOPL of the guest kernel */
};
#define PHYSDEVOP_set_iobitmap 7

#endif /* PUBLIC_PHYSDEV_H */
