/*
 * Exception fixups: instructions allowed to fault (probing an MSR, touching
 * a possibly bad address) list a continuation in .ex_table.  The boot
 * self-test proves the mechanism with a real #GP, #PF and int3.
 */
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <asm/extable.h>
#include <asm/config.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/smap.h>
#include <asm/traps.h>

extern const struct exception_table_entry __ex_table_start[], __ex_table_end[];

unsigned long search_exception_table(unsigned long rip)
{
    for ( const struct exception_table_entry *e = __ex_table_start;
          e < __ex_table_end; e++ )
    {
        unsigned long insn = (unsigned long)&e->insn + e->insn;

        if ( insn == rip )
            return (unsigned long)&e->fixup + e->fixup;
    }
    return 0;
}

/* Read a byte at any address; -EFAULT (as -14) when it faults. */
static int probe_read_byte(const volatile uint8_t *p, uint8_t *val)
{
    int rc = 0;
    uint8_t v = 0;

    __asm__ __volatile__("1: movb (%2), %1\n"
                         "2:\n"
                         _ASM_FIXUP_SET_0(-14)
                         : "+r" (rc), "+q" (v) : "r" (p) : "memory");
    *val = v;
    return rc;
}

/* Execute ud2; true when the #UD came and the fixup resumed us. */
static bool probe_ud2(void)
{
    int faulted = 0;

    __asm__ __volatile__("1: ud2\n"
                         "2:\n"
                         _ASM_FIXUP_SET_0(1)
                         : "+r" (faulted));
    return faulted;
}

/* Divide by a zero the compiler cannot see; true when #DE was fixed up. */
static bool probe_divide_error(unsigned int zero)
{
    int faulted = 0;
    unsigned int eax = 1, edx = 0;

    __asm__ __volatile__("1: divl %3\n"
                         "2:\n"
                         _ASM_FIXUP_SET_0(1)
                         : "+r" (faulted), "+a" (eax), "+d" (edx) : "r" (zero));
    return faulted;
}

/*
 * SMAP bites: the M2P (slot 256) is a user page in Keel's own tables; a
 * read of it outside a guest-access window must fault (and be fixed up),
 * inside one it must work.
 */
static void smap_selftest(void)
{
    const volatile uint8_t *user_page = (const volatile uint8_t *)RO_MPT_VIRT_START;
    const char *smep = read_cr4() & X86_CR4_SMEP ? "on" : "off";
    uint8_t byte = 0;
    bool outside, inside;

    if ( !smap_enabled )
    {
        printk("SMAP self-test skipped: the CPU has no SMAP (SMEP %s)\n", smep);
        return;
    }
    outside = probe_read_byte(user_page, &byte) == -14;
    guest_access_begin();
    inside = probe_read_byte(user_page, &byte) == 0;
    guest_access_end();
    if ( !outside || !inside )
        panic("SMAP self-test failed: user page read outside a window %s, inside %s",
              outside ? "faulted" : "did NOT fault", inside ? "worked" : "faulted");
    printk("SMAP self-test passed: a user-page read outside a guest-access window "
           "faulted and was fixed up, inside one it read %#x (SMEP %s)\n", byte, smep);
}

static const char *verdict(bool ok)
{
    return ok ? "ok" : "FAILED";
}

void exception_selftest(void)
{
    /* Slot 258 of the hole is never mapped; 1 << 63 is non-canonical. */
    const volatile uint8_t *unmapped = (const volatile uint8_t *)0xffff810000000000UL;
    const volatile uint8_t *noncanonical = (const volatile uint8_t *)0x8000000000000000UL;
    volatile unsigned int zero = 0;
    unsigned long int3_before = exception_selftest_count();
    uint8_t byte;
    bool pf_ok, gp_ok, ud_ok, de_ok, int3_ok;

    pf_ok = probe_read_byte(unmapped, &byte) == -14;
    gp_ok = probe_read_byte(noncanonical, &byte) == -14;
    ud_ok = probe_ud2();
    de_ok = probe_divide_error(zero);
    __asm__ __volatile__("int3");
    int3_ok = exception_selftest_count() == int3_before + 1;
    if ( !(pf_ok && gp_ok && ud_ok && de_ok && int3_ok) )
        panic("exception self-test failed: #PF %s, #GP %s, #UD %s, #DE %s, int3 %s",
              verdict(pf_ok), verdict(gp_ok), verdict(ud_ok), verdict(de_ok),
              verdict(int3_ok));
    printk("Exception self-test passed: #PF, #GP, #UD and #DE recovered through "
           "fixups, int3 resumed\n");
    smap_selftest();
    debug_selftest();
}
