/* libkeelctl: xl-style text for kl (see keelctl.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include "keelctl.h"

/* Xen 4.17's getdomaininfo flag bits (public/domctl.h). */
#define DOMINF_dying     (1U << 0)
#define DOMINF_shutdown  (1U << 2)
#define DOMINF_paused    (1U << 3)
#define DOMINF_blocked   (1U << 4)
#define DOMINF_running   (1U << 5)
#define DOMINF_shutdownshift 16
#define SHUTDOWN_crash   3

#define PAGE_KIB 4

void kl_state_string(uint32_t flags, char out[7])
{
    unsigned int code = (flags >> DOMINF_shutdownshift) & 0xff;
    out[0] = flags & DOMINF_running ? 'r' : '-';
    out[1] = flags & DOMINF_blocked ? 'b' : '-';
    out[2] = flags & DOMINF_paused ? 'p' : '-';
    /* xl: 's' for a clean shutdown, 'c' when the code says crash. */
    out[3] = (flags & DOMINF_shutdown) && code != SHUTDOWN_crash ? 's' : '-';
    out[4] = (flags & DOMINF_shutdown) && code == SHUTDOWN_crash ? 'c' : '-';
    out[5] = flags & DOMINF_dying ? 'd' : '-';
    out[6] = '\0';
}

void kl_domain_name(uint32_t domid, char *out, size_t len)
{
    if ( domid == 0 )
        snprintf(out, len, "Domain-0");
    else
        snprintf(out, len, "(domain %" PRIu32 ")", domid);
}

int kl_list_header(char *out, size_t len)
{
    return snprintf(out, len, "%-40s %5s %5s %5s     %s  %8s", "Name", "ID", "Mem", "VCPUs",
                    "State", "Time(s)");
}

int kl_list_line(const struct kl_domain *d, char *out, size_t len)
{
    char name[48], state[7];

    if ( d->name )
        snprintf(name, sizeof(name), "%s", d->name);
    else
        kl_domain_name(d->domid, name, sizeof(name));
    kl_state_string(d->flags, state);
    return snprintf(out, len, "%-40s %5" PRIu32 " %5" PRIu64 " %5" PRIu32 "     %s %8.1f", name,
                    d->domid, d->tot_pages * PAGE_KIB / 1024, d->nr_online_vcpus, state,
                    (double)d->cpu_time_ns / 1e9);
}

const char *kl_sched_name(int sched_id)
{
    switch ( sched_id )
    {
    case 5: return "credit";
    case 6: return "credit2";
    case 7: return "arinc653";
    case 8: return "rtds";
    case 9: return "null";
    case 0x4b52: return "keel-rr";
    }
    return "unknown";
}

int kl_info_text(const struct kl_host *h, char *out, size_t len)
{
    return snprintf(out, len,
                    "nr_cpus                : %" PRIu32 "\n"
                    "cores_per_socket       : %" PRIu32 "\n"
                    "threads_per_core       : %" PRIu32 "\n"
                    "cpu_mhz                : %" PRIu32 ".%03" PRIu32 "\n"
                    "virt_caps              :%s%s\n"
                    "total_memory           : %" PRIu64 "\n"
                    "free_memory            : %" PRIu64 "\n"
                    "xen_major              : %d\n"
                    "xen_minor              : %d\n"
                    "xen_extra              : %s\n"
                    "xen_scheduler          : %s",
                    h->nr_cpus, h->cores_per_socket, h->threads_per_core, h->cpu_khz / 1000,
                    h->cpu_khz % 1000, h->capabilities & 2 ? " pv" : "",
                    h->capabilities & 1 ? " hvm" : "", h->total_pages * PAGE_KIB / 1024,
                    h->free_pages * PAGE_KIB / 1024, h->xen_major, h->xen_minor, h->xen_extra,
                    kl_sched_name(h->sched_id));
}

/* Keel's reason codes (include/public/domctl.h, KEEL_BUILD_E*), in order. */
static const char *const build_reasons[] = {
    [1] = "Keel refused the build type or flags (kl and Keel disagree: rebuild kl)",
    [2] = "the domain is not a fresh, paused domain (already built, dying or dom0)",
    [3] = "the kernel is empty or larger than Keel's 64 MiB limit",
    [4] = "the ramdisk is larger than 512 MiB or than the domain's memory",
    [5] = "the command line is longer than 1023 bytes",
    [6] = "Keel could not read the images from dom0's memory",
    [7] = "not enough memory for the domain (or memory above maxmem)",
    [8] = "the kernel is not an ELF or a bzImage Keel can unpack",
    [9] = "kernel has no Xen ELF notes and type=pv",
    [10] = NULL,    /* ENOPVH: worded by type and errno below */
    [11] = "the kernel does not fit the domain's memory layout (give it more memory?)",
    [12] = "no free event channel for the console or xenstore",
    [13] = NULL,    /* EDOMAIN: worded by type below */
};

const char *kl_build_reason(uint32_t error, int err, int pvh)
{
    if ( error == 10 )
        return err == EOPNOTSUPP ? "type=pvh needs AMD SVM with nested paging, which this "
                                   "machine does not offer"
                                 : "kernel has no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) "
                                   "and type=pvh";
    if ( error == 13 )
        return pvh ? "type=pvh but the domain was created as PV (kl and Keel disagree)"
                   : "type=pv but the domain was created as HVM (kl and Keel disagree)";
    if ( error && error < sizeof(build_reasons) / sizeof(build_reasons[0]) )
        return build_reasons[error];
    if ( err == EPERM || err == EACCES )
        return "the hypervisor refused the build (is this dom0, and is it Keel?)";
    if ( err == ENOSYS || err == EOPNOTSUPP )
        return "the hypervisor has no KEEL_DOMCTL_build: kl create needs Keel";
    return "the build failed";
}

int kl_mem_check(uint64_t asked_kb, uint64_t free_pages, char *why, size_t len)
{
    uint64_t free_kb = free_pages * PAGE_KIB;

    if ( asked_kb <= free_kb )
        return 0;
    snprintf(why, len, "not enough free memory: asked %" PRIu64 " MiB, %" PRIu64 " MiB free",
             asked_kb / 1024, free_kb / 1024);
    return -1;
}

static int bit(const uint8_t *map, unsigned int i)
{
    return (map[i / 8] >> (i % 8)) & 1;
}

int kl_cpumap_string(const uint8_t *map, unsigned int nr_cpus, char *out, size_t len)
{
    size_t n = 0;
    unsigned int i = 0, set = 0;

    out[0] = '\0';
    for ( unsigned int c = 0; c < nr_cpus; c++ )
        set += bit(map, c);
    if ( nr_cpus && set == nr_cpus )
        return snprintf(out, len, "all");
    if ( !set )
        return snprintf(out, len, "none");
    /* Runs of set bits, comma-separated, a run of more than one as first-last. */
    while ( i < nr_cpus && n < len )
    {
        unsigned int first;

        if ( !bit(map, i) )
        {
            i++;
            continue;
        }
        first = i;
        while ( i < nr_cpus && bit(map, i) )
            i++;
        n += snprintf(out + n, len - n, i - 1 > first ? "%s%u-%u" : "%s%u", n ? "," : "", first,
                      i - 1);
    }
    return n;
}

int kl_vcpu_header(char *out, size_t len)
{
    return snprintf(out, len, "%-32s %5s %5s %5s %5s %9s %s", "Name", "ID", "VCPU", "CPU",
                    "State", "Time(s)", "Affinity (Hard / Soft)");
}

int kl_vcpu_line(const char *name, const struct kl_vcpu *v, const uint8_t *hard,
                 const uint8_t *soft, unsigned int nr_cpus, char *out, size_t len)
{
    char cpu[12], h[256], s[256];

    /* An offline vCPU has no CPU and shows as paused, as xl prints it. */
    if ( v->online )
        snprintf(cpu, sizeof(cpu), "%5" PRIu32, v->cpu);
    else
        snprintf(cpu, sizeof(cpu), "%5c", '-');
    kl_cpumap_string(hard, nr_cpus, h, sizeof(h));
    kl_cpumap_string(soft, nr_cpus, s, sizeof(s));
    return snprintf(out, len, "%-32s %5" PRIu32 " %5" PRIu32 "%s %3c%c%c %9.1f  %s / %s", name,
                    v->domid, v->vcpu, cpu, v->online && v->running ? 'r' : '-',
                    v->online && v->blocked ? 'b' : '-', v->online ? '-' : 'p',
                    (double)v->time_ns / 1e9, h, s);
}
