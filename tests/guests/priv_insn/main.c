/*
 * Privileged instructions executed by the PV kernel (ring 3), Xen 4.17:
 *  emulated (no fault): mov from %cr0/%cr3/%cr4/%dr7, mov to %cr3 with the
 *    current L4 (and %cr3 reads back the L4's machine address), wbinvd (dom0);
 *  #GP(0): cli, sti, hlt (virtual IOPL 0), mov to %cr3 of a frame that is
 *    not an L4, invd, invlpg, lgdt, lidt, ltr, swapgs, rdpmc, mov %cr8,
 *    in/out (IOPL 0);
 *  #GP(0x402): int $0x80 with no trap-table entry (vector * 8 + 2);
 *  #UD: sysenter;
 *  native: sgdt, rdtsc;
 *  after PHYSDEVOP_set_iopl(1): in/out to port 0x80 are emulated, cli/sti
 *    no longer fault and do not change evtchn_upcall_mask.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "Privileged instructions in the PV kernel";

/* Runs insn with rdx = rdx_in (rcx = 0); exinfo of the fault, or 0. */
#define TRY(insn, rdx_in) ({                                                \
        exinfo_t ex_;                                                       \
        unsigned long rdx_ = (rdx_in);                                      \
        asm volatile ("1: " insn "\n\txor %%eax, %%eax\n2:"                 \
                      _ASM_EXTABLE(1b, 2b)                                  \
                      : "=a" (ex_), "+d" (rdx_) : "0" (0), "c" (0) : "memory"); \
        ex_; })
#define EXPECT(insn, want)           check_eq(insn, TRY(insn, 0), want)
#define EXPECT_RDX(insn, rdx, want)  check_eq(insn, TRY(insn, rdx), want)

static uint8_t data_page[4096] __page_aligned __section(".bss.page_aligned");

void test_main(void)
{
    const exinfo_t gp0 = EXINFO_SYM(GP, 0);
    unsigned long cr3 = 0, v = 0, l4 = virt_to_maddr((void *)start_info->pt_base);
    struct physdev_set_iopl io = { .iopl = 1 };
    exinfo_t ex;

    EXPECT("cli", gp0);
    EXPECT("sti", gp0);
    EXPECT("hlt", gp0);
    EXPECT("invd", gp0);
    EXPECT("invlpg (%%rsp)", gp0);
    EXPECT("lgdt (%%rsp)", gp0);
    EXPECT("lidt (%%rsp)", gp0);
    EXPECT("ltr %%dx", gp0);
    EXPECT("swapgs", gp0);
    EXPECT("rdpmc", gp0);
    EXPECT("mov %%cr8, %%rdx", gp0);
    EXPECT("inb $0x80, %%al", gp0);
    EXPECT("outb %%al, $0x80", gp0);
    EXPECT("int $0x80", EXINFO_SYM(GP, 0x80 * 8 + 2));
    EXPECT("sysenter", EXINFO_SYM(UD, 0));
    EXPECT("wbinvd", 0);
    EXPECT("sub $16, %%rsp; sgdt (%%rsp); add $16, %%rsp", 0);
    EXPECT("rdtsc", 0);

    asm volatile ("1: mov %%cr3, %[v]; xor %%eax, %%eax; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [v] "+r" (cr3) :: "memory");
    check_eq("mov %cr3, reg", ex, 0);
    check_eq("%cr3 = machine address of the L4", cr3, l4);
    EXPECT_RDX("mov %%rdx, %%cr3 # current L4", cr3, 0);
    EXPECT_RDX("mov %%rdx, %%cr3 # data page", virt_to_maddr(data_page), gp0);
    EXPECT_RDX("mov %%rdx, %%cr3 # no such frame", 0xfffffffff000UL, gp0);
    asm volatile ("1: mov %%cr4, %[v]; xor %%eax, %%eax; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [v] "+r" (v) :: "memory");
    check_eq("mov %cr4, reg", ex, 0);
    asm volatile ("1: mov %%dr7, %[v]; xor %%eax, %%eax; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [v] "+r" (v) :: "memory");
    check_eq("mov %dr7, reg", ex, 0);
    check_eq("%dr7 value", v, 0x400);

    check_rc("PHYSDEVOP_set_iopl(1)", hypercall_physdev_op(PHYSDEVOP_set_iopl, &io), 0);
    EXPECT("inb $0x80, %%al # IOPL 1", 0);
    EXPECT("outb %%al, $0x80 # IOPL 1", 0);
    EXPECT("cli # IOPL 1", 0);
    check_eq("upcall mask after cli", vcpu0_info()->evtchn_upcall_mask, 1);
    EXPECT("sti # IOPL 1", 0);
    check_eq("upcall mask after sti", vcpu0_info()->evtchn_upcall_mask, 1);
    EXPECT("hlt # IOPL 1", gp0);
    io.iopl = 0;
    check_rc("PHYSDEVOP_set_iopl(0)", hypercall_physdev_op(PHYSDEVOP_set_iopl, &io), 0);
    EXPECT("outb %%al, $0x80 # IOPL 0 again", gp0);
}
