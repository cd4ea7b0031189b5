/*
 * Guest memory for HVM vCPUs: guest-physical accesses through the p2m, and
 * guest-virtual ones through a walk of the guest's own page tables
 * (paging off, 32-bit, PAE or 4-level), each table read through the p2m.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/page.h>
#include <asm/processor.h>


/* Copy within one page of guest-physical memory; false if it is not RAM. */
static bool phys_chunk(struct domain *d, uint64_t gpa, void *buf, size_t len,
                       bool write)
{
    p2m_type_t t;
    mfn_t mfn = p2m_lookup(&d->arch.hvm.p2m, gpa >> PAGE_SHIFT, &t);
    char *p;

    if ( mfn == INVALID_MFN || (t != p2m_ram_rw && t != p2m_shared_info) )
        return false;
    p = (char *)mfn_to_virt(mfn) + (gpa & (PAGE_SIZE - 1));
    if ( write )
        memcpy(p, buf, len);
    else
        memcpy(buf, p, len);
    return true;
}

/*
 * Copy page by page; with a vCPU, addr is linear and each page is
 * translated through its paging, without one addr is guest-physical.
 */
static size_t copy_pages(struct domain *d, struct vcpu *v, uint64_t addr, void *buf,
                         size_t len, bool write)
{
    while ( len )
    {
        size_t n = min(len, (size_t)(PAGE_SIZE - (addr & (PAGE_SIZE - 1))));
        uint64_t gpa = v ? hvm_linear_to_gpa(v, addr) : addr;

        if ( gpa == BAD_GPA || !phys_chunk(d, gpa, buf, n, write) )
            return len;
        addr += n;
        buf = (char *)buf + n;
        len -= n;
    }
    return 0;
}

size_t hvm_copy_to_phys(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return copy_pages(d, NULL, gpa, (void *)src, len, true);
}

size_t hvm_copy_from_phys(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    return copy_pages(d, NULL, gpa, dst, len, false);
}

static bool read_entry(struct domain *d, uint64_t gpa, uint64_t *e, size_t size)
{
    *e = 0;
    return hvm_copy_from_phys(d, e, gpa, size) == 0 && (*e & _PAGE_PRESENT);
}

/* Translate a guest linear address; BAD_GPA when not mapped. */
uint64_t hvm_linear_to_gpa(struct vcpu *v, uint64_t va)
{
    const struct vmcb *vmcb = v->arch.hvm.vmcb;
    struct domain *d = v->domain;
    uint64_t e, table = vmcb->cr3;
    int levels;

    if ( !(vmcb->cr0 & X86_CR0_PG) )
        return va & 0xffffffffUL;
    if ( !(vmcb->cr4 & X86_CR4_PAE) )
    {
        /* 2-level, 4 KiB or 4 MiB pages. */
        if ( !read_entry(d, (table & 0xfffff000) + ((va >> 22) & 0x3ff) * 4, &e, 4) )
            return BAD_GPA;
        if ( e & _PAGE_PSE )
            return (e & 0xffc00000) | (va & 0x3fffff);
        if ( !read_entry(d, (e & 0xfffff000) + ((va >> 12) & 0x3ff) * 4, &e, 4) )
            return BAD_GPA;
        return (e & 0xfffff000) | (va & 0xfff);
    }
    levels = (vmcb->efer & (1UL << 10)) ? 4 : 3;
    if ( levels == 3 )
    {
        if ( !read_entry(d, (table & 0xffffffe0) + ((va >> 30) & 3) * 8, &e, 8) )
            return BAD_GPA;
        table = e;
        levels = 2;
    }
    for ( int shift = 12 + 9 * (levels - 1); shift >= 12; shift -= 9 )
    {
        if ( !read_entry(d, (table & PADDR_MASK) + ((va >> shift) & 511) * 8, &e, 8) )
            return BAD_GPA;
        if ( shift > 12 && shift < 39 && (e & _PAGE_PSE) )
            return (e & PADDR_MASK & ~((1UL << shift) - 1)) | (va & ((1UL << shift) - 1));
        table = e;
    }
    return (table & PADDR_MASK) | (va & 0xfff);
}

size_t hvm_copy_to_virt(struct vcpu *v, uint64_t va, const void *src, size_t len)
{
    return copy_pages(v->domain, v, va, (void *)src, len, true);
}

size_t hvm_copy_from_virt(struct vcpu *v, void *dst, uint64_t va, size_t len)
{
    return copy_pages(v->domain, v, va, dst, len, false);
}
