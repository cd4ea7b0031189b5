/*
 * hvm64: accesses Keel emulates go through the guest's page tables with the
 * rights the guest gave, as the CPU's own accesses do (SDM vol. 3 4.6, AMD
 * APM vol. 2 5.6).  The CPU checks an instruction's accesses itself only
 * until one of them exits to the hypervisor; from there on the emulator
 * does the rest, so an emulator that ignores U/S and R/W lets a guest's
 * user code, or any code through a read-only mapping, write memory the
 * guest's kernel protects (a privilege escalation inside the guest).
 *
 * With CR0.WP set, each of these must raise #PF with CR2 = the protected
 * address, the error code the CPU gives, and the page left unchanged:
 *  - `rep insb` from an unclaimed port (reads 0xff; the IOIO intercept
 *    comes before any memory access) into a read-only page: P|W (0x3);
 *  - `movsb` from the LAPIC's MMIO page (a nested page fault on the read,
 *    then Keel writes) into a read-only page: P|W (0x3);
 *  - the same `movsb` from CPL 3, through a user mapping of the LAPIC, into
 *    a supervisor-only writable page: P|W|U (0x7);
 *  - and the writes succeed through a writable mapping of the same page
 *    (the faults above are about the rights, not the frame).
 * Xen's answer (hvm_copy_*_guest_linear through guest_walk_tables, #PF
 * injected by the emulator) is the hardware's; no Xen run (pvh/hvm64 tests
 * have none).  Before the fix Keel wrote all three pages.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Emulated accesses honour the guest's page rights";

#define UNCLAIMED_PORT 0x2f0
#define RO_VA     0x140000000UL        /* 5 GiB: read-only alias of target */
#define SUP_VA    0x140001000UL        /* supervisor-only alias of target */
#define APIC_VA   0x140002000UL        /* user alias of the LAPIC page */
#define RW_VA     0x140003000UL        /* writable alias of target */
#define APIC_VERSION_REG 0x30
#define X86_CR0_WP (1UL << 16)

static uint8_t target[4096] __attribute__((aligned(4096)));

/* The L1 entry of a page map_page() mapped (its tables are identity mapped). */
static uint64_t *l1e_of(unsigned long va)
{
    uint64_t *t = pml4;

    t = (uint64_t *)(unsigned long)(t[l4_index(va)] & PTE_ADDR_MASK);
    t = (uint64_t *)(unsigned long)(t[l3_index(va)] & PTE_ADDR_MASK);
    t = (uint64_t *)(unsigned long)(t[l2_index(va)] & PTE_ADDR_MASK);
    return &t[l1_index(va)];
}

static bool map_with(unsigned long va, uint64_t pa, uint64_t clear)
{
    if ( map_page(va, pa) )
        return false;
    *l1e_of(va) &= ~clear;
    asm volatile ("invlpg (%0)" :: "r" (va) : "memory");
    return true;
}

static void check_pf(const char *what, exinfo_t ex, uint32_t ec, unsigned long addr)
{
    printk("%s: exinfo %#x, cr2 %#lx, target[0] %#x\n", what, ex,
           (unsigned long)last_exception.cr2, target[0]);
    if ( ex != EXINFO_SYM(PF, ec) )
        xtf_failure("Fail: %s: exinfo %#x, expected #PF error code %#x\n", what, ex, ec);
    else if ( last_exception.cr2 != addr )
        xtf_failure("Fail: %s: cr2 %#lx, expected %#lx\n", what,
                    (unsigned long)last_exception.cr2, addr);
    if ( target[0] != 0x5a )
        xtf_failure("Fail: %s: the protected page was written (%#x): the emulator "
                    "ignored the guest's rights\n", what, target[0]);
}

static exinfo_t insb_to(unsigned long va)
{
    exinfo_t ex;
    unsigned long rdi = va, rcx = 1;

    asm volatile ("cld; 1: rep insb; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), "+D" (rdi), "+c" (rcx)
                  : "0" (0), "d" (UNCLAIMED_PORT) : "memory");
    return ex;
}

static exinfo_t movsb_from_apic(unsigned long apic, unsigned long dst)
{
    exinfo_t ex;
    unsigned long rsi = apic + APIC_VERSION_REG, rdi = dst;

    asm volatile ("cld; 1: movsb; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), "+S" (rsi), "+D" (rdi) : "0" (0) : "memory");
    return ex;
}

static unsigned long user_movsb(unsigned long dst)
{
    return movsb_from_apic(APIC_VA, dst);
}

void test_main(void)
{
    unsigned long cr0, pa = (unsigned long)target;
    exinfo_t ex;

    if ( !map_with(RO_VA, pa, _PAGE_RW) || !map_with(SUP_VA, pa, _PAGE_USER) ||
         !map_with(APIC_VA, APIC_MMIO, 0) || !map_with(RW_VA, pa, 0) )
        return xtf_error("Error: cannot map the test pages\n");
    asm volatile ("mov %%cr0, %0" : "=r" (cr0));
    asm volatile ("mov %0, %%cr0" :: "r" (cr0 | X86_CR0_WP));
    printk("CR0.WP set; target page at %#lx: RO alias %#lx, supervisor alias %#lx\n",
           pa, RO_VA, SUP_VA);

    memset(target, 0x5a, sizeof(target));
    ex = insb_to(RO_VA);
    check_pf("rep insb into a read-only page", ex, X86_PFEC_PRESENT | X86_PFEC_WRITE, RO_VA);

    memset(target, 0x5a, sizeof(target));
    ex = movsb_from_apic(APIC_MMIO, RO_VA);
    check_pf("movsb from the LAPIC into a read-only page", ex,
             X86_PFEC_PRESENT | X86_PFEC_WRITE, RO_VA);

    memset(target, 0x5a, sizeof(target));
    ex = exec_user(user_movsb, SUP_VA);
    check_pf("CPL 3 movsb from the LAPIC into a supervisor page", ex,
             X86_PFEC_PRESENT | X86_PFEC_WRITE | X86_PFEC_USER, SUP_VA);

    /* The same accesses through a writable mapping go ahead. */
    ex = insb_to(RW_VA);
    printk("rep insb through the writable alias: exinfo %#x, target[0] %#x\n", ex, target[0]);
    if ( ex || target[0] != 0xff )
        xtf_failure("Fail: rep insb through a writable mapping: exinfo %#x, byte %#x\n",
                    ex, target[0]);
    memset(target, 0x5a, sizeof(target));
    ex = movsb_from_apic(APIC_MMIO, RW_VA);
    printk("movsb through the writable alias: exinfo %#x, target[0] %#x\n", ex, target[0]);
    if ( ex || target[0] == 0x5a )
        xtf_failure("Fail: movsb through a writable mapping: exinfo %#x, byte %#x\n",
                    ex, target[0]);
    asm volatile ("mov %0, %%cr0" :: "r" (cr0));
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable: every emulated access honoured the guest's rights\n");
}
