/*
 * Guest memory for HVM vCPUs: guest-physical accesses through the p2m, and
 * guest-virtual ones through a walk of the guest's own page tables
 * (paging off, 32-bit, PAE or 4-level), each table read through the p2m,
 * with the rights the guest's entries give (U/S, R/W, NX, CR0.WP, SMEP,
 * SMAP): an emulated access faults where the guest's own MMU would, so
 * emulation never lets a guest's user code, or a read-only mapping, reach
 * memory the guest itself protects.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/page.h>
#include <asm/msr.h>
#include <asm/processor.h>


/* Copy within one page of guest-physical memory; false if it is not RAM. */
static bool phys_chunk(struct domain *d, uint64_t gpa, void *buf, size_t len,
                       bool write)
{
    p2m_type_t t;
    mfn_t mfn = p2m_lookup(&d->arch.hvm.p2m, gpa >> PAGE_SHIFT, &t);
    char *p;

    if ( mfn == INVALID_MFN ||
         (t != p2m_ram_rw && t != p2m_shared_info && t != p2m_grant_map_rw &&
          t != p2m_grant_table && (t != p2m_grant_map_ro || write)) )
        return false;
    p = (char *)mfn_to_virt(mfn) + (gpa & (PAGE_SIZE - 1));
    if ( write )
        memcpy(p, buf, len);
    else
        memcpy(buf, p, len);
    return true;
}

/* One page of a virtual access; false (and *pf, for a #PF) if it cannot go ahead. */
static bool translate_chunk(struct vcpu *v, uint64_t addr, uint32_t access,
                            uint64_t *gpa, struct hvm_pf *pf)
{
    uint32_t pfec;
    enum hvm_xlat rc = hvm_translate(v, addr, access, gpa, &pfec);

    if ( rc == HVM_XLAT_PF && pf )
        *pf = (struct hvm_pf){ .valid = true, .addr = addr, .pfec = pfec };
    return rc == HVM_XLAT_OK;
}

/*
 * Copy page by page (buf NULL: only check the translations); with a vCPU,
 * addr is linear and each page is translated through its paging with the
 * given access rights (a #PF the access would raise is described in *pf,
 * if given), without one addr is guest-physical.
 */
static size_t copy_pages(struct domain *d, struct vcpu *v, uint64_t addr, void *buf,
                         size_t len, bool write, uint32_t access, struct hvm_pf *pf)
{
    while ( len )
    {
        size_t n = min(len, (size_t)(PAGE_SIZE - (addr & (PAGE_SIZE - 1))));
        uint64_t gpa = addr;

        if ( v && !translate_chunk(v, addr, access, &gpa, pf) )
            return len;
        if ( buf && !phys_chunk(d, gpa, buf, n, write) )
            return len;
        addr += n;
        if ( buf )
            buf = (char *)buf + n;
        len -= n;
    }
    return 0;
}

size_t hvm_copy_to_phys(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return copy_pages(d, NULL, gpa, (void *)src, len, true, 0, NULL);
}

size_t hvm_copy_from_phys(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    return copy_pages(d, NULL, gpa, dst, len, false, 0, NULL);
}

static bool read_entry(struct domain *d, uint64_t gpa, uint64_t *e, size_t size)
{
    *e = 0;
    return hvm_copy_from_phys(d, e, gpa, size) == 0;
}

/* Guest control bits the walk honours (CR4's may be missing from processor.h). */
#define GUEST_CR4_SMEP  (1UL << 20)
#define GUEST_CR4_SMAP  (1UL << 21)
#define GUEST_EFER_LMA  (1UL << 10)
#define GUEST_EFLAGS_AC (1UL << 18)
#define PFEC_PRESENT    (1u << 0)
#define PFEC_RSVD       (1u << 3)

/* The rights a translation gives: the AND of U/S and R/W, the OR of NX. */
struct walk_rights {
    bool user, write, nx;
};

/*
 * May this access use a present translation with these rights?  The
 * hardware's rules (AMD APM vol. 2 5.6, SDM vol. 3 4.6): user accesses
 * need U/S everywhere, writes need R/W everywhere (supervisor writes only
 * with CR0.WP), fetches need NX clear; supervisor fetches from user pages
 * fault under SMEP, supervisor data accesses to them under SMAP unless
 * EFLAGS.AC allows them.
 */
static bool rights_allow(const struct vmcb *vmcb, const struct walk_rights *r,
                         uint32_t access)
{
    bool user = access & HVM_ACC_USER;

    if ( user && !r->user )
        return false;
    if ( (access & HVM_ACC_WRITE) && !r->write && (user || (vmcb->cr0 & X86_CR0_WP)) )
        return false;
    if ( access & HVM_ACC_FETCH )
        return !r->nx && (user || !r->user || !(vmcb->cr4 & GUEST_CR4_SMEP));
    if ( !user && r->user && (vmcb->cr4 & GUEST_CR4_SMAP) &&
         ((access & HVM_ACC_IMPLICIT) || !(vmcb->rflags & GUEST_EFLAGS_AC)) )
        return false;
    return true;
}

/* One level: fold an entry's rights in; false if its NX bit is reserved. */
static bool fold_rights(const struct vmcb *vmcb, struct walk_rights *r, uint64_t e)
{
    r->user &= !!(e & _PAGE_USER);
    r->write &= !!(e & _PAGE_RW);
    if ( e & _PAGE_NX )
    {
        if ( !(vmcb->efer & EFER_NXE) )
            return false;
        r->nx = true;
    }
    return true;
}

/*
 * The #PF error code for a failed access: the access's own W/U bits, I/D
 * for a fetch when the CPU reports it (NX or SMEP on), P for a protection
 * fault on a present translation, RSVD for a reserved bit.
 */
static uint32_t fault_code(const struct vmcb *vmcb, uint32_t access, uint32_t why)
{
    uint32_t pfec = why | (access & (HVM_ACC_WRITE | HVM_ACC_USER));

    if ( (access & HVM_ACC_FETCH) &&
         ((vmcb->efer & EFER_NXE) || (vmcb->cr4 & GUEST_CR4_SMEP)) )
        pfec |= HVM_ACC_FETCH;
    return pfec;
}

/* 2-level paging (CR4.PAE clear): 4 KiB pages, 4 MiB ones with CR4.PSE. */
static enum hvm_xlat walk_2level(struct vcpu *v, uint64_t va, struct walk_rights *r,
                                 uint64_t *gpa)
{
    const struct vmcb *vmcb = v->arch.hvm.vmcb;
    uint64_t e;

    if ( !read_entry(v->domain, (vmcb->cr3 & 0xfffff000) + ((va >> 22) & 0x3ff) * 4, &e, 4) )
        return HVM_XLAT_BAD;
    if ( !(e & _PAGE_PRESENT) )
        return HVM_XLAT_PF;
    fold_rights(vmcb, r, e & 0xffffffff);
    if ( (e & _PAGE_PSE) && (vmcb->cr4 & X86_CR4_PSE) )
    {
        *gpa = (e & 0xffc00000) | (va & 0x3fffff);
        return HVM_XLAT_OK;
    }
    if ( !read_entry(v->domain, (e & 0xfffff000) + ((va >> 12) & 0x3ff) * 4, &e, 4) )
        return HVM_XLAT_BAD;
    if ( !(e & _PAGE_PRESENT) )
        return HVM_XLAT_PF;
    fold_rights(vmcb, r, e & 0xffffffff);
    *gpa = (e & 0xfffff000) | (va & 0xfff);
    return HVM_XLAT_OK;
}

/*
 * PAE (3 levels, the PDPTE carrying no rights) or 4-level paging; 2 MiB
 * and 1 GiB pages.  A reserved NX bit is reported through *rsvd.
 */
static enum hvm_xlat walk_pae(struct vcpu *v, uint64_t va, struct walk_rights *r,
                              uint64_t *gpa, bool *rsvd)
{
    const struct vmcb *vmcb = v->arch.hvm.vmcb;
    uint64_t e, table = vmcb->cr3;
    int levels = (vmcb->efer & GUEST_EFER_LMA) ? 4 : 3;

    if ( levels == 3 )
    {
        if ( !read_entry(v->domain, (table & 0xffffffe0) + ((va >> 30) & 3) * 8, &e, 8) )
            return HVM_XLAT_BAD;
        if ( !(e & _PAGE_PRESENT) )
            return HVM_XLAT_PF;
        table = e;
        levels = 2;
    }
    for ( int shift = 12 + 9 * (levels - 1); shift >= 12; shift -= 9 )
    {
        if ( !read_entry(v->domain, (table & PADDR_MASK) + ((va >> shift) & 511) * 8, &e, 8) )
            return HVM_XLAT_BAD;
        if ( !(e & _PAGE_PRESENT) )
            return HVM_XLAT_PF;
        if ( !fold_rights(vmcb, r, e) )
        {
            *rsvd = true;
            return HVM_XLAT_PF;
        }
        if ( shift > 12 && shift < 39 && (e & _PAGE_PSE) )
        {
            *gpa = (e & PADDR_MASK & ~((1UL << shift) - 1)) | (va & ((1UL << shift) - 1));
            return HVM_XLAT_OK;
        }
        table = e;
    }
    *gpa = (table & PADDR_MASK) | (va & 0xfff);
    return HVM_XLAT_OK;
}

/*
 * Translate a guest linear address for an access of the given kind, as
 * the vCPU's MMU would.  HVM_XLAT_PF: the access raises #PF with *pfec
 * (*gpa is the translation for a protection fault, else BAD_GPA);
 * HVM_XLAT_BAD: a page table is not in guest RAM.  Accessed and dirty bits
 * are not set.
 */
enum hvm_xlat hvm_translate(struct vcpu *v, uint64_t va, uint32_t access,
                            uint64_t *gpa, uint32_t *pfec)
{
    const struct vmcb *vmcb = v->arch.hvm.vmcb;
    struct walk_rights r = { true, true, false };
    bool rsvd = false;
    enum hvm_xlat rc;

    *gpa = BAD_GPA;
    *pfec = 0;
    if ( !(vmcb->cr0 & X86_CR0_PG) )
    {
        *gpa = va & 0xffffffffUL;
        return HVM_XLAT_OK;
    }
    if ( vmcb->cr4 & X86_CR4_PAE )
        rc = walk_pae(v, va, &r, gpa, &rsvd);
    else
        rc = walk_2level(v, va, &r, gpa);
    if ( rc == HVM_XLAT_PF )
    {
        *gpa = BAD_GPA;
        *pfec = fault_code(vmcb, access, rsvd ? PFEC_RSVD | PFEC_PRESENT : 0);
        return rc;
    }
    if ( rc == HVM_XLAT_OK && !rights_allow(vmcb, &r, access) )
    {
        *pfec = fault_code(vmcb, access, PFEC_PRESENT);
        return HVM_XLAT_PF;
    }
    return rc;
}

/* An explicit access by the guest's current privilege level. */
uint32_t hvm_cpl_access(struct vcpu *v, uint32_t access)
{
    return access | (v->arch.hvm.vmcb->cpl == 3 ? HVM_ACC_USER : 0);
}

/*
 * Keel's own accesses (hypercall buffers, which only CPL 0 can pass, and
 * the areas Keel updates) are supervisor accesses whatever the vCPU's
 * CPL at the time, as Xen's copy_to/from_guest for HVM.
 */
size_t hvm_copy_to_virt(struct vcpu *v, uint64_t va, const void *src, size_t len)
{
    return copy_pages(v->domain, v, va, (void *)src, len, true, HVM_ACC_WRITE, NULL);
}

size_t hvm_copy_from_virt(struct vcpu *v, void *dst, uint64_t va, size_t len)
{
    return copy_pages(v->domain, v, va, dst, len, false, 0, NULL);
}

size_t hvm_copy_to_virt_pf(struct vcpu *v, uint64_t va, const void *src, size_t len,
                           uint32_t access, struct hvm_pf *pf)
{
    return copy_pages(v->domain, v, va, (void *)src, len, true,
                      hvm_cpl_access(v, access | HVM_ACC_WRITE), pf);
}

size_t hvm_check_virt_pf(struct vcpu *v, uint64_t va, size_t len, uint32_t access,
                         struct hvm_pf *pf)
{
    return copy_pages(v->domain, v, va, NULL, len, false, hvm_cpl_access(v, access), pf);
}

size_t hvm_copy_from_virt_pf(struct vcpu *v, void *dst, uint64_t va, size_t len,
                             uint32_t access, struct hvm_pf *pf)
{
    return copy_pages(v->domain, v, va, dst, len, false, hvm_cpl_access(v, access), pf);
}
