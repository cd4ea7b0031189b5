/*
 * kl create: an xl.cfg file to a running domain.  libxl's order, with
 * Keel's one-call build in place of libxenguest:
 *   parse -> xenstore connection (libxl opens it first too) -> free memory
 *   -> images into hypercall buffers, disks resolved (loop devices for
 *   files) -> createdomain, max_mem, max_vcpus -> KEEL_DOMCTL_build ->
 *   the whole xenstore layout in one transaction -> xs_introduce_domain ->
 *   unpause -> a monitor process for on_poweroff/on_reboot/on_crash.
 * Any failure after createdomain destroys the domain and removes what was
 * written, so a refused create leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <xencall.h>
#include "kl.h"
#include "keel_build.h"
#include "../libkeelctl/cfg.h"
#include "../libkeelctl/keelctl.h"
#include "../libkeelctl/xslayout.h"

#define CFG_MAX         (1 << 20)   /* a config file larger than this is not one */
#define MAXMEM_SLACK_KB 1024        /* libxl's LIBXL_MAXMEM_CONSTANT */
#define MONITOR_POLL_MS 250

struct image {
    void *buf;
    size_t len;
};

struct create {
    struct kl *kl;
    xencall_handle *xcall;
    struct kl_cfg cfg;
    struct image kernel, ramdisk;
    char uuid[40];
    uint8_t handle[16];
    struct kl_xs_domain xd;
    int loops[KL_MAX_DISKS];        /* which disks got a loop device from us */
    uint32_t domid;
    int created;
    int written;                    /* the layout is in xenstore: destroy finds the loops there */
};

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if ( !f )
        return NULL;
    buf = malloc(CFG_MAX + 1);
    *len = buf ? fread(buf, 1, CFG_MAX + 1, f) : 0;
    fclose(f);
    if ( buf && *len > CFG_MAX )
    {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    return buf;
}

/* A whole file into a hypercall buffer (/dev/xen/hypercall memory Keel can read). */
static int load_image(struct create *c, const char *what, const char *path, uint64_t max,
                      struct image *img)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t done = 0;

    if ( fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) )
    {
        fprintf(stderr, "kl: cannot read the %s %s: %s\n", what, path,
                fd < 0 ? strerror(errno) : "not a regular file");
        goto fail;
    }
    if ( st.st_size == 0 || (uint64_t)st.st_size > max )
    {
        fprintf(stderr, "kl: the %s %s is %lld bytes: Keel takes 1 to %llu MiB\n", what, path,
                (long long)st.st_size, (unsigned long long)(max >> 20));
        goto fail;
    }
    img->len = st.st_size;
    if ( !(img->buf = xencall_alloc_buffer(c->xcall, img->len)) )
    {
        fprintf(stderr, "kl: no hypercall buffer for the %s (%zu bytes): %s\n", what, img->len,
                strerror(errno));
        goto fail;
    }
    while ( done < img->len )
    {
        ssize_t n = read(fd, (char *)img->buf + done, img->len - done);

        if ( n <= 0 )
        {
            fprintf(stderr, "kl: reading the %s %s: %s\n", what, path,
                    n ? strerror(errno) : "file shrank");
            goto fail;
        }
        done += n;
    }
    close(fd);
    return 0;
 fail:
    if ( fd >= 0 )
        close(fd);
    return -1;
}

void kl_loop_detach(const char *dev)
{
    int fd = open(dev, O_RDONLY | O_CLOEXEC);

    if ( fd >= 0 )
    {
        ioctl(fd, LOOP_CLR_FD, 0);
        close(fd);
    }
}

/* A free loop device bound to file; its name and rdev out.  No autoclear: blkback opens it later. */
static int loop_attach(const char *file, int writable, char *dev, size_t len, dev_t *rdev)
{
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    int ffd = open(file, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    int rc = -1;

    if ( ctl < 0 || ffd < 0 )
    {
        fprintf(stderr, "kl: %s: %s\n", ctl < 0 ? "/dev/loop-control" : file, strerror(errno));
        goto out;
    }
    /* Another process may take the free device first: then ask again. */
    for ( int tries = 0; tries < 8 && rc; tries++ )
    {
        struct loop_info64 info = { 0 };
        struct stat st;
        int n = ioctl(ctl, LOOP_CTL_GET_FREE), lfd;

        if ( n < 0 )
            break;
        snprintf(dev, len, "/dev/loop%d", n);
        if ( (lfd = open(dev, O_RDWR | O_CLOEXEC)) < 0 )
            continue;
        if ( ioctl(lfd, LOOP_SET_FD, ffd) )
        {
            close(lfd);
            continue;
        }
        snprintf((char *)info.lo_file_name, sizeof(info.lo_file_name), "%s", file);
        if ( ioctl(lfd, LOOP_SET_STATUS64, &info) || fstat(lfd, &st) )
            ioctl(lfd, LOOP_CLR_FD, 0);
        else
        {
            *rdev = st.st_rdev;
            rc = 0;
        }
        close(lfd);
    }
    if ( rc )
        fprintf(stderr, "kl: no loop device for %s: %s\n", file, strerror(errno));
 out:
    if ( ctl >= 0 )
        close(ctl);
    if ( ffd >= 0 )
        close(ffd);
    return rc;
}

/* Each disk's block device: the phy: one itself, or a loop device over the file. */
static int resolve_disks(struct create *c)
{
    for ( unsigned int i = 0; i < c->cfg.nr_disks; i++ )
    {
        const struct kl_disk *d = &c->cfg.disks[i];
        struct kl_xs_disk *x = &c->xd.disks[i];
        struct stat st;
        dev_t rdev;

        if ( stat(d->target, &st) )
        {
            fprintf(stderr, "kl: disk %s: %s: %s\n", d->vdev, d->target, strerror(errno));
            return -1;
        }
        if ( d->kind == KL_DISK_PHY && !S_ISBLK(st.st_mode) )
        {
            fprintf(stderr, "kl: disk %s: phy:%s is not a block device\n", d->vdev, d->target);
            return -1;
        }
        if ( !S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode) )
        {
            fprintf(stderr, "kl: disk %s: %s is neither a block device nor a file\n", d->vdev,
                    d->target);
            return -1;
        }
        snprintf(x->params, sizeof(x->params), "%s", d->target);
        snprintf(x->vdev, sizeof(x->vdev), "%s", d->vdev);
        x->devid = d->devid;
        x->writable = d->writable;
        if ( S_ISBLK(st.st_mode) )
        {
            snprintf(x->device, sizeof(x->device), "%s", d->target);
            rdev = st.st_rdev;
        }
        else
        {
            if ( loop_attach(d->target, d->writable, x->device, sizeof(x->device), &rdev) )
                return -1;
            c->loops[i] = 1;
        }
        x->major = major(rdev);
        x->minor = minor(rdev);
        c->xd.nr_disks = i + 1;
    }
    return 0;
}

static int make_uuid(struct create *c)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    uint8_t *u = c->handle;

    if ( fd < 0 || read(fd, u, 16) != 16 )
    {
        fprintf(stderr, "kl: /dev/urandom: %s\n", strerror(errno));
        if ( fd >= 0 )
            close(fd);
        return -1;
    }
    close(fd);
    u[6] = (u[6] & 0x0f) | 0x40;        /* RFC 4122 version 4, random */
    u[8] = (u[8] & 0x3f) | 0x80;
    snprintf(c->uuid, sizeof(c->uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8],
             u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    return 0;
}

/* xl refuses a second domain of the same name. */
static int name_free(struct create *c)
{
    uint32_t domid;
    char name[64];
    xc_domaininfo_t info[256];
    int n = xc_domain_getinfolist(c->kl->xch, 0, 256, info);

    for ( int i = 0; i < n; i++ )
    {
        domid = info[i].domain;
        kl_name_of(c->kl, domid, name, sizeof(name));
        if ( !strcmp(name, c->cfg.name) )
        {
            fprintf(stderr, "kl: domain name '%s' is already in use by domain %u\n", name,
                    domid);
            return -1;
        }
    }
    return 0;
}

static int check_memory(struct create *c)
{
    xc_physinfo_t pi = { 0 };
    char why[128];

    if ( xc_physinfo(c->kl->xch, &pi) )
    {
        fprintf(stderr, "kl: physinfo failed: %s\n", strerror(errno));
        return -1;
    }
    if ( kl_mem_check(c->cfg.memory_mib * 1024, pi.free_pages, why, sizeof(why)) )
    {
        fprintf(stderr, "kl: %s\n", why);
        return -1;
    }
    return 0;
}

static int create_domain(struct create *c)
{
    int pvh = c->cfg.type == KL_TYPE_PVH;
    struct xen_domctl_createdomain cd = {
        .flags = pvh ? XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap : 0,
        .max_vcpus = c->cfg.vcpus, .max_evtchn_port = 1023, .max_grant_frames = -1,
        .max_maptrack_frames = -1, .grant_opts = 1,
        .arch.emulation_flags = pvh ? XEN_X86_EMU_LAPIC : 0,
    };

    memcpy(cd.handle, c->handle, sizeof(cd.handle));
    c->domid = 0;
    if ( xc_domain_create(c->kl->xch, &c->domid, &cd) )
    {
        fprintf(stderr, "kl: createdomain failed: %s\n", strerror(errno));
        return -1;
    }
    c->created = 1;
    if ( xc_domain_setmaxmem(c->kl->xch, c->domid, c->cfg.maxmem_mib * 1024 + MAXMEM_SLACK_KB) ||
         xc_domain_max_vcpus(c->kl->xch, c->domid, c->cfg.vcpus) )
    {
        fprintf(stderr, "kl: setting up domain %u failed: %s\n", c->domid, strerror(errno));
        return -1;
    }
    return 0;
}

/* KEEL_DOMCTL_build through libxencall, the domctl itself in a hypercall buffer. */
static int build_domain(struct create *c)
{
    struct kl_domctl *op = xencall_alloc_buffer(c->xcall, sizeof(*op));
    size_t clen = strlen(c->cfg.cmdline);
    char *cmdline = xencall_alloc_buffer(c->xcall, clen + 1);
    struct kl_keel_build *b;
    int rc, err, pvh = c->cfg.type == KL_TYPE_PVH;

    if ( !op || !cmdline )
    {
        fprintf(stderr, "kl: no hypercall buffer: %s\n", strerror(errno));
        return -1;
    }
    memcpy(cmdline, c->cfg.cmdline, clen + 1);
    memset(op, 0, sizeof(*op));
    op->cmd = KL_KEEL_DOMCTL_build;
    op->interface_version = KL_DOMCTL_INTERFACE_VERSION;
    op->domain = c->domid;
    b = &op->u.keel_build;
    b->type = pvh ? KL_BUILD_TYPE_PVH : KL_BUILD_TYPE_PV;
    b->mem_kb = c->cfg.memory_mib * 1024;
    b->kernel = (uintptr_t)c->kernel.buf;
    b->kernel_len = c->kernel.len;
    b->ramdisk = (uintptr_t)c->ramdisk.buf;
    b->ramdisk_len = c->ramdisk.len;
    b->cmdline = (uintptr_t)cmdline;
    b->cmdline_len = clen + 1;
    b->console_domid = b->store_domid = 0;
    rc = xencall1(c->xcall, __HYPERVISOR_domctl, (uintptr_t)op);
    err = errno;
    if ( rc < 0 )
        fprintf(stderr, "kl: building domain %u failed: %s (%s, Keel reason %u)\n", c->domid,
                kl_build_reason(b->error, err, pvh), strerror(err), b->error);
    else
    {
        c->xd.store_port = b->store_port;
        c->xd.console_port = b->console_port;
        c->xd.store_mfn = b->store_gfn;
        c->xd.console_mfn = b->console_gfn;
    }
    xencall_free_buffer(c->xcall, cmdline);
    xencall_free_buffer(c->xcall, op);
    return rc < 0 ? -1 : 0;
}

/* Every node in one transaction, retried while xenstored says EAGAIN (as libxl). */
static int write_layout(struct create *c)
{
    static struct kl_xs_layout l;
    struct xs_handle *xsh = c->kl->xsh;

    if ( kl_xs_layout(&c->xd, &l) )
    {
        fprintf(stderr, "kl: the xenstore layout does not fit (a path too long?)\n");
        return -1;
    }
    for ( ;; )
    {
        xs_transaction_t t = xs_transaction_start(xsh);
        const struct kl_xs_node *bad = NULL;

        if ( t == XBT_NULL )
            break;
        for ( unsigned int i = 0; i < l.nr && !bad; i++ )
        {
            const struct kl_xs_node *n = &l.nodes[i];
            struct xs_permissions p[2];

            for ( unsigned int k = 0; k < n->nr_perms; k++ )
                p[k] = (struct xs_permissions){ .id = n->perms[k].domid,
                                                .perms = n->perms[k].perm };
            if ( !xs_write(xsh, t, n->path, n->value, strlen(n->value)) ||
                 !xs_set_permissions(xsh, t, n->path, p, n->nr_perms) )
                bad = n;
        }
        if ( bad )
        {
            int err = errno;

            xs_transaction_end(xsh, t, 1);
            fprintf(stderr, "kl: writing %s to xenstore failed: %s\n", bad->path,
                    strerror(err));
            return -1;
        }
        if ( xs_transaction_end(xsh, t, 0) )
        {
            c->written = 1;
            return 0;
        }
        if ( errno != EAGAIN )
            break;
    }
    fprintf(stderr, "kl: the xenstore transaction failed: %s\n", strerror(errno));
    return -1;
}

static int introduce_and_start(struct create *c)
{
    if ( !xs_introduce_domain(c->kl->xsh, c->domid, c->xd.store_mfn, c->xd.store_port) )
    {
        fprintf(stderr, "kl: xenstored refused to introduce domain %u: %s\n", c->domid,
                strerror(errno));
        return -1;
    }
    if ( xc_domain_unpause(c->kl->xch, c->domid) )
    {
        fprintf(stderr, "kl: unpausing domain %u failed: %s\n", c->domid, strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * What xl's daemon does: wait for the domain to shut down, then act as
 * on_poweroff/on_reboot/on_crash say.  kl cannot restart a domain yet: the
 * default on_reboot=restart destroys it and says so in the log.
 */
static void monitor(struct kl *parent, uint32_t domid, const struct kl_cfg *cfg)
{
    struct kl kl = { 0 };
    xc_domaininfo_t info;
    char log[128];
    int fd;

    if ( fork() != 0 )
        return;
    setsid();
    /* The parent's connections stay the parent's: the monitor makes its own. */
    xs_close(parent->xsh);
    xc_interface_close(parent->xch);
    snprintf(log, sizeof(log), "/var/log/kl-%s.log", cfg->name);
    fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if ( fd < 0 )
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(fd, 1);
    dup2(fd, 2);
    close(0);
    if ( !(kl.xch = xc_interface_open(NULL, NULL, 0)) || kl_xs_open(&kl, 0) )
        _exit(1);
    printf("Waiting for domain %s (domid %u) to die [pid %d]\n", cfg->name, domid, getpid());
    fflush(stdout);
    /* Polled, not watched: see console.c on libxenstore's watch thread in a static kl. */
    while ( kl_domain_exists(&kl, domid, &info) )
    {
        unsigned int code = (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
        enum kl_action a;

        if ( (info.flags & XEN_DOMINF_shutdown) && code != SHUTDOWN_suspend )
        {
            a = code == SHUTDOWN_poweroff ? cfg->on_poweroff
                : code == SHUTDOWN_reboot ? cfg->on_reboot : cfg->on_crash;
            printf("Domain %u has shut down, reason code %u; action %s%s\n", domid, code,
                   kl_action_name(a), kl_action_honoured(a) ? "" : " (not supported: destroy)");
            if ( a != KL_ACT_PRESERVE )
                kl_destroy_domain(&kl, domid);
            fflush(stdout);
            _exit(0);
        }
        usleep(MONITOR_POLL_MS * 1000);
    }
    printf("Domain %u is gone\n", domid);
    _exit(0);
}

/* Detach each loop once only: a detached number may at once be someone else's. */
static void undo(struct create *c)
{
    if ( c->created )
        kl_destroy_domain(c->kl, c->domid);
    for ( unsigned int i = 0; i < c->xd.nr_disks && !c->written; i++ )
        if ( c->loops[i] )
            kl_loop_detach(c->xd.disks[i].device);
}

static int create_from(struct create *c)
{
    struct kl_cfg *cfg = &c->cfg;

    if ( kl_open_xc(c->kl) || kl_xs_open(c->kl, 0) || name_free(c) || check_memory(c) || make_uuid(c) )
        return -1;
    if ( !(c->xcall = xencall_open(NULL, 0)) )
    {
        fprintf(stderr, "kl: cannot open /dev/xen/privcmd for hypercalls: %s\n",
                strerror(errno));
        return -1;
    }
    if ( load_image(c, "kernel", cfg->kernel, KL_BUILD_KERNEL_MAX, &c->kernel) ||
         (cfg->ramdisk[0] &&
          load_image(c, "ramdisk", cfg->ramdisk, KL_BUILD_RAMDISK_MAX, &c->ramdisk)) )
        return -1;
    c->xd = (struct kl_xs_domain){ .name = cfg->name, .uuid = c->uuid, .type = cfg->type,
                                   .target_kb = cfg->memory_mib * 1024,
                                   .max_kb = cfg->maxmem_mib * 1024, .vcpus = cfg->vcpus };
    if ( resolve_disks(c) || create_domain(c) )
        return -1;
    c->xd.domid = c->domid;
    if ( build_domain(c) || write_layout(c) || introduce_and_start(c) )
        return -1;
    return 0;
}

int kl_cmd_create(struct kl *kl, int argc, char **argv)
{
    static struct create c;
    const char *file = NULL;
    int console = 0, rc;
    char err[1200], *text;
    size_t len;

    for ( int i = 0; i < argc; i++ )
        if ( !strcmp(argv[i], "-c") )
            console = 1;
        else if ( !file && argv[i][0] != '-' )
            file = argv[i];
        else
        {
            fprintf(stderr, "kl create: '%s' is not understood (kl create <cfg> [-c])\n",
                    argv[i]);
            return 2;
        }
    if ( !file )
    {
        fprintf(stderr, "kl create: which config file? (kl create <cfg> [-c])\n");
        return 2;
    }
    fprintf(stderr, "Parsing config from %s\n", file);
    if ( !(text = read_text(file, &len)) )
    {
        fprintf(stderr, "kl: cannot read %s: %s\n", file, strerror(errno));
        return 1;
    }
    memset(&c, 0, sizeof(c));
    c.kl = kl;
    rc = kl_cfg_parse(file, text, len, &c.cfg, err, sizeof(err));
    free(text);
    if ( rc )
    {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    if ( c.cfg.warning[0] )
        fprintf(stderr, "%s\n", c.cfg.warning);
    rc = create_from(&c);
    if ( rc )
        undo(&c);
    if ( c.xcall )
    {
        if ( c.kernel.buf )
            xencall_free_buffer(c.xcall, c.kernel.buf);
        if ( c.ramdisk.buf )
            xencall_free_buffer(c.xcall, c.ramdisk.buf);
        xencall_close(c.xcall);
    }
    if ( rc )
        return 1;
    monitor(kl, c.domid, &c.cfg);
    return console ? kl_console_relay(kl, c.domid) : 0;
}
