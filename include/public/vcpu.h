/* SPDX-License-Identifier: MIT */
/* vcpu_op hypercall (the subset Keel knows). */
#ifndef PUBLIC_VCPU_H
#define PUBLIC_VCPU_H

#include <stdint.h>

#define VCPUOP_initialise                0
#define VCPUOP_up                        1
#define VCPUOP_down                      2
#define VCPUOP_is_up                     3
#define VCPUOP_get_runstate_info         4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer        6
#define VCPUOP_stop_periodic_timer       7
#define VCPUOP_set_singleshot_timer      8
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
#define VCPU_SSHOTTMR_future (1 << 0)  /* -ETIME if the timeout is in the past */
    uint32_t pad;
};
#define VCPUOP_stop_singleshot_timer     9
#define VCPUOP_register_vcpu_info       10
#define VCPUOP_register_vcpu_time_memory_area 13

#endif /* PUBLIC_VCPU_H */
