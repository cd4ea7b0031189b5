/*
 * Hypercall arguments that point where the guest may not: unmapped low
 * memory, the hypervisor hole (0xffff800000000000..), non-canonical
 * addresses, and read-only guest pages as output buffers.  Each returns
 * -EFAULT and has no other effect (the domain keeps running: the shutdown
 * with a bad pointer must not shut it down).
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "-EFAULT for bad guest pointers";

#define UNMAPPED  0x1000UL
#define HOLE      0xffff800000000000UL
#define HV_DATA   0xffff830000000000UL
#define NONCANON  0x8000000000000000UL

static uint8_t ro_page[4096] __page_aligned __section(".bss.page_aligned");

#define EXPECT_EFAULT(what, call) check_rc(what, (call), -EFAULT)

void test_main(void)
{
    if ( make_page_ro(ro_page) )
        return xtf_error("Error: cannot remap a page read-only\n");

    EXPECT_EFAULT("console_io write from the hole",
                  hypercall_console_io(CONSOLEIO_write, 8, (void *)HOLE));
    EXPECT_EFAULT("console_io write from hypervisor data",
                  hypercall_console_io(CONSOLEIO_write, 8, (void *)HV_DATA));
    EXPECT_EFAULT("console_io write from unmapped",
                  hypercall_console_io(CONSOLEIO_write, 8, (void *)UNMAPPED));
    EXPECT_EFAULT("console_io write from non-canonical",
                  hypercall_console_io(CONSOLEIO_write, 8, (void *)NONCANON));
    EXPECT_EFAULT("console_io write running into the hole",
                  hypercall_console_io(CONSOLEIO_write, 0x2000, (void *)(HOLE - 0x1000)));

    EXPECT_EFAULT("xen_version extraversion to non-canonical",
                  hypercall_xen_version(XENVER_extraversion, (void *)NONCANON));
    EXPECT_EFAULT("xen_version capabilities to hypervisor data",
                  hypercall_xen_version(XENVER_capabilities, (void *)HV_DATA));
    EXPECT_EFAULT("xen_version extraversion to a read-only page",
                  hypercall_xen_version(XENVER_extraversion, ro_page));
    EXPECT_EFAULT("xen_version get_features from unmapped",
                  hypercall_xen_version(XENVER_get_features, (void *)UNMAPPED));

    EXPECT_EFAULT("set_trap_table from unmapped",
                  hypercall_set_trap_table((void *)UNMAPPED));
    EXPECT_EFAULT("set_trap_table from the hole",
                  hypercall_set_trap_table((void *)HOLE));
    EXPECT_EFAULT("callback_op register from unmapped",
                  hypercall_callback_op(CALLBACKOP_register, (void *)UNMAPPED));
    EXPECT_EFAULT("mmuext_op from unmapped",
                  hypercall_mmuext_op((void *)UNMAPPED, 1, NULL, DOMID_SELF));
    EXPECT_EFAULT("memory_op machphys_mapping to a read-only page",
                  hypercall_memory_op(XENMEM_machphys_mapping, ro_page));
    EXPECT_EFAULT("sched_op shutdown from unmapped",
                  hypercall_sched_op(SCHEDOP_shutdown, (void *)UNMAPPED));
    EXPECT_EFAULT("sched_op shutdown from the hole",
                  hypercall_sched_op(SCHEDOP_shutdown, (void *)HOLE));

    /* The trap table is still ours: an exception is still delivered. */
    {
        exinfo_t ex;

        asm volatile ("1: ud2; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (ex) : "0" (0));
        check_eq("ud2 after the refused set_trap_table", ex, EXINFO_SYM(UD, 0));
    }
}
