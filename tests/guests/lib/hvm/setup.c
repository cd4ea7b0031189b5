/* Start of day of a pvh/hvm64 test kernel (after head.S), console, hvm_op. */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const struct hvm_start_info *start_info;
bool hypercall_via_page;
/* Filled in when a test writes its GPA to MSR 0x40000000. */
uint8_t hypercall_page[4096] __page_aligned __section(".bss.page_aligned");

/*
 * Port 0xE9 (Xen's and Keel's HVM debug console): one `out` per byte, as
 * string port I/O is not something every hypervisor emulates.
 */
void console_write(const char *buf, size_t len)
{
    for ( size_t i = 0; i < len; i++ )
        outb(buf[i], 0xe9);
}

long hvm_set_param(unsigned int index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index, .value = value };

    return hypercall_hvm_op(HVMOP_set_param, &p);
}

long hvm_get_param(unsigned int index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = hypercall_hvm_op(HVMOP_get_param, &p);

    if ( !rc )
        *value = p.value;
    return rc;
}

void apic_enable(void)
{
    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | 0xff);
}

void trap_init(void);
void __noreturn hvm_start_of_day(void);
void hvm_start_of_day(void)
{
    start_info = phys_ptr(entry_ebx);
    trap_init();
    printk("--- Keel guest test: %s (" ENV_NAME ") ---\n", test_title);
    test_main();
    xtf_exit();
}

uint64_t apic_tsc_per_ms(unsigned int vec)
{
    const uint32_t span = 20000000u;    /* 20 ms at 1 GHz */
    uint32_t c0, c1;
    uint64_t t0, t1;

    apic_write(APIC_TDCR, APIC_TDCR_DIV1);
    apic_write(APIC_LVT_TIMER, vec | APIC_LVT_MASKED);
    apic_write(APIC_TMICT, 0xffffffffu);
    c0 = apic_read(APIC_TMCCT);
    t0 = rdtsc();
    do {
        c1 = apic_read(APIC_TMCCT);
    } while ( c0 - c1 < span && c1 != 0 );
    t1 = rdtsc();
    apic_write(APIC_TMICT, 0);
    if ( c0 - c1 < span )
        return 0;
    return (t1 - t0) * 1000000u / (c0 - c1);
}
