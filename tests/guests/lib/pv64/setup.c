/* Start of day of a pv64 test kernel, console output, address helpers. */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const struct start_info *start_info;
struct shared_info *shared_info;
bool hypercall_via_page;

/* A bss page whose mapping is replaced by the shared_info frame. */
static uint8_t shared_info_page[4096] __page_aligned __section(".bss.page_aligned");

extern char event_entry[], failsafe_entry[];

void console_write(const char *buf, size_t len)
{
    hypercall_console_io(CONSOLEIO_write, len, buf);
}

unsigned long virt_to_mfn(const void *va)
{
    unsigned long pfn = ((unsigned long)va - GUEST_VIRT_BASE) >> PAGE_SHIFT;
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;

    if ( (unsigned long)va < GUEST_VIRT_BASE || pfn >= start_info->nr_pages )
    {
        xtf_error("Error: virt_to_mfn(%p): outside the bootstrap region\n", va);
        xtf_exit();
    }
    return p2m[pfn];
}

long remap_page(void *va, uint64_t flags)
{
    uint64_t pte = ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) | flags;

    return hypercall_update_va_mapping((unsigned long)va & PAGE_MASK, pte,
                                       UVMF_INVLPG | UVMF_LOCAL);
}

static void register_callback(unsigned int type, void *addr)
{
    struct callback_register cb = {
        .type = type, .flags = CALLBACKF_mask_events, .address = (unsigned long)addr,
    };
    long rc = hypercall_callback_op(CALLBACKOP_register, &cb);

    if ( rc )
        xtf_error("Error: callback_op register type %u: %ld\n", type, rc);
}

void __noreturn pv_start_of_day(void);
void pv_start_of_day(void)
{
    long rc;

    printk("--- Keel guest test: %s (pv64) ---\n", test_title);

    rc = install_trap_table();
    if ( rc )
    {
        xtf_error("Error: set_trap_table: %ld\n", rc);
        xtf_exit();
    }
    register_callback(CALLBACKTYPE_event, event_entry);
    register_callback(CALLBACKTYPE_failsafe, failsafe_entry);

    rc = hypercall_update_va_mapping((unsigned long)shared_info_page,
                                     start_info->shared_info | PTE_RW,
                                     UVMF_INVLPG | UVMF_LOCAL);
    if ( rc )
    {
        xtf_error("Error: mapping shared_info %#lx: %ld\n", start_info->shared_info, rc);
        xtf_exit();
    }
    shared_info = (struct shared_info *)shared_info_page;

    test_main();
    xtf_exit();
}
