/*
 * Randomized hypercalls from a PVH/HVM domU (lib fuzz.h; pv_hypercall_fuzz
 * is the PV dom0 twin): random numbers and arguments biased towards
 * boundary values, the known sub-ops of each hypercall an HVM guest has
 * (Xen 4.17's hvm_hypercall_table: memory_op, xen_version, console_io,
 * vcpu_op, sched_op, event_channel_op, hvm_op, vm_assist, and the ones
 * Keel answers -ENOSYS), guest-physical pointers to the fuzzer's own arena
 * half of the time and otherwise to unpopulated RAM, the MMIO holes (LAPIC,
 * IO-APIC, 0xfd000000), above 4 GiB, and free RAM it does not use.  Seed and
 * count are printed, and may be given on the module command line
 * ("fuzz_seed=N fuzz_calls=N fuzz_trace=N"); `make fuzz` runs 100,000.
 *
 * Afterwards Keel must be alive (hypercalls answer, an exception is still
 * delivered through our IDT) and the domain's page count no higher than
 * before (XENMEM_current_reservation: decrease_reservation of gfns we do
 * not live in may release pages, populate_physmap may give some back, and
 * max_pages = the start count caps it); after the shutdown Keel destroys
 * the domain and prints "Domain 1 destroyed: N pages freed" only when its
 * frame count and frame list agree: the TESTS regex requires that line.
 *
 * Deny-list (counted, never called): sched_op shutdown, remote_shutdown,
 * watchdog and block (nothing would wake us: no timer event is bound),
 * poll without a timeout (0 = none) or with one in the future; vcpu_op up
 * of a vCPU but 0, down of vCPU 0, send_nmi; anything that would put a
 * Keel-written page (add_to_physmap's shared_info, register_vcpu_info)
 * over a frame we live in (image, start info: the "protected" gfns);
 * reservation ops on them; the FIFO event ABI and EVTCHNOP_reset; Xen-only
 * powers as in pv_hypercall_fuzz (kexec, MCA, sysctl/domctl with the right
 * version, hypfs writes, grant ops other than queries, multicall lists
 * anywhere readable).  Interrupts stay off, so a callback vector the fuzzer
 * sets never fires.  Expectations: Keel's own platform (Xen would refuse
 * console_io to a domU in release builds); no Xen run (see README.md).
 */
#include "fuzz.h"
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "randomized hypercalls from an HVM domU";

#define DEFAULT_SEED  0x4b45454cUL          /* "KEEL" */
#define DEFAULT_CALLS 20000
#define ARENA_PAGES   16

#define HC_grant_table_op  20
#define HC_sysctl          35
#define HC_domctl          36
#define HC_kexec_op        37
#define HC_xenpmu_op       40
#define HC_hypfs_op        42
#define HC_mca             48
#define HC_arch_1          49
#define EVTCHNOP_expand_array  12
#define EVTCHNOP_set_priority  13

/*
 * The arena, and two pages of slack after it that no pointer names: an HVM
 * guest cannot unmap a guard page, and a write that starts near the end of
 * the arena (a 1 KiB command line, say) must not reach the fuzzer's data.
 */
#define SLACK_PAGES 2
static uint8_t arena[ARENA_PAGES + SLACK_PAGES][4096] __page_aligned __section(".bss.page_aligned");
static unsigned long protected_start, protected_end, ram_end;   /* gfns */
static unsigned long traps[32];
static long reservation_before;

static bool gfn_protected(uint64_t gfn)
{
    return gfn >= protected_start && gfn < protected_end;
}

/* A gfn the hypervisor may remap or write: free RAM, past RAM, anywhere far. */
static uint64_t pick_gfn(void)
{
    for ( unsigned int tries = 0; tries < 8; tries++ )
    {
        uint64_t gfn;

        switch ( fuzz_below(5) )
        {
        case 0:
            gfn = protected_end + fuzz_below(ram_end - protected_end);
            break;
        case 1:
            gfn = fuzz_below(protected_start);          /* low memory */
            break;
        case 2:
            gfn = ram_end + fuzz_below(1024);
            break;
        case 3:
            gfn = fuzz_below(1ULL << 36);
            break;
        default:
            gfn = fuzz_int();
            break;
        }
        if ( !gfn_protected(gfn) )
            return gfn;
    }
    return ~0ULL;
}

static uint16_t pick_domid(void)
{
    static const uint64_t ids[] = { DOMID_SELF, 0, 1, 2, 0x7ff0, 0x7ff1, 0x7ff4, 0xffff };

    return FUZZ_PICK(ids);
}

/* --- generators --- */

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
    /* No flood from a valid buffer: writes get unreadable addresses. */
    c->a[2] = c->a[0] == CONSOLEIO_write ? fuzz_bad_addr() : (unsigned long)fuzz_alloc(256);
    if ( c->a[0] != CONSOLEIO_write && count > 256 )
        c->a[1] = fuzz_below(256);
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

    if ( (cmd == VCPUOP_up && vcpu != 0) || (cmd == VCPUOP_down && vcpu == 0) ||
         cmd == VCPUOP_send_nmi )
        return false;
    if ( cmd == VCPUOP_register_vcpu_info )
    {
        struct vcpu_register_vcpu_info *r = arg;

        r->mfn = pick_gfn();
        r->offset = fuzz_chance(50) ? fuzz_below(64) * 64 : fuzz_int();
        r->rsvd = fuzz_chance(80) ? 0 : fuzz_int();
    }
    c->a[0] = cmd;
    c->a[1] = vcpu;
    c->a[2] = fuzz_chance(90) || cmd == VCPUOP_register_vcpu_info ? (unsigned long)arg
                                                                   : fuzz_addr();
    return true;
}

static bool gen_sched_op(struct fuzz_call *c)
{
    static const uint64_t cmds[] = {
        SCHEDOP_yield, SCHEDOP_poll, SCHEDOP_shutdown_code, SCHEDOP_pin_override,
        SCHEDOP_block, SCHEDOP_shutdown, SCHEDOP_remote_shutdown, SCHEDOP_watchdog, 8, 64,
    };
    uint64_t cmd = FUZZ_PICK(cmds);
    struct sched_poll *p = fuzz_buffer(64);

    c->a[0] = cmd;
    c->a[1] = (unsigned long)p;
    switch ( (uint32_t)cmd )
    {
    case SCHEDOP_shutdown:
    case SCHEDOP_remote_shutdown:
    case SCHEDOP_watchdog:
    case SCHEDOP_block:
        return false;
    case SCHEDOP_poll:
    {
        unsigned int n = fuzz_below(4);
        evtchn_port_t *ports = fuzz_alloc(n * sizeof(*ports) + 4);

        if ( cmd != SCHEDOP_poll )
            return false;
        for ( unsigned int i = 0; i < n; i++ )
            ports[i] = fuzz_chance(50) ? fuzz_below(8) : fuzz_int();
        p->ports = fuzz_chance(80) ? (unsigned long)ports : fuzz_bad_addr();
        p->nr_ports = fuzz_chance(80) ? n : fuzz_int();
        p->timeout = 1 + fuzz_below(1000);      /* in the past: returns at once */
        return true;
    }
    }
    return true;
}

static bool gen_event_channel_op(struct fuzz_call *c)
{
    unsigned int cmd = fuzz_chance(90) ? fuzz_below(10) : fuzz_chance(50) ? fuzz_below(14)
                                                                          : fuzz_int();
    uint32_t *w = fuzz_buffer(64);

    if ( cmd == EVTCHNOP_reset || cmd == EVTCHNOP_init_control ||
         cmd == EVTCHNOP_expand_array || cmd == EVTCHNOP_set_priority )
        return false;
    if ( fuzz_chance(50) )
        w[0] = fuzz_below(16);
    if ( fuzz_chance(50) )
        w[1] = fuzz_below(4);
    c->a[0] = cmd;
    c->a[1] = fuzz_chance(90) ? (unsigned long)w : fuzz_addr();
    return true;
}

/* A reservation over gfns we do not live in (ballooning them out is allowed). */
static void build_reservation(struct xen_memory_reservation *r)
{
    unsigned int n = fuzz_below(5);
    uint64_t *list = fuzz_alloc(n * sizeof(*list) + 8);

    for ( unsigned int i = 0; i < n; i++ )
        list[i] = pick_gfn();
    r->extent_start = fuzz_chance(80) ? (unsigned long)list : fuzz_bad_addr();
    r->nr_extents = fuzz_chance(80) ? n : fuzz_int();
    r->extent_order = fuzz_chance(70) ? fuzz_below(3) : fuzz_int();
    r->mem_flags = fuzz_chance(50) ? 0 : fuzz_int();
    r->domid = pick_domid();
}

static bool gen_memory_op(struct fuzz_call *c)
{
    static const uint64_t cmds[] = {
        XENMEM_increase_reservation, XENMEM_decrease_reservation,
        XENMEM_maximum_ram_page, XENMEM_current_reservation,
        XENMEM_maximum_reservation, XENMEM_populate_physmap, XENMEM_add_to_physmap,
        XENMEM_add_to_physmap, XENMEM_add_to_physmap, XENMEM_memory_map,
        XENMEM_machine_memory_map, XENMEM_exchange, XENMEM_machphys_mapping, 14,
    };
    unsigned int cmd = fuzz_chance(95) ? cmds[fuzz_below(ARRAY_SIZE(cmds))] : 15 + fuzz_below(49);
    void *arg;

    switch ( cmd )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        arg = fuzz_alloc(sizeof(struct xen_memory_reservation));
        build_reservation(arg);
        break;
    case XENMEM_exchange:
    {
        struct xen_memory_exchange *x = fuzz_alloc(sizeof(*x));

        build_reservation(&x->in);
        build_reservation(&x->out);
        x->nr_exchanged = fuzz_chance(80) ? 0 : fuzz_int();
        arg = x;
        break;
    }
    case XENMEM_add_to_physmap:
    {
        struct xen_add_to_physmap *x = fuzz_alloc(sizeof(*x));

        x->domid = pick_domid();
        x->size = fuzz_int();
        x->space = fuzz_chance(80) ? XENMAPSPACE_shared_info : fuzz_int();
        x->idx = fuzz_chance(80) ? 0 : fuzz_int();
        x->gpfn = pick_gfn();
        arg = x;
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
        /* Unknown sub-ops may move frames on some hypervisor: unreadable pointers only. */
        arg = cmd > 14 ? (void *)(unsigned long)fuzz_bad_addr() : fuzz_buffer(64);
        break;
    }
    c->a[0] = cmd | (fuzz_chance(90) ? 0 : fuzz_below(8) << MEMOP_EXTENT_SHIFT);
    c->a[1] = fuzz_chance(90) ? (unsigned long)arg : fuzz_bad_addr();
    return true;
}

static bool gen_hvm_op(struct fuzz_call *c)
{
    struct xen_hvm_param *p = fuzz_buffer(sizeof(*p) + 64);

    c->a[0] = fuzz_chance(60) ? fuzz_below(2) : fuzz_chance(80) ? fuzz_below(32) : fuzz_int();
    p->domid = pick_domid();
    p->index = fuzz_chance(70) ? fuzz_below(48) : fuzz_int();
    p->value = fuzz_chance(30) ? HVM_CALLBACK_VECTOR(fuzz_below(256)) : fuzz_int();
    c->a[1] = fuzz_chance(90) ? (unsigned long)p : fuzz_addr();
    return true;
}

static bool gen_any_args(struct fuzz_call *c)
{
    for ( unsigned int i = 0; i < 5; i++ )
        c->a[i] = fuzz_chance(50) ? fuzz_addr() : fuzz_int();
    return true;
}

/* A list at an unreadable address: no entry is ever taken from our memory. */
static bool gen_unreadable_list(struct fuzz_call *c)
{
    c->a[0] = fuzz_bad_addr();
    c->a[1] = fuzz_int();
    return true;
}

static bool gen_grant_table_op(struct fuzz_call *c)
{
    static const uint64_t cmds[] = { 2, 3, 6, 9, 10 };   /* the queries */

    c->a[0] = cmds[fuzz_below(ARRAY_SIZE(cmds))];
    c->a[1] = fuzz_chance(90) ? (unsigned long)fuzz_buffer(64) : fuzz_addr();
    c->a[2] = fuzz_chance(70) ? fuzz_below(3) : fuzz_int();
    return true;
}

static bool gen_wrong_version(struct fuzz_call *c)
{
    uint32_t *op = fuzz_buffer(128);

    op[1] = fuzz_chance(50) ? 0 : 0x10000 + fuzz_below(0x10000);
    c->a[0] = fuzz_chance(90) ? (unsigned long)op : fuzz_addr();
    return true;
}

static bool gen_query_only(struct fuzz_call *c)
{
    c->a[0] = fuzz_chance(50) ? 0 : 2;          /* xenpmu mode_get/feature_get, hypfs get_version */
    c->a[1] = (unsigned long)fuzz_buffer(64);
    return true;
}

static const struct fuzz_gen gens[] = {
    { __HYPERVISOR_memory_op, "memory_op", 12, gen_memory_op },
    { __HYPERVISOR_multicall, "multicall", 1, gen_unreadable_list },
    { __HYPERVISOR_set_timer_op, "set_timer_op", 1, gen_any_args },
    { __HYPERVISOR_xen_version, "xen_version", 6, gen_xen_version },
    { __HYPERVISOR_console_io, "console_io", 3, gen_console_io },
    { HC_grant_table_op, "grant_table_op", 1, gen_grant_table_op },
    { __HYPERVISOR_vm_assist, "vm_assist", 3, gen_vm_assist },
    { __HYPERVISOR_vcpu_op, "vcpu_op", 8, gen_vcpu_op },
    { __HYPERVISOR_sched_op, "sched_op", 5, gen_sched_op },
    { __HYPERVISOR_event_channel_op, "event_channel_op", 8, gen_event_channel_op },
    { __HYPERVISOR_physdev_op, "physdev_op", 2, gen_any_args },
    { 34, "hvm_op", 10, gen_hvm_op },
    { HC_sysctl, "sysctl", 1, gen_wrong_version },
    { HC_domctl, "domctl", 1, gen_wrong_version },
    { HC_xenpmu_op, "xenpmu_op", 1, gen_query_only },
    { 41, "dm_op", 1, gen_any_args },
    { HC_hypfs_op, "hypfs_op", 1, gen_query_only },
};

/* --- traps the fuzzer survives --- */

static bool trap_count(struct cpu_regs *regs)
{
    traps[regs->entry_vector & 31]++;
    return true;
}

static const struct fuzz_env env = {
    .gens = gens, .nr_gens = ARRAY_SIZE(gens),
    .denied_numbers = (1ULL << 23) | (1ULL << HC_kexec_op) | (1ULL << HC_mca) |
                      (1ULL << HC_arch_1),
};

static long current_reservation(void)
{
    uint16_t id = DOMID_SELF;

    return hypercall_memory_op(XENMEM_current_reservation, &id);
}

/* The gfns we live in: the image, the start info after it (and its strings). */
static void protect_frames(void)
{
    const struct hvm_memmap_table_entry *map = phys_ptr(start_info->memmap_paddr);
    uint64_t end = (unsigned long)_end_image;

    if ( start_info->cmdline_paddr + 4096 > end )
        end = start_info->cmdline_paddr + 4096;
    protected_start = (unsigned long)_start_image >> PAGE_SHIFT;
    protected_end = (end >> PAGE_SHIFT) + 64;
    ram_end = 0;
    for ( uint32_t i = 0; i < start_info->memmap_entries; i++ )
        if ( map[i].type == HVM_MEMMAP_TYPE_RAM && (map[i].addr + map[i].size) >> PAGE_SHIFT > ram_end )
            ram_end = (map[i].addr + map[i].size) >> PAGE_SHIFT;
    if ( ram_end <= protected_end )
        ram_end = protected_end + 1;
}

static void declare_addresses(void)
{
    static const uint64_t unreadable[] = {
        0xfd000000, 0xfec00000, 0xfee00000, 0xfffff000, 0xffffffff,
#ifdef __x86_64__
        0x100000000ULL, 0x7ffffffff000ULL, 0xffff800000000000ULL, 0xfffffffffffff000ULL,
#endif
    };

    for ( unsigned int i = 0; i < ARRAY_SIZE(unreadable); i++ )
        fuzz_add_addr(unreadable[i], false);
    fuzz_add_addr((uint64_t)ram_end << PAGE_SHIFT, false);           /* past RAM */
    fuzz_add_addr(((uint64_t)ram_end << PAGE_SHIFT) - 8, true);      /* straddles it */
    /* RAM we never use: a hypervisor may read and write it at will. */
    fuzz_add_addr(0, true);
    fuzz_add_addr(0x1000, true);
    fuzz_add_addr((uint64_t)protected_end << PAGE_SHIFT, true);
}

static void check_alive(void)
{
    char ver[16];
    exinfo_t ex;
    long rc, now;

    rc = hypercall_xen_version(XENVER_version, NULL);
    printk("alive: xen_version %#lx\n", rc);
    if ( rc <= 0 )
        xtf_failure("Fail: xen_version after the run: %ld\n", rc);
    check_rc("xen_version extraversion", hypercall_xen_version(XENVER_extraversion, ver), 0);
    asm volatile ("1: ud2; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (ex) : "0" (0));
    check_eq("ud2 after the run", ex, EXINFO_SYM(UD, 0));
    now = current_reservation();
    printk("accounting: reservation %ld pages before, %ld after\n", reservation_before, now);
    if ( now <= 0 || now > reservation_before )
        xtf_failure("Fail: frame accounting: %ld pages, expected 1..%ld\n", now,
                    reservation_before);
}

void test_main(void)
{
    uint64_t seed = DEFAULT_SEED;
    unsigned long calls = DEFAULT_CALLS;

    cli();
    fuzz_options(phys_ptr(start_info->cmdline_paddr), &seed, &calls);
    printk("fuzz: seed %lu, %lu calls (fuzz_seed=N fuzz_calls=N on the command line)\n",
           (unsigned long)seed, calls);
    fuzz_seed(seed);
    fuzz_arena_init(arena, ARENA_PAGES * 4096UL);
    protect_frames();
    fuzz_forbid((uint64_t)protected_start << PAGE_SHIFT, (uint64_t)protected_end << PAGE_SHIFT);
    declare_addresses();
    exception_hooks[X86_EXC_DB] = trap_count;
    exception_hooks[X86_EXC_BP] = trap_count;
    exception_hooks[X86_EXC_NM] = trap_count;
    exception_hooks[X86_EXC_MC] = trap_count;
    reservation_before = current_reservation();
    printk("fuzz: gfns %#lx-%#lx protected, RAM ends at gfn %#lx, %ld pages\n",
           protected_start, protected_end, ram_end, reservation_before);

    fuzz_run(&env, calls);

    /*
     * The run's own console_io writes spend this domU's console budget
     * (8 KiB, then 2 KiB/s: common/guest_console.c); let it fill again so
     * that the report and the verdict are not dropped.
     */
    {
        uint64_t end = tsc_after_ms(8000);   /* 3 s at TCG's 2.6 GHz TSC */

        while ( rdtsc() < end )
            cpu_relax();
    }
    fuzz_report(&env);
    printk("fuzz: %lu calls made, %lu succeeded, %lu refused, %lu denied; "
           "traps #DB %lu #BP %lu #NM %lu #MC %lu\n",
           fuzz_stats.calls, fuzz_stats.ok, fuzz_stats.errors, fuzz_stats.denied,
           traps[X86_EXC_DB], traps[X86_EXC_BP], traps[X86_EXC_NM], traps[X86_EXC_MC]);
    check_alive();
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable: the hypervisor survived %lu random calls with its "
               "accounting intact\n", fuzz_stats.calls);
}
