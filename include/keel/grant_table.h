/*
 * Grant tables (common/grant_table.c): each domain's shared table of v1
 * entries through which it lets other domains map or copy its frames, and
 * its maptrack, the record of the grants it maps itself.
 */
#ifndef KEEL_GRANT_TABLE_H
#define KEEL_GRANT_TABLE_H

#include <keel/types.h>

struct domain;

#define GNTTAB_MAX_FRAMES        64      /* Xen's default max_grant_frames */
#define GNTTAB_MAX_MAPTRACK      1024    /* Xen's default max_maptrack_frames */

/* At domain creation: a table of one frame (Xen's INITIAL_NR_GRANT_FRAMES), v1. 0 or -ENOMEM. */
int gnttab_domain_create(struct domain *d);
/*
 * At destruction, before the domain's frames go: every grant it maps is
 * unmapped (references dropped), then its own table is torn down; the
 * entries others still map stay accounted until they unmap.
 */
void gnttab_domain_destroy(struct domain *d);

/*
 * The domain builder: entries GNTTAB_RESERVED_CONSOLE and _XENSTORE grant
 * the console and xenstore rings (frames console_gfn, store_gfn: GFNs for
 * HVM, MFNs for PV; ~0 leaves the entry empty) to their backends, as Xen's
 * toolstack does (xc_dom_gnttab_seed).  0, or -EINVAL without a table.
 */
int gnttab_seed_reserved(struct domain *d, domid_t console_domid, uint64_t console_gfn,
                         domid_t store_domid, uint64_t store_gfn);

/*
 * XENMEM_add_to_physmap, XENMAPSPACE_grant_table: the machine frame of
 * grant frame idx (the table grows to idx + 1 frames if needed), recording
 * gfn as where the domain now sees it.  *old_gfn is where it was (~0:
 * nowhere).  0, or -EINVAL (v2 status frames, idx beyond the maximum, out
 * of memory).
 */
int gnttab_map_frame(struct domain *d, unsigned long idx, uint64_t gfn, mfn_t *mfn,
                     uint64_t *old_gfn);

/* True if mfn is one of d's grant-table frames (never granted, never handed out). */
bool gnttab_is_table_frame(struct domain *d, mfn_t mfn);

/* Boot self-test of the table's life and the builder's seeding (panics on failure). */
void gnttab_selftest(void);

/* The hypercall (20), from PV and HVM guests. */
long do_grant_table_op(unsigned long cmd, uint64_t uop, unsigned long count);

#endif /* KEEL_GRANT_TABLE_H */
