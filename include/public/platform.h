/* SPDX-License-Identifier: MIT */
/* platform_op hypercall (dom0 only): numbers and layouts of Xen's public platform.h. */
#ifndef PUBLIC_PLATFORM_H
#define PUBLIC_PLATFORM_H

#include <stdint.h>

#define XENPF_INTERFACE_VERSION 0x03000001

/* Set the wall clock: secs.nsecs was the time at system time system_time. */
#define XENPF_settime32 17
struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};
#define XENPF_settime64 62
struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;                /* must be zero */
    uint64_t system_time;
};

/* What the firmware told the hypervisor at boot (BIOS calls, EFI). */
#define XENPF_firmware_info 50
#define XEN_FW_DISK_INFO          1    /* int 13h AH=08/41/48 */
#define XEN_FW_DISK_MBR_SIGNATURE 2    /* MBR offset 0x1b8 */
#define XEN_FW_VBEDDC_INFO        3    /* int 10h AX=4f15 (EDID) */
#define XEN_FW_EFI_INFO           4
#define XEN_FW_KBD_SHIFT_FLAGS    5    /* BIOS data area 0x417 */
struct xenpf_firmware_info {
    uint32_t type;
    uint32_t index;
    union {
        struct {
            uint8_t device;
            uint8_t version;
            uint16_t interface_support;
            uint16_t legacy_max_cylinder;
            uint8_t legacy_max_head;
            uint8_t legacy_sectors_per_track;
            uint64_t edd_params;         /* guest buffer, first u16 its size */
        } disk_info;
        struct {
            uint8_t device;
            uint32_t mbr_signature;
        } disk_mbr_signature;
        struct {
            uint8_t capabilities;
            uint8_t edid_transfer_time;
            uint64_t edid;               /* guest buffer of 128 bytes */
        } vbeddc_info;
        uint8_t kbd_shift_flags;
    } u;
};

/* Power-state change from dom0's ACPI code (S5 = power off). */
#define XENPF_enter_acpi_sleep 51
struct xenpf_enter_acpi_sleep {
    uint16_t val_a;              /* PM1a control value (or sleep type A) */
    uint16_t val_b;              /* PM1b control value (or sleep type B) */
    uint32_t sleep_state;        /* n of Sn */
#define XENPF_ACPI_SLEEP_EXTENDED 0x00000001   /* hardware-reduced sleep registers */
    uint32_t flags;
};

#define XENPF_get_cpu_version 48
struct xenpf_pcpu_version {
    uint32_t xen_cpuid;          /* IN */
    uint32_t max_present;        /* OUT: highest present CPU number */
    char vendor_id[12];
    uint32_t family;
    uint32_t model;
    uint32_t stepping;
};

#define XENPF_get_cpuinfo 55
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;          /* IN */
    uint32_t max_present;        /* OUT: highest present CPU number */
#define XEN_PCPU_FLAGS_ONLINE   1
#define XEN_PCPU_FLAGS_INVALID  2  /* no such CPU */
    uint32_t flags;
    uint32_t apic_id;
    uint32_t acpi_id;
};

/* 136 bytes: command, version, a 128-byte union. */
struct xen_platform_op {
    uint32_t cmd;
    uint32_t interface_version;  /* XENPF_INTERFACE_VERSION, else -EACCES */
    union {
        struct xenpf_settime32 settime32;
        struct xenpf_settime64 settime64;
        struct xenpf_firmware_info firmware_info;
        struct xenpf_enter_acpi_sleep enter_acpi_sleep;
        struct xenpf_pcpu_version pcpu_version;
        struct xenpf_pcpuinfo pcpu_info;
        uint8_t pad[128];
    } u;
};

#endif /* PUBLIC_PLATFORM_H */
