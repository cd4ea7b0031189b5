/*
 * xenstore layout of a new domain (see xslayout.h).  The nodes come in the
 * order libxl writes them; each carries the permissions it ends up with:
 * set explicitly where libxl calls xs_set_permissions, else inherited from
 * its parent directory, as xenstored does for a node it creates.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "xslayout.h"

#define XENBUS_STATE_INITIALISING 1
#define CONSOLE_LIMIT 1048576          /* libxl's LIBXL_XENCONSOLE_LIMIT */
#define BACKEND_DOMID 0                /* dom0 serves console, xenstore and disks */

struct builder {
    struct kl_xs_layout *l;
    int overflow;
};

/* Perm sets libxl uses (libxl__domain_make, libxl__device_generic_add). */
static void perms_set(struct kl_xs_perm p[2], unsigned int *nr, uint32_t owner,
                      uint32_t reader)
{
    p[0] = (struct kl_xs_perm){ owner, KL_XS_NONE };
    if ( reader == owner )
        *nr = 1;
    else
    {
        p[1] = (struct kl_xs_perm){ reader, KL_XS_READ };
        *nr = 2;
    }
}

static struct kl_xs_node *add(struct builder *b, uint32_t owner, uint32_t reader,
                              const char *value, const char *fmt, ...)
{
    struct kl_xs_node *n;
    va_list ap;
    int len;

    if ( b->l->nr == KL_XS_MAX_NODES )
    {
        b->overflow = 1;
        return NULL;
    }
    n = &b->l->nodes[b->l->nr];
    memset(n, 0, sizeof(*n));
    va_start(ap, fmt);
    len = vsnprintf(n->path, sizeof(n->path), fmt, ap);
    va_end(ap);
    if ( len < 0 || (size_t)len >= sizeof(n->path) ||
         (size_t)snprintf(n->value, sizeof(n->value), "%s", value) >= sizeof(n->value) )
    {
        b->overflow = 1;
        return NULL;
    }
    perms_set(n->perms, &n->nr_perms, owner, reader);
    b->l->nr++;
    return n;
}

static char *num(char buf[24], uint64_t v)
{
    snprintf(buf, 24, "%" PRIu64, v);
    return buf;
}

/* /local/domain/<id>: dom0 owns it, the guest reads (libxl's roperm). */
static void domain_dirs(struct builder *b, const struct kl_xs_domain *d, const char *dp)
{
    static const char *const guest_rw[] = {
        "control/shutdown", "control/feature-poweroff", "control/feature-reboot",
        "control/feature-suspend", "control/sysrq", "data", "drivers", "feature", "attr",
        "error",
    };
    uint32_t id = d->domid;
    char vm[64];

    snprintf(vm, sizeof(vm), "/vm/%s", d->uuid);
    add(b, 0, id, "", "%s", dp);
    add(b, 0, id, "", "/vm/%s", d->uuid);
    add(b, 0, 0, "", "/libxl/%u", id);
    add(b, 0, 0, d->type == KL_TYPE_PV ? "pv" : "pvh", "/libxl/%u/type", id);
    add(b, 0, id, vm, "%s/vm", dp);
    add(b, 0, id, d->name, "%s/name", dp);
    add(b, 0, id, "", "%s/cpu", dp);
    add(b, 0, id, "", "%s/memory", dp);
    add(b, 0, id, "", "%s/device", dp);
    add(b, id, id, "", "%s/device/suspend/event-channel", dp);
    add(b, 0, id, "", "%s/control", dp);
    for ( unsigned int i = 0; i < sizeof(guest_rw) / sizeof(guest_rw[0]); i++ )
        add(b, id, id, "", "%s/%s", dp, guest_rw[i]);
    add(b, 0, id, d->uuid, "/vm/%s/uuid", d->uuid);
    add(b, 0, id, d->name, "/vm/%s/name", d->uuid);
    add(b, 0, id, "1", "%s/control/platform-feature-multiprocessor-suspend", dp);
    add(b, 0, id, "1", "%s/control/platform-feature-xs_reset_watches", dp);
}

/* libxl__build_post's entries. */
static void build_post(struct builder *b, const struct kl_xs_domain *d, const char *dp)
{
    char v[24];
    uint32_t id = d->domid;

    add(b, 0, id, num(v, d->max_kb), "%s/memory/static-max", dp);
    add(b, 0, id, num(v, d->target_kb), "%s/memory/target", dp);
    add(b, 0, id, "0", "%s/memory/videoram", dp);
    add(b, 0, id, num(v, id), "%s/domid", dp);
    add(b, 0, id, num(v, d->store_port), "%s/store/port", dp);
    add(b, 0, id, num(v, d->store_mfn), "%s/store/ring-ref", dp);
    for ( unsigned int i = 0; i < d->vcpus; i++ )
        add(b, 0, id, "online", "%s/cpu/%u/availability", dp, i);
}

/* The primary console: frontend ~/console (read-only to the guest), backend in dom0. */
static void console(struct builder *b, const struct kl_xs_domain *d, const char *dp)
{
    char v[24], be[64], fe[64];
    uint32_t id = d->domid;

    snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u/0", BACKEND_DOMID, id);
    snprintf(fe, sizeof(fe), "%s/console", dp);
    add(b, BACKEND_DOMID, id, "", "%s", fe);
    add(b, BACKEND_DOMID, id, be, "%s/backend", fe);
    add(b, id, BACKEND_DOMID, num(v, BACKEND_DOMID), "%s/backend-id", fe);
    add(b, BACKEND_DOMID, id, num(v, CONSOLE_LIMIT), "%s/limit", fe);
    add(b, BACKEND_DOMID, id, "xenconsoled", "%s/type", fe);
    add(b, BACKEND_DOMID, id, "pty", "%s/output", fe);
    add(b, BACKEND_DOMID, id, "", "%s/tty", fe);
    add(b, BACKEND_DOMID, id, num(v, d->console_port), "%s/port", fe);
    add(b, BACKEND_DOMID, id, num(v, d->console_mfn), "%s/ring-ref", fe);
    add(b, BACKEND_DOMID, id, "", "%s", be);
    add(b, BACKEND_DOMID, id, fe, "%s/frontend", be);
    add(b, BACKEND_DOMID, id, num(v, id), "%s/frontend-id", be);
    add(b, BACKEND_DOMID, id, "1", "%s/online", be);
    add(b, BACKEND_DOMID, id, num(v, XENBUS_STATE_INITIALISING), "%s/state", be);
    add(b, BACKEND_DOMID, id, "vt100", "%s/protocol", be);
}

/* One vbd: frontend owned by the guest, backend by dom0 (libxl_disk.c). */
static void disk(struct builder *b, const struct kl_xs_domain *d, const char *dp,
                 const struct kl_xs_disk *k)
{
    char v[24], be[96], fe[96], pdev[24];
    uint32_t id = d->domid;

    snprintf(be, sizeof(be), "/local/domain/%u/backend/vbd/%u/%u", BACKEND_DOMID, id, k->devid);
    snprintf(fe, sizeof(fe), "%s/device/vbd/%u", dp, k->devid);
    /* What the block hotplug script writes: "major:minor" in hex. */
    snprintf(pdev, sizeof(pdev), "%x:%x", k->major, k->minor);
    add(b, id, BACKEND_DOMID, "", "%s", fe);
    add(b, id, BACKEND_DOMID, be, "%s/backend", fe);
    add(b, id, BACKEND_DOMID, num(v, BACKEND_DOMID), "%s/backend-id", fe);
    add(b, id, BACKEND_DOMID, num(v, XENBUS_STATE_INITIALISING), "%s/state", fe);
    add(b, id, BACKEND_DOMID, num(v, k->devid), "%s/virtual-device", fe);
    add(b, id, BACKEND_DOMID, "disk", "%s/device-type", fe);
    add(b, id, BACKEND_DOMID, "1", "%s/trusted", fe);
    if ( d->type == KL_TYPE_PV )
        add(b, id, BACKEND_DOMID, "x86_64-abi", "%s/protocol", fe);
    add(b, BACKEND_DOMID, id, "", "%s", be);
    add(b, BACKEND_DOMID, id, fe, "%s/frontend", be);
    add(b, BACKEND_DOMID, id, k->params, "%s/params", be);
    add(b, BACKEND_DOMID, id, num(v, id), "%s/frontend-id", be);
    add(b, BACKEND_DOMID, id, "1", "%s/online", be);
    add(b, BACKEND_DOMID, id, "0", "%s/removable", be);
    add(b, BACKEND_DOMID, id, "1", "%s/bootable", be);
    add(b, BACKEND_DOMID, id, num(v, XENBUS_STATE_INITIALISING), "%s/state", be);
    add(b, BACKEND_DOMID, id, k->vdev, "%s/dev", be);
    add(b, BACKEND_DOMID, id, "phy", "%s/type", be);
    add(b, BACKEND_DOMID, id, k->writable ? "w" : "r", "%s/mode", be);
    add(b, BACKEND_DOMID, id, "disk", "%s/device-type", be);
    add(b, BACKEND_DOMID, id, "1", "%s/discard-enable", be);
    add(b, BACKEND_DOMID, id, k->device, "%s/physical-device-path", be);
    /* Last: xen-blkback's watch on physical-device opens the device when it appears. */
    add(b, BACKEND_DOMID, id, pdev, "%s/physical-device", be);
    /* kl's own record of the device it set up, for destroy (libxl keeps its own here too). */
    add(b, 0, 0, k->device, "/libxl/%u/device/vbd/%u/device", id, k->devid);
}

int kl_xs_layout(const struct kl_xs_domain *d, struct kl_xs_layout *l)
{
    struct builder b = { .l = l };
    char dp[32];

    l->nr = 0;
    snprintf(dp, sizeof(dp), "/local/domain/%u", d->domid);
    domain_dirs(&b, d, dp);
    build_post(&b, d, dp);
    console(&b, d, dp);
    for ( unsigned int i = 0; i < d->nr_disks; i++ )
        disk(&b, d, dp, &d->disks[i]);
    return b.overflow ? -1 : 0;
}

const struct kl_xs_node *kl_xs_find(const struct kl_xs_layout *l, const char *path)
{
    for ( unsigned int i = 0; i < l->nr; i++ )
        if ( !strcmp(l->nodes[i].path, path) )
            return &l->nodes[i];
    return NULL;
}

unsigned int kl_xs_domain_dirs(uint32_t domid, const char *vm_path, char out[][160],
                               unsigned int max)
{
    unsigned int n = 0;

    if ( n < max )
        snprintf(out[n++], 160, "/local/domain/%u", domid);
    if ( n < max )
        snprintf(out[n++], 160, "/local/domain/%u/backend/vbd/%u", BACKEND_DOMID, domid);
    if ( n < max )
        snprintf(out[n++], 160, "/local/domain/%u/backend/console/%u", BACKEND_DOMID, domid);
    if ( n < max )
        snprintf(out[n++], 160, "/libxl/%u", domid);
    /* Only a /vm path kl itself wrote: never let a node's value aim the removal elsewhere. */
    if ( n < max && vm_path && !strncmp(vm_path, "/vm/", 4) && strlen(vm_path) == 40 &&
         !strchr(vm_path + 4, '/') )
        snprintf(out[n++], 160, "%s", vm_path);
    return n;
}
