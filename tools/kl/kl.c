/*
 * kl: Keel's toolstack CLI, with xl's command names and output.  The
 * hypervisor is reached through Debian's libxenctrl (Xen 4.17's own
 * control library, over Linux's /dev/xen/privcmd), so kl works the same on
 * Keel and on Xen; what it prints comes from libkeelctl.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>
#include "../libkeelctl/keelctl.h"

#define MAX_DOMAINS 1024

static int usage(void)
{
    fprintf(stderr, "Usage: kl <command> [args]\n"
            "  list                 domains, as xl list\n"
            "  info                 host and hypervisor facts, as xl info\n"
            "  dmesg [-c]           the hypervisor's console ring (-c: clear after)\n"
            "  pause <domid>        pause a domain\n"
            "  unpause <domid>      unpause a domain\n"
            "  destroy <domid>      destroy a domain at once\n");
    return 2;
}

static xc_interface *open_xc(void)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);

    if ( !xch )
        fprintf(stderr, "kl: cannot reach the hypervisor through /dev/xen/privcmd (%s): "
                "is this dom0, with the xen-privcmd driver loaded?\n", strerror(errno));
    return xch;
}

static int cmd_list(xc_interface *xch)
{
    static xc_domaininfo_t info[MAX_DOMAINS];
    char line[160];
    int n = xc_domain_getinfolist(xch, 0, MAX_DOMAINS, info);

    if ( n < 0 )
    {
        fprintf(stderr, "kl: getdomaininfolist failed: %s\n", strerror(errno));
        return 1;
    }
    kl_list_header(line, sizeof(line));
    puts(line);
    for ( int i = 0; i < n; i++ )
    {
        struct kl_domain d = {
            .domid = info[i].domain, .flags = info[i].flags, .tot_pages = info[i].tot_pages,
            .nr_online_vcpus = info[i].nr_online_vcpus, .cpu_time_ns = info[i].cpu_time,
        };

        kl_list_line(&d, line, sizeof(line));
        puts(line);
    }
    return 0;
}

static int cmd_info(xc_interface *xch)
{
    xc_physinfo_t pi = { 0 };
    xen_extraversion_t extra = { 0 };
    struct kl_host h = { 0 };
    char text[1024];
    int ver;

    if ( xc_physinfo(xch, &pi) )
    {
        fprintf(stderr, "kl: physinfo failed: %s\n", strerror(errno));
        return 1;
    }
    ver = xc_version(xch, XENVER_version, NULL);
    xc_version(xch, XENVER_extraversion, &extra);
    if ( xc_sched_id(xch, &h.sched_id) )
        h.sched_id = -1;
    h.nr_cpus = pi.nr_cpus;
    h.cores_per_socket = pi.cores_per_socket;
    h.threads_per_core = pi.threads_per_core;
    h.cpu_khz = pi.cpu_khz;
    h.total_pages = pi.total_pages;
    h.free_pages = pi.free_pages;
    h.capabilities = pi.capabilities;
    h.xen_major = ver >> 16;
    h.xen_minor = ver & 0xffff;
    snprintf(h.xen_extra, sizeof(h.xen_extra), "%s", extra);
    kl_info_text(&h, text, sizeof(text));
    puts(text);
    return 0;
}

static int cmd_dmesg(xc_interface *xch, int clear)
{
    static char buf[16384];
    unsigned int nr = sizeof(buf);
    uint32_t index = 0;

    if ( xc_readconsolering(xch, buf, &nr, clear, 0, &index) )
    {
        fprintf(stderr, "kl: readconsole failed: %s\n", strerror(errno));
        return 1;
    }
    fwrite(buf, 1, nr, stdout);
    return 0;
}

static int domid_arg(const char *s, uint32_t *domid)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if ( !*s || *end || v >= 0x7ff0 )
    {
        fprintf(stderr, "kl: '%s' is not a domain id (0-32751)\n", s);
        return -1;
    }
    *domid = v;
    return 0;
}

static int cmd_domain_op(xc_interface *xch, const char *cmd, const char *arg)
{
    uint32_t domid;
    int rc;

    if ( !arg || domid_arg(arg, &domid) )
        return usage();
    if ( !strcmp(cmd, "pause") )
        rc = xc_domain_pause(xch, domid);
    else if ( !strcmp(cmd, "unpause") )
        rc = xc_domain_unpause(xch, domid);
    else
        rc = xc_domain_destroy(xch, domid);
    if ( rc )
    {
        fprintf(stderr, "kl: %s %u failed: %s\n", cmd, domid,
                errno == ESRCH ? "no such domain" : strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    xc_interface *xch;
    int rc;

    if ( argc < 2 )
        return usage();
    if ( strcmp(argv[1], "list") && strcmp(argv[1], "info") && strcmp(argv[1], "dmesg") &&
         strcmp(argv[1], "pause") && strcmp(argv[1], "unpause") && strcmp(argv[1], "destroy") )
    {
        fprintf(stderr, "kl: '%s' is not a kl command yet (create, console, shutdown and "
                "reboot come with grant tables and xenstore)\n", argv[1]);
        return usage();
    }
    if ( !(xch = open_xc()) )
        return 1;
    if ( !strcmp(argv[1], "list") )
        rc = cmd_list(xch);
    else if ( !strcmp(argv[1], "info") )
        rc = cmd_info(xch);
    else if ( !strcmp(argv[1], "dmesg") )
        rc = cmd_dmesg(xch, argc > 2 && !strcmp(argv[2], "-c"));
    else
        rc = cmd_domain_op(xch, argv[1], argc > 2 ? argv[2] : NULL);
    xc_interface_close(xch);
    return rc;
}
