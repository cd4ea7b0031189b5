/*
 * I/O memory a domain may map: frames that are not RAM (firmware areas,
 * ACPI tables and NVS, PCI BARs, the VGA hole) and, as on Xen, the whole
 * first MiB, but never a frame Keel owns or drives itself (its RAM, the
 * LAPIC, the AP trampoline; the IO-APICs and the HPET only read-only).  Each domain has a
 * permission range set; dom0's covers everything, a domU's is empty until
 * the toolstack grants ranges (Xen's iomem= / XEN_DOMCTL_iomem_permission).
 */
#ifndef ASM_IOMEM_H
#define ASM_IOMEM_H

#include <keel/types.h>

#define IOMEM_MAX_RANGES 8

struct iomem_ranges {
    unsigned int nr;
    struct { mfn_t first, last; } r[IOMEM_MAX_RANGES];
};

struct domain;

/* The last frame the CPU can address: no permission reaches past it. */
mfn_t iomem_max_mfn(void);
/* Grant [first, last] to d: 0, or -ENOSPC when its ranges are full. */
int iomem_permit(struct domain *d, mfn_t first, mfn_t last);
bool iomem_permitted(const struct domain *d, mfn_t mfn);
/*
 * How d may map mfn as I/O memory (a frame no domain owns): not at all
 * (the LAPIC), read-only (the HPET and the IO-APICs, which Keel drives: as
 * Xen without an IOMMU, dom0 may read them, a writable mapping is made
 * read-only and writes through it are dropped), or freely.
 */
enum iomem_access { IOMEM_DENY, IOMEM_RO, IOMEM_RW };
enum iomem_access iomem_mfn_access(const struct domain *d, mfn_t mfn);
/*
 * Make [first, last] read-only to every domain from now on (MSI-X tables
 * and PBAs, which Keel writes itself): 0, -EINVAL, or -ENOSPC when the
 * fixed table of ranges is full.  Mappings made before stay as they are.
 */
int iomem_add_ro_range(mfn_t first, mfn_t last);

#endif /* ASM_IOMEM_H */
