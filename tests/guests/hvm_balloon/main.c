/*
 * Ballooning an HVM/PVH guest (Xen 4.17's memory_op for a translated
 * domain, as Linux's balloon driver uses it; mem=64):
 *  - decrease_reservation of a RAM gfn (holding a pattern): 1 extent done,
 *    current_reservation one page less, the gfn now a hole (reads all
 *    ones, writes dropped); the same gfn again: 0 done (not RAM);
 *  - decrease of a 2 MiB extent (order 9): 1 done, 512 pages less;
 *  - populate_physmap of both back: 1 done each, the pages read zeroes
 *    (never the pattern: the frames are fresh or scrubbed), hold data, and
 *    the reservation is what it was;
 *  - populate where RAM or a device already is (the vLAPIC page), of an
 *    extent not aligned to its order, past max_pages: 0 done;
 *    increase_reservation (frames a translated guest could not name): 0;
 *    an extent list Keel cannot read: 0 done;
 *  - exchange: -ENOSYS (machine-contiguous memory is PV's business).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Balloon out and back in (decrease_reservation, populate_physmap)";

#define GFN_SINGLE  (32ULL << (20 - 12))      /* 32 MiB: RAM the test never uses */
#define GFN_EXTENT  (34ULL << (20 - 12))      /* 34 MiB: a 2 MiB-aligned extent */
#define GFN_VLAPIC  0xfee00ULL
#define PATTERN     0xa5a5a5a5U

static long reservation(unsigned int cmd, uint64_t *list, uint64_t nr, unsigned int order)
{
    struct xen_memory_reservation r = {
        .extent_start = (uint64_t)(uintptr_t)list, .nr_extents = nr,
        .extent_order = order, .domid = DOMID_SELF,
    };

    return hypercall_memory_op(cmd, &r);
}

static long pages_now(void)
{
    domid_t_abi self = DOMID_SELF;

    return hypercall_memory_op(XENMEM_current_reservation, &self);
}

static volatile uint32_t *word_at(uint64_t gfn, unsigned int offset)
{
    return phys_ptr((gfn << 12) + offset);
}

static void fill(uint64_t gfn, unsigned long frames)
{
    for ( unsigned long f = 0; f < frames; f++ )
        for ( unsigned int o = 0; o < 4096; o += 4 )
            *word_at(gfn + f, o) = PATTERN;
}

/* Every word of the frames reads want. */
static bool reads_all(uint64_t gfn, unsigned long frames, uint32_t want)
{
    for ( unsigned long f = 0; f < frames; f++ )
        for ( unsigned int o = 0; o < 4096; o += 4 )
            if ( *word_at(gfn + f, o) != want )
            {
                printk("gfn %#llx offset %u reads %#x, expected %#x\n",
                       (unsigned long long)(gfn + f), o, *word_at(gfn + f, o), want);
                return false;
            }
    return true;
}

static void balloon_out(long start)
{
    uint64_t g = GFN_SINGLE, e = GFN_EXTENT;

    fill(GFN_SINGLE, 1);
    fill(GFN_EXTENT, 512);
    check_rc("decrease_reservation of one RAM page",
             reservation(XENMEM_decrease_reservation, &g, 1, 0), 1);
    check_rc("current_reservation after it", pages_now(), start - 1);
    if ( !reads_all(GFN_SINGLE, 1, 0xffffffffU) )
        xtf_failure("Fail: the released gfn does not read all ones\n");
    *word_at(GFN_SINGLE, 0) = 0x12345678;
    check_eq("a write to the hole is dropped", *word_at(GFN_SINGLE, 0), 0xffffffffU);
    check_rc("decrease_reservation of the same gfn again",
             reservation(XENMEM_decrease_reservation, &g, 1, 0), 0);
    check_rc("decrease_reservation of a 2 MiB extent",
             reservation(XENMEM_decrease_reservation, &e, 1, 9), 1);
    check_rc("current_reservation after it", pages_now(), start - 513);
}

static void balloon_in(long start)
{
    uint64_t g = GFN_SINGLE, e = GFN_EXTENT;

    check_rc("populate_physmap of the page", reservation(XENMEM_populate_physmap, &g, 1, 0), 1);
    check_rc("populate_physmap of the extent", reservation(XENMEM_populate_physmap, &e, 1, 9), 1);
    check_rc("current_reservation back", pages_now(), start);
    if ( !reads_all(GFN_SINGLE, 1, 0) || !reads_all(GFN_EXTENT, 512, 0) )
        xtf_failure("Fail: a populated page does not read zeroes\n");
    fill(GFN_SINGLE, 1);
    if ( !reads_all(GFN_SINGLE, 1, PATTERN) )
        xtf_failure("Fail: the populated page does not hold data\n");
}

static void refusals(void)
{
    uint64_t g = GFN_SINGLE, lapic = GFN_VLAPIC, odd = GFN_EXTENT + 1, far = 0x30000;
    long max;
    domid_t_abi self = DOMID_SELF;

    check_rc("populate_physmap over RAM", reservation(XENMEM_populate_physmap, &g, 1, 0), 0);
    check_rc("populate_physmap over the vLAPIC",
             reservation(XENMEM_populate_physmap, &lapic, 1, 0), 0);
    check_rc("populate_physmap of an unaligned order-1 extent",
             reservation(XENMEM_populate_physmap, &odd, 1, 1), 0);
    max = hypercall_memory_op(XENMEM_maximum_reservation, &self);
    printk("reservation %ld of maximum %ld pages\n", pages_now(), max);
    if ( pages_now() >= max )
        check_rc("populate_physmap past max_pages",
                 reservation(XENMEM_populate_physmap, &far, 1, 0), 0);
    check_rc("increase_reservation", reservation(XENMEM_increase_reservation, &g, 1, 0), 0);
    check_rc("decrease_reservation with an unreadable list",
             reservation(XENMEM_decrease_reservation, (uint64_t *)(uintptr_t)0xfff00000U, 1, 0),
             0);
    check_rc("exchange", hypercall_memory_op(XENMEM_exchange, &g), -ENOSYS);
}

void test_main(void)
{
    long start = pages_now();

    printk("current_reservation %ld pages\n", start);
    if ( start <= 0 )
        return xtf_error("Error: current_reservation %ld\n", start);
    balloon_out(start);
    balloon_in(start);
    refusals();
}
