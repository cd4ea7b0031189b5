/*
 * libkeelctl: what `kl` shows, computed from what the hypervisor reports
 * through Debian's libxenctrl (Xen 4.17).  The formatting follows xl's
 * output so that scripts written for xl read kl too.  No I/O here except
 * into the caller's buffers: the host tests drive it with made-up records.
 */
#ifndef KEELCTL_H
#define KEELCTL_H

#include <stddef.h>
#include <stdint.h>

/* One domain as `kl list` shows it (from xc_domaininfo_t). */
struct kl_domain {
    uint32_t domid;
    uint32_t flags;              /* XEN_DOMINF_* */
    uint64_t tot_pages;
    uint32_t nr_online_vcpus;
    uint64_t cpu_time_ns;
    const char *name;            /* from xenstore; NULL: xl's fallback name */
};

/* One vCPU as `kl vcpu-list` shows it (from xc_vcpu_getinfo/getaffinity). */
struct kl_vcpu {
    uint32_t domid, vcpu, cpu;
    int online, running, blocked;
    uint64_t time_ns;
};

/* Host facts for `kl info` (from xc_physinfo and xc_version). */
struct kl_host {
    uint32_t nr_cpus, cores_per_socket, threads_per_core, cpu_khz;
    uint64_t total_pages, free_pages;
    uint32_t capabilities;       /* XEN_SYSCTL_PHYSCAP_* */
    int xen_major, xen_minor;
    char xen_extra[32];
    int sched_id;
};

/* xl's six-letter state: r b p s c d, '-' where a state does not hold. */
void kl_state_string(uint32_t flags, char out[7]);
/* The name xl would print without xenstore: Domain-0, else "(domain N)". */
void kl_domain_name(uint32_t domid, char *out, size_t len);
/* The header line and one line per domain of `kl list`. */
int kl_list_header(char *out, size_t len);
int kl_list_line(const struct kl_domain *d, char *out, size_t len);
/* A CPU bitmap as xl prints affinities: "all", "none" or "0-3,6". */
int kl_cpumap_string(const uint8_t *map, unsigned int nr_cpus, char *out, size_t len);
/* The header and one vCPU line of `kl vcpu-list`. */
int kl_vcpu_header(char *out, size_t len);
int kl_vcpu_line(const char *name, const struct kl_vcpu *v, const uint8_t *hard,
                 const uint8_t *soft, unsigned int nr_cpus, char *out, size_t len);
/* The lines of `kl info`, joined with newlines. */
int kl_info_text(const struct kl_host *h, char *out, size_t len);
/* A scheduler id as xl names it ("credit2"), or a Keel name. */
const char *kl_sched_name(int sched_id);

/*
 * KEEL_DOMCTL_build's reason code (KEEL_BUILD_E*) and errno in words a user
 * can act on; pvh says which type was asked.
 */
const char *kl_build_reason(uint32_t error, int err, int pvh);

/*
 * The memory check before a create: 0 if asked_kb fits in free_pages,
 * else -1 with "not enough free memory: asked 512 MiB, 130 MiB free".
 */
int kl_mem_check(uint64_t asked_kb, uint64_t free_pages, char *why, size_t len);

#endif /* KEELCTL_H */
