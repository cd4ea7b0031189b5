/*
 * References on a frame taken by any domain, not only its owner: foreign
 * mappings (dom0's privcmd through mmu_update), grant mappings, Keel's own
 * short-lived uses.  Xen's get_page/put_page and get_page_type(writable).
 *
 * A frame's count_info count is every reference to it: the owner's
 * allocation reference, one per L1 entry that maps it (the owner's or
 * another domain's), and any other holder's.  All changes to it are
 * atomic, so these need no lock.  A frame that is referenced cannot leave
 * its owner (domain_detach_page needs the count to be exactly 1) and is
 * not freed while its owner dies: the last put frees it (common/domain.c).
 *
 * The type rules of arch/x86/pv/page_type.c hold for foreign writable
 * references too: a frame mapped writable by anyone is never a page table
 * or descriptor page (see the invariant at the top of page_type.c).
 */
#ifndef KEEL_PAGE_REF_H
#define KEEL_PAGE_REF_H

#include <keel/types.h>
#include <keel/mm.h>

struct domain;

/* A general reference on pg if it is allocated and owned by owner; false otherwise. Any CPU, no lock. */
bool get_page(struct page_info *pg, const struct domain *owner);
/* Drop one; the last one on a frame of a dying domain frees it (see 3). */
void put_page(struct page_info *pg);
/* General + writable-type reference: 0, -EBUSY if pg is (or is becoming) a page table/descriptor page,
 * -EINVAL if not owned by owner.  No lock needed; safe against the owner's concurrent get_page_type. */
int get_page_writable(struct page_info *pg, const struct domain *owner);
/* Drop both; the mapper's CPUs (mapper_dirty_cpus) may still cache the writable translation:
 * the frame must not become a page table or be freed before they are flushed. */
void put_page_writable(struct page_info *pg, uint64_t mapper_dirty_cpus);

/*
 * Flush the CPUs that may still cache a translation of pg left by a
 * foreign mapping that went away (page_note_foreign_unmap), and forget them.
 * Called before pg becomes a page table or descriptor page, and before it
 * is freed or leaves its owner.
 */
void flush_foreign_stale(struct page_info *pg);
/*
 * A mapping of pg by another domain went away (before its reference is
 * dropped): the mapper's CPUs may still cache it, read-only or not, until
 * flush_foreign_stale.  put_page_writable does this itself.
 */
void page_note_foreign_unmap(struct page_info *pg, uint64_t mapper_dirty_cpus);
/* Raise pg's flush stamp to the clock now (never lowers it: Xen's stamp, shared by all marks). */
void page_stamp_now(struct page_info *pg);
/* The count of general references now. */
unsigned long page_ref_count(const struct page_info *pg);

#endif /* KEEL_PAGE_REF_H */
