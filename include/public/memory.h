/* SPDX-License-Identifier: MIT */
/* memory_op hypercall (the subset Keel knows). */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H

#include <stdint.h>

#define MEMOP_CMD_MASK               0x3f   /* higher bits: continuation */

#define XENMEM_increase_reservation   0
#define XENMEM_decrease_reservation   1
#define XENMEM_maximum_ram_page       2
#define XENMEM_current_reservation    3
#define XENMEM_maximum_reservation    4
#define XENMEM_populate_physmap       6
#define XENMEM_add_to_physmap         7
#define XENMEM_memory_map             9
#define XENMEM_machine_memory_map    10
#define XENMEM_exchange              11
#define XENMEM_machphys_mapping      12
struct xen_machphys_mapping {
    uint64_t v_start, v_end;       /* read-only M2P in the guest's view */
    uint64_t max_mfn;
};

struct xen_memory_map {
    uint32_t nr_entries;           /* in: buffer size, out: entries written */
    uint32_t pad;
    uint64_t buffer;               /* guest pointer to e820 entries */
};

#endif /* PUBLIC_MEMORY_H */
