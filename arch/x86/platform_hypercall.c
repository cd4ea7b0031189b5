/*
 * platform_op: machine-wide operations for the privileged domain.  Keel
 * has the wall-clock ones Linux's dom0 uses (it writes the time back with
 * XENPF_settime64 when NTP or the user changes it, XENPF_settime32 on old
 * hypervisors), what the firmware told it at boot, the physical CPUs, and
 * ACPI S5 (power off).  Checks follow Xen 4.17: -EFAULT, then -EACCES for
 * another interface version, then XSM (-EPERM for anyone but dom0), then
 * the command (-ENOSYS when unknown).
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/acpi_sleep.h>
#include <asm/guest_time.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/platform.h>

#define BDA_KBD_SHIFT_FLAGS 0x417       /* BIOS data area: keyboard shift state */

/*
 * Xen gathers EDD, MBR signatures and EDID with BIOS calls in its real-mode
 * boot code; Keel makes none, so it has no entries (Xen's -ESRCH), and it
 * is never booted by EFI (Xen's -ENOSYS).  The shift flags are the BIOS's
 * own byte.
 */
static long firmware_info(struct xen_platform_op *op, uint64_t arg)
{
    struct xenpf_firmware_info *fw = &op->u.firmware_info;

    switch ( fw->type )
    {
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
    case XEN_FW_VBEDDC_INFO:
        return -ESRCH;
    case XEN_FW_EFI_INFO:
        return -ENOSYS;
    case XEN_FW_KBD_SHIFT_FLAGS:
        if ( fw->index != 0 )
            return -ESRCH;
        fw->u.kbd_shift_flags = *(volatile uint8_t *)maddr_to_virt(BDA_KBD_SHIFT_FLAGS);
        return copy_to_guest(arg + offsetof(struct xen_platform_op, u.firmware_info.u),
                             &fw->u.kbd_shift_flags, 1) ? -EFAULT : 0;
    }
    return -EINVAL;
}

/* The MADT's ACPI processor ID of the CPU with this APIC ID (0 if unlisted). */
static uint32_t acpi_processor_id(uint32_t apic_id)
{
    const uint8_t *madt = acpi_find_table("APIC");
    uint32_t len, uid, id;

    if ( !madt )
        return 0;
    memcpy(&len, madt + 4, 4);
    for ( uint32_t off = 44; off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1] )
    {
        const uint8_t *e = madt + off;

        if ( off + e[1] > len )
            break;
        if ( e[0] == 0 && e[1] >= 8 && e[3] == apic_id )
            return e[2];                /* local APIC: processor ID, APIC ID */
        if ( e[0] == 9 && e[1] >= 16 )
        {
            memcpy(&id, e + 4, 4);
            memcpy(&uid, e + 12, 4);
            if ( id == apic_id )
                return uid;
        }
    }
    return 0;
}

static unsigned int nr_present_cpus(void)
{
    return acpi_platform.nr_cpus ? acpi_platform.nr_cpus : 1;
}

/* As Xen: an absent CPU is flagged invalid, its IDs left as the guest sent them. */
static long get_cpuinfo(struct xen_platform_op *op, uint64_t arg)
{
    struct xenpf_pcpuinfo *info = &op->u.pcpu_info;
    unsigned int cpu = info->xen_cpuid;

    if ( cpu >= nr_present_cpus() || cpu >= NR_CPUS )
        info->flags = XEN_PCPU_FLAGS_INVALID;
    else
    {
        info->apic_id = cpu_online(cpu) ? cpu_to_apicid[cpu] : acpi_platform.apic_ids[cpu];
        info->acpi_id = acpi_processor_id(info->apic_id);
        info->flags = cpu_online(cpu) ? XEN_PCPU_FLAGS_ONLINE : 0;
    }
    info->max_present = nr_present_cpus() - 1;
    return copy_to_guest(arg + offsetof(struct xen_platform_op, u), info,
                         sizeof(*info)) ? -EFAULT : 0;
}

/*
 * Vendor and signature as Xen's identify_cpu() computes them.  Keel reads
 * the CPU it runs on: the CPUs of a machine it supports are alike.
 */
static long get_cpu_version(struct xen_platform_op *op, uint64_t arg)
{
    struct xenpf_pcpu_version *ver = &op->u.pcpu_version;
    struct cpuid_leaf l0, l1;

    memset(ver->vendor_id, 0, sizeof(ver->vendor_id));
    ver->family = ver->model = ver->stepping = 0;
    if ( ver->xen_cpuid < NR_CPUS && cpu_online(ver->xen_cpuid) )
    {
        cpuid(0, &l0);
        cpuid(1, &l1);
        memcpy(ver->vendor_id, &l0.b, 4);
        memcpy(ver->vendor_id + 4, &l0.d, 4);
        memcpy(ver->vendor_id + 8, &l0.c, 4);
        ver->family = (l1.a >> 8) & 0xf;
        if ( ver->family == 0xf )
            ver->family += (l1.a >> 20) & 0xff;
        ver->model = (l1.a >> 4) & 0xf;
        if ( ver->family >= 6 )
            ver->model += ((l1.a >> 16) & 0xf) << 4;
        ver->stepping = l1.a & 0xf;
    }
    ver->max_present = nr_present_cpus() - 1;
    return copy_to_guest(arg + offsetof(struct xen_platform_op, u), ver,
                         sizeof(*ver)) ? -EFAULT : 0;
}

long do_platform_op(uint64_t arg)
{
    static uint64_t unknown_seen[2];
    struct xen_platform_op op;
    long rc;

    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XENPF_INTERFACE_VERSION )
        return -EACCES;
    if ( (rc = xsm_privileged_op(current->domain, XSM_platform_op)) != 0 )
        return rc;
    switch ( op.cmd )
    {
    case XENPF_settime32:
        do_settime(op.u.settime32.secs, op.u.settime32.nsecs,
                   (s_time_t)op.u.settime32.system_time);
        return 0;
    case XENPF_settime64:
        if ( op.u.settime64.mbz )
            return -EINVAL;
        do_settime(op.u.settime64.secs, op.u.settime64.nsecs,
                   (s_time_t)op.u.settime64.system_time);
        return 0;
    case XENPF_firmware_info:
        return firmware_info(&op, arg);
    case XENPF_enter_acpi_sleep:
        return acpi_enter_sleep(&op.u.enter_acpi_sleep);
    case XENPF_get_cpuinfo:
        return get_cpuinfo(&op, arg);
    case XENPF_get_cpu_version:
        return get_cpu_version(&op, arg);
    }
    /* The -ENOSYS log names the pointer: say once which command it was. */
    if ( op.cmd < 128 &&
         !(__atomic_fetch_or(&unknown_seen[op.cmd / 64], 1UL << (op.cmd % 64),
                             __ATOMIC_RELAXED) & (1UL << (op.cmd % 64))) )
        printk(KLOG_G_INFO "d%u: platform_op cmd %u not implemented\n",
               current->domain->domain_id, op.cmd);
    return -ENOSYS;
}
