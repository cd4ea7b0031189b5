/*
 * kl: Keel's toolstack CLI, with xl's command names and output.  The
 * hypervisor is reached through Debian's libxenctrl (Xen 4.17's own
 * control library, over Linux's /dev/xen/privcmd), xenstored through
 * Debian's libxenstore, so kl works the same on Keel and on Xen except for
 * `create`, which needs Keel's build operation; what kl prints comes from
 * libkeelctl.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore_lib.h>
#include "kl.h"
#include "../libkeelctl/keelctl.h"
#include "../libkeelctl/xslayout.h"

#define MAX_DOMAINS 1024
#define MAX_CPUS    256

static int usage(void)
{
    fprintf(stderr, "Usage: kl <command> [args]\n"
            "  create <cfg> [-c]     create a domain from an xl.cfg file (-c: then its console)\n"
            "  list                  domains, as xl list\n"
            "  console <dom>         the domain's console (Ctrl-] leaves)\n"
            "  shutdown [-w] <dom>   ask the guest to power off (-w: wait until it has)\n"
            "  reboot [-w] <dom>     ask the guest to reboot (-w: wait until it has)\n"
            "  destroy <dom>         destroy a domain at once\n"
            "  pause <dom>           pause a domain\n"
            "  unpause <dom>         unpause a domain\n"
            "  vcpu-list [dom]       vCPUs, as xl vcpu-list\n"
            "  info                  host and hypervisor facts, as xl info\n"
            "  dmesg [-c]            the hypervisor's console ring (-c: clear after)\n"
            "<dom> is a domain id or a name.\n");
    return 2;
}

int kl_open_xc(struct kl *kl)
{
    kl->xch = xc_interface_open(NULL, NULL, 0);
    if ( !kl->xch )
        fprintf(stderr, "kl: cannot reach the hypervisor through /dev/xen/privcmd (%s): "
                "is this dom0, with the xen-privcmd driver loaded?\n", strerror(errno));
    return kl->xch ? 0 : -1;
}

/* Whether something accepts connections on xenstored's socket. */
static int socket_listens(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd, ok;

    if ( strlen(path) >= sizeof(addr.sun_path) )
        return 0;
    strcpy(addr.sun_path, path);
    if ( (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 )
        return 0;
    ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
    close(fd);
    return ok;
}

int kl_xs_open(struct kl *kl, int quiet)
{
    const char *path = xs_daemon_socket();

    if ( kl->xsh )
        return 0;
    if ( !socket_listens(path) || !(kl->xsh = xs_open(0)) )
    {
        if ( !quiet )
            fprintf(stderr, "kl: xenstored is not running (nothing listens on %s)\n", path);
        return -1;
    }
    return 0;
}

int kl_domain_exists(struct kl *kl, uint32_t domid, xc_domaininfo_t *info)
{
    xc_domaininfo_t i;

    /* getdomaininfo answers the first domain >= domid: check it is this one. */
    if ( xc_domain_getinfolist(kl->xch, domid, 1, &i) != 1 || i.domain != domid )
        return 0;
    if ( info )
        *info = i;
    return 1;
}

void kl_name_of(struct kl *kl, uint32_t domid, char *out, size_t len)
{
    char path[64], *name = NULL;
    unsigned int n;

    if ( kl->xsh )
    {
        snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
        name = xs_read(kl->xsh, XBT_NULL, path, &n);
    }
    if ( name && name[0] )
        snprintf(out, len, "%s", name);
    else
        kl_domain_name(domid, out, len);
    free(name);
}

int kl_resolve(struct kl *kl, const char *arg, uint32_t *domid)
{
    static xc_domaininfo_t info[MAX_DOMAINS];
    char *end, name[64];
    unsigned long v = strtoul(arg, &end, 10);
    int n;

    if ( *arg && !*end )
    {
        if ( v >= 0x7ff0 || !kl_domain_exists(kl, v, NULL) )
        {
            fprintf(stderr, "kl: no domain %s\n", arg);
            return -1;
        }
        *domid = v;
        return 0;
    }
    kl_xs_open(kl, 1);
    n = xc_domain_getinfolist(kl->xch, 0, MAX_DOMAINS, info);
    for ( int i = 0; i < n; i++ )
    {
        kl_name_of(kl, info[i].domain, name, sizeof(name));
        if ( !strcmp(name, arg) )
        {
            *domid = info[i].domain;
            return 0;
        }
    }
    fprintf(stderr, "kl: no domain named '%s'%s\n", arg,
            kl->xsh ? "" : " (xenstored is not running: only ids and Domain-0 are known)");
    return -1;
}

static int cmd_list(struct kl *kl)
{
    static xc_domaininfo_t info[MAX_DOMAINS];
    char line[160], name[64];
    int n = xc_domain_getinfolist(kl->xch, 0, MAX_DOMAINS, info);

    if ( n < 0 )
    {
        fprintf(stderr, "kl: getdomaininfolist failed: %s\n", strerror(errno));
        return 1;
    }
    kl_xs_open(kl, 1);
    kl_list_header(line, sizeof(line));
    puts(line);
    for ( int i = 0; i < n; i++ )
    {
        struct kl_domain d = {
            .domid = info[i].domain, .flags = info[i].flags, .tot_pages = info[i].tot_pages,
            .nr_online_vcpus = info[i].nr_online_vcpus, .cpu_time_ns = info[i].cpu_time,
            .name = name,
        };

        kl_name_of(kl, d.domid, name, sizeof(name));
        kl_list_line(&d, line, sizeof(line));
        puts(line);
    }
    return 0;
}

static int cmd_info(struct kl *kl)
{
    xc_physinfo_t pi = { 0 };
    xen_extraversion_t extra = { 0 };
    struct kl_host h = { 0 };
    char text[1024];
    int ver;

    if ( xc_physinfo(kl->xch, &pi) )
    {
        fprintf(stderr, "kl: physinfo failed: %s\n", strerror(errno));
        return 1;
    }
    ver = xc_version(kl->xch, XENVER_version, NULL);
    xc_version(kl->xch, XENVER_extraversion, &extra);
    if ( xc_sched_id(kl->xch, &h.sched_id) )
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

static int cmd_dmesg(struct kl *kl, int clear)
{
    static char buf[16384];
    unsigned int nr = sizeof(buf);
    uint32_t index = 0;

    if ( xc_readconsolering(kl->xch, buf, &nr, clear, 0, &index) )
    {
        fprintf(stderr, "kl: readconsole failed: %s\n", strerror(errno));
        return 1;
    }
    fwrite(buf, 1, nr, stdout);
    return 0;
}

/* Remove what kl create wrote: /local/domain/<id>, the backends, /libxl/<id>, /vm/<uuid>. */
static void forget_domain(struct kl *kl, uint32_t domid)
{
    char path[80], dirs[8][160], *vm, **vbds;
    unsigned int n, nr_vbds = 0;
    xs_transaction_t t;

    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    vm = xs_read(kl->xsh, XBT_NULL, path, &n);
    /* The loop devices kl attached for file-backed disks: detach once blkback lets go. */
    snprintf(path, sizeof(path), "/libxl/%u/device/vbd", domid);
    vbds = xs_directory(kl->xsh, XBT_NULL, path, &nr_vbds);
    for ( unsigned int i = 0; vbds && i < nr_vbds; i++ )
    {
        char p[160], *dev;

        snprintf(p, sizeof(p), "/libxl/%u/device/vbd/%s/device", domid, vbds[i]);
        if ( (dev = xs_read(kl->xsh, XBT_NULL, p, &n)) && !strncmp(dev, "/dev/loop", 9) )
            kl_loop_detach(dev);
        free(dev);
    }
    free(vbds);
    n = kl_xs_domain_dirs(domid, vm, dirs, 8);
    for ( ;; )
    {
        if ( (t = xs_transaction_start(kl->xsh)) == XBT_NULL )
            break;
        for ( unsigned int i = 0; i < n; i++ )
            xs_rm(kl->xsh, t, dirs[i]);
        if ( xs_transaction_end(kl->xsh, t, 0) || errno != EAGAIN )
            break;
    }
    free(vm);
}

int kl_destroy_domain(struct kl *kl, uint32_t domid)
{
    int rc = xc_domain_destroy(kl->xch, domid);

    if ( rc && errno != ESRCH )
        return -1;
    if ( kl->xsh || !kl_xs_open(kl, 1) )
    {
        /* xenstored would release it on VIRQ_DOM_EXC too; saying so at once is xl's way. */
        xs_release_domain(kl->xsh, domid);
        forget_domain(kl, domid);
    }
    return rc;
}

static int cmd_domain_op(struct kl *kl, const char *cmd, const char *arg)
{
    uint32_t domid;
    int rc;

    if ( !arg )
        return usage();
    if ( kl_resolve(kl, arg, &domid) )
        return 1;
    /* Domain-0 too: what the hypervisor answers is the answer (it refuses). */
    if ( !strcmp(cmd, "pause") )
        rc = xc_domain_pause(kl->xch, domid);
    else if ( !strcmp(cmd, "unpause") )
        rc = xc_domain_unpause(kl->xch, domid);
    else
        rc = kl_destroy_domain(kl, domid);
    if ( rc )
    {
        fprintf(stderr, "kl: %s %u failed: %s\n", cmd, domid,
                errno == ESRCH ? "no such domain" : strerror(errno));
        return 1;
    }
    return 0;
}

/* Wait until the domain has shut down or is gone (xl shutdown -w); polled (see console.c). */
static int wait_shutdown(struct kl *kl, uint32_t domid)
{
    xc_domaininfo_t info;

    printf("Waiting for 1 domains\n");
    fflush(stdout);
    while ( kl_domain_exists(kl, domid, &info) && !(info.flags & XEN_DOMINF_shutdown) )
        usleep(200 * 1000);
    printf("Domain %u has been shut down, reason code %u\n", domid,
           kl_domain_exists(kl, domid, &info)
           ? (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask : 0);
    return 0;
}

static int cmd_shutdown(struct kl *kl, const char *cmd, int argc, char **argv)
{
    const char *arg = NULL, *what = !strcmp(cmd, "reboot") ? "reboot" : "poweroff";
    int wait = 0;
    uint32_t domid;
    char path[64], name[64];

    for ( int i = 0; i < argc; i++ )
        if ( !strcmp(argv[i], "-w") )
            wait = 1;
        else
            arg = argv[i];
    if ( !arg )
        return usage();
    if ( kl_resolve(kl, arg, &domid) || kl_xs_open(kl, 0) )
        return 1;
    if ( domid == 0 )
    {
        fprintf(stderr, "kl: %s of Domain-0 is not allowed from kl\n", cmd);
        return 1;
    }
    kl_name_of(kl, domid, name, sizeof(name));
    printf("Shutting down domain %u\n", domid);
    /* PV drivers' way (Linux's xenbus watches control/shutdown). */
    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
    if ( !xs_write(kl->xsh, XBT_NULL, path, what, strlen(what)) )
    {
        fprintf(stderr, "kl: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    return wait ? wait_shutdown(kl, domid) : 0;
}

static int cmd_vcpu_list(struct kl *kl, const char *arg)
{
    static xc_domaininfo_t info[MAX_DOMAINS];
    xc_physinfo_t pi = { 0 };
    char line[640], name[64];
    int n;
    uint32_t only = 0;

    if ( arg && kl_resolve(kl, arg, &only) )
        return 1;
    if ( xc_physinfo(kl->xch, &pi) || (n = xc_domain_getinfolist(kl->xch, 0, MAX_DOMAINS,
                                                                  info)) < 0 )
    {
        fprintf(stderr, "kl: physinfo/getdomaininfolist failed: %s\n", strerror(errno));
        return 1;
    }
    kl_xs_open(kl, 1);
    kl_vcpu_header(line, sizeof(line));
    puts(line);
    for ( int i = 0; i < n; i++ )
    {
        if ( arg && info[i].domain != only )
            continue;
        kl_name_of(kl, info[i].domain, name, sizeof(name));
        for ( uint32_t v = 0; v <= info[i].max_vcpu_id; v++ )
        {
            xc_vcpuinfo_t vi;
            uint8_t hard[MAX_CPUS / 8] = { 0 }, soft[MAX_CPUS / 8] = { 0 };
            unsigned int nr = pi.nr_cpus < MAX_CPUS ? pi.nr_cpus : MAX_CPUS;
            struct kl_vcpu k;

            if ( xc_vcpu_getinfo(kl->xch, info[i].domain, v, &vi) )
                continue;
            if ( xc_vcpu_getaffinity(kl->xch, info[i].domain, v, hard, soft,
                                     XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT) )
                memset(hard, 0xff, sizeof(hard)), memset(soft, 0xff, sizeof(soft));
            k = (struct kl_vcpu){ .domid = info[i].domain, .vcpu = v, .cpu = vi.cpu,
                                  .online = vi.online, .running = vi.running,
                                  .blocked = vi.blocked, .time_ns = vi.cpu_time };
            kl_vcpu_line(name, &k, hard, soft, nr, line, sizeof(line));
            puts(line);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const cmds[] = {
        "create", "list", "console", "shutdown", "reboot", "destroy", "pause", "unpause",
        "vcpu-list", "info", "dmesg",
    };
    struct kl kl = { 0 };
    const char *cmd = argc > 1 ? argv[1] : "";
    const char *arg = argc > 2 ? argv[2] : NULL;
    unsigned int i;
    int rc;

    for ( i = 0; i < sizeof(cmds) / sizeof(cmds[0]) && strcmp(cmd, cmds[i]); i++ )
        ;
    if ( i == sizeof(cmds) / sizeof(cmds[0]) )
    {
        if ( argc > 1 && strcmp(cmd, "help") && strcmp(cmd, "-h") )
            fprintf(stderr, "kl: '%s' is not a kl command\n", cmd);
        return usage();
    }
    /* create parses its file before it needs the hypervisor, so a bad file is told anywhere. */
    if ( !strcmp(cmd, "create") )
        rc = kl_cmd_create(&kl, argc - 2, argv + 2);
    else if ( kl_open_xc(&kl) )
        return 1;
    else if ( !strcmp(cmd, "list") )
        rc = cmd_list(&kl);
    else if ( !strcmp(cmd, "console") )
        rc = arg ? kl_cmd_console(&kl, arg) : usage();
    else if ( !strcmp(cmd, "shutdown") || !strcmp(cmd, "reboot") )
        rc = cmd_shutdown(&kl, cmd, argc - 2, argv + 2);
    else if ( !strcmp(cmd, "vcpu-list") )
        rc = cmd_vcpu_list(&kl, arg);
    else if ( !strcmp(cmd, "info") )
        rc = cmd_info(&kl);
    else if ( !strcmp(cmd, "dmesg") )
        rc = cmd_dmesg(&kl, arg && !strcmp(arg, "-c"));
    else
        rc = cmd_domain_op(&kl, cmd, arg);
    if ( kl.xsh )
        xs_close(kl.xsh);
    if ( kl.xch )
        xc_interface_close(kl.xch);
    return rc;
}
