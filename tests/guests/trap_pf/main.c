/*
 * #PF delivery: error code and vcpu_info.arch.cr2.
 *  kernel read of an unmapped VA        -> ec 0 (U cleared: guest kernel mode)
 *  kernel write to a page remapped read-only (update_va_mapping) -> ec P|W
 *  kernel write to the read-only M2P    -> ec P|W
 *  kernel read / write of the hypervisor's area -> ec P / P|W, cr2 = the address
 *  user read of an unmapped VA          -> ec U, user CS in the frame
 *  user write to a read-only page       -> ec P|W|U
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "#PF delivery, error codes and cr2";

static uint8_t ro_page[4096] __page_aligned __section(".bss.page_aligned");

static exinfo_t probe(unsigned long addr, bool write, unsigned long *rip, unsigned long *sp)
{
    exinfo_t ex;
    unsigned long r, s;

    if ( write )
        asm volatile ("lea 1f(%%rip), %[rip]; mov %%rsp, %[sp];"
                      "1: movb $0, (%[a]); 2:"
                      _ASM_EXTABLE(1b, 2b)
                      : "=a" (ex), [rip] "=&r" (r), [sp] "=&r" (s)
                      : "0" (0), [a] "r" (addr) : "memory");
    else
        asm volatile ("lea 1f(%%rip), %[rip]; mov %%rsp, %[sp];"
                      "1: movb (%[a]), %%dl; 2:"
                      _ASM_EXTABLE(1b, 2b)
                      : "=a" (ex), [rip] "=&r" (r), [sp] "=&r" (s)
                      : "0" (0), [a] "r" (addr) : "rdx", "memory");
    if ( rip )
        *rip = r, *sp = s;
    return ex;
}

static unsigned long user_rip, user_sp;
static unsigned long user_read(unsigned long addr)
{
    return probe(addr, false, &user_rip, &user_sp);
}
static unsigned long user_write(unsigned long addr)
{
    return probe(addr, true, &user_rip, &user_sp);
}

static void expect_pf(const char *what, exinfo_t ex, unsigned long addr, unsigned int ec)
{
    if ( ex != EXINFO_SYM(PF, ec) )
        xtf_failure("Fail: %s: got exinfo %#x (vec %u ec %#x), expected #PF ec %#x\n",
                    what, ex, exinfo_vec(ex), exinfo_ec(ex), ec);
    check_eq("cr2 in vcpu_info", last_exception.cr2, addr);
}

void test_main(void)
{
    unsigned long rip, sp, hv = 0xffff830000000000UL;
    exinfo_t ex;

    ex = probe(0x1000, false, &rip, &sp);
    expect_pf("kernel read of unmapped 0x1000", ex, 0x1000, 0);
    check_exception_frame("#PF", X86_EXC_PF, 0, rip, sp, FRAME_CS_KERNEL, 0);

    if ( make_page_ro(ro_page) )
        return xtf_error("Error: cannot remap a page read-only\n");
    ex = probe((unsigned long)ro_page + 0x10, true, NULL, NULL);
    expect_pf("kernel write to a read-only page", ex, (unsigned long)ro_page + 0x10,
              X86_PFEC_PRESENT | X86_PFEC_WRITE);

    ex = probe(MACH2PHYS_VIRT_START + 8, true, NULL, NULL);
    expect_pf("kernel write to the M2P", ex, MACH2PHYS_VIRT_START + 8,
              X86_PFEC_PRESENT | X86_PFEC_WRITE);

    /*
     * Xen 4.17: the hypervisor's own supervisor mapping is present, and the
     * guest kernel sees kernel-mode error codes: 1 for the read, 3 for the
     * write.
     */
    ex = probe(hv, false, NULL, NULL);
    expect_pf("kernel read of the hypervisor area", ex, hv, X86_PFEC_PRESENT);
    ex = probe(hv, true, NULL, NULL);
    expect_pf("kernel write to the hypervisor area", ex, hv,
              X86_PFEC_PRESENT | X86_PFEC_WRITE);

    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");
    ex = exec_user(user_read, 0x2000);
    expect_pf("user read of unmapped 0x2000", ex, 0x2000, X86_PFEC_USER);
    check_exception_frame("user #PF", X86_EXC_PF, X86_PFEC_USER, user_rip, user_sp,
                          FRAME_CS_USER,
                          (unsigned long)kernel_entry_stack + KERNEL_ENTRY_STACK_SIZE);
    ex = exec_user(user_write, (unsigned long)ro_page + 0x20);
    expect_pf("user write to a read-only page", ex, (unsigned long)ro_page + 0x20,
              X86_PFEC_PRESENT | X86_PFEC_WRITE | X86_PFEC_USER);
}
