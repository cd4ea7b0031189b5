/* Host tests of libkeelctl: xl's formats from made-up hypervisor records. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "keelctl.h"

static int failed, passed;

static void expect(const char *what, const char *got, const char *want)
{
    if ( strcmp(got, want) )
    {
        printf("FAIL tools/libkeelctl %s: got '%s', expected '%s'\n", what, got, want);
        failed++;
    }
    else
        passed++;
}

int main(void)
{
    char s[7], line[1024];
    struct kl_domain d0 = { .domid = 0, .flags = 0xffff0020, .tot_pages = 131072,
                            .nr_online_vcpus = 2, .cpu_time_ns = 12345000000ULL };
    struct kl_domain d7 = { .domid = 7, .flags = (3u << 16) | 0x4, .tot_pages = 256 };
    struct kl_host h = { .nr_cpus = 4, .cores_per_socket = 4, .threads_per_core = 1,
                         .cpu_khz = 2600123, .total_pages = 262144, .free_pages = 1024,
                         .capabilities = 3, .xen_major = 4, .xen_minor = 17,
                         .xen_extra = ".0-keel", .sched_id = 0x4b52 };

    kl_state_string(0x20, s);
    expect("running", s, "r-----");
    kl_state_string(0x10 | 0x8, s);
    expect("blocked and paused", s, "-bp---");
    kl_state_string((0u << 16) | 0x4, s);
    expect("shut down (poweroff)", s, "---s--");
    kl_state_string((3u << 16) | 0x4, s);
    expect("crashed", s, "----c-");
    kl_state_string(0xffff0000u | 0x1, s);
    expect("dying, invalid shutdown code", s, "-----d");
    kl_list_line(&d0, line, sizeof(line));
    expect("dom0 line", line,
           "Domain-0                                     0   512     2     r-----     12.3");
    kl_list_line(&d7, line, sizeof(line));
    expect("crashed domU line", line,
           "(domain 7)                                   7     1     0     ----c-      0.0");
    kl_list_header(line, sizeof(line));
    expect("header", line,
           "Name                                        ID   Mem VCPUs     State   Time(s)");
    kl_info_text(&h, line, sizeof(line));
    expect("info has the CPU count", strstr(line, "nr_cpus                : 4\n") ? "yes" : "no", "yes");
    expect("info has free memory in MiB",
           strstr(line, "free_memory            : 4\n") ? "yes" : "no", "yes");
    expect("info names the scheduler", strstr(line, "xen_scheduler          : keel-rr") ? "yes" : "no",
           "yes");
    expect("credit2", kl_sched_name(6), "credit2");
    expect("no notes", kl_build_reason(9, EINVAL, 0), "kernel has no Xen ELF notes and type=pv");
    expect("no PVH note", kl_build_reason(10, EINVAL, 1),
           "kernel has no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) and type=pvh");
    expect("no SVM", kl_build_reason(10, EOPNOTSUPP, 1),
           "type=pvh needs AMD SVM with nested paging, which this machine does not offer");
    expect("not an image", kl_build_reason(8, EINVAL, 0),
           "the kernel is not an ELF or a bzImage Keel can unpack");
    expect("kind mismatch", kl_build_reason(13, EINVAL, 1),
           "type=pvh but the domain was created as PV (kl and Keel disagree)");
    expect("not Keel", kl_build_reason(0, ENOSYS, 0),
           "the hypervisor has no KEEL_DOMCTL_build: kl create needs Keel");
    expect("unknown reason", kl_build_reason(99, EINVAL, 0), "the build failed");
    expect("memory fits", kl_mem_check(512 * 1024, 131072, line, sizeof(line)) ? "no" : "yes",
           "yes");
    kl_mem_check(512 * 1024, 130 * 256 + 100, line, sizeof(line));
    expect("memory refused", line, "not enough free memory: asked 512 MiB, 130 MiB free");
    {
        uint8_t all[2] = { 0xff, 0x0f }, some[2] = { 0x4f, 0x02 }, none[2] = { 0 };
        struct kl_vcpu v0 = { .domid = 0, .vcpu = 1, .cpu = 3, .online = 1, .running = 1,
                              .time_ns = 2500000000ULL };
        struct kl_vcpu v1 = { .domid = 4, .vcpu = 0, .online = 0 };
        struct kl_domain named = d7;

        kl_cpumap_string(all, 12, line, sizeof(line));
        expect("all CPUs", line, "all");
        kl_cpumap_string(some, 12, line, sizeof(line));
        expect("CPU ranges", line, "0-3,6,9");
        kl_cpumap_string(none, 12, line, sizeof(line));
        expect("no CPU", line, "none");
        kl_cpumap_string(all, 16, line, sizeof(line));
        expect("all but the last four", line, "0-11");
        kl_vcpu_header(line, sizeof(line));
        expect("vcpu-list header", line, "Name                                ID  VCPU   CPU "
               "State   Time(s) Affinity (Hard / Soft)");
        kl_vcpu_line("Domain-0", &v0, all, all, 12, line, sizeof(line));
        expect("running vCPU", line,
               "Domain-0                             0     1    3   r--       2.5  all / all");
        kl_vcpu_line("web1", &v1, some, all, 12, line, sizeof(line));
        expect("offline vCPU", line,
               "web1                                 4     0    -   --p       0.0  0-3,6,9 / all");
        named.name = "web1";
        kl_list_line(&named, line, sizeof(line));
        expect("named list line", line,
               "web1                                         7     1     0     ----c-      0.0");
    }
    expect("one page short", kl_mem_check(4096, 1023, line, sizeof(line)) ? "no" : "yes", "no");
    printf("%s tools/libkeelctl (%d checks)\n", failed ? "FAIL" : "PASS", passed + failed);
    return failed != 0;
}
