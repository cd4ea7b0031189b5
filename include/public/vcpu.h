/* SPDX-License-Identifier: MIT */
/* vcpu_op hypercall: numbers and layouts of Xen's public vcpu.h. */
#ifndef PUBLIC_VCPU_H
#define PUBLIC_VCPU_H

#include <stdint.h>

#define VCPUOP_initialise                0
#define VCPUOP_up                        1
#define VCPUOP_down                      2
#define VCPUOP_is_up                     3
#define VCPUOP_get_runstate_info         4
/* How a vCPU spent its time (48 bytes on x86-64). */
struct vcpu_runstate_info {
    int state;                       /* RUNSTATE_* now */
    uint64_t state_entry_time;       /* system time (ns) the state was entered */
/* Set in the guest's copy while Keel rewrites it (VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)
    uint64_t time[4];                /* ns spent in each RUNSTATE_* */
};
#define RUNSTATE_running  0          /* on a CPU */
#define RUNSTATE_runnable 1          /* waiting for a CPU */
#define RUNSTATE_blocked  2          /* waiting for an event */
#define RUNSTATE_offline  3          /* down or paused */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    uint64_t addr;                   /* guest virtual address of a vcpu_runstate_info */
};
#define VCPUOP_set_periodic_timer        6
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
#define VCPUOP_stop_periodic_timer       7
#define VCPUOP_set_singleshot_timer      8
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
#define VCPU_SSHOTTMR_future (1 << 0)  /* "-ETIME if passed": Xen 4.17 ignores it */
    uint32_t pad;
};
#define VCPUOP_stop_singleshot_timer     9
#define VCPUOP_register_vcpu_info       10
/* Move the vCPU's vcpu_info into a guest frame: mfn (gfn for HVM) + offset. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
#define VCPUOP_send_nmi                 11
#define VCPUOP_get_physid               12
#define VCPUOP_register_vcpu_time_memory_area 13

#endif /* PUBLIC_VCPU_H */
