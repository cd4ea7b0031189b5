/*
 * User mode runs on its own L4 (MMUEXT_NEW_USER_BASEPTR).  The user L4 gets
 * an extra slot 1 aliasing the kernel image's L3 (slot 511), which the
 * kernel L4 lacks: user code reads a kernel variable through the alias,
 * the kernel faults on the same address (before and after the user run).
 * Hostile: NEW_USER_BASEPTR with a frame that is not an L4 (a writable data
 * page) fails, and so does pinning a writable page as an L4.
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "User page tables (NEW_USER_BASEPTR)";

#define ALIAS_SLOT 1UL
static volatile unsigned long secret = 0x5ec7e75ec7e7UL;
static uint8_t data_page[4096] __page_aligned __section(".bss.page_aligned");

static unsigned long alias_of(const volatile void *p)
{
    return (ALIAS_SLOT << 39) | ((unsigned long)p & ((1UL << 39) - 1));
}

static exinfo_t read_at(unsigned long va, unsigned long *val)
{
    exinfo_t ex;
    unsigned long v = 0;

    asm volatile ("1: mov (%[a]), %[v]; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [v] "+r" (v) : "0" (0), [a] "r" (va) : "memory");
    *val = v;
    return ex;
}

static unsigned long user_read_alias(unsigned long unused)
{
    unsigned long v;
    exinfo_t ex = read_at(alias_of(&secret), &v);

    (void)unused;
    return ex ? ex : v;
}

void test_main(void)
{
    const uint64_t *kl4 = (const uint64_t *)start_info->pt_base;
    unsigned long v;
    exinfo_t ex;
    long rc;

    if ( kl4[ALIAS_SLOT] )
        return xtf_error("Error: kernel L4 slot %lu already used\n", ALIAS_SLOT);
    /* Xen 4.17: the page cannot take the L4 type while it is mapped writable. */
    rc = mmuext_one(MMUEXT_NEW_USER_BASEPTR, virt_to_mfn(data_page), 0);
    check_rc("NEW_USER_BASEPTR with a data page", rc, -EINVAL);
    rc = mmuext_one(MMUEXT_PIN_L4_TABLE, virt_to_mfn(data_page), 0);
    check_rc("PIN_L4_TABLE of a writable page", rc, -EINVAL);

    user_l4[ALIAS_SLOT] = kl4[l4_index(GUEST_VIRT_BASE)];
    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");

    ex = read_at(alias_of(&secret), &v);
    if ( ex != EXINFO_SYM(PF, 0) )
        xtf_failure("Fail: kernel read of the user-only alias: exinfo %#x, expected #PF[0]\n", ex);
    v = exec_user(user_read_alias, 0);
    check_eq("user read through the alias", v, secret);
    secret = 0x1234;
    v = exec_user(user_read_alias, 0);
    check_eq("user read after a kernel write", v, 0x1234);
    ex = read_at(alias_of(&secret), &v);
    if ( ex != EXINFO_SYM(PF, 0) )
        xtf_failure("Fail: kernel read of the alias after user mode: exinfo %#x\n", ex);
}
