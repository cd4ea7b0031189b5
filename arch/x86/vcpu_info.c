/*
 * VCPUOP_register_vcpu_info: a vCPU's vcpu_info moves from its shared_info
 * slot into a guest page (Linux 6.1 does it for every CPU in
 * xen_vcpu_setup, and cannot boot without it).  From then on event
 * delivery, the upcall mask, cr2 and the time record are all read and
 * written there: v->arch.vcpu_info is the one pointer everything uses.
 *
 * The frame is the domain's RAM, reached through Keel's direct map.  A PV
 * guest's frame keeps a writable type reference while registered, so it
 * can never become a page table or descriptor page under Keel's feet.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/sched.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/guest_time.h>
#include <asm/hvm/hvm.h>
#include <asm/mm.h>
#include <asm/p2m.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/vcpu_info.h>
#include <public/errno.h>
#include <public/xen.h>

void vcpu_info_reset(struct vcpu *v)
{
    v->arch.vcpu_info = v->vcpu_id < XEN_LEGACY_MAX_VCPUS
        ? &v->domain->arch.shared_info->vcpu_info[v->vcpu_id] : NULL;
    v->arch.vcpu_info_mfn = INVALID_MFN;
}

/* The frame behind a PV mfn or an HVM gfn, if it is the domain's RAM. */
static mfn_t guest_ram_frame(struct domain *d, uint64_t gfn)
{
    mfn_t mfn = gfn;

    if ( d->arch.is_hvm )
    {
        p2m_type_t t;

        mfn = p2m_lookup(&d->arch.hvm.p2m, gfn, &t);
        if ( mfn == INVALID_MFN || t != p2m_ram_rw )
            return INVALID_MFN;
    }
    if ( !mfn_valid(mfn) || !page_owned_by(mfn_to_page(mfn), d) )
        return INVALID_MFN;
    return mfn;
}

/*
 * The writable type reference (PV): fails with -EINVAL on a page table or
 * descriptor page, as Xen's get_page_type(PGT_writable_page) does; Keel's
 * -EBUSY cannot happen for a plain page but is reported the same way.
 */
static int take_frame(struct domain *d, mfn_t mfn)
{
    int rc;

    if ( d->arch.is_hvm )
        return 0;
    spin_lock(&d->page_lock);
    rc = get_page_type(d, mfn, PGT_none);
    spin_unlock(&d->page_lock);
    return rc ? -EINVAL : 0;
}

static void release_frame(struct domain *d, mfn_t mfn)
{
    if ( d->arch.is_hvm )
        return;
    spin_lock(&d->page_lock);
    put_page_type(d, mfn);
    spin_unlock(&d->page_lock);
}

/* Checks in Xen 4.17's order (map_vcpu_info), with its error codes. */
long map_vcpu_info(struct vcpu *v, uint64_t gfn, unsigned int offset)
{
    struct domain *d = v->domain;
    struct vcpu_info *new_info;
    mfn_t mfn;

    if ( offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
         (offset & (__alignof__(struct vcpu_info) - 1)) )
        return -ENXIO;
    if ( v->arch.vcpu_info_mfn != INVALID_MFN )
        return -EINVAL;                 /* once per vCPU: there is no unregister */
    if ( v != current && v->up )
        return -EINVAL;                 /* only itself, or a vCPU that is down */
    mfn = guest_ram_frame(d, gfn);
    if ( mfn == INVALID_MFN || take_frame(d, mfn) )
        return -EINVAL;

    new_info = (struct vcpu_info *)((uint8_t *)mfn_to_virt(mfn) + offset);
    if ( v->arch.vcpu_info )
        memcpy(new_info, v->arch.vcpu_info, sizeof(*new_info));
    else
    {
        memset(new_info, 0, sizeof(*new_info));
        new_info->evtchn_upcall_mask = 1;
    }
    v->arch.vcpu_info = new_info;
    v->arch.vcpu_info_mfn = mfn;
    barrier();                          /* new pointer before the pending bits */

    /*
     * An event raised during the move may have gone to the old place:
     * mark every selector pending, as Xen does; the guest rescans and
     * finds nothing more than a spurious upcall.
     */
    __atomic_store_n(&new_info->evtchn_pending_sel, ~0UL, __ATOMIC_SEQ_CST);
    __atomic_store_n(&new_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    vcpu_kick(v);
    update_vcpu_system_time(v);
    return 0;
}

void unmap_vcpu_info(struct vcpu *v)
{
    mfn_t mfn = v->arch.vcpu_info_mfn;

    if ( mfn == INVALID_MFN )
        return;
    vcpu_info_reset(v);
    release_frame(v->domain, mfn);
}
