/* Host tests of libkeelctl: xl's formats from made-up hypervisor records. */
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
    printf("%s tools/libkeelctl (%d checks)\n", failed ? "FAIL" : "PASS", passed + failed);
    return failed != 0;
}
