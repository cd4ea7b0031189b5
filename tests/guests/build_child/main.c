/*
 * The domU side of domu_build: a test kernel that dom0 builds with
 * KEEL_DOMCTL_build (pv64 build as a PV domU, pvh build as a PVH domU),
 * recognised by "keel_build_child=<pv|pvh>" on its command line.  It checks
 * what the builder promised (docs/domain-build.md):
 *  - pv64: start_info without SIF_INITDOMAIN/SIF_PRIVILEGED; store_mfn and
 *    console.domU.mfn two distinct frames of its own p2m, zero-filled;
 *  - pvh: HVM params STORE_PFN/CONSOLE_PFN two distinct frames above the
 *    RAM of its memory map (inside a reserved entry), zero-filled;
 *  - both: the xenstore and console ports distinct and unbound, offered to
 *    domain 0 (EVTCHNOP_status); the ramdisk dom0 gave (mod_start/mod_len,
 *    or the one hvm_start_info module) holds dom0's pattern; the command
 *    line is dom0's, whole; a domctl from a domU is -EPERM (XSM), the
 *    build one too, and so are a sysctl and (pv64) an mmu_update naming
 *    dom0 as the owner of the frames it maps.
 * Booted on its own by the runner (dom0 for pv64, a boot-time domU for
 * pvh) it checks the other side: pv64 has SIF_INITDOMAIN and no
 * xenstore/console frames; pvh has no STORE_PFN (no xenstored serves a
 * boot-time domU) but a CONSOLE_PFN and CONSOLE_EVTCHN (Keel is its
 * console backend).
 */
#ifdef ENV_pv64
#include "pv.h"
#else
#include "hvm.h"
#endif
#include "console.h"
#include "evtchn_ops.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"

const char test_title[] = "a domU built by KEEL_DOMCTL_build: its start of day";

#define HVM_PARAM_CONSOLE_EVTCHN_ 18
#ifdef ENV_pv64
#define ENV_IS_PV 1
#else
#define ENV_IS_PV 0
#endif
#define RAMDISK_MAGIC "keel-build-ramdisk"

static void check_zero(const char *what, const uint8_t *p)
{
    for ( unsigned int i = 0; i < 4096; i++ )
        if ( p[i] )
        {
            xtf_failure("Fail: the %s page has byte %#x at %u\n", what, p[i], i);
            return;
        }
}

static void check_port(const char *what, uint32_t port)
{
    struct evtchn_status_arg st;
    long rc = evtchn_status_of(DOMID_SELF, port, &st);

    check_rc(what, rc, 0);
    check_eq(what, st.status, EVTCHNSTAT_unbound);
    check_eq(what, st.u.unbound.dom, 0);
}

/* dom0 writes the magic, then byte i = (i * 7) & 0xff up to the length. */
static void check_ramdisk(const uint8_t *p, uint64_t len)
{
    size_t m = strlen(RAMDISK_MAGIC);

    printk("ramdisk at %p, %lu bytes\n", p, (unsigned long)len);
    if ( len < 4096 || memcmp(p, RAMDISK_MAGIC, m) )
    {
        xtf_failure("Fail: the ramdisk lacks dom0's magic (len %lu)\n", (unsigned long)len);
        return;
    }
    for ( uint64_t i = m; i < len; i++ )
        if ( p[i] != (uint8_t)(i * 7) )
        {
            xtf_failure("Fail: ramdisk byte %lu is %#x\n", (unsigned long)i, p[i]);
            return;
        }
}

static void check_domctl_denied(void)
{
    struct xen_domctl op = { 0 };
    struct xen_sysctl sop = { 0 };
#ifdef ENV_pv64
    struct mmu_update u = { .ptr = MMU_NORMAL_PT_UPDATE, .val = 0 };
#endif

    check_rc("domctl getdomaininfo from a domU", domctl_op(XEN_DOMCTL_getdomaininfo, 0, &op),
             -EPERM);
    memset(&op, 0, sizeof(op));
    check_rc("KEEL_DOMCTL_build from a domU", domctl_op(KEEL_DOMCTL_build, DOMID_SELF, &op),
             -ESRCH);
    memset(&op, 0, sizeof(op));
    op.u.keel_build.type = KEEL_BUILD_TYPE_PV;
    check_rc("KEEL_DOMCTL_build of dom0 from a domU", domctl_op(KEEL_DOMCTL_build, 0, &op),
             -EPERM);
    check_rc("sysctl physinfo from a domU", sysctl_op(XEN_SYSCTL_physinfo, &sop), -EPERM);
#ifdef ENV_pv64
    /* Foreign mappings are the toolstack's: Xen's get_pg_owner + XSM refuse a domU. */
    check_rc("mmu_update with dom0 as the frames' owner, from a domU",
             hypercall_mmu_update(&u, 1, NULL, 0), -EPERM);
#endif
}

#ifdef ENV_pv64
static const char *cmdline(void)
{
    return (const char *)start_info->cmd_line;
}

static long pfn_of_mfn(uint64_t mfn)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;

    for ( unsigned long pfn = 0; pfn < start_info->nr_pages; pfn++ )
        if ( p2m[pfn] == mfn )
            return pfn;
    return -1;
}

static void check_built(void)
{
    long spfn = pfn_of_mfn(start_info->store_mfn);
    long cpfn = pfn_of_mfn(start_info->console.domU.mfn);

    printk("flags %#x, store mfn %#lx (pfn %ld) port %u, console mfn %#lx (pfn %ld) port %u\n",
           start_info->flags, (unsigned long)start_info->store_mfn, spfn,
           start_info->store_evtchn, (unsigned long)start_info->console.domU.mfn, cpfn,
           start_info->console.domU.evtchn);
    check_eq("SIF_INITDOMAIN|SIF_PRIVILEGED", start_info->flags &
             (SIF_INITDOMAIN | SIF_PRIVILEGED), 0);
    if ( spfn < 0 || cpfn < 0 || spfn == cpfn )
        xtf_failure("Fail: store/console MFNs are not two frames of the p2m\n");
    else
    {
        check_zero("xenstore", (const uint8_t *)(GUEST_VIRT_BASE + spfn * 4096UL));
        check_zero("console", (const uint8_t *)(GUEST_VIRT_BASE + cpfn * 4096UL));
    }
    if ( start_info->store_evtchn == start_info->console.domU.evtchn )
        xtf_failure("Fail: one port for xenstore and the console\n");
    check_port("xenstore port", start_info->store_evtchn);
    check_port("console port", start_info->console.domU.evtchn);
    if ( start_info->flags & SIF_MOD_START_PFN )
        xtf_failure("Fail: the test kernel asked for no MOD_START_PFN\n");
    check_ramdisk((const uint8_t *)start_info->mod_start, start_info->mod_len);
}

static void check_alone(void)
{
    check_eq("dom0's SIF_INITDOMAIN", !!(start_info->flags & SIF_INITDOMAIN), 1);
    check_eq("dom0's store_mfn", start_info->store_mfn, 0);
}
#else
static const char *cmdline(void)
{
    return start_info->cmdline_paddr ? phys_ptr(start_info->cmdline_paddr) : "";
}

/* The special page must lie above the RAM entries, inside a reserved one. */
static void check_special(const char *what, uint64_t pfn)
{
    const struct hvm_memmap_table_entry *m = phys_ptr(start_info->memmap_paddr);
    uint64_t pa = pfn << 12;
    bool reserved = false;

    for ( unsigned int i = 0; i < start_info->memmap_entries; i++ )
    {
        bool in = pa >= m[i].addr && pa - m[i].addr < m[i].size;

        if ( in && m[i].type == HVM_MEMMAP_TYPE_RAM )
            xtf_failure("Fail: the %s page %#llx is in RAM entry %u\n", what,
                        (unsigned long long)pfn, i);
        if ( in && m[i].type != HVM_MEMMAP_TYPE_RAM )
            reserved = true;
    }
    if ( !reserved )
        xtf_failure("Fail: the %s page %#llx is in no reserved entry\n", what,
                    (unsigned long long)pfn);
    else
        check_zero(what, phys_ptr(pa));
}

static void check_built(void)
{
    uint64_t spfn = 0, sport = 0, cpfn = 0, cport = 0;
    const struct { uint64_t paddr, size, cmdline, reserved; } *mod;

    check_rc("get STORE_PFN", hvm_get_param(HVM_PARAM_STORE_PFN, &spfn), 0);
    check_rc("get STORE_EVTCHN", hvm_get_param(HVM_PARAM_STORE_EVTCHN, &sport), 0);
    check_rc("get CONSOLE_PFN", hvm_get_param(HVM_PARAM_CONSOLE_PFN, &cpfn), 0);
    check_rc("get CONSOLE_EVTCHN", hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN_, &cport), 0);
    printk("store pfn %#llx port %llu, console pfn %#llx port %llu\n",
           (unsigned long long)spfn, (unsigned long long)sport,
           (unsigned long long)cpfn, (unsigned long long)cport);
    if ( !spfn || !cpfn || spfn == cpfn || !sport || !cport || sport == cport )
        xtf_failure("Fail: xenstore/console params are not two frames and two ports\n");
    else
    {
        check_special("xenstore", spfn);
        check_special("console", cpfn);
        check_port("xenstore port", sport);
        check_port("console port", cport);
    }
    check_eq("hvm_start_info modules", start_info->nr_modules, 1);
    if ( start_info->nr_modules == 1 )
    {
        mod = phys_ptr(start_info->modlist_paddr);
        check_ramdisk(phys_ptr(mod->paddr), mod->size);
    }
}

static void check_alone(void)
{
    uint64_t spfn = ~0ULL, cpfn = 0, cport = 0;

    check_rc("get STORE_PFN", hvm_get_param(HVM_PARAM_STORE_PFN, &spfn), 0);
    check_rc("get CONSOLE_PFN", hvm_get_param(HVM_PARAM_CONSOLE_PFN, &cpfn), 0);
    check_rc("get CONSOLE_EVTCHN", hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN_, &cport), 0);
    check_eq("boot-time domU's STORE_PFN", spfn, 0);
    if ( !cpfn || !cport )
        xtf_failure("Fail: boot-time domU's console: gfn %#lx port %lu (Keel serves it)\n",
                    (unsigned long)cpfn, (unsigned long)cport);
}
#endif

void test_main(void)
{
    const char *cl = cmdline();
    const char *want = ENV_IS_PV ? "keel_build_child=pv " : "keel_build_child=pvh ";

    printk("command line: '%s'\n", cl);
    if ( !strstr(cl, "keel_build_child=") )
    {
        printk("not built by domu_build: checking the boot-time start of day\n");
        check_alone();
        return;
    }
    /* dom0 ends its command line with a marker: nothing may be cut. */
    if ( strncmp(cl, want, strlen(want)) || !strstr(cl, " end-of-cmdline") ||
         strcmp(cl + strlen(cl) - strlen(" end-of-cmdline"), " end-of-cmdline") )
        xtf_failure("Fail: the command line is not dom0's\n");
    check_built();
    check_domctl_denied();
}
