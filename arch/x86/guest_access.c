/*
 * Guest memory access through the current (guest) page tables.  A fault on
 * the copy instruction is fixed up and reported as the bytes left.  The
 * copy is the only place Keel touches PV guest virtual memory, so it is
 * the one guest-access window SMAP allows (asm/smap.h); HVM guests'
 * memory is reached through Keel's own direct map instead.
 */
#include <keel/lib.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/extable.h>
#include <asm/guest_access.h>
#include <asm/smap.h>

/* The range must be canonical and stay clear of Keel's hole. */
bool guest_range_ok(uint64_t va, size_t len)
{
    uint64_t end = va + len;                  /* 0 when the range ends at 2^64 */

    if ( end < va && end != 0 )
        return false;                         /* wraps around */
    if ( va < (1UL << 47) )
        return end != 0 && end <= (1UL << 47); /* lower canonical half */
    return va >= HYPERVISOR_VIRT_END;         /* upper half above Keel's hole */
}

static size_t copy_with_fixup(void *dst, const void *src, size_t len)
{
    /* A fault resumes at 2 with AC as it was: the window closes either way. */
    guest_access_begin();
    __asm__ __volatile__("1: rep movsb\n"
                         "2:\n"
                         _ASM_EXTABLE(1b, 2b)
                         : "+c" (len), "+D" (dst), "+S" (src) :: "memory");
    guest_access_end();
    return len;
}

size_t raw_copy_from_guest(void *dst, uint64_t guest_va, size_t len)
{
    /* HVM guests' addresses mean nothing in Keel's page tables: walk theirs. */
    if ( is_hvm_vcpu(current) )
        return hvm_copy_from_virt(current, dst, guest_va, len);
    if ( !guest_range_ok(guest_va, len) )
        return len;
    return copy_with_fixup(dst, (const void *)guest_va, len);
}

size_t raw_copy_to_guest(uint64_t guest_va, const void *src, size_t len)
{
    if ( is_hvm_vcpu(current) )
        return hvm_copy_to_virt(current, guest_va, src, len);
    if ( !guest_range_ok(guest_va, len) )
        return len;
    return copy_with_fixup((void *)guest_va, src, len);
}

size_t raw_copy_to_vcpu(struct vcpu *v, uint64_t guest_va, const void *src, size_t len)
{
    if ( is_hvm_vcpu(v) )
        return hvm_copy_to_virt(v, guest_va, src, len);
    if ( !guest_range_ok(guest_va, len) )
        return len;
    return copy_with_fixup((void *)guest_va, src, len);
}
