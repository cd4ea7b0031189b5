/*
 * The x86 side of grant mappings (arch/x86/grant_table.c): where a granted
 * frame appears in the mapper's address space.  PV: an L1 entry of its page
 * tables (by linear address, or with GNTMAP_contains_pte by the entry's
 * machine address), marked PV_L1_GRANT_BIT so that the page-table code
 * leaves its references to the grant code.  HVM: a p2m entry at gfn
 * host_addr >> 12.  Results are GNTST_* codes.
 */
#ifndef ASM_GRANT_TABLE_H
#define ASM_GRANT_TABLE_H

#include <keel/types.h>

struct domain;
struct vcpu;

/* The machine frame a grant entry's frame field names in rd, or INVALID_MFN. */
mfn_t arch_grant_frame(struct domain *rd, uint64_t frame);
/* Map mfn for v's domain at addr with the GNTMAP_* flags. */
int arch_grant_map_host(struct vcpu *v, uint64_t addr, mfn_t mfn, unsigned int flags);
/*
 * Remove that mapping, after checking addr still maps mfn as it was made;
 * new_addr != 0 (unmap_and_replace, PV by linear address only): the entry
 * at new_addr moves into its place and new_addr becomes unmapped.
 */
int arch_grant_unmap_host(struct vcpu *v, uint64_t addr, mfn_t mfn, unsigned int flags,
                          uint64_t new_addr);
/* No CPU may still reach a mapping d removed: called before its references go. */
void arch_grant_flush(struct domain *d);

#endif /* ASM_GRANT_TABLE_H */
