/*
 * Attack (issue 8, PV descriptor-table locking): two vCPUs race descriptor
 * updates against page-type changes and GDT replacement.
 *  1. vCPU 1, over and over: clears entry 0 of a frame (update_descriptor
 *     0), pins the frame as an L1, reads entry 0, unpins.  vCPU 0 meanwhile
 *     writes a valid data descriptor and 0 into entry 0 by turns
 *     (update_descriptor) as fast as it can.  As a PTE that descriptor is present and points far
 *     beyond RAM and MAXPHYADDR, so a pin that validates it fails: a pin
 *     that succeeds and then shows it in entry 0 means the write landed in
 *     a validated page table (an update_descriptor that checks the type
 *     and writes later, without the page-type lock).  Unpinning ignores
 *     such an entry (no frame, no reference).  Expected (Xen 4.17 and
 *     Keel): updates answer 0 or -EINVAL (the frame was a page table then),
 *     pins 0 or -EINVAL, and no pinned table ever shows the descriptor.
 *  2. vCPU 1 replaces its GDT (set_gdt, two frames in turn) over and over
 *     while vCPU 0 rewrites a descriptor in one of them, which makes the
 *     hypervisor update every vCPU's copy of that frame (Keel's shadows,
 *     freed and replaced by set_gdt).  Expected: every call answers 0 or
 *     -EINVAL (Xen 4.17 refuses one now and then: its update_descriptor
 *     holds a writable type reference on a GDT frame whose descriptor count
 *     just dropped to 0, and set_gdt of that frame fails meanwhile; Keel's
 *     answer 0 every time); afterwards vCPU 0 installs that frame itself
 *     and the selector has the last descriptor written (lsl), and the
 *     hypervisor is alive.
 * Prints "Not vulnerable" when no pinned entry changed and the GDT agreed.
 */
#include "pv.h"
#include "pv_vcpu.h"
#include "console.h"
#include "report.h"

const char test_title[] = "update_descriptor and set_gdt racing page-type changes";

#define IDX      5                      /* part 2's descriptor */
#define ROUNDS   6000UL
#define LOOPS    4000000UL
/* Data, read/write, DPL 3, present; as a PTE: present, address 0xf2... (no RAM). */
#define DESC_BIG   0x00cff2000000ffffUL /* G: limit 0xffffffff */
#define DESC_SMALL 0x0040f20000000ffeUL /* limit 0xffe */

static uint64_t frame[512] __attribute__((aligned(4096)));
static uint64_t gdt_a[512] __attribute__((aligned(4096)));
static uint64_t gdt_b[512] __attribute__((aligned(4096)));
static uint8_t ap_stack[PV_VCPU_STACK] __attribute__((aligned(16)));

static volatile unsigned long phase, ap_done, pins_ok, pins_refused, changed, last_seen;
static volatile unsigned long gdt_ok, gdt_refused, gdt_bad;

static void ap_pin_loop(void)
{
    for ( unsigned long i = 0; i < ROUNDS; i++ )
    {
        uint64_t v;

        hypercall_update_descriptor(virt_to_maddr(frame), 0);
        if ( mmuext_one(MMUEXT_PIN_L1_TABLE, virt_to_mfn(frame), 0) )
        {
            pins_refused++;
            continue;
        }
        pins_ok++;
        v = ((volatile uint64_t *)frame)[0];
        if ( v != 0 )
        {
            changed++;
            last_seen = v;
        }
        mmuext_one(MMUEXT_UNPIN_TABLE, virt_to_mfn(frame), 0);
    }
}

static void ap_gdt_loop(void)
{
    xen_pfn_t a = virt_to_mfn(gdt_a), b = virt_to_mfn(gdt_b);

    for ( unsigned long i = 0; i < ROUNDS; i++ )
    {
        long rc = hypercall_set_gdt((i & 1) ? &b : &a, 512);

        if ( rc == 0 )
            gdt_ok++;
        else if ( rc == -EINVAL )
            gdt_refused++;
        else
            gdt_bad++;
    }
    hypercall_set_gdt(&a, 512);
}

static void ap_main(unsigned int id)
{
    (void)id;
    while ( phase != 1 )
        ;
    ap_pin_loop();
    ap_done = 1;
    while ( phase != 2 )
        ;
    ap_gdt_loop();
    ap_done = 2;
}

/* update_descriptor until vCPU 1 is done; counts of 0 and -EINVAL answers. */
static void race_updates(void *page, unsigned int idx, unsigned long until, unsigned long *ok,
                         unsigned long *refused, unsigned long *other)
{
    uint64_t maddr = virt_to_maddr(page) + idx * 8;
    unsigned long n = 0;

    while ( ap_done != until && n++ < LOOPS )
        for ( unsigned int k = 0; k < 2; k++ )
        {
            long rc = hypercall_update_descriptor(maddr, k ? 0 : DESC_BIG);

            if ( rc == 0 )
                (*ok)++;
            else if ( rc == -EINVAL )
                (*refused)++;
            else
                (*other)++;
        }
}

static unsigned long lsl(unsigned int sel, bool *valid)
{
    unsigned long limit = 0;
    uint8_t ok;

    asm volatile ("lsl %2, %0; setz %1" : "+r" (limit), "=q" (ok) : "r" ((unsigned long)sel));
    *valid = ok;
    return limit;
}

static void part1(void)
{
    unsigned long ok = 0, refused = 0, other = 0;

    phase = 1;
    race_updates(frame, 0, 1, &ok, &refused, &other);
    printk("part 1: updates 0: %lu, -EINVAL: %lu, other: %lu; pins %lu ok, %lu refused; "
           "a pinned table showed the descriptor %lu times\n", ok, refused, other, pins_ok, pins_refused, changed);
    if ( ap_done != 1 )
        return (void)xtf_failure("Fail: vCPU 1 did not finish part 1\n");
    if ( other )
        xtf_failure("Fail: update_descriptor answered neither 0 nor -EINVAL\n");
    if ( changed )
        xtf_failure("Fail: update_descriptor wrote %#lx into a pinned L1\n", last_seen);
    check_rc("restore the entry", hypercall_update_descriptor(virt_to_maddr(frame), 0), 0);
}

static void part2(void)
{
    unsigned long ok = 0, refused = 0, other = 0;
    xen_pfn_t a = virt_to_mfn(gdt_a);
    uint64_t maddr = virt_to_maddr(gdt_a) + IDX * 8;
    unsigned long limit;
    bool valid;

    phase = 2;
    race_updates(gdt_a, IDX, 2, &ok, &refused, &other);
    printk("part 2: updates 0: %lu, -EINVAL: %lu, other: %lu; set_gdt 0: %lu, -EINVAL: %lu, "
           "other: %lu\n", ok, refused, other, gdt_ok, gdt_refused, gdt_bad);
    if ( ap_done != 2 )
        return (void)xtf_failure("Fail: vCPU 1 did not finish part 2\n");
    if ( other || gdt_bad )
        xtf_failure("Fail: an update_descriptor or set_gdt answered neither 0 nor -EINVAL\n");
    check_rc("update the descriptor once more", hypercall_update_descriptor(maddr, DESC_SMALL), 0);
    check_rc("vCPU 0 installs the same frame", hypercall_set_gdt(&a, 512), 0);
    limit = lsl(IDX * 8 + 3, &valid);
    printk("part 2: lsl of selector %#x: %#lx (%s)\n", IDX * 8 + 3, limit,
           valid ? "valid" : "invalid");
    if ( !valid || limit != 0xffe )
        xtf_failure("Fail: the GDT does not hold the last descriptor written\n");
}

void test_main(void)
{
    long rc;

    if ( pv_nr_vcpus(64) < 2 )
        return (void)xtf_skip("Skip: needs 2 vCPUs (QEMU -smp 2)\n");
    check_rc("frame read-only", make_page_ro(frame), 0);
    check_rc("gdt_a read-only", make_page_ro(gdt_a), 0);
    check_rc("gdt_b read-only", make_page_ro(gdt_b), 0);
    rc = pv_start_vcpu(1, ap_main, ap_stack + sizeof(ap_stack));
    check_rc("start vCPU 1", rc, 0);
    if ( rc || xtf_status_is_failing() )
        return;
    part1();
    part2();
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
