/*
 * Randomized hypercalls from a PV dom0 (lib fuzz.h): random numbers and
 * arguments biased towards boundary values, the known sub-ops of each
 * hypercall, pointers to the fuzzer's own buffers half of the time and
 * otherwise to unmapped, read-only, hypervisor and non-canonical
 * addresses, huge counts.  The seed and the count are printed first and
 * may be given on the command line ("fuzz_seed=N fuzz_calls=N"): the
 * default run (make test) is a fixed seed and a count that takes well
 * under a minute under TCG; `make fuzz` runs 100,000 calls.
 *
 * Afterwards the hypervisor must be alive (hypercalls answer, a trap is
 * delivered, the timer wakes a block) and the frame accounting must
 * balance: XENMEM_current_reservation equals its value before the run
 * plus the pages each successful increase/populate added and minus those
 * each successful decrease removed (exchange is page-neutral).
 *
 * Deny-list (what the fuzzer never asks, because a correct hypervisor
 * would then end or break the fuzzer itself; each denial is counted):
 *  - iret (23): it returns to a frame on the fuzzer's stack;
 *  - sched_op shutdown/remote_shutdown/watchdog, sched_op_compat other
 *    than yield; block and poll only with a timer/timeout <= 2 ms ahead
 *    (never inside a multicall, where an earlier entry may move the timer);
 *  - vcpu_op down of vCPU 0, up of any vCPU (a random context would crash
 *    the domain), send_nmi; register_vcpu_info inside a multicall (outside,
 *    a move of vCPU 0's vcpu_info that succeeds is followed: the fuzzer maps
 *    the new frame and takes its upcall mask and clock from there);
 *  - event channels: close/bind_vcpu of the fuzzer's timer port, reset,
 *    the FIFO ABI (init_control, expand_array, set_priority);
 *  - memory: decrease_reservation/exchange of, mmu_update into, CLEAR/
 *    COPY_PAGE of, and update_va_mapping over the frames and addresses the
 *    fuzzer lives in (image, bootstrap tables, p2m, shared_info: the
 *    "protected" frames); MMUEXT_NEW_BASEPTR (a random L4 unmaps us);
 *  - dom0 powers: platform_op other than the queries, settime and unknown
 *    numbers; physdev apic_write, setup_gsi/map_pirq of legacy GSIs
 *    (0-15), MSI set-up and restore, mmcfg_reserved; sysctl/domctl only
 *    with a wrong interface version; kexec, xenpmu mode changes, hypfs
 *    writes, MCA injection; grant_table_op other than the queries;
 *  - console_io write of more than 256 bytes from a valid buffer (a
 *    flood of the log is not a finding), and it writes printable bytes.
 * set_trap_table and callback_op run as generated; the after hook puts the
 * fuzzer's own trap table and callbacks back.  Traps the fuzzer survives
 * (#DB from a random DR7, NMI, #BP, #NM, #MC) are counted and resumed;
 * event upcalls (block unmasks events) are counted.
 */
#include "fuzz.h"
#include <public/platform.h>
#include "pv.h"
#include "pv_clock.h"
#include "pv_events.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "randomized hypercalls from a PV dom0";

#define DEFAULT_SEED  0x4b45454cUL          /* "KEEL" */
#define DEFAULT_CALLS 20000
#define ARENA_PAGES   16
#define PROTECT_FRAMES (1UL << 20)          /* machine frames covered: 4 GiB */

/* Xen 4.17 numbers Keel's public headers do not name. */
#define HC_sched_op_compat     6
#define HC_event_channel_op_compat 16
#define HC_physdev_op_compat   19
#define HC_grant_table_op      20
#define HC_update_va_mapping_otherdomain 22
#define HC_nmi_op              28
#define HC_sysctl              35
#define HC_domctl              36
#define HC_kexec_op            37
#define HC_xenpmu_op           40
#define HC_hypfs_op            42
#define HC_mca                 48
#define HC_arch_1              49
#define EVTCHNOP_expand_array  12
#define EVTCHNOP_set_priority  13
#define VCPUOP_down_vcpu       VCPUOP_down

/*
 * [guard RO][arena][guard unmapped]: the hypervisor may write anywhere in
 * the arena; a read running off its end faults on the unmapped page.
 */
static uint8_t scratch[ARENA_PAGES + 2][4096] __page_aligned __section(".bss.page_aligned");
#define ARENA      (scratch[1])
#define ARENA_SIZE (ARENA_PAGES * 4096UL)
#define ARENA_END  ((unsigned long)scratch[ARENA_PAGES + 1])

static uint8_t protected_mfn[PROTECT_FRAMES / 8];
static uint8_t our_mfn[PROTECT_FRAMES / 8];
static unsigned long limit_pfn, max_mfn;
static long timer_port = -1;
static unsigned long traps[32];
static long reservation_before;
/* This call's count, and what it may have done uncounted (see note_uncounted). */
static long call_before, call_counted, call_unreported, call_partial;
/* The whole run's. */
static long pages_delta, pages_unreported, pages_partial;
/*
 * Xen 4.17 takes a decrease_reservation of a frame that is still mapped
 * (guest_remove_page drops the allocation reference) and the page count
 * drops only when the last mapping goes, in a later call: such frees are
 * carried here until a call shows them.  Keel refuses a mapped frame.
 */
static long pages_deferred;
static unsigned long accounting_errors;

static bool bit(const uint8_t *map, unsigned long mfn)
{
    return mfn < PROTECT_FRAMES && (map[mfn / 8] & (1U << (mfn % 8)));
}

static void set_bit_in(uint8_t *map, unsigned long mfn)
{
    if ( mfn < PROTECT_FRAMES )
        map[mfn / 8] |= 1U << (mfn % 8);
}

static const xen_pfn_t *p2m(void)
{
    return (const xen_pfn_t *)start_info->mfn_list;
}

static bool is_arena_mfn(unsigned long mfn)
{
    for ( unsigned int i = 0; i < ARENA_PAGES; i++ )
        if ( virt_to_mfn(scratch[1 + i]) == mfn )
            return true;
    return false;
}

/* --- frame pickers (see the safety rule of fuzz.h) --- */

/* Any frame a hypervisor may free or retype: never a protected one but the arena's. */
static unsigned long pick_mfn(void)
{
    unsigned long mfn;

    for ( unsigned int tries = 0; tries < 8; tries++ )
    {
        switch ( fuzz_below(6) )
        {
        case 0:                         /* ours, past what we use */
            mfn = start_info->nr_pages > limit_pfn
                  ? p2m()[limit_pfn + fuzz_below(start_info->nr_pages - limit_pfn)] : 0;
            break;
        case 1:
            mfn = virt_to_mfn(scratch[1 + fuzz_below(ARENA_PAGES)]);
            break;
        case 2:
            mfn = fuzz_below(max_mfn + 2);  /* someone's: Keel's, the firmware's */
            break;
        case 3:
            mfn = max_mfn + fuzz_below(3);
            break;
        default:
            mfn = fuzz_int();
            break;
        }
        if ( !bit(protected_mfn, mfn) || is_arena_mfn(mfn) )
            return mfn;
    }
    return ~0UL;
}

/* A frame the hypervisor may write into: not ours at all. */
static unsigned long pick_foreign_mfn(void)
{
    for ( unsigned int tries = 0; tries < 8; tries++ )
    {
        unsigned long mfn = fuzz_chance(50) ? fuzz_below(max_mfn + 2) : fuzz_int();

        if ( !bit(our_mfn, mfn) && !bit(protected_mfn, mfn) )
            return mfn;
    }
    return ~0UL;
}

static bool va_protected(unsigned long va)
{
    if ( (va & PAGE_MASK) == ARENA_END || (va & PAGE_MASK) == (unsigned long)scratch[0] )
        return false;
    return va >= GUEST_VIRT_BASE && va - GUEST_VIRT_BASE < (limit_pfn << PAGE_SHIFT);
}

static uint64_t pick_pte(void)
{
    static const uint64_t flags[] = {
        0, PTE_RO, PTE_RW, PTE_RW | (1ULL << 7), PTE_RW | (1ULL << 8),
        PTE_RW | (1ULL << 63), 0x1ff, 0xfff0000000000000ULL,
    };

    if ( fuzz_chance(10) )
        return fuzz_int();
    return ((uint64_t)pick_mfn() << PAGE_SHIFT) | FUZZ_PICK(flags);
}

/* A domain id: ourselves most of the time. */
static uint16_t pick_domid(void)
{
    static const uint64_t ids[] = { DOMID_SELF, 0, 1, 0x7ff0, 0x7ff1, 0x7ff2, 0x7ff4, 0xffff };

    return FUZZ_PICK(ids);
}

/* A count: what the list holds, or something else entirely. */
static unsigned long pick_count(unsigned long built)
{
    static const uint64_t counts[] = { 0, 1, 2, 1024, 4096, 0x7fffffff, 0xffffffff };

    return fuzz_chance(75) ? built : FUZZ_PICK(counts);
}

/* Set while multicall entries are drawn: no block, poll or tail lists there. */
static bool nested;
/* Entries of the top-level multicall last built (for the accounting). */
static unsigned int multicall_built;

/*
 * Where a list of n entries of sz bytes goes, and the count passed with it:
 * the arena when the count is right; when it lies, either the very end of
 * the arena (reads past the entries fault on the unmapped guard) or a
 * declared address, never random arena words.  Inside a multicall the end
 * of the arena holds the multicall's own list: declared addresses only.
 */
static void *list_for(size_t n, size_t sz, unsigned long *count, unsigned long *ptr)
{
    void *list;

    *count = pick_count(n);
    if ( *count <= n )
        list = fuzz_alloc(n * sz);
    else
        list = (void *)(ARENA_END - n * sz);
    *ptr = *count > n && (nested || fuzz_chance(50)) ? fuzz_bad_addr() : (unsigned long)list;
    return list;
}

/* --- generators --- */

static bool gen_set_trap_table(struct fuzz_call *c)
{
    c->a[0] = fuzz_chance(70) ? (unsigned long)fuzz_buffer(fuzz_below(64) * 16 + 16) : fuzz_addr();
    return true;
}

static bool gen_mmu_update(struct fuzz_call *c)
{
    unsigned int n = fuzz_below(9);
    unsigned long count, ptr;
    struct mmu_update *req = list_for(n, sizeof(*req), &count, &ptr);

    for ( unsigned int i = 0; i < n; i++ )
    {
        unsigned int type = fuzz_chance(80) ? fuzz_below(4) : fuzz_below(8);
        unsigned long mfn = pick_mfn();

        if ( type != MMU_MACHPHYS_UPDATE && bit(protected_mfn, mfn) && !is_arena_mfn(mfn) )
            return false;
        req[i].ptr = ((uint64_t)mfn << PAGE_SHIFT) | (fuzz_below(512) * 8) | type;
        req[i].val = type == MMU_MACHPHYS_UPDATE ? fuzz_int() : pick_pte();
    }
    c->a[0] = ptr;
    c->a[1] = count;
    c->a[2] = fuzz_chance(50) ? 0 : fuzz_addr();       /* done */
    c->a[3] = pick_domid();
    return true;
}

static bool gen_set_gdt(struct fuzz_call *c)
{
    unsigned int n = fuzz_below(17);
    xen_pfn_t *frames = fuzz_alloc(n * sizeof(*frames) + 8);

    for ( unsigned int i = 0; i < n; i++ )
        frames[i] = pick_mfn();
    c->a[0] = fuzz_chance(80) ? (unsigned long)frames : fuzz_bad_addr();
    c->a[1] = fuzz_chance(70) ? fuzz_below(n * 512 + 1) : fuzz_int();
    return true;
}

static bool gen_stack_switch(struct fuzz_call *c)
{
    c->a[0] = fuzz_chance(50) ? FLAT_KERNEL_SS : fuzz_int();
    c->a[1] = fuzz_addr();
    return true;
}

static bool gen_fpu_taskswitch(struct fuzz_call *c)
{
    c->a[0] = fuzz_int();
    return true;
}

static bool gen_sched_op_compat(struct fuzz_call *c)
{
    c->a[0] = SCHEDOP_yield;            /* block/shutdown take a reason, not a pointer */
    c->a[1] = fuzz_int();
    return true;
}

static bool gen_platform_op(struct fuzz_call *c)
{
    /* Queries, settime and numbers no Xen uses; not sleep, MTRRs, microcode, hotplug... */
    static const uint64_t cmds[] = {
        XENPF_settime32, XENPF_settime64, XENPF_firmware_info, XENPF_get_cpuinfo,
        XENPF_get_cpu_version, 33 /* read_memtype */, 53 /* getidletime */,
        63 /* get_symbol */, 0, 1, 16, 18, 30, 64, 100, 127, 0xffffffff,
    };
    struct xen_platform_op *op = fuzz_buffer(sizeof(*op));
    uint32_t cmd = cmds[fuzz_below(ARRAY_SIZE(cmds))];

    op->cmd = cmd;
    op->interface_version = fuzz_chance(80) ? XENPF_INTERFACE_VERSION : (uint32_t)fuzz_int();
    c->a[0] = fuzz_chance(90) ? (unsigned long)op : fuzz_addr();
    return true;
}

static bool gen_set_debugreg(struct fuzz_call *c)
{
    c->a[0] = fuzz_chance(80) ? fuzz_below(9) : fuzz_int();
    c->a[1] = fuzz_chance(50) ? fuzz_addr() : fuzz_int();
    return true;
}

static bool gen_get_debugreg(struct fuzz_call *c)
{
    c->a[0] = fuzz_chance(80) ? fuzz_below(9) : fuzz_int();
    return true;
}

static bool gen_update_descriptor(struct fuzz_call *c)
{
    unsigned long mfn = fuzz_chance(50) ? virt_to_mfn(ARENA) : pick_mfn();

    c->a[0] = ((uint64_t)mfn << PAGE_SHIFT) | (fuzz_chance(80) ? fuzz_below(512) * 8 : fuzz_below(4096));
    c->a[1] = fuzz_chance(50) ? 0x00cf9a000000ffffULL | (fuzz_below(4) << 45) : fuzz_int();
    return true;
}

/* A reservation for cmd; false if its extents would touch us. */
static bool build_reservation(struct xen_memory_reservation *r, unsigned int cmd)
{
    unsigned int n = fuzz_below(5);
    unsigned long count, ptr;
    xen_pfn_t *list = list_for(n, sizeof(*list), &count, &ptr);

    for ( unsigned int i = 0; i < n; i++ )
    {
        if ( cmd == XENMEM_decrease_reservation || cmd == XENMEM_exchange )
            list[i] = pick_mfn();
        else                                /* gpfns to fill, far ones too */
            list[i] = fuzz_chance(50) ? start_info->nr_pages + fuzz_below(4096) : fuzz_int();
        if ( (cmd == XENMEM_decrease_reservation || cmd == XENMEM_exchange) &&
             bit(protected_mfn, list[i]) && !is_arena_mfn(list[i]) )
            return false;
    }
    r->extent_start = ptr;
    r->nr_extents = count;
    r->extent_order = fuzz_chance(70) ? fuzz_below(3) : fuzz_int();
    r->mem_flags = fuzz_chance(50) ? 0 : fuzz_int();
    r->domid = pick_domid();
    return true;
}

static bool gen_memory_op(struct fuzz_call *c)
{
    static const uint64_t cmds[] = {
        XENMEM_increase_reservation, XENMEM_decrease_reservation,
        XENMEM_maximum_ram_page, XENMEM_current_reservation,
        XENMEM_maximum_reservation, 5 /* machphys_mfn_list */,
        XENMEM_populate_physmap, XENMEM_add_to_physmap, 8, XENMEM_memory_map,
        XENMEM_machine_memory_map, XENMEM_exchange, XENMEM_machphys_mapping,
        13 /* set_memory_map */, 14 /* maximum_gpfn */,
    };
    unsigned int cmd = fuzz_chance(95) ? cmds[fuzz_below(ARRAY_SIZE(cmds))] : 15 + fuzz_below(49);
    unsigned long start = fuzz_chance(90) ? 0 : fuzz_below(8);
    void *arg;

    switch ( cmd )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        arg = fuzz_alloc(sizeof(struct xen_memory_reservation));
        if ( !build_reservation(arg, cmd) )
            return false;
        break;
    case XENMEM_exchange:
    {
        struct xen_memory_exchange *x = fuzz_alloc(sizeof(*x));

        if ( !build_reservation(&x->in, cmd) || !build_reservation(&x->out, 0) )
            return false;
        x->nr_exchanged = fuzz_chance(80) ? 0 : fuzz_int();
        arg = x;
        start = 0;
        break;
    }
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case 14:
    {
        uint16_t *id = fuzz_alloc(8);

        *id = pick_domid();
        arg = id;
        break;
    }
    default:
        /* Unknown sub-ops (they may free or move frames on some hypervisor): bad pointers only. */
        arg = cmd > 14 ? (void *)(ARENA_END + fuzz_below(4096)) : fuzz_buffer(64);
        break;
    }
    c->a[0] = cmd | start << MEMOP_EXTENT_SHIFT;
    /* A structure read from random words may name any frame: declared addresses only. */
    c->a[1] = fuzz_chance(90) ? (unsigned long)arg : fuzz_bad_addr();
    return true;
}

static bool gen_update_va_mapping(struct fuzz_call *c)
{
    static const uint64_t vas[] = {
        0, 0x1000, 0x7ffffffff000ULL, 0xffff800000000000ULL, 0xffff880000000000ULL,
        0xffffffff00000000ULL, 0xfffffffffffff000ULL, 0x800000000000ULL,
    };
    unsigned long va;

    switch ( fuzz_below(4) )
    {
    case 0:                             /* the guards: put back by after() */
        va = fuzz_chance(50) ? ARENA_END : (unsigned long)scratch[0];
        break;
    case 1:
        va = GUEST_VIRT_BASE + ((limit_pfn + fuzz_below(8192)) << PAGE_SHIFT);
        break;
    default:
        va = FUZZ_PICK(vas);
        break;
    }

    if ( va_protected(va) )
        return false;
    c->a[0] = va;
    c->a[1] = pick_pte();
    c->a[2] = fuzz_chance(80) ? fuzz_below(8) : (fuzz_addr() & ~7UL) | fuzz_below(8);
    c->a[3] = pick_domid();             /* the otherdomain variant */
    return true;
}

static bool gen_set_timer_op(struct fuzz_call *c)
{
    c->a[0] = fuzz_chance(50) ? pv_now() + fuzz_below(2000000) : fuzz_int();
    return true;
}

static bool gen_xen_version(struct fuzz_call *c)
{
    c->a[0] = fuzz_chance(90) ? fuzz_below(12) : fuzz_int();
    c->a[1] = fuzz_chance(70) ? (unsigned long)fuzz_buffer(1024 + 8) : fuzz_addr();
    return true;
}

static bool gen_console_io(struct fuzz_call *c)
{
    unsigned long count = fuzz_chance(70) ? fuzz_below(80) : fuzz_int();
    char *buf;

    c->a[0] = fuzz_chance(90) ? fuzz_below(2) : fuzz_int();
    c->a[1] = count;
    if ( c->a[0] == CONSOLEIO_write && count <= 256 && fuzz_chance(50) )
    {
        buf = fuzz_alloc(count + 1);
        for ( unsigned long i = 0; i < count; i++ )
            buf[i] = 'a' + i % 26;
        if ( count )
            buf[count - 1] = '\n';
        c->a[2] = (unsigned long)buf;
        return true;
    }
    if ( c->a[0] == CONSOLEIO_write )    /* no flood from a valid buffer */
        c->a[2] = fuzz_chance(50) ? ARENA_END : 0xffff830000000000UL + fuzz_below(4096);
    else
        c->a[2] = fuzz_chance(50) ? (unsigned long)fuzz_alloc(256) : fuzz_addr();
    if ( c->a[0] != CONSOLEIO_write && count > 256 && c->a[2] >= (unsigned long)ARENA &&
         c->a[2] < ARENA_END )
        c->a[1] = fuzz_below(256);      /* reads stay in the arena */
    return true;
}

static bool gen_vm_assist(struct fuzz_call *c)
{
    static const uint64_t types[] = { 0, 1, 2, 3, 4, 5, 32, 6, 31, 33, 63, 64 };

    c->a[0] = fuzz_chance(90) ? fuzz_below(2) : fuzz_int();
    c->a[1] = FUZZ_PICK(types);
    return true;
}

static bool gen_vcpu_op(struct fuzz_call *c)
{
    unsigned int cmd = fuzz_chance(95) ? fuzz_below(14) : fuzz_int();
    unsigned int vcpu = fuzz_chance(70) ? fuzz_below(3) : fuzz_int();
    void *arg = fuzz_buffer(256);

    if ( cmd == VCPUOP_up && vcpu != 0 )
        return false;
    if ( cmd == VCPUOP_down_vcpu && vcpu == 0 )
        return false;
    if ( cmd == VCPUOP_send_nmi )
        return false;
    if ( cmd == VCPUOP_register_vcpu_info )
    {
        struct vcpu_register_vcpu_info *r = arg;

        if ( nested )                   /* after() follows a move only outside multicalls */
            return false;
        r->mfn = pick_foreign_mfn();
        r->offset = fuzz_chance(50) ? fuzz_below(64) * 64 : fuzz_int();
        r->rsvd = fuzz_chance(80) ? 0 : fuzz_int();
    }
    if ( cmd == VCPUOP_set_singleshot_timer || cmd == VCPUOP_set_periodic_timer )
    {
        struct vcpu_set_singleshot_timer *t = arg;

        t->timeout_abs_ns = fuzz_chance(50) ? pv_now() + fuzz_below(2000000) : fuzz_int();
    }
    c->a[0] = cmd;
    c->a[1] = vcpu;
    c->a[2] = fuzz_chance(90) || cmd == VCPUOP_register_vcpu_info ? (unsigned long)arg : fuzz_addr();
    return true;
}

static bool gen_set_segment_base(struct fuzz_call *c)
{
    c->a[0] = fuzz_chance(90) ? fuzz_below(5) : fuzz_int();
    c->a[1] = fuzz_chance(50) ? fuzz_addr() : fuzz_int();
    return true;
}

static bool gen_mmuext_op(struct fuzz_call *c)
{
    unsigned int n = fuzz_below(9);
    unsigned long count, ptr;
    struct mmuext_op *ops = list_for(n, sizeof(*ops), &count, &ptr);

    for ( unsigned int i = 0; i < n; i++ )
    {
        unsigned int cmd = fuzz_chance(90) ? fuzz_below(18) : fuzz_int();
        unsigned long mfn = pick_mfn();

        if ( cmd == MMUEXT_NEW_BASEPTR )
            return false;
        if ( (cmd == MMUEXT_CLEAR_PAGE || cmd == MMUEXT_COPY_PAGE) &&
             bit(protected_mfn, mfn) && !is_arena_mfn(mfn) )
            return false;
        ops[i].cmd = cmd;
        switch ( cmd )
        {
        case MMUEXT_INVLPG_LOCAL:
        case MMUEXT_INVLPG_MULTI:
        case MMUEXT_INVLPG_ALL:
        case MMUEXT_SET_LDT:
            ops[i].arg1.linear_addr = fuzz_addr();
            break;
        default:
            ops[i].arg1.mfn = mfn;
            break;
        }
        if ( cmd == MMUEXT_TLB_FLUSH_MULTI || cmd == MMUEXT_INVLPG_MULTI )
            ops[i].arg2.vcpumask = fuzz_addr();
        else if ( cmd == MMUEXT_COPY_PAGE )
            ops[i].arg2.src_mfn = pick_mfn();
        else
            ops[i].arg2.nr_ents = fuzz_int();
    }
    c->a[0] = ptr;
    c->a[1] = count;
    c->a[2] = fuzz_chance(50) ? 0 : fuzz_addr();
    c->a[3] = pick_domid();
    return true;
}


static bool gen_sched_op(struct fuzz_call *c)
{
    static const uint64_t cmds[] = {
        SCHEDOP_yield, SCHEDOP_block, SCHEDOP_poll, SCHEDOP_shutdown_code,
        SCHEDOP_pin_override, SCHEDOP_shutdown, SCHEDOP_remote_shutdown,
        SCHEDOP_watchdog, 8, 9, 64,
    };
    unsigned long cmd = FUZZ_PICK(cmds);

    c->a[0] = cmd;
    c->a[1] = (unsigned long)fuzz_buffer(64);
    switch ( cmd )
    {
    case SCHEDOP_shutdown:
    case SCHEDOP_remote_shutdown:
    case SCHEDOP_watchdog:
        return false;
    case SCHEDOP_block:
        if ( nested )
            return false;
        hypercall_set_timer_op(pv_now() + 1000000);
        return true;
    case SCHEDOP_poll:
    {
        struct sched_poll *p = (void *)c->a[1];
        unsigned int n = fuzz_below(4);
        evtchn_port_t *ports = fuzz_alloc(n * sizeof(*ports) + 4);

        if ( nested )
            return false;
        for ( unsigned int i = 0; i < n; i++ )
            ports[i] = fuzz_chance(50) ? fuzz_below(8) : fuzz_int();
        p->ports = fuzz_chance(80) ? (unsigned long)ports : fuzz_addr();
        p->nr_ports = fuzz_chance(80) ? n : fuzz_int();
        /* 0 means "no timeout": a poll on ports nobody raises would never end. */
        p->timeout = fuzz_chance(50) ? pv_now() + fuzz_below(2000000) : 1 + fuzz_below(1000);
        return true;
    }
    }
    if ( (uint32_t)cmd == SCHEDOP_shutdown || (uint32_t)cmd == SCHEDOP_remote_shutdown ||
         (uint32_t)cmd == SCHEDOP_watchdog || (uint32_t)cmd == SCHEDOP_block ||
         (uint32_t)cmd == SCHEDOP_poll )
        return false;
    return true;
}

static bool gen_callback_op(struct fuzz_call *c)
{
    static const uint64_t types[] = { 0, 1, 2, 4, 5, 7, 3, 6, 8, 64 };
    struct callback_register *cb = fuzz_buffer(sizeof(*cb));

    cb->type = FUZZ_PICK(types);
    cb->flags = fuzz_chance(50) ? CALLBACKF_mask_events : fuzz_int();
    c->a[0] = fuzz_chance(90) ? fuzz_below(3) : fuzz_int();
    c->a[1] = fuzz_chance(90) ? (unsigned long)cb : fuzz_addr();
    return true;
}

/* An event channel operation in buf; false if it would cut our timer. */
static bool build_evtchn(void *buf, unsigned int cmd)
{
    uint32_t *w = buf;

    if ( cmd == EVTCHNOP_reset || cmd == EVTCHNOP_init_control ||
         cmd == EVTCHNOP_expand_array || cmd == EVTCHNOP_set_priority )
        return false;
    if ( fuzz_chance(50) )
        w[0] = fuzz_below(16);          /* ports and virqs are small */
    if ( fuzz_chance(50) )
        w[1] = fuzz_below(4);
    if ( cmd == EVTCHNOP_close || cmd == EVTCHNOP_bind_vcpu )
        return w[0] != (uint32_t)timer_port;
    return true;
}

static bool gen_event_channel_op(struct fuzz_call *c)
{
    unsigned int cmd = fuzz_chance(90) ? fuzz_below(10) : fuzz_chance(50) ? fuzz_below(14) : fuzz_int();
    void *arg = fuzz_buffer(64);

    if ( !build_evtchn(arg, cmd) )
        return false;
    c->a[0] = cmd;
    c->a[1] = fuzz_chance(90) ? (unsigned long)arg : fuzz_addr();
    return true;
}

static bool gen_event_channel_op_compat(struct fuzz_call *c)
{
    uint32_t *op = fuzz_buffer(68);

    op[0] = fuzz_chance(95) ? fuzz_below(14) : fuzz_int();
    if ( !build_evtchn(op + 1, op[0]) )
        return false;
    c->a[0] = fuzz_chance(90) ? (unsigned long)op : fuzz_addr();
    return true;
}

/* A physdev operation in buf; false for the powers listed at the top. */
static bool build_physdev(void *buf, unsigned int cmd)
{
    uint32_t *w = buf;

    switch ( cmd )
    {
    case PHYSDEVOP_apic_write:
    case PHYSDEVOP_pci_mmcfg_reserved:
    case PHYSDEVOP_prepare_msix:
    case PHYSDEVOP_release_msix:
    case PHYSDEVOP_restore_msi:
    case PHYSDEVOP_restore_msi_ext:
        return false;
    case PHYSDEVOP_setup_gsi:           /* gsi first */
        w[0] = 16 + fuzz_below(32);
        return true;
    case PHYSDEVOP_map_pirq:            /* domid, type, index */
        w[1] = fuzz_chance(80) ? MAP_PIRQ_TYPE_GSI : 5 + fuzz_below(8);
        w[2] = 16 + fuzz_below(32);
        return true;
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
        *(uint64_t *)buf = fuzz_chance(50) ? virt_to_mfn(ARENA) : pick_foreign_mfn();
        return true;
    default:
        return true;
    }
}

static bool gen_physdev_op(struct fuzz_call *c)
{
    unsigned int cmd = fuzz_chance(95) ? fuzz_below(32) : fuzz_int();
    void *arg = fuzz_buffer(64);

    if ( !build_physdev(arg, cmd) )
        return false;
    c->a[0] = cmd;
    c->a[1] = fuzz_chance(90) ? (unsigned long)arg : fuzz_addr();
    return true;
}

static bool gen_physdev_op_compat(struct fuzz_call *c)
{
    uint32_t *op = fuzz_buffer(68);

    op[0] = fuzz_chance(95) ? fuzz_below(32) : fuzz_int();
    if ( !build_physdev(op + 1, op[0]) )
        return false;
    c->a[0] = fuzz_chance(90) ? (unsigned long)op : fuzz_addr();
    return true;
}

static bool gen_grant_table_op(struct fuzz_call *c)
{
    /* setup_table, dump_table, query_size, get_status_frames, get_version. */
    static const uint64_t cmds[] = { 2, 3, 6, 9, 10 };

    c->a[0] = cmds[fuzz_below(ARRAY_SIZE(cmds))];
    c->a[1] = fuzz_chance(90) ? (unsigned long)fuzz_buffer(64) : fuzz_addr();
    c->a[2] = fuzz_chance(70) ? fuzz_below(3) : fuzz_int();
    return true;
}

/* sysctl/domctl: the wrong interface version, so that only the check runs. */
static bool gen_wrong_version(struct fuzz_call *c)
{
    uint32_t *op = fuzz_buffer(128);

    op[1] = fuzz_chance(50) ? 0 : 0x10000 + fuzz_below(0x10000);
    c->a[0] = fuzz_chance(90) ? (unsigned long)op : fuzz_addr();
    return true;
}

static bool gen_xenpmu_op(struct fuzz_call *c)
{
    static const uint64_t cmds[] = { 0 /* mode_get */, 2 /* feature_get */ };

    c->a[0] = FUZZ_PICK(cmds);
    if ( c->a[0] != 0 && c->a[0] != 2 )
        return false;
    c->a[1] = fuzz_chance(90) ? (unsigned long)fuzz_buffer(64) : fuzz_addr();
    return true;
}

static bool gen_hypfs_op(struct fuzz_call *c)
{
    /* get_version, read_dir-like reads: never write_contents (4). */
    c->a[0] = fuzz_below(4);
    c->a[1] = fuzz_addr();
    c->a[2] = fuzz_int();
    c->a[3] = fuzz_addr();
    c->a[4] = fuzz_int();
    return true;
}

static bool gen_any_args(struct fuzz_call *c)
{
    for ( unsigned int i = 0; i < 5; i++ )
        c->a[i] = fuzz_chance(50) ? fuzz_addr() : fuzz_int();
    return true;
}

static bool gen_multicall(struct fuzz_call *c);

static const struct fuzz_gen gens[] = {
    { __HYPERVISOR_set_trap_table, "set_trap_table", 2, gen_set_trap_table },
    { __HYPERVISOR_mmu_update, "mmu_update", 8, gen_mmu_update },
    { __HYPERVISOR_set_gdt, "set_gdt", 3, gen_set_gdt },
    { __HYPERVISOR_stack_switch, "stack_switch", 2, gen_stack_switch },
    { __HYPERVISOR_fpu_taskswitch, "fpu_taskswitch", 2, gen_fpu_taskswitch },
    { HC_sched_op_compat, "sched_op_compat", 1, gen_sched_op_compat },
    { __HYPERVISOR_platform_op, "platform_op", 4, gen_platform_op },
    { __HYPERVISOR_set_debugreg, "set_debugreg", 3, gen_set_debugreg },
    { __HYPERVISOR_get_debugreg, "get_debugreg", 2, gen_get_debugreg },
    { __HYPERVISOR_update_descriptor, "update_descriptor", 3, gen_update_descriptor },
    { __HYPERVISOR_memory_op, "memory_op", 10, gen_memory_op },
    { __HYPERVISOR_multicall, "multicall", 5, gen_multicall },
    { __HYPERVISOR_update_va_mapping, "update_va_mapping", 6, gen_update_va_mapping },
    { __HYPERVISOR_set_timer_op, "set_timer_op", 2, gen_set_timer_op },
    { HC_event_channel_op_compat, "event_channel_op_compat", 1, gen_event_channel_op_compat },
    { __HYPERVISOR_xen_version, "xen_version", 4, gen_xen_version },
    { __HYPERVISOR_console_io, "console_io", 3, gen_console_io },
    { HC_physdev_op_compat, "physdev_op_compat", 1, gen_physdev_op_compat },
    { HC_grant_table_op, "grant_table_op", 2, gen_grant_table_op },
    { __HYPERVISOR_vm_assist, "vm_assist", 2, gen_vm_assist },
    { HC_update_va_mapping_otherdomain, "update_va_mapping_otherdomain", 1, gen_update_va_mapping },
    { __HYPERVISOR_vcpu_op, "vcpu_op", 6, gen_vcpu_op },
    { __HYPERVISOR_set_segment_base, "set_segment_base", 2, gen_set_segment_base },
    { __HYPERVISOR_mmuext_op, "mmuext_op", 8, gen_mmuext_op },
    { 27, "xsm_op", 1, gen_any_args },
    { __HYPERVISOR_sched_op, "sched_op", 4, gen_sched_op },
    { __HYPERVISOR_callback_op, "callback_op", 2, gen_callback_op },
    { 31, "xenoprof_op", 1, gen_any_args },
    { __HYPERVISOR_event_channel_op, "event_channel_op", 6, gen_event_channel_op },
    { __HYPERVISOR_physdev_op, "physdev_op", 5, gen_physdev_op },
    { 34, "hvm_op", 2, gen_any_args },
    { HC_sysctl, "sysctl", 1, gen_wrong_version },
    { HC_domctl, "domctl", 1, gen_wrong_version },
    { HC_xenpmu_op, "xenpmu_op", 1, gen_xenpmu_op },
    { 41, "dm_op", 1, gen_any_args },
    { HC_hypfs_op, "hypfs_op", 1, gen_hypfs_op },
};

/* Entries built by the same generators; no block or poll inside (see above). */
static bool gen_multicall(struct fuzz_call *c)
{
    static const struct fuzz_env inner = {
        .gens = gens, .nr_gens = ARRAY_SIZE(gens),
        .denied_numbers = (1ULL << 23) | (1ULL << HC_kexec_op) | (1ULL << HC_mca) |
                          (1ULL << HC_arch_1) | (1ULL << HC_nmi_op),
    };
    unsigned int n = fuzz_below(9);
    struct multicall_entry *e;
    unsigned long count, ptr;

    if ( nested )                       /* one level of lists: a nested one gets garbage */
    {
        c->a[0] = fuzz_bad_addr();
        c->a[1] = fuzz_int();
        return true;
    }
    nested = true;
    e = list_for(n, sizeof(*e), &count, &ptr);
    for ( unsigned int i = 0; i < n; i++ )
    {
        struct fuzz_call inner_call;
        unsigned int tries = 0;

        while ( !fuzz_draw(&inner, &inner_call) )
            if ( ++tries == 4 )
            {
                nested = false;
                return false;
            }
        e[i].op = inner_call.nr;
        for ( unsigned int j = 0; j < 5; j++ )
            e[i].args[j] = inner_call.a[j];
        e[i].args[5] = fuzz_int();
    }
    nested = false;
    multicall_built = n;
    c->a[0] = ptr;
    c->a[1] = count;
    return true;
}

/* --- restoring what a call may change --- */

/* Where vCPU 0's vcpu_info went, if a register_vcpu_info succeeded. */
static uint8_t vcpu_info_window[4096] __page_aligned __section(".bss.page_aligned");

static void follow_vcpu_info(const struct fuzz_call *c, long rc)
{
    const struct vcpu_register_vcpu_info *r = (const void *)c->a[2];
    long map;

    if ( c->nr != __HYPERVISOR_vcpu_op || c->a[0] != VCPUOP_register_vcpu_info ||
         c->a[1] != 0 || rc != 0 )
        return;
    set_bit_in(our_mfn, r->mfn);
    map = hypercall_update_va_mapping((unsigned long)vcpu_info_window,
                                      (r->mfn << PAGE_SHIFT) | PTE_RW, UVMF_INVLPG | UVMF_LOCAL);
    printk("fuzz: call %lu moved vCPU 0's vcpu_info to mfn %#lx + %#x (mapped: %ld)\n",
           fuzz_stats.calls, (unsigned long)r->mfn, r->offset, map);
    if ( map )
    {
        xtf_error("Error: cannot map the new vcpu_info frame: %ld\n", map);
        xtf_exit();
    }
    live_vcpu_info = (struct vcpu_info *)(vcpu_info_window + r->offset);
}

/* The read-only guard before the arena and the unmapped one after it. */
static long guards(void)
{
    return make_page_ro(scratch[0]) |
           hypercall_update_va_mapping(ARENA_END, 0, UVMF_INVLPG | UVMF_LOCAL);
}

static void register_callback(unsigned int type, void *addr)
{
    struct callback_register cb = {
        .type = type, .flags = CALLBACKF_mask_events, .address = (unsigned long)addr,
    };

    hypercall_callback_op(CALLBACKOP_register, &cb);
}

extern char event_entry[], failsafe_entry[];

static bool touches(const struct fuzz_call *c, unsigned long nr)
{
    const struct multicall_entry *e = (const void *)c->a[0];

    if ( c->nr == nr )
        return true;
    if ( c->nr != __HYPERVISOR_multicall || c->a[0] < (unsigned long)ARENA ||
         c->a[0] >= ARENA_END )
        return false;
    for ( unsigned long i = 0; i < c->a[1] && (unsigned long)&e[i + 1] <= ARENA_END; i++ )
        if ( e[i].op == nr )
            return true;
    return false;
}

/*
 * What a reservation call that stopped early at extent i may have done
 * without counting it, as Xen 4.17 does too: an increase/populate that
 * could not write the frame back (a list slot outside the arena) keeps
 * the extent's pages (populate_physmap() after __copy_mfn_to_guest_offset
 * fails); a decrease of an extent of order > 0 frees its pages up to the
 * one that is refused (decrease_reservation() stops at guest_remove_page).
 * The check allows both, and reports them.
 */
static void note_uncounted(const struct xen_memory_reservation *r, long done,
                           unsigned long cmd)
{
    uint64_t slot = r->extent_start + (uint64_t)done * sizeof(xen_pfn_t);
    bool in_arena = slot >= (unsigned long)ARENA && slot + sizeof(xen_pfn_t) <= ARENA_END;
    unsigned long k, mfn;

    /* Past the end, or refused as a whole (Keel and Xen: at most order 12 for dom0). */
    if ( (uint64_t)done >= r->nr_extents || r->extent_order > 12 )
        return;
    if ( cmd != XENMEM_decrease_reservation )
    {
        if ( !in_arena )
            call_unreported += 1L << r->extent_order;
        return;
    }
    if ( !in_arena )
        return;                         /* the extent could not even be read */
    /* At most the frames of ours, in a row, before the first one refused. */
    mfn = *(const xen_pfn_t *)(unsigned long)slot;
    for ( k = 0; k + 1 < (1UL << r->extent_order); k++ )
        if ( !bit(our_mfn, mfn + k) || (bit(protected_mfn, mfn + k) && !is_arena_mfn(mfn + k)) )
            break;
    call_partial += k;
}

/* Pages a successful reservation call added (+) or removed (-). */
static long reservation_pages(unsigned long cmd, unsigned long arg, long rc)
{
    const struct xen_memory_reservation *r = (const void *)arg;
    unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;
    long done;

    cmd &= MEMOP_CMD_MASK;
    if ( rc < 0 || arg < (unsigned long)ARENA || arg >= ARENA_END ||
         (cmd != XENMEM_increase_reservation && cmd != XENMEM_decrease_reservation &&
          cmd != XENMEM_populate_physmap) )
        return 0;
    if ( r->domid != DOMID_SELF && r->domid != 0 )
        return 0;
    done = rc > (long)start ? rc - (long)start : 0;
    if ( r->extent_order >= 32 )
        return 0;
    note_uncounted(r, rc, cmd);
    /* Frames that became ours: the pickers must not hand them out as foreign. */
    if ( cmd != XENMEM_decrease_reservation && r->extent_start >= (unsigned long)ARENA &&
         r->extent_start < ARENA_END )
        for ( long i = 0; i < done && r->extent_start + (i + 1) * 8 <= ARENA_END; i++ )
            for ( unsigned long p = 0; p < (1UL << r->extent_order) && p < 512; p++ )
                set_bit_in(our_mfn, ((const xen_pfn_t *)r->extent_start)[i + start] + p);
    return (cmd == XENMEM_decrease_reservation ? -done : done) << r->extent_order;
}

static long current_reservation(void)
{
    uint16_t id = DOMID_SELF;

    return hypercall_memory_op(XENMEM_current_reservation, &id);
}

static void before(const struct fuzz_call *c)
{
    call_counted = call_unreported = call_partial = 0;
    if ( c->nr == __HYPERVISOR_memory_op || c->nr == __HYPERVISOR_multicall )
        call_before = current_reservation();
}

/* The reservation structures a failing call passed, for the report. */
static void dump_one(unsigned long cmd, unsigned long arg)
{
    const struct xen_memory_reservation *r = (const void *)arg;

    if ( arg < (unsigned long)ARENA || arg >= ARENA_END )
        return;
    if ( (cmd & MEMOP_CMD_MASK) == XENMEM_exchange )
    {
        const struct xen_memory_exchange *x = (const void *)arg;

        printk("    exchange in %lu x order %u, out %lu x order %u, nr_exchanged %lu\n",
               (unsigned long)x->in.nr_extents, x->in.extent_order,
               (unsigned long)x->out.nr_extents, x->out.extent_order,
               (unsigned long)x->nr_exchanged);
        return;
    }
    printk("    cmd %lu: list %#lx, %lu extents of order %u, flags %#x, domid %#x\n", cmd,
           (unsigned long)r->extent_start, (unsigned long)r->nr_extents, r->extent_order,
           r->mem_flags, r->domid);
}

static void dump_reservations(const struct fuzz_call *c)
{
    const struct multicall_entry *e = (const void *)c->a[0];

    if ( c->nr == __HYPERVISOR_memory_op )
        dump_one(c->a[0], c->a[1]);
    else if ( c->a[0] >= (unsigned long)ARENA && c->a[0] < ARENA_END )
        for ( unsigned long i = 0; i < c->a[1] && i < multicall_built; i++ )
            if ( e[i].op == __HYPERVISOR_memory_op )
                dump_one(e[i].args[0], e[i].args[1]);
}

/* The pages this call moved, against what it reported. */
static void check_call_accounting(const struct fuzz_call *c, long rc)
{
    long moved = current_reservation() - call_before;
    long low = call_counted - call_partial - pages_deferred;
    long high = call_counted + call_unreported + (call_counted < 0 ? -call_counted : 0);

    pages_delta += call_counted;
    pages_unreported += call_unreported;
    pages_partial += call_partial;
    if ( moved >= low && moved <= high )
    {
        /* Frees that did not happen yet, or deferred ones that happened now. */
        if ( moved > call_counted + call_unreported )
            pages_deferred += moved - (call_counted + call_unreported);
        else if ( moved < call_counted - call_partial )
            pages_deferred -= (call_counted - call_partial) - moved;
        return;
    }
    if ( accounting_errors++ >= 8 )
        return;
    xtf_failure("Fail: call %lu: %lu(%#lx, %#lx, %#lx) = %ld moved %ld pages, "
                "reported %ld (-%ld..+%ld)\n", fuzz_stats.calls, c->nr, c->a[0],
                c->a[1], c->a[2], rc, moved, call_counted, call_partial, call_unreported);
    if ( c->nr == __HYPERVISOR_multicall && c->a[0] >= (unsigned long)ARENA &&
         c->a[0] < ARENA_END )
        for ( unsigned long i = 0; i < c->a[1] && i < multicall_built; i++ )
        {
            const struct multicall_entry *e = (const void *)c->a[0] + i * sizeof(*e);

            printk("  entry %lu: %lu(%#lx, %#lx, %#lx) = %ld\n", i, (unsigned long)e->op,
                   (unsigned long)e->args[0], (unsigned long)e->args[1],
                   (unsigned long)e->args[2], (long)e->result);
        }
    if ( c->nr == __HYPERVISOR_memory_op || c->nr == __HYPERVISOR_multicall )
        dump_reservations(c);
}

static void after(const struct fuzz_call *c, long rc)
{
    follow_vcpu_info(c, rc);
    if ( touches(c, __HYPERVISOR_set_trap_table) || c->nr == __HYPERVISOR_multicall )
        install_trap_table();
    if ( touches(c, __HYPERVISOR_callback_op) || c->nr == __HYPERVISOR_multicall )
    {
        register_callback(CALLBACKTYPE_event, event_entry);
        register_callback(CALLBACKTYPE_failsafe, failsafe_entry);
    }
    if ( c->nr == __HYPERVISOR_sched_op )
        events_mask();
    if ( touches(c, __HYPERVISOR_update_va_mapping) || c->nr == __HYPERVISOR_multicall ||
         touches(c, HC_update_va_mapping_otherdomain) || touches(c, __HYPERVISOR_mmu_update) )
        guards();
    if ( c->nr == __HYPERVISOR_memory_op )
        call_counted += reservation_pages(c->a[0], c->a[1], rc);
    if ( c->nr == __HYPERVISOR_multicall && c->a[0] >= (unsigned long)ARENA &&
         c->a[0] < ARENA_END )
    {
        const struct multicall_entry *e = (const void *)c->a[0];

        for ( unsigned long i = 0; i < c->a[1] && i < multicall_built; i++ )
            if ( e[i].op == __HYPERVISOR_memory_op )
                call_counted += reservation_pages(e[i].args[0], e[i].args[1], e[i].result);
    }
    if ( c->nr == __HYPERVISOR_memory_op || c->nr == __HYPERVISOR_multicall )
        check_call_accounting(c, rc);
}

/* --- traps the fuzzer survives --- */

static bool trap_db(struct cpu_regs *regs)
{
    traps[X86_EXC_DB]++;
    hypercall_set_debugreg(7, 0);
    regs->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_RF);
    return true;
}

static bool trap_count(struct cpu_regs *regs)
{
    traps[regs->entry_vector & 31]++;
    return true;
}

static const struct fuzz_env env = {
    .gens = gens, .nr_gens = ARRAY_SIZE(gens),
    .denied_numbers = (1ULL << 23) | (1ULL << HC_kexec_op) | (1ULL << HC_mca) |
                      (1ULL << HC_arch_1) | (1ULL << HC_nmi_op),
    .before = before,
    .after = after,
};

/* Frames we live in: the image and everything the builder put after it, shared_info. */
static void protect_frames(void)
{
    unsigned long end = start_info->pt_base + start_info->nr_pt_frames * PAGE_SIZE;
    unsigned long p2m_end = start_info->mfn_list + start_info->nr_pages * sizeof(xen_pfn_t);

    if ( p2m_end > end )
        end = p2m_end;
    if ( (unsigned long)start_info + PAGE_SIZE > end )
        end = (unsigned long)start_info + PAGE_SIZE;
    end = (end - GUEST_VIRT_BASE + (512UL << 10) + (4UL << 20) - 1) & ~((4UL << 20) - 1);
    limit_pfn = end >> PAGE_SHIFT;
    if ( limit_pfn > start_info->nr_pages )
        limit_pfn = start_info->nr_pages;
    for ( unsigned long pfn = 0; pfn < start_info->nr_pages; pfn++ )
    {
        set_bit_in(our_mfn, p2m()[pfn]);
        if ( pfn < limit_pfn )
            set_bit_in(protected_mfn, p2m()[pfn]);
    }
    set_bit_in(protected_mfn, start_info->shared_info >> PAGE_SHIFT);
    set_bit_in(our_mfn, start_info->shared_info >> PAGE_SHIFT);
}

static void declare_addresses(void)
{
    /* Unmapped, the M2P (read-only), Keel's area, non-canonical, the hole's edges. */
    static const uint64_t unreadable[] = {
        0, 0x1000, 0xfff, 0x7ffffffff000ULL, 0x800000000000ULL,
        0xffff830000000000ULL, 0xffff82d040000000ULL, 0xffff87fffffff000ULL,
        0xffff880000000000ULL, 0xfffffffffffff000ULL, 0xffffffffffffffffULL,
    };

    for ( unsigned int i = 0; i < ARRAY_SIZE(unreadable); i++ )
        fuzz_add_addr(unreadable[i], false);
    fuzz_add_addr(ARENA_END, false);                /* the unmapped guard */
    fuzz_add_addr(GUEST_VIRT_BASE + (limit_pfn << PAGE_SHIFT), false);
    /* Read-only: a hypervisor may read them, never write. */
    fuzz_add_addr(GUEST_VIRT_BASE, true);           /* our text */
    fuzz_add_addr((unsigned long)scratch[0], true); /* the read-only guard */
    fuzz_add_addr(MACH2PHYS_VIRT_START, true);
}

static bool setup(void)
{
    long rc;

    fuzz_arena_init(ARENA, ARENA_SIZE);
    max_mfn = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);
    protect_frames();
    fuzz_forbid(GUEST_VIRT_BASE, GUEST_VIRT_BASE + (limit_pfn << PAGE_SHIFT));
    if ( guards() )
    {
        xtf_error("Error: cannot set up the guard pages\n");
        return false;
    }
    declare_addresses();
    timer_port = timer_events_setup();
    if ( timer_port < 0 )
    {
        xtf_error("Error: timer events: %ld\n", timer_port);
        return false;
    }
    exception_hooks[X86_EXC_DB] = trap_db;
    exception_hooks[X86_EXC_NMI] = trap_count;
    exception_hooks[X86_EXC_BP] = trap_count;
    exception_hooks[X86_EXC_NM] = trap_count;
    exception_hooks[X86_EXC_MC] = trap_count;
    rc = current_reservation();
    if ( rc <= 0 )
    {
        xtf_error("Error: current_reservation: %ld\n", rc);
        return false;
    }
    reservation_before = rc;
    printk("fuzz: %lu pages, %lu protected (pfn < %lu), max mfn %#lx, timer port %ld\n",
           (unsigned long)start_info->nr_pages, limit_pfn, limit_pfn, max_mfn, timer_port);
    return true;
}

/* The hypervisor still does its job for us. */
static void check_alive(void)
{
    char ver[16];
    exinfo_t ex;
    long rc, now;
    uint64_t t0;

    install_trap_table();
    register_callback(CALLBACKTYPE_event, event_entry);
    register_callback(CALLBACKTYPE_failsafe, failsafe_entry);
    hypercall_set_debugreg(7, 0);
    rc = hypercall_xen_version(XENVER_version, NULL);
    printk("alive: xen_version %#lx\n", rc);
    if ( rc <= 0 )
        xtf_failure("Fail: xen_version after the run: %ld\n", rc);
    check_rc("xen_version extraversion", hypercall_xen_version(XENVER_extraversion, ver), 0);
    asm volatile ("1: ud2; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (ex) : "0" (0));
    check_eq("ud2 after the run", ex, EXINFO_SYM(UD, 0));
    t0 = pv_now();
    sleep_ns(1000000);
    printk("alive: a 1 ms sleep took %lu us\n", (unsigned long)(pv_now() - t0) / 1000);

    now = current_reservation();
    printk("accounting: reservation %ld pages before, %ld after, %+ld by the calls' own "
           "counts; uncounted: up to +%ld (write-back faults), -%ld (partial extents), "
           "%ld frees still deferred\n",
           reservation_before, now, pages_delta, pages_unreported, pages_partial, pages_deferred);
    if ( now < reservation_before + pages_delta - pages_partial ||
         now > reservation_before + pages_delta + pages_unreported + pages_deferred )
        xtf_failure("Fail: frame accounting: %ld pages, expected %ld (-%ld..+%ld)\n",
                    now, reservation_before + pages_delta, pages_partial, pages_unreported);
    if ( accounting_errors )
        xtf_failure("Fail: %lu calls moved other page counts than they reported\n",
                    accounting_errors);
}

void test_main(void)
{
    uint64_t seed = DEFAULT_SEED;
    unsigned long calls = DEFAULT_CALLS;

    fuzz_options((const char *)start_info->cmd_line, &seed, &calls);
    printk("fuzz: seed %lu, %lu calls (fuzz_seed=N fuzz_calls=N on the command line)\n",
           (unsigned long)seed, calls);
    fuzz_seed(seed);
    if ( !setup() )
        return;

    fuzz_run(&env, calls);

    fuzz_report(&env);
    printk("fuzz: %lu calls made, %lu succeeded, %lu refused, %lu denied; "
           "traps #DB %lu NMI %lu #BP %lu #NM %lu #MC %lu; %u event upcalls\n",
           fuzz_stats.calls, fuzz_stats.ok, fuzz_stats.errors, fuzz_stats.denied,
           traps[X86_EXC_DB], traps[X86_EXC_NMI], traps[X86_EXC_BP], traps[X86_EXC_NM],
           traps[X86_EXC_MC], upcalls);
    check_alive();
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable: the hypervisor survived %lu random calls with its "
               "accounting intact\n", fuzz_stats.calls);
}
