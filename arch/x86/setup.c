/*
 * __start_keel(): the boot CPU's path from head.S to the idle loop.  The
 * order matters: console before anything that may fail loudly, the heap
 * before anything that allocates, time before timers, timers before SMP.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/acpi.h>
#include <keel/bootinfo.h>
#include <keel/cmdline.h>
#include <keel/console_input.h>
#include <keel/domain.h>
#include <keel/grant_table.h>
#include <keel/console_backend.h>
#include <keel/event.h>
#include <keel/kernel_image.h>
#include <keel/keyhandler.h>
#include <keel/mm.h>
#include <keel/spinlock.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <keel/version.h>
#include <public/errno.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/mm.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/time.h>
#include <asm/traps.h>

#define MAX_CMDLINE_PROBLEMS 16

void __noreturn __start_keel(uint32_t magic, uint32_t info_pa);

static char opt_console[64] = "com1,vga";
string_param("console", opt_console);
static char opt_com1[64];
string_param("com1", opt_com1);
static char opt_sched[16];
string_param("sched", opt_sched);
/* dom0_mem=[<size>][,max:<size>] (Xen's syntax; min: is accepted and ignored). */
static uint64_t opt_dom0_mem, opt_dom0_mem_max;

static int parse_dom0_mem(const char *s)
{
    const char *end;

    while ( *s )
    {
        uint64_t *dst = &opt_dom0_mem, v;

        if ( !strncmp(s, "max:", 4) )
            dst = &opt_dom0_mem_max, s += 4;
        else if ( !strncmp(s, "min:", 4) )
            dst = NULL, s += 4;
        v = parse_size_and_unit(s, &end);
        if ( end == s || (*end && *end != ',') )
            return -EINVAL;
        if ( dst )
            *dst = v;
        s = *end ? end + 1 : end;
    }
    return 0;
}
custom_param("dom0_mem", parse_dom0_mem);

/* dom0's quota: max: if given, else unbounded (Xen: the balloon may grow it). */
uint64_t dom0_memory_max(void)
{
    return opt_dom0_mem_max ? opt_dom0_mem_max : ~0ULL;
}

/* dom0_max_vcpus=N | N-M | N- | -M, parsed as Xen 4.17 does: a floor and a cap. */
static unsigned int opt_dom0_vcpus_min = 1, opt_dom0_vcpus_max = ~0u;

/* One number of a dom0_max_vcpus= range; false when there is none. */
static bool vcpus_number(const char **s, unsigned int *out)
{
    const char *start = *s;

    *out = simple_strtoul(start, s, 0);
    return *s != start;
}

static int parse_dom0_max_vcpus(const char *s)
{
    unsigned int min = 1, max = ~0u;

    if ( *s == '-' )
    {
        s++;
        if ( !vcpus_number(&s, &max) )
            return -EINVAL;
    }
    else
    {
        if ( !vcpus_number(&s, &min) )
            return -EINVAL;
        if ( !*s )
            max = min;
        else if ( *s == '-' )
        {
            s++;
            if ( *s && !vcpus_number(&s, &max) )
                return -EINVAL;
        }
    }
    if ( *s )
        return -EINVAL;
    opt_dom0_vcpus_min = min ? min : 1;
    opt_dom0_vcpus_max = max;
    return 0;
}
custom_param("dom0_max_vcpus", parse_dom0_max_vcpus);
/* dom0=pvh (Xen's option): dom0 is a PVH domain; "pv" (the default) a PV one. */
static bool opt_dom0_pvh;
static int parse_dom0(const char *s)
{
    for ( const char *p = s; *p; )
    {
        const char *e = strchr(p, ',') ?: p + strlen(p);

        if ( e - p == 3 && !strncmp(p, "pvh", 3) )
            opt_dom0_pvh = true;
        else if ( e - p == 2 && !strncmp(p, "pv", 2) )
            opt_dom0_pvh = false;
        else
            return -EINVAL;
        p = *e ? e + 1 : e;
    }
    return 0;
}
custom_param("dom0", parse_dom0);

static unsigned int opt_maxcpus = NR_CPUS;
integer_param("maxcpus", opt_maxcpus);

static int parse_loglvl(const char *s)
{
    return printk_set_loglvl(s);
}
custom_param("loglvl", parse_loglvl);

static int parse_guest_loglvl(const char *s)
{
    return printk_set_guest_loglvl(s);
}
custom_param("guest_loglvl", parse_guest_loglvl);

/* Problems found before the console exists are kept and printed after. */
static struct {
    char text[64];
    int err;
} cmdline_problems[MAX_CMDLINE_PROBLEMS];
static unsigned int nr_cmdline_problems;

static struct boot_info boot_info;

static void note_cmdline_problem(const char *opt, size_t len, int err)
{
    if ( nr_cmdline_problems == MAX_CMDLINE_PROBLEMS )
        return;
    snprintf(cmdline_problems[nr_cmdline_problems].text,
             sizeof(cmdline_problems[0].text), "%.*s", (int)min(len, (size_t)60), opt);
    cmdline_problems[nr_cmdline_problems++].err = err;
}

static void report_cmdline_problems(void)
{
    for ( unsigned int i = 0; i < nr_cmdline_problems; i++ )
    {
        const char *why = cmdline_problems[i].err == -ENOENT ? "unknown option" :
                          cmdline_problems[i].err == -E2BIG ? "value too long" :
                          "bad value";

        printk(KLOG_WARNING "Command line: '%s' ignored (%s)\n",
               cmdline_problems[i].text, why);
    }
}

static void print_banner(const struct boot_info *bi)
{
    printk("Keel hypervisor %s, built %s with %s\n", keel_version_string(),
           keel_compile_date(), keel_compiler());
    printk("Boot loader: %s (%s)\n", bi->loader[0] ? bi->loader : "unknown",
           bi->protocol);
    printk("Command line: %s\n", bi->cmdline);
}

static void print_cpu(const struct cpu_features *c)
{
    printk("CPU: %s, %s (family %#x model %#x stepping %u)\n", c->vendor,
           c->brand, c->family, c->model, c->stepping);
    printk("CPU features:%s%s%s%s%s%s%s%s%s\n", c->x2apic ? " x2apic" : "",
           c->tsc_deadline ? " tsc-deadline" : "",
           c->invariant_tsc ? " invariant-tsc" : "", c->pdpe1gb ? " 1g-pages" : "",
           c->svm ? " svm" : "", c->vmx ? " vmx" : "", c->smep ? " smep" : "",
           c->smap ? " smap" : "", c->hypervisor ? " (under a hypervisor)" : "");
}

static void print_memory_map(const struct boot_info *bi)
{
    static const char *const names[] = {
        [E820_RAM] = "RAM", [E820_RESERVED] = "reserved", [E820_ACPI] = "ACPI data",
        [E820_NVS] = "ACPI NVS", [E820_UNUSABLE] = "unusable",
    };

    printk("Physical memory map (%s):\n", bi->protocol);
    for ( unsigned int i = 0; i < bi->nr_memmap; i++ )
    {
        const struct boot_memrange *m = &bi->memmap[i];
        const char *name = m->type < ARRAY_SIZE(names) && names[m->type]
                           ? names[m->type] : "type?";

        printk(" %016lx - %016lx (%s)\n", (unsigned long)m->addr,
               (unsigned long)(m->addr + m->size), name);
    }
}

static void print_modules(const struct boot_info *bi)
{
    for ( unsigned int i = 0; i < bi->nr_modules; i++ )
        printk("Module %u: %#lx-%#lx (%lu KiB) '%s'\n", i,
               (unsigned long)bi->modules[i].start,
               (unsigned long)(bi->modules[i].start + bi->modules[i].size),
               (unsigned long)(bi->modules[i].size >> 10), bi->modules[i].cmdline);
}

static void platform_init(void)
{
    uint32_t lapic_addr = 0;

    if ( acpi_boot_init(&boot_info, cpu_initial_apic_id()) == 0 )
        lapic_addr = acpi_platform.lapic_addr;
    else
    {
        printk(KLOG_WARNING "ACPI: no usable MADT, running on the boot CPU only\n");
        acpi_platform.nr_cpus = 1;
    }
    apic_init_bsp(lapic_addr);
    get_cpu_info()->apic_id = apic_current_id();
    cpu_to_apicid[0] = get_cpu_info()->apic_id;
    io_apic_init();
}

const char *keel_boot_cmdline(void)
{
    return boot_info.cmdline;
}

const struct boot_info *keel_boot_info(void)
{
    return &boot_info;
}

/* Without dom0_mem=, dom0 takes what is free but a reserve for Keel. */
static uint64_t dom0_memory(void)
{
    uint64_t avail = (uint64_t)avail_heap_pages() << PAGE_SHIFT;
    uint64_t reserve = 64ULL << 20;
    uint64_t want = opt_dom0_mem ? opt_dom0_mem : avail - reserve;

    if ( avail < reserve + (16ULL << 20) )
        return 0;
    return min(want, avail - reserve) & ~((2ULL << 20) - 1);
}

/* A module tagged "type=pvh" (or "type=hvm") on its command line is a domU. */
static bool module_is_pvh(const struct boot_module *m)
{
    return strstr(m->cmdline, "type=pvh") != NULL;
}

static bool module_is_hvm(const struct boot_module *m)
{
    return strstr(m->cmdline, "type=hvm") != NULL;
}

static bool module_is_domu(const struct boot_module *m)
{
    return module_is_pvh(m) || module_is_hvm(m);
}

/* "mem=<MiB>" on a domU module's command line, else 64 MiB. */
static uint64_t module_mem(const struct boot_module *m)
{
    const char *p = strstr(m->cmdline, "mem=");
    unsigned long mib = p ? simple_strtoul(p + 4, NULL, 10) : 0;

    return (uint64_t)(mib >= 2 && mib <= 4096 ? mib : 64) << 20;
}

/* "vcpus=<n>" on a domU module's command line, else 1. */
static unsigned int module_vcpus(const struct boot_module *m)
{
    const char *p = strstr(m->cmdline, "vcpus=");
    unsigned long n = p ? simple_strtoul(p + 6, NULL, 10) : 1;

    return n >= 1 && n <= MAX_VIRT_CPUS ? n : 1;
}

static bool create_vcpus(struct domain *d, unsigned int n, unsigned int first_cpu)
{
    for ( unsigned int i = 0; i < n; i++ )
        if ( !vcpu_create(d, i, (first_cpu + i) % num_online_cpus()) )
            return false;
    return true;
}

/* The module after a domU's, if its command line starts "ramdisk": that domU's initrd. */
static const struct boot_module *module_ramdisk(const struct boot_info *bi, unsigned int i)
{
    const struct boot_module *r = i + 1 < bi->nr_modules ? &bi->modules[i + 1] : NULL;

    return r && !strncmp(r->cmdline, "ramdisk", 7) ? r : NULL;
}

/*
 * A boot-time PVH domU: the toolstack domU's layout (ACPI, xenstore and
 * console pages), with Keel as its console backend (its hvc0 appears as
 * "(dN)" lines) and no xenstore (STORE_PFN stays 0: nobody serves it).
 */
static int build_boot_pvh(struct domain *d, const struct boot_module *m,
                          const struct boot_module *ramdisk)
{
    uint64_t mem = module_mem(m), store_gfn, console_gfn;
    struct boot_module elf = *m;        /* a bzImage (Debian's vmlinuz) is unpacked first */
    struct kernel_image k;
    char err[96];
    int rc, port;

    rc = kernel_image_unpack(maddr_to_virt(m->start), m->size, &k, err, sizeof(err));
    if ( rc )
    {
        printk(KLOG_ERR "d%u: kernel image: %s\n", d->domain_id, err);
        return rc;
    }
    elf.start = virt_to_maddr(k.elf);
    elf.size = k.elf_size;
    d->max_pages = mem >> PAGE_SHIFT;
    rc = pvh_domu_build(d, &elf, ramdisk, mem, m->cmdline, &store_gfn, &console_gfn);
    kernel_image_release(&k);
    if ( rc )
        return rc;
    port = evtchn_alloc_unbound_port(d, DOMID_XEN);
    if ( port <= 0 )
        return -ENOSPC;
    d->arch.hvm.params[HVM_PARAM_CONSOLE_PFN] = console_gfn;
    d->arch.hvm.params[HVM_PARAM_CONSOLE_EVTCHN] = port;
    return console_backend_attach(d, console_gfn, port);
}

/* A bzImage boots through the Linux boot protocol, an ELF at its 64-bit entry. */
static int build_boot_hvm(struct domain *d, const struct boot_module *m,
                          const struct boot_info *bi, unsigned int i)
{
    int rc = hvm_build_linux(d, m, module_ramdisk(bi, i), module_mem(m), m->cmdline);

    return rc == -ENOEXEC ? hvm_build_plain(d, m, module_mem(m), m->cmdline) : rc;
}

static void start_pvh_domus(const struct boot_info *bi)
{
    domid_t next_id = 1;

    for ( unsigned int i = 0; i < bi->nr_modules; i++ )
    {
        const struct boot_module *m = &bi->modules[i];
        struct domain *d;

        bool pvh = module_is_pvh(m);

        if ( !module_is_domu(m) )
            continue;
        if ( !hvm_enabled )
        {
            printk(KLOG_ERR "Module %u is an HVM guest, but this machine cannot run "
                   "HVM guests: not started\n", i);
            continue;
        }
        d = domain_create(next_id, DOMCRF_hvm | (pvh ? DOMCRF_pvh : 0), module_vcpus(m));
        if ( !d || !create_vcpus(d, module_vcpus(m), next_id - 1) ||
             (pvh ? build_boot_pvh(d, m, module_ramdisk(bi, i)) : build_boot_hvm(d, m, bi, i)) )
        {
            printk(KLOG_ERR "d%u: could not be built from module %u: not started\n",
                   next_id, i);
            if ( d )
                domain_destroy(d);
            continue;
        }
        printk("Starting d%u (%s)\n", next_id, pvh ? "PVH" : "HVM");
        domain_unpause(d);
        next_id++;
    }
}

/* Xen's default: one vCPU per online CPU, within the floor and cap given. */
static unsigned int dom0_vcpus(void)
{
    unsigned int n = num_online_cpus();

    n = max(n, opt_dom0_vcpus_min);
    n = min(n, opt_dom0_vcpus_max);
    return min(n, (unsigned int)MAX_VIRT_CPUS);
}

/* dom0=pvh: a bzImage (Debian's vmlinuz) is unpacked as for a PVH domU. */
static int build_pvh_dom0(struct domain *d, const struct boot_info *bi,
                          const struct boot_module *initrd, uint64_t mem)
{
    const struct boot_module *m = &bi->modules[0];
    struct boot_module elf = *m;
    struct kernel_image k;
    char err[96];
    int rc;

    rc = kernel_image_unpack(maddr_to_virt(m->start), m->size, &k, err, sizeof(err));
    if ( rc )
    {
        printk(KLOG_ERR "d0: kernel image: %s\n", err);
        return rc;
    }
    elf.start = virt_to_maddr(k.elf);
    elf.size = k.elf_size;
    rc = pvh_dom0_build(d, &elf, initrd, mem, m->cmdline, bi);
    kernel_image_release(&k);
    return rc;
}

static void start_dom0(const struct boot_info *bi)
{
    const struct boot_module *initrd = bi->nr_modules > 1 &&
                                       !module_is_domu(&bi->modules[1])
                                       ? &bi->modules[1] : NULL;
    uint64_t mem = dom0_memory();
    struct domain *d;

    if ( bi->nr_modules == 0 || module_is_domu(&bi->modules[0]) )
    {
        printk("no dom0 kernel given\n");
        return;
    }
    if ( opt_dom0_pvh && !hvm_enabled )
        panic("dom0=pvh: this machine cannot run HVM guests (no SVM with nested paging)");
    d = domain_create(0, DOMCRF_privileged | (opt_dom0_pvh ? DOMCRF_hvm | DOMCRF_pvh : 0),
                      dom0_vcpus());
    if ( !d || !create_vcpus(d, d->max_vcpus, 0) )
        panic("cannot create dom0");
    if ( mem == 0 || (opt_dom0_pvh ? build_pvh_dom0(d, bi, initrd, mem)
                                   : pv_dom0_build(d, &bi->modules[0], initrd, mem,
                                                   bi->modules[0].cmdline)) )
        panic("could not build dom0 from module 0 ('%s')", bi->modules[0].cmdline);
    printk("Starting dom0 (%s)\n", opt_dom0_pvh ? "PVH" : "PV");
    domain_unpause(d);
    console_input_to_hardware_domain(d);
}

void __start_keel(uint32_t magic, uint32_t info_pa)
{
    int rc;

    rc = multiboot_parse(magic, info_pa, &boot_info);
    cmdline_parse(boot_info.cmdline, __setup_start, __setup_end - __setup_start,
                  note_cmdline_problem);
    console_init_preirq(opt_console, opt_com1);
    if ( rc )
        panic("not started by a multiboot loader (magic %#x)", magic);
    print_banner(&boot_info);
    report_cmdline_problems();
    cpu_identify(&boot_cpu);
    print_cpu(&boot_cpu);
    print_memory_map(&boot_info);
    print_modules(&boot_info);

    mm_init(&boot_info);
    gdt_init_cpu(0);
    idt_init();
    cpu_init_features();
    exception_selftest();

    platform_init();
    time_init();
    timers_init();
    apic_timer_calibrate();
    smp_ipi_init();
    hvm_init();
    scheduler_init(opt_sched);
    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
        scheduler_init_cpu(cpu);
    cpu_online_map = cpumask_of(0);
    local_irq_enable();

    smp_boot_cpus(opt_maxcpus ? min(opt_maxcpus, (unsigned int)NR_CPUS) : 1);
    timer_selftest();
    domain_selftest();
    gnttab_selftest();
    console_endboot();                  /* timers run: serial output goes async */
    start_dom0(&boot_info);
    start_pvh_domus(&boot_info);
    keyhandler_init();
    /* The line that says Keel is up shows at the default (warning) level. */
    printk(KLOG_WARNING "Boot complete: %u CPU(s) idle, %lu MiB free; debug keys on the "
           "serial console ('h' for help)\n", num_online_cpus(),
           avail_heap_pages() >> (20 - PAGE_SHIFT));
    idle_loop();
}
