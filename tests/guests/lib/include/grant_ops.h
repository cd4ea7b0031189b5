/*
 * grant_table_op (public/grant_table.h) for the grant tests: the hypercall,
 * single-op wrappers that return the op's status, and a granter's view of
 * its shared v1 entries (written as Linux's gnttab_grant_foreign_access
 * does: domid and frame first, the flags last).
 */
#ifndef GUEST_GRANT_OPS_H
#define GUEST_GRANT_OPS_H

#include "types.h"
#include "hypercall.h"
#include "report.h"
#include <public/grant_table.h>

static inline long hypercall_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    return hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

/* Grant ref of table (a mapping of the granter's frame 0) to domid. */
static inline void grant_access(volatile struct grant_entry_v1 *table, grant_ref_t ref,
                                uint16_t domid, uint32_t frame, bool readonly)
{
    table[ref].domid = domid;
    table[ref].frame = frame;
    barrier();
    table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}

/*
 * Linux's gnttab_end_foreign_access_ref (v1): the entry is cleared only if
 * no one has it in use (GTF_reading / GTF_writing clear).  True if it was.
 */
static inline bool grant_end_access(volatile struct grant_entry_v1 *table, grant_ref_t ref)
{
    uint16_t flags = table[ref].flags;

    for ( ;; )
    {
        uint16_t seen;

        if ( flags & (GTF_reading | GTF_writing) )
            return false;
        seen = __sync_val_compare_and_swap(&table[ref].flags, flags, 0);
        if ( seen == flags )
            return true;
        flags = seen;
    }
}

/* map_grant_ref of one entry: the op's status; *handle and *bus as the op left them. */
static inline int16_t gnt_map(uint64_t host_addr, uint32_t flags, grant_ref_t ref, uint16_t dom,
                              grant_handle_t *handle, uint64_t *bus)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = host_addr, .flags = flags, .ref = ref, .dom = dom, .status = 0x7777,
        .handle = 0xdeadbeef, .dev_bus_addr = ~0ULL,
    };
    long rc = hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    if ( handle )
        *handle = op.handle;
    if ( bus )
        *bus = op.dev_bus_addr;
    if ( rc )
        return (int16_t)0x7000 | (int16_t)(rc & 0xff);  /* not a GNTST_ value: the call failed */
    return op.status;
}

static inline int16_t gnt_unmap(uint64_t host_addr, uint64_t dev_bus_addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = {
        .host_addr = host_addr, .dev_bus_addr = dev_bus_addr, .handle = handle, .status = 0x7777,
    };
    long rc = hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    return rc ? (int16_t)0x7000 | (int16_t)(rc & 0xff) : op.status;
}

/* One copy: src/dst either a grant (ref of dom) or a frame (gmfn, DOMID_SELF). */
static inline int16_t gnt_copy(bool src_gref, uint64_t src, uint16_t src_dom, uint16_t src_off,
                               bool dst_gref, uint64_t dst, uint16_t dst_dom, uint16_t dst_off,
                               uint16_t len)
{
    struct gnttab_copy op = {
        .source = { .domid = src_dom, .offset = src_off },
        .dest = { .domid = dst_dom, .offset = dst_off },
        .len = len,
        .flags = (src_gref ? GNTCOPY_source_gref : 0) | (dst_gref ? GNTCOPY_dest_gref : 0),
        .status = 0x7777,
    };
    long rc;

    if ( src_gref )
        op.source.u.ref = src;
    else
        op.source.u.gmfn = src;
    if ( dst_gref )
        op.dest.u.ref = dst;
    else
        op.dest.u.gmfn = dst;
    rc = hypercall_grant_table_op(GNTTABOP_copy, &op, 1);
    return rc ? (int16_t)0x7000 | (int16_t)(rc & 0xff) : op.status;
}

/* An op's status against the one expected, as a failure line naming the op. */
static inline void grant_check_status(const char *what, int16_t got, int16_t want)
{
    if ( got != want )
        xtf_failure("Fail: %s: status %d, expected %d\n", what, got, want);
}

/* Memory another domain may write (a grant's page) against the bytes expected. */
static inline bool vmemeq(const volatile void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a;
    const uint8_t *y = b;

    for ( size_t i = 0; i < n; i++ )
        if ( x[i] != y[i] )
            return false;
    return true;
}

#ifdef ENV_pv64
#include "pv.h"

/* Machine address of the L1 entry that maps va (for GNTMAP_contains_pte), through the M2P. */
static inline uint64_t pte_maddr(const void *va)
{
    const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;
    const uint64_t *t = (const uint64_t *)start_info->pt_base;
    unsigned long a = (unsigned long)va, mfn = 0;

    for ( int shift = 39; shift > 12; shift -= 9 )
    {
        mfn = (t[(a >> shift) & 511] & PTE_ADDR_MASK) >> PAGE_SHIFT;
        t = (const uint64_t *)(GUEST_VIRT_BASE + (m2p[mfn] << PAGE_SHIFT));
    }
    return ((uint64_t)mfn << PAGE_SHIFT) + ((a >> 12) & 511) * 8;
}
#endif

#endif /* GUEST_GRANT_OPS_H */
