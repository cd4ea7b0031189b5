/*
 * Where a vCPU's vcpu_info lives: its slot in shared_info until the guest
 * moves it into a page of its own (VCPUOP_register_vcpu_info).
 */
#ifndef ASM_VCPU_INFO_H
#define ASM_VCPU_INFO_H

#include <keel/types.h>

struct vcpu;

/* Point v->arch.vcpu_info at its shared_info slot. */
void vcpu_info_reset(struct vcpu *v);
/* VCPUOP_register_vcpu_info: 0, -ENXIO, -EINVAL (Xen 4.17's codes). */
long map_vcpu_info(struct vcpu *v, uint64_t gfn, unsigned int offset);
/* Back to shared_info, dropping the frame's reference (domain teardown). */
void unmap_vcpu_info(struct vcpu *v);

#endif /* ASM_VCPU_INFO_H */
