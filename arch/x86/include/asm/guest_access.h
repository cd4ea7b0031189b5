/*
 * Copies between Keel and guest virtual memory.  Guest pointers are never
 * dereferenced directly: these helpers refuse the hypervisor hole and let
 * a fault end the copy (exception fixup) so that a bad pointer becomes
 * -EFAULT for the caller, never a crash of Keel.
 */
#ifndef ASM_GUEST_ACCESS_H
#define ASM_GUEST_ACCESS_H

#include <keel/types.h>
#include <public/errno.h>

struct vcpu;

/* Bytes NOT copied (0 on success). */
size_t raw_copy_from_guest(void *dst, uint64_t guest_va, size_t len);
size_t raw_copy_to_guest(uint64_t guest_va, const void *src, size_t len);
bool guest_range_ok(uint64_t guest_va, size_t len);
/*
 * To the address space of v, which need not be current: HVM through its
 * own paging; PV through the page tables loaded now (the caller loads v's).
 */
size_t raw_copy_to_vcpu(struct vcpu *v, uint64_t guest_va, const void *src, size_t len);

/* 0 or -EFAULT. */
#define copy_from_guest(dst, va, len) \
    (raw_copy_from_guest((dst), (va), (len)) ? -EFAULT : 0)
#define copy_to_guest(va, src, len) \
    (raw_copy_to_guest((va), (src), (len)) ? -EFAULT : 0)

#endif /* ASM_GUEST_ACCESS_H */
