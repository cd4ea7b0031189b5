/*
 * platform_op's information commands and the checks every command passes.
 * Expected answers are Xen 4.17's (xen/arch/x86/platform_hypercall.c,
 * acpi/power.c), under the runner's QEMU (SeaBIOS, no hard disk, -smp 2,
 * booted by GRUB without EFI):
 *  - a bad pointer -EFAULT, another interface version -EACCES, an unknown
 *    command -ENOSYS;
 *  - firmware_info: no EDD disk, no MBR signature: -ESRCH (index 0 and
 *    past); EFI on a BIOS boot -ENOSYS; keyboard shift flags index 0
 *    answers, index 1 -ESRCH; an unknown type -EINVAL; EDID index 1
 *    -ESRCH.  EDID index 0: Xen asks the VGA BIOS at boot (real mode) and
 *    returns QEMU's 128 bytes, a valid header; Keel makes no BIOS calls
 *    and has none (-ESRCH): the test takes either, a returned block must
 *    start with the EDID header;
 *  - get_cpuinfo: CPUs 0 and 1 online, APIC IDs 0 and 1, ACPI IDs 0 and 1,
 *    max_present 1; CPU 5 flagged invalid, its IDs left as sent;
 *  - get_cpu_version: CPU 0 has the vendor and family/model/stepping this
 *    CPU's CPUID gives (Xen's decoding); CPU 7 all zero, max_present 1;
 *  - enter_acpi_sleep (never entering a state): the extended form without
 *    hardware-reduced registers -EPERM, flags other than that -EINVAL,
 *    PM1a/PM1b disagreeing on SLP_EN -EINVAL, states 0 and 6 -EINVAL.
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "x86.h"
#include <public/platform.h>

const char test_title[] = "platform_op: firmware_info, get_cpuinfo, get_cpu_version, sleep checks";

#define UNMAPPED ((void *)0x1000UL)

static struct xen_platform_op op;

static long platform(uint32_t cmd)
{
    op.cmd = cmd;
    op.interface_version = XENPF_INTERFACE_VERSION;
    return hypercall_platform_op(&op);
}

static long fw(uint32_t type, uint32_t index)
{
    memset(&op.u, 0, sizeof(op.u));
    op.u.firmware_info.type = type;
    op.u.firmware_info.index = index;
    return platform(XENPF_firmware_info);
}

static long sleep_op(uint16_t a, uint16_t b, uint32_t state, uint32_t flags)
{
    memset(&op.u, 0, sizeof(op.u));
    op.u.enter_acpi_sleep = (struct xenpf_enter_acpi_sleep){ a, b, state, flags };
    return platform(XENPF_enter_acpi_sleep);
}

static void common_checks(void)
{
    check_rc("bad pointer", hypercall_platform_op(UNMAPPED), -EFAULT);
    op.cmd = XENPF_get_cpuinfo;
    op.interface_version = XENPF_INTERFACE_VERSION - 1;
    check_rc("old interface version", hypercall_platform_op(&op), -EACCES);
    check_rc("unknown command 200", platform(200), -ENOSYS);
}

static void firmware(void)
{
    static const uint8_t edid_header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
    uint8_t edid[128];
    long rc;

    check_rc("EDD disk 0", fw(XEN_FW_DISK_INFO, 0), -ESRCH);
    check_rc("EDD disk 100", fw(XEN_FW_DISK_INFO, 100), -ESRCH);
    check_rc("MBR signature 0", fw(XEN_FW_DISK_MBR_SIGNATURE, 0), -ESRCH);
    memset(edid, 0, sizeof(edid));
    memset(&op.u, 0, sizeof(op.u));
    op.u.firmware_info.type = XEN_FW_VBEDDC_INFO;
    op.u.firmware_info.u.vbeddc_info.edid = (unsigned long)edid;
    rc = platform(XENPF_firmware_info);
    printk("EDID: rc %ld, header %02x %02x .. %02x\n", rc, edid[0], edid[1], edid[7]);
    if ( rc != -ESRCH )
    {
        check_rc("EDID 0", rc, 0);
        check_eq("EDID header", memcmp(edid, edid_header, sizeof(edid_header)), 0);
    }
    check_rc("EDID 1", fw(XEN_FW_VBEDDC_INFO, 1), -ESRCH);
    check_rc("EFI info", fw(XEN_FW_EFI_INFO, 0), -ENOSYS);
    check_rc("keyboard shift flags", fw(XEN_FW_KBD_SHIFT_FLAGS, 0), 0);
    printk("keyboard shift flags: %#x\n", op.u.firmware_info.u.kbd_shift_flags);
    check_rc("keyboard shift flags index 1", fw(XEN_FW_KBD_SHIFT_FLAGS, 1), -ESRCH);
    check_rc("firmware type 99", fw(99, 0), -EINVAL);
}

static void cpuinfo(void)
{
    for ( unsigned int cpu = 0; cpu < 2; cpu++ )
    {
        memset(&op.u, 0, sizeof(op.u));
        op.u.pcpu_info.xen_cpuid = cpu;
        check_rc("get_cpuinfo", platform(XENPF_get_cpuinfo), 0);
        printk("CPU %u: flags %#x apic %u acpi %u max_present %u\n", cpu,
               op.u.pcpu_info.flags, op.u.pcpu_info.apic_id, op.u.pcpu_info.acpi_id,
               op.u.pcpu_info.max_present);
        check_eq("online", op.u.pcpu_info.flags, XEN_PCPU_FLAGS_ONLINE);
        check_eq("APIC ID", op.u.pcpu_info.apic_id, cpu);
        check_eq("ACPI ID", op.u.pcpu_info.acpi_id, cpu);
        check_eq("max_present", op.u.pcpu_info.max_present, 1);
    }
    memset(&op.u, 0, sizeof(op.u));
    op.u.pcpu_info.xen_cpuid = 5;
    op.u.pcpu_info.apic_id = 0xdead;
    op.u.pcpu_info.acpi_id = 0xbeef;
    check_rc("get_cpuinfo of absent CPU 5", platform(XENPF_get_cpuinfo), 0);
    check_eq("CPU 5 invalid", op.u.pcpu_info.flags, XEN_PCPU_FLAGS_INVALID);
    check_eq("CPU 5 APIC ID as sent", op.u.pcpu_info.apic_id, 0xdead);
    check_eq("CPU 5 ACPI ID as sent", op.u.pcpu_info.acpi_id, 0xbeef);
    check_eq("max_present", op.u.pcpu_info.max_present, 1);
}

static void cpu_version(void)
{
    struct xenpf_pcpu_version *v = &op.u.pcpu_version;
    struct cpuid_leaf l;
    uint32_t a, fam, model;
    char vendor[12];

    cpuid_count(0, 0, &l);
    memcpy(vendor, &l.b, 4);
    memcpy(vendor + 4, &l.d, 4);
    memcpy(vendor + 8, &l.c, 4);
    cpuid_count(1, 0, &l);
    a = l.a;
    fam = (a >> 8) & 0xf;
    if ( fam == 0xf )
        fam += (a >> 20) & 0xff;
    model = (a >> 4) & 0xf;
    if ( fam >= 6 )
        model += ((a >> 16) & 0xf) << 4;

    memset(&op.u, 0, sizeof(op.u));
    check_rc("get_cpu_version 0", platform(XENPF_get_cpu_version), 0);
    printk("CPU 0: %.12s family %u model %u stepping %u\n", v->vendor_id, v->family,
           v->model, v->stepping);
    check_eq("vendor", memcmp(v->vendor_id, vendor, 12), 0);
    check_eq("family", v->family, fam);
    check_eq("model", v->model, model);
    check_eq("stepping", v->stepping, a & 0xf);
    check_eq("max_present", v->max_present, 1);
    memset(&op.u, 0xff, sizeof(op.u));
    v->xen_cpuid = 7;
    check_rc("get_cpu_version 7", platform(XENPF_get_cpu_version), 0);
    check_eq("CPU 7 vendor empty", v->vendor_id[0] | v->vendor_id[11], 0);
    check_eq("CPU 7 family", v->family, 0);
    check_eq("CPU 7 model", v->model, 0);
    check_eq("CPU 7 stepping", v->stepping, 0);
    check_eq("max_present", v->max_present, 1);
}

static void sleep_checks(void)
{
    check_rc("extended sleep without its registers", sleep_op(5, 0, 5, 1), -EPERM);
    check_rc("sleep flags 2", sleep_op(0x2000, 0, 5, 2), -EINVAL);
    check_rc("PM1a/PM1b disagree on SLP_EN", sleep_op(0x2000, 0x0400, 5, 0), -EINVAL);
    check_rc("S0", sleep_op(0x2000, 0, 0, 0), -EINVAL);
    check_rc("S6", sleep_op(0x2000, 0, 6, 0), -EINVAL);
}

void test_main(void)
{
    common_checks();
    firmware();
    cpuinfo();
    cpu_version();
    sleep_checks();
}
