/* xen_version and vm_assist: what a guest learns about the hypervisor. */
#include <keel/lib.h>
#include <keel/bootinfo.h>
#include <keel/domain.h>
#include <keel/sched.h>
#include <keel/version.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/features.h>
#include <public/version.h>

/*
 * XENVER_get_features, submap 0, as Xen 4.17 answers it.  A PV guest is
 * direct-mapped (its frame numbers are machine frames) and gets the PV
 * page-table assists; an HVM or PVH guest is translated (its p2m), gets
 * the callback vector and may trust its vcpu_info's pvclock (Linux's PVH
 * timer and clocksource need hvm_safe_pvclock; without it Linux looks for
 * a PIT or HPET, which a PVH container does not have).  Keel emulates no
 * PIRQs for HVM guests, so XENFEAT_hvm_pirqs is never offered.
 */
static uint32_t guest_features(const struct domain *d)
{
    uint32_t f = 1u << XENFEAT_memory_op_vnode_supported;

    if ( d->arch.is_hvm )
        f |= (1u << XENFEAT_writable_page_tables) |
             (1u << XENFEAT_auto_translated_physmap) |
             (1u << XENFEAT_hvm_safe_pvclock) |
             (1u << XENFEAT_hvm_callback_vector) |
             (1u << XENFEAT_not_direct_mapped);
    else
        f |= (1u << XENFEAT_mmu_pt_update_preserve_ad) |
             (1u << XENFEAT_highmem_assist) |
             (1u << XENFEAT_gnttab_map_avail_bits) |
             (1u << XENFEAT_direct_mapped);
    if ( d->domain_id == 0 )
        f |= 1u << XENFEAT_dom0;
    /* As on Xen: offered to a PV guest while it has the assist turned on. */
    if ( !d->arch.is_hvm && (d->arch.vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) )
        f |= 1u << XENFEAT_writable_page_tables;
    return f;
}

static long copy_string_out(uint64_t arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size);
}

static long xen_version_other(unsigned long cmd, uint64_t arg);

/*
 * The version query is also the guests' "deliver my events now" call: it
 * is answered before anything else is touched.
 */
long do_xen_version(unsigned long cmd, uint64_t arg)
{
    if ( likely(cmd == XENVER_version) )
        return (KEEL_VERSION_MAJOR << 16) | KEEL_VERSION_MINOR;
    return xen_version_other(cmd, arg);
}

static noinline long xen_version_other(unsigned long cmd, uint64_t arg)
{
    struct domain *d = current->domain;

    switch ( cmd )
    {
    case XENVER_extraversion:
        return copy_string_out(arg, KEEL_EXTRAVERSION, sizeof(xen_extraversion_t));
    case XENVER_compile_info:
    {
        struct xen_compile_info info;

        memset(&info, 0, sizeof(info));
        strlcpy(info.compiler, keel_compiler(), sizeof(info.compiler));
        strlcpy(info.compile_by, "keel", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "keel", sizeof(info.compile_domain));
        strlcpy(info.compile_date, keel_compile_date(), sizeof(info.compile_date));
        return copy_to_guest(arg, &info, sizeof(info));
    }
    case XENVER_capabilities:
        return copy_string_out(arg, "xen-3.0-x86_64 ", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string_out(arg, "keel", sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters:
    {
        struct xen_platform_parameters p = { .virt_start = HYPERVISOR_VIRT_START };

        return copy_to_guest(arg, &p, sizeof(p));
    }
    case XENVER_get_features:
    {
        struct xen_feature_info fi;

        if ( copy_from_guest(&fi, arg, sizeof(fi)) )
            return -EFAULT;
        if ( fi.submap_idx >= XENFEAT_NR_SUBMAPS )
            return -EINVAL;
        fi.submap = guest_features(d);
        return copy_to_guest(arg, &fi, sizeof(fi));
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle:
    {
        xen_domain_handle_t h;

        memset(h, 0, sizeof(h));
        return copy_to_guest(arg, h, sizeof(h));
    }
    case XENVER_commandline:
        /* Keel's command line is for privileged eyes only, as on Xen. */
        if ( xsm_privileged_op(d, XSM_read_hypervisor_cmdline) )
            return -EPERM;
        return copy_string_out(arg, keel_boot_cmdline(), sizeof(xen_commandline_t));
    }
    return -ENOSYS;
}

/* The types a 64-bit PV guest may turn on or off. */
#define VM_ASSIST_VALID ((1UL << VMASST_TYPE_4gb_segments) | \
                         (1UL << VMASST_TYPE_4gb_segments_notify) | \
                         (1UL << VMASST_TYPE_writable_pagetables) | \
                         (1UL << VMASST_TYPE_pae_extended_cr3) | \
                         (1UL << VMASST_TYPE_architectural_iopl) | \
                         (1UL << VMASST_TYPE_runstate_update_flag) | \
                         (1UL << VMASST_TYPE_m2p_strict))

long do_vm_assist(unsigned long cmd, unsigned long type)
{
    struct domain *d = current->domain;

    if ( type >= 64 || !(VM_ASSIST_VALID & (1UL << type)) )
        return -EINVAL;
    switch ( cmd )
    {
    case VMASST_CMD_enable:
        __atomic_or_fetch(&d->arch.vm_assist, 1UL << type, __ATOMIC_SEQ_CST);
        return 0;
    case VMASST_CMD_disable:
        __atomic_and_fetch(&d->arch.vm_assist, ~(1UL << type), __ATOMIC_SEQ_CST);
        return 0;
    }
    return -ENOSYS;
}
