/* libkeelctl: xl-style text for kl (see keelctl.h). */
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
