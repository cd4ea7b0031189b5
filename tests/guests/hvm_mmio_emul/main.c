/*
 * Instructions on the LAPIC page, which only exists as emulated MMIO: the
 * hypervisor must decode and emulate each one against the TPR (0x80, bits
 * 7:0 read/write) and the read-only version register.  Each step is
 * announced first, so if the hypervisor crashes the domain instead the log
 * says which instruction it was.
 *   mov (write/read), movzx byte/word (also the byte at 0x81), movsx,
 *   movs RAM->MMIO and MMIO->RAM, stos, rep stos (rcx 4, registers
 *   updated), xchg, or, and, add, cmp, bts/btr (CF = old bit), cmpxchg
 *   (success and failure), and an or on the read-only version register.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "MMIO emulation on the LAPIC page";

#define TPR_ADDR (APIC_MMIO + APIC_TPR)
static volatile uint32_t *const tpr = (volatile uint32_t *)TPR_ADDR;

static void step(const char *what)
{
    printk("mmio: %s\n", what);
}

void test_main(void)
{
    unsigned long v, p, c;
    uint32_t mem, ver;
    uint8_t cf, zf;

    apic_enable();

    step("mov write, mov read");
    *tpr = 0x20;
    check_eq("TPR after mov", *tpr, 0x20);

    step("movzx byte, movzx word, byte at +1");
    asm volatile ("movzbl (%1), %k0" : "=r" (v) : "r" (TPR_ADDR) : "memory");
    check_eq("movzbl TPR", v, 0x20);
    asm volatile ("movzwl (%1), %k0" : "=r" (v) : "r" (TPR_ADDR) : "memory");
    check_eq("movzwl TPR", v, 0x20);
    asm volatile ("movzbl (%1), %k0" : "=r" (v) : "r" (TPR_ADDR + 1) : "memory");
    check_eq("movzbl TPR+1", v, 0);

    step("movsx byte");
    *tpr = 0x90;
    asm volatile ("movsbl (%1), %k0" : "=r" (v) : "r" (TPR_ADDR) : "memory");
    check_eq("movsbl TPR 0x90", (uint32_t)v, 0xffffff90U);

    step("movs RAM -> MMIO");
    mem = 0x30;
    p = TPR_ADDR;
    c = (unsigned long)&mem;
    asm volatile ("movsl" : "+D" (p), "+S" (c) :: "memory");
    check_eq("TPR after movsl from RAM", *tpr, 0x30);
    check_eq("rdi after movsl", p, TPR_ADDR + 4);

    step("movs MMIO -> RAM");
    mem = 0;
    p = (unsigned long)&mem;
    c = TPR_ADDR;
    asm volatile ("movsl" : "+D" (p), "+S" (c) :: "memory");
    check_eq("RAM after movsl from TPR", mem, 0x30);
    check_eq("rsi after movsl", c, TPR_ADDR + 4);

    step("stos");
    p = TPR_ADDR;
    asm volatile ("stosl" : "+D" (p) : "a" (0x40) : "memory");
    check_eq("TPR after stosl", *tpr, 0x40);

    step("rep stos, rcx 4");
    p = TPR_ADDR;
    c = 4;
    asm volatile ("rep stosl" : "+D" (p), "+c" (c) : "a" (0x50) : "memory");
    check_eq("TPR after rep stosl", *tpr, 0x50);
    check_eq("rcx after rep stosl", c, 0);
    check_eq("rdi after rep stosl", p, TPR_ADDR + 16);

    step("xchg");
    v = 0x60;
    asm volatile ("xchg %k0, (%1)" : "+r" (v) : "r" (TPR_ADDR) : "memory");
    check_eq("old value from xchg", v, 0x50);
    check_eq("TPR after xchg", *tpr, 0x60);

    step("or, and, add");
    asm volatile ("orl $0x0f, (%0)" :: "r" (TPR_ADDR) : "memory");
    check_eq("TPR after or", *tpr, 0x6f);
    asm volatile ("andl $0xf0, (%0)" :: "r" (TPR_ADDR) : "memory");
    check_eq("TPR after and", *tpr, 0x60);
    asm volatile ("addl $0x10, (%0)" :: "r" (TPR_ADDR) : "memory");
    check_eq("TPR after add", *tpr, 0x70);

    step("cmp");
    asm volatile ("cmpl $0x70, (%1); sete %0" : "=q" (zf) : "r" (TPR_ADDR) : "memory");
    check_eq("ZF of cmp TPR, 0x70", zf, 1);

    step("bts, btr");
    asm volatile ("btsl $7, (%1); setc %0" : "=q" (cf) : "r" (TPR_ADDR) : "memory");
    check_eq("CF of bts bit 7", cf, 0);
    check_eq("TPR after bts", *tpr, 0xf0);
    asm volatile ("btrl $7, (%1); setc %0" : "=q" (cf) : "r" (TPR_ADDR) : "memory");
    check_eq("CF of btr bit 7", cf, 1);
    check_eq("TPR after btr", *tpr, 0x70);

    step("cmpxchg");
    v = 0x70;
    asm volatile ("lock cmpxchg %k2, (%3); sete %1"
                  : "+a" (v), "=q" (zf) : "r" (0x21), "r" (TPR_ADDR) : "memory");
    check_eq("ZF of a matching cmpxchg", zf, 1);
    check_eq("TPR after cmpxchg", *tpr, 0x21);
    v = 0x99;
    asm volatile ("lock cmpxchg %k2, (%3); sete %1"
                  : "+a" (v), "=q" (zf) : "r" (0x33), "r" (TPR_ADDR) : "memory");
    check_eq("ZF of a failing cmpxchg", zf, 0);
    check_eq("eax of a failing cmpxchg", (uint32_t)v, 0x21);
    check_eq("TPR after a failing cmpxchg", *tpr, 0x21);

    step("or on the read-only version register");
    ver = apic_read(APIC_VERSION);
    asm volatile ("orl $0xff00, (%0)" :: "r" (APIC_MMIO + APIC_VERSION) : "memory");
    check_eq("version after or", apic_read(APIC_VERSION), ver);
    check_eq("version & 0xff", ver & 0xff, 0x14);
    if ( ((ver >> 16) & 0xff) < 4 )
        xtf_failure("Fail: version %#x: max LVT %u\n", ver, (ver >> 16) & 0xff);

    *tpr = 0;
}
