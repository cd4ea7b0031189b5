/* SPDX-License-Identifier: MIT */
/*
 * grant_table_op (hypercall 20): how a domain lets another one map or copy
 * one of its frames.  Numbers and layouts are Xen's (interface v1 entries;
 * the v2 ones are not offered), checked field by field (offsetof, sizeof)
 * against Xen 4.17's public/grant_table.h from Debian's libxen-dev.
 *
 * A granter writes {flags, domid, frame} into an entry of its shared table;
 * the grantee names (granter, ref) to map or copy that frame.  Keel sets
 * GTF_reading / GTF_writing in the entry while the frame is in use, which
 * is how the granter learns it can take the frame back.
 */
#ifndef PUBLIC_GRANT_TABLE_H
#define PUBLIC_GRANT_TABLE_H

#include <stdint.h>

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;
/*
 * 64-bit fields are 8-byte aligned in every guest: a 32-bit HVM guest
 * passes the same layouts as a 64-bit one (Keel has no compat
 * translation; Xen's 32-bit compat layouts of copy and setup_table
 * differ).
 */
typedef uint64_t gnttab_u64 __attribute__((aligned(8)));

/* A v1 shared entry: 8 bytes, 512 per 4 KiB frame. */
struct grant_entry_v1 {
    uint16_t flags;                 /* GTF_*: the type, then status bits Keel sets */
    uint16_t domid;                 /* who may use it */
    uint32_t frame;                 /* the frame: MFN for a PV granter, GFN for HVM */
};

/* Entries the toolstack fills in at build time (console and xenstore rings). */
#define GNTTAB_NR_RESERVED_ENTRIES  8
#define GNTTAB_RESERVED_CONSOLE     0
#define GNTTAB_RESERVED_XENSTORE    1

#define GTF_invalid                 (0U << 0)
#define GTF_permit_access           (1U << 0)
#define GTF_accept_transfer         (2U << 0)
#define GTF_transitive              (3U << 0)
#define GTF_type_mask               (3U << 0)
#define GTF_readonly                (1U << 2)   /* the grantee may only read */
#define GTF_reading                 (1U << 3)   /* set by Keel: in use */
#define GTF_writing                 (1U << 4)   /* set by Keel: in use writably */
#define GTF_PWT                     (1U << 5)
#define GTF_PCD                     (1U << 6)
#define GTF_PAT                     (1U << 7)
#define GTF_sub_page                (1U << 8)   /* v2 only */
#define GTF_transfer_committed      (1U << 2)
#define GTF_transfer_completed      (1U << 3)

#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version        10
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12
/* cmd bits above these carry a continuation's progress (cache_flush only). */
#define GNTTABOP_CMD_MASK           ((1U << 12) - 1)

struct gnttab_map_grant_ref {
    gnttab_u64 host_addr;             /* PV: VA, or with contains_pte the PTE's machine address; HVM: GPA */
    uint32_t flags;                 /* GNTMAP_* */
    grant_ref_t ref;
    uint16_t dom;                   /* the granter */
    int16_t status;                 /* out: GNTST_* */
    grant_handle_t handle;          /* out: for unmap */
    gnttab_u64 dev_bus_addr;          /* out: the frame's machine address */
};

struct gnttab_unmap_grant_ref {
    gnttab_u64 host_addr;             /* 0: leave the host mapping */
    gnttab_u64 dev_bus_addr;          /* 0: leave the device mapping */
    grant_handle_t handle;
    int16_t status;
};

struct gnttab_setup_table {
    uint16_t dom;
    uint32_t nr_frames;
    int16_t status;
    gnttab_u64 frame_list;            /* guest pointer to xen_pfn_t[nr_frames] */
};

struct gnttab_dump_table {
    uint16_t dom;
    int16_t status;
};

struct gnttab_transfer {
    gnttab_u64 mfn;
    uint16_t domid;
    grant_ref_t ref;
    int16_t status;
};

#define GNTCOPY_source_gref         (1U << 0)
#define GNTCOPY_dest_gref           (1U << 1)

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        gnttab_u64 gmfn;
    } u;
    uint16_t domid;
    uint16_t offset;
};

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;                 /* GNTCOPY_* */
    int16_t status;
};

struct gnttab_query_size {
    uint16_t dom;
    uint32_t nr_frames;
    uint32_t max_nr_frames;
    int16_t status;
};

struct gnttab_unmap_and_replace {
    gnttab_u64 host_addr;
    gnttab_u64 new_addr;
    grant_handle_t handle;
    int16_t status;
};

struct gnttab_set_version {
    uint32_t version;               /* in: wanted; out: in force */
};

struct gnttab_get_status_frames {
    uint32_t nr_frames;
    uint16_t dom;
    int16_t status;
    gnttab_u64 frame_list;
};

struct gnttab_get_version {
    uint16_t dom;
    uint16_t pad;
    uint32_t version;
};

#define GNTMAP_device_map           (1U << 0)
#define GNTMAP_host_map             (1U << 1)
#define GNTMAP_readonly             (1U << 2)
#define GNTMAP_application_map      (1U << 3)   /* PV: a user-mode mapping */
#define GNTMAP_contains_pte         (1U << 4)   /* PV: host_addr is a PTE's machine address */
#define GNTMAP_guest_avail0         16          /* bits 16+: the PTE's available bits */

#define GNTST_okay                  0
#define GNTST_general_error         (-1)
#define GNTST_bad_domain            (-2)
#define GNTST_bad_gntref            (-3)
#define GNTST_bad_handle            (-4)
#define GNTST_bad_virt_addr         (-5)
#define GNTST_bad_dev_addr          (-6)
#define GNTST_no_device_space       (-7)
#define GNTST_permission_denied     (-8)
#define GNTST_bad_page              (-9)
#define GNTST_bad_copy_arg          (-10)
#define GNTST_address_too_big       (-11)
#define GNTST_eagain                (-12)
#define GNTST_no_space              (-13)

/* XENMEM_add_to_physmap space of the grant frames; idx bit 31 asks for a v2 status frame. */
#define XENMAPSPACE_grant_table     1
#define XENMAPIDX_grant_table_status (1U << 31)

#endif /* PUBLIC_GRANT_TABLE_H */
