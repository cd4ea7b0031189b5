/*
 * MSR emulation for the PV kernel (rdmsr/wrmsr #GP from ring 3 and are
 * emulated by the hypervisor):
 *  - WRMSR GS_BASE (as Linux's startup_xen does) sets the kernel GS base:
 *    %gs:0 reads the target; RDMSR GS_BASE reads it back;
 *  - WRMSR FS_BASE likewise; RDMSR SHADOW_GS_BASE = the user GS base set
 *    with set_segment_base(GS_USER);
 *  - a non-canonical GS_BASE is refused with #GP(0), the base unchanged;
 *  - RDMSR / WRMSR of an MSR that does not exist give #GP(0).
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "RDMSR/WRMSR emulation";

static unsigned long gs_var = 0x1234567890UL, fs_var = 0x0987654321UL, shadow_var;

static unsigned long read_gs0(void)
{
    unsigned long v;

    asm volatile ("mov %%gs:0, %0" : "=r" (v) :: "memory");
    return v;
}

void test_main(void)
{
    uint64_t val = 0;
    exinfo_t ex;

    ex = wrmsr_safe(MSR_GS_BASE, (unsigned long)&gs_var);
    check_eq("wrmsr GS_BASE", ex, 0);
    check_eq("%gs:0 after wrmsr", read_gs0(), gs_var);
    ex = rdmsr_safe(MSR_GS_BASE, &val);
    check_eq("rdmsr GS_BASE", ex, 0);
    check_eq("GS_BASE read back", val, (unsigned long)&gs_var);

    ex = wrmsr_safe(MSR_FS_BASE, (unsigned long)&fs_var);
    check_eq("wrmsr FS_BASE", ex, 0);
    ex = rdmsr_safe(MSR_FS_BASE, &val);
    check_eq("rdmsr FS_BASE", ex, 0);
    check_eq("FS_BASE read back", val, (unsigned long)&fs_var);

    check_rc("set GS_USER", hypercall_set_segment_base(SEGBASE_GS_USER,
                                                       (unsigned long)&shadow_var), 0);
    ex = rdmsr_safe(MSR_SHADOW_GS_BASE, &val);
    check_eq("rdmsr SHADOW_GS_BASE", ex, 0);
    check_eq("SHADOW_GS_BASE = user GS base", val, (unsigned long)&shadow_var);

    ex = wrmsr_safe(MSR_GS_BASE, 0x8000000000000000UL);
    check_eq("wrmsr GS_BASE non-canonical", ex, EXINFO_SYM(GP, 0));
    check_eq("%gs:0 after the refused write", read_gs0(), gs_var);

    ex = rdmsr_safe(0x00001234, &val);
    check_eq("rdmsr 0x1234 (no such MSR)", ex, EXINFO_SYM(GP, 0));
    ex = wrmsr_safe(0x00001234, 0);
    check_eq("wrmsr 0x1234 (no such MSR)", ex, EXINFO_SYM(GP, 0));
    ex = rdmsr_safe(0xdeadbeef, &val);
    check_eq("rdmsr 0xdeadbeef", ex, EXINFO_SYM(GP, 0));
}
