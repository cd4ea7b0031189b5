/*
 * Writable page tables (VMASST_TYPE_writable_pagetables), as Linux uses
 * them: a page made an L1 table and hooked into the live page tables is
 * written through its read-only mapping by ordinary instructions, which
 * the hypervisor validates and completes.  Checked on Xen 4.17:
 *  - every instruction form Linux uses on a PTE lands, and the mapping it
 *    makes works: 8-byte mov, 4-byte mov of the low half, xchg, lock
 *    cmpxchg (success, and failure leaving the entry), lock or/and,
 *    lock bts/btr, plain and/or, a byte-sized or;
 *  - the hypervisor adds _PAGE_USER to kernel entries (64-bit PV kernels
 *    run in ring 3), and Xen its software bit 52 (_PAGE_GUEST_KERNEL),
 *    so reads back compare without them;
 *  - hostile writes are bounced as the #PF they were (error code P|W,
 *    cr2 = the entry) and leave the entry unchanged: a writable mapping
 *    of the L1 itself, a writable mapping of the live L4, an 8-byte write
 *    straddling two entries, and a write to an L2 table.
 */
#include "pv.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Writable page tables (ptwr emulation)";

#define HOLE_SLOT   8                               /* VIRT_BASE + 16 MiB: unused */
#define HOLE_VA     (GUEST_VIRT_BASE + ((unsigned long)HOLE_SLOT << 21))
#define PTE_BITS    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
/* What the hypervisor may add to an entry: _PAGE_USER, and Xen's bit 52. */
#define HV_BITS     ((uint64_t)_PAGE_USER | (1ULL << 52))

static uint64_t l1[512] __page_aligned __section(".bss.page_aligned");
static uint8_t data_a[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t data_b[4096] __page_aligned __section(".bss.page_aligned");

static const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

/* A page-table frame of the boot region, through its read-only mapping. */
static uint64_t *table_va(uint64_t entry)
{
    return (uint64_t *)(GUEST_VIRT_BASE + (m2p[(entry & PTE_ADDR_MASK) >> PAGE_SHIFT] << PAGE_SHIFT));
}

static uint64_t pte_of(const void *page, uint64_t bits)
{
    return virt_to_maddr(page) | bits;
}

static uint64_t entry(unsigned int i)
{
    return ((volatile uint64_t *)l1)[i] & ~HV_BITS;
}

static void invlpg_hole(unsigned int i)
{
    mmuext_one(MMUEXT_INVLPG_LOCAL, HOLE_VA + i * PAGE_SIZE, 0);
}

/* A store of v to *p (8 bytes) that may fault: 0, or the exception. */
static exinfo_t store8(volatile void *p, uint64_t v)
{
    exinfo_t ex;

    asm volatile ("1: movq %[v], (%[p]); 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" (0), [p] "r" (p), [v] "r" (v) : "memory");
    return ex;
}

static exinfo_t read_byte(unsigned long va, uint8_t *out)
{
    exinfo_t ex;
    uint8_t b = 0;

    asm volatile ("1: movb (%[a]), %[b]; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [b] "+q" (b) : "0" (0), [a] "r" (va) : "memory");
    *out = b;
    return ex;
}

static exinfo_t write_byte(unsigned long va, uint8_t v)
{
    exinfo_t ex;

    asm volatile ("1: movb %[v], (%[a]); 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" (0), [a] "r" (va), [v] "q" (v) : "memory");
    return ex;
}

static void expect_maps(const char *what, unsigned int i, uint8_t marker)
{
    uint8_t b;
    exinfo_t ex = read_byte(HOLE_VA + i * PAGE_SIZE, &b);

    if ( ex )
        xtf_failure("Fail: %s: reading through it raised exinfo %#x\n", what, ex);
    else if ( b != marker )
        xtf_failure("Fail: %s: read %#x through it, expected %#x\n", what, b, marker);
}

static void expect_bounced(const char *what, volatile uint64_t *p, uint64_t v)
{
    uint64_t before = *p;
    exinfo_t ex = store8(p, v);

    if ( ex != EXINFO_SYM(PF, X86_PFEC_PRESENT | X86_PFEC_WRITE) )
        xtf_failure("Fail: %s: exinfo %#x, expected #PF ec P|W\n", what, ex);
    else
        check_eq(what, last_exception.cr2, (unsigned long)p);
    if ( *p != before )
        xtf_failure("Fail: %s: the entry changed to %#llx\n", what, (unsigned long long)*p);
}

static void forms(volatile uint64_t *e)
{
    uint64_t a = pte_of(data_a, PTE_BITS), b = pte_of(data_b, PTE_BITS), old;
    uint32_t lo = (uint32_t)pte_of(data_b, _PAGE_PRESENT | _PAGE_ACCESSED);
    uint8_t zf;

    check_eq("mov: a fault-free store", store8(&e[0], a), 0);
    check_eq("mov: the entry", entry(0), a);
    expect_maps("mov", 0, 0xa1);

    asm volatile ("movl %1, %0" : "=m" (*(volatile uint32_t *)&e[1]) : "r" (lo) : "memory");
    check_eq("4-byte mov: the entry", entry(1), lo);
    expect_maps("4-byte mov", 1, 0xb2);

    old = b;
    asm volatile ("xchgq %0, %1" : "+r" (old), "+m" (e[2]) :: "memory");
    check_eq("xchg: old value", old, 0);
    check_eq("xchg: the entry", entry(2), b);
    expect_maps("xchg", 2, 0xb2);

    old = 0;
    asm volatile ("lock cmpxchgq %3, %1; sete %0" : "=q" (zf), "+m" (e[3]), "+a" (old)
                  : "r" (a) : "memory");
    check_eq("lock cmpxchg (match): ZF", zf, 1);
    check_eq("lock cmpxchg (match): the entry", entry(3), a);
    expect_maps("lock cmpxchg", 3, 0xa1);
    old = 0;
    asm volatile ("lock cmpxchgq %3, %1; sete %0" : "=q" (zf), "+m" (e[3]), "=a" (old)
                  : "r" (b), "2" (old) : "memory");
    check_eq("lock cmpxchg (mismatch): ZF", zf, 0);
    check_eq("lock cmpxchg (mismatch): rax = the entry", old & ~HV_BITS, a);
    check_eq("lock cmpxchg (mismatch): entry unchanged", entry(3), a);

    /* Write protection on and off, as ptep_set_wrprotect() does. */
    asm volatile ("lock btrq $1, %0" : "+m" (e[0]) :: "memory");
    check_eq("lock btr RW", entry(0), a & ~(uint64_t)_PAGE_RW);
    invlpg_hole(0);
    check_eq("write after btr RW faults", write_byte(HOLE_VA, 1),
             EXINFO_SYM(PF, X86_PFEC_PRESENT | X86_PFEC_WRITE));
    asm volatile ("lock btsq $1, %0" : "+m" (e[0]) :: "memory");
    check_eq("lock bts RW", entry(0), a);
    invlpg_hole(0);
    check_eq("write after bts RW", write_byte(HOLE_VA + 1, 0x5a), 0);
    check_eq("the write reached data_a", data_a[1], 0x5a);

    asm volatile ("lock orq %1, %0" : "+m" (e[1]) : "r" ((uint64_t)_PAGE_RW) : "memory");
    check_eq("lock or RW", entry(1), lo | _PAGE_RW);
    asm volatile ("andq %1, %0" : "+m" (e[1]) : "r" (~(uint64_t)_PAGE_RW) : "memory");
    check_eq("and ~RW", entry(1), lo);
    asm volatile ("lock andq %1, %0" : "+m" (e[2]) : "r" (~(uint64_t)_PAGE_ACCESSED) : "memory");
    check_eq("lock and ~A", entry(2), b & ~(uint64_t)_PAGE_ACCESSED);
    asm volatile ("orb $0x20, %0" : "+m" (*(volatile uint8_t *)&e[2]) :: "memory");
    check_eq("byte or A", entry(2), b);
    asm volatile ("orq %1, %0" : "+m" (e[4]) : "r" (pte_of(data_a, _PAGE_PRESENT)) : "memory");
    check_eq("or into an empty entry", entry(4), pte_of(data_a, _PAGE_PRESENT));
    expect_maps("or", 4, 0xa1);
}

static void hostile(volatile uint64_t *e, uint64_t *l2)
{
    uint64_t l4 = pte_of((void *)start_info->pt_base, PTE_BITS);

    expect_bounced("writable mapping of the L1 itself", &e[5], pte_of(l1, PTE_BITS));
    expect_bounced("writable mapping of the live L4", &e[5], l4);
    expect_bounced("8-byte store across two entries", (volatile uint64_t *)((uintptr_t)&e[6] + 4),
                   pte_of(data_a, PTE_BITS));
    check_eq("read-only mapping of the L1 itself", store8(&e[7], pte_of(l1, _PAGE_PRESENT)), 0);
    expect_bounced("store to an L2 table", &l2[HOLE_SLOT + 1], pte_of(l1, _PAGE_PRESENT));
}

void test_main(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[l4_index(GUEST_VIRT_BASE)]);
    uint64_t *l2 = table_va(l3[l3_index(GUEST_VIRT_BASE)]);
    volatile uint64_t *e = l1;
    struct mmu_update u;

    if ( l2[HOLE_SLOT] )
        return xtf_error("Error: L2 slot %u of the image is in use\n", HOLE_SLOT);
    memset(data_a, 0xa1, sizeof(data_a));
    memset(data_b, 0xb2, sizeof(data_b));
    check_rc("enable writable_pagetables",
             hypercall_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    check_rc("make the L1 read-only", make_page_ro(l1), 0);
    u.ptr = (virt_to_maddr(l2) + HOLE_SLOT * 8) | MMU_NORMAL_PT_UPDATE;
    u.val = pte_of(l1, PTE_BITS);
    check_rc("hook the L1 into the L2", hypercall_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    if ( xtf_status_is_failing() )
        return;

    forms(e);
    hostile(e, l2);

    for ( unsigned int i = 0; i < 8; i++ )
        store8(&e[i], 0);
    u.val = 0;
    check_rc("unhook the L1", hypercall_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    mmuext_one(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
    check_rc("make the L1 writable again", make_page_rw(l1), 0);
}
