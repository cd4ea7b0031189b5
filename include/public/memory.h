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
#define MEMOP_EXTENT_SHIFT           6      /* cmd = op | start_extent << 6 */
#define XENMEMF_get_address_bits(f)  ((f) & 0xff)

struct xen_memory_reservation {
    uint64_t extent_start;         /* guest pointer to xen_pfn_t[nr_extents] */
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;            /* XENMEMF_*: address bits in 0-7 */
    uint16_t domid;
    uint16_t pad[3];
};

struct xen_memory_exchange {
    struct xen_memory_reservation in, out;
    uint64_t nr_exchanged;         /* in: 0 (or progress); out: extents of in done */
};

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
