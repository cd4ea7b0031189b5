/*
 * Privileged instructions an HVM guest must not run on the real machine,
 * and the debug registers Keel now emulates, answered as Xen answers an
 * HVM guest without nested SVM, vPMU or passed-through devices (read from
 * Xen 4.17's svm.c; pvh/hvm64 tests have no Xen run):
 *  - WBINVD and INVD at CPL 0 complete with no exception (Xen: a no-op
 *    without cache_flush_permitted()); hvm64: WBINVD at CPL 3 is #GP(0);
 *  - INVLPGA is #UD (an SVM instruction; the guest has no SVM), where
 *    executed natively it would drop any ASID's translations;
 *  - RDPMC is #GP(0) (no vPMU: the counters are not the guest's; QEMU
 *    TCG's native RDPMC gives #UD, so this also shows the intercept);
 *  - MOV DR: a value written to DR0 reads back, DR6 reads its fixed ones,
 *    DR4/DR5 alias DR6/DR7 without CR4.DE and are #UD with it, hvm64: a 1
 *    in bits 63:32 of DR6/DR7 is #GP(0); DR7.GD turns the next DR access
 *    into #DB with DR6.BD set and GD cleared (QEMU TCG does not implement
 *    GD natively: before Keel emulated DR accesses there was no #DB).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Privileged instructions and debug registers";

#define X86_CR4_DE (1UL << 3)
#define DR6_BD     (1UL << 13)
#define DR7_GD     (1UL << 13)

#ifdef __x86_64__
#define DX "%%rdx"
#else
#define DX "%%edx"
#endif

#define TRY(insn, ...) ({                                                  \
        exinfo_t ex_;                                                      \
        asm volatile ("1: " insn "; 2:"                                    \
                      _ASM_EXTABLE(1b, 2b)                                 \
                      : "=a" (ex_) : "0" (0), ##__VA_ARGS__ : "memory");   \
        ex_;                                                               \
    })

static void expect(const char *what, exinfo_t ex, exinfo_t want)
{
    printk("%s: exinfo %#x\n", what, ex);
    if ( ex != want )
        xtf_failure("Fail: %s: exinfo %#x, expected %#x\n", what, ex, want);
}

static unsigned long read_dr0(void)
{
    unsigned long v;

    asm volatile ("mov %%dr0, %0" : "=r" (v));
    return v;
}

static unsigned long read_dr6(void)
{
    unsigned long v;

    asm volatile ("mov %%dr6, %0" : "=r" (v));
    return v;
}

#ifdef __x86_64__
static unsigned long user_wbinvd(unsigned long arg)
{
    (void)arg;
    return TRY("wbinvd");
}
#endif

static void cache_and_tlb(void)
{
    expect("wbinvd at CPL 0", TRY("wbinvd"), 0);
    expect("invd at CPL 0", TRY("invd"), 0);
    expect("invlpga", TRY(".byte 0x0f, 0x01, 0xdf", "c" (0)), EXINFO_SYM(UD, 0));
    expect("rdpmc 0", TRY("rdpmc", "c" (0)), EXINFO_SYM(GP, 0));
#ifdef __x86_64__
    expect("wbinvd at CPL 3", exec_user(user_wbinvd, 0), EXINFO_SYM(GP, 0));
#endif
}

static void debug_registers(void)
{
    unsigned long cr4, v;
    exinfo_t ex;

    asm volatile ("mov %0, %%dr0" :: "r" (0x12345678UL));
    check_eq("DR0 read back", read_dr0(), 0x12345678UL);
    asm volatile ("mov %0, %%dr6" :: "r" (0UL));
    check_eq("DR6 after writing 0", read_dr6() & 0xffffffffUL, 0xffff0ff0UL);

    asm volatile ("mov %%cr4, %0" : "=r" (cr4));
    asm volatile ("mov %0, %%cr4" :: "r" (cr4 & ~X86_CR4_DE));
    asm volatile ("mov %%dr4, %0" : "=r" (v));
    check_eq("DR4 (alias of DR6) without CR4.DE", v & 0xffffffffUL, 0xffff0ff0UL);
    asm volatile ("mov %0, %%cr4" :: "r" (cr4 | X86_CR4_DE));
    expect("mov from DR4 with CR4.DE", TRY("mov %%dr4, " DX, "d" (0)), EXINFO_SYM(UD, 0));
    asm volatile ("mov %0, %%cr4" :: "r" (cr4));
#ifdef __x86_64__
    expect("mov to DR7 with bit 32 set", TRY("mov " DX ", %%dr7", "d" (1UL << 32)),
           EXINFO_SYM(GP, 0));
    expect("mov to DR6 with bit 32 set", TRY("mov " DX ", %%dr6", "d" (1UL << 32)),
           EXINFO_SYM(GP, 0));
#endif

    /* General detect: the access after GD is set faults with DR6.BD. */
    asm volatile ("mov %0, %%dr7" :: "r" (0x400UL | DR7_GD));
    ex = TRY("mov %%dr0, " DX, "d" (0));
    expect("DR access with DR7.GD set", ex, EXINFO_SYM(DB, 0));
    if ( ex == EXINFO_SYM(DB, 0) )
    {
        v = read_dr6();
        printk("DR6 after the general-detect #DB: %#lx\n", v);
        if ( !(v & DR6_BD) )
            xtf_failure("Fail: DR6.BD clear after the general-detect #DB (%#lx)\n", v);
    }
    asm volatile ("mov %%dr7, %0" : "=r" (v));
    printk("DR7 after it: %#lx\n", v);
    if ( v & DR7_GD )
    {
        xtf_failure("Fail: DR7.GD still set after the #DB (%#lx)\n", v);
        asm volatile ("1: mov %0, %%dr7; 2:" _ASM_EXTABLE(1b, 2b)
                      :: "r" (0x400UL), "a" (0));
    }
    asm volatile ("mov %0, %%dr7" :: "r" (0x400UL));
    asm volatile ("mov %0, %%dr6" :: "r" (0UL));
}

void test_main(void)
{
    cache_and_tlb();
    debug_registers();
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable: none of these reached the real machine\n");
}
