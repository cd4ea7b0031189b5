/*
 * The xenstore nodes a new PV or PVH domain gets, as libxl writes them
 * (libxl_create.c libxl__domain_make, libxl_dom.c libxl__build_post,
 * libxl_console.c, libxl_disk.c, libxl_device.c libxl__device_generic_add;
 * docs/misc/xenstore-paths.pandoc), computed as data so that the host tests
 * can check every path, value and permission; kl create writes the list in
 * one transaction.
 */
#ifndef KL_XSLAYOUT_H
#define KL_XSLAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include "cfg.h"

/* Xen's XS_PERM_* values. */
#define KL_XS_NONE  0
#define KL_XS_READ  1
#define KL_XS_WRITE 2

struct kl_xs_perm {
    uint32_t domid;
    unsigned int perm;              /* the first entry: owner, perm for everyone else */
};

struct kl_xs_node {
    char path[160];
    char value[KL_PATH_MAX + 16];
    struct kl_xs_perm perms[2];     /* as this node ends up, whether set or inherited */
    unsigned int nr_perms;
};

/* What the layout is made of: the config plus what createdomain and the build returned. */
struct kl_xs_disk {
    uint32_t devid;
    char vdev[16];
    char params[KL_PATH_MAX];       /* the device or image the user named */
    char device[KL_PATH_MAX];       /* the block device blkback opens (a loop for files) */
    unsigned int major, minor;
    int writable;
};

struct kl_xs_domain {
    uint32_t domid;
    const char *name;
    const char *uuid;               /* 36 characters */
    enum kl_type type;
    uint64_t target_kb, max_kb;
    unsigned int vcpus;
    uint32_t store_port, console_port;
    uint64_t store_mfn, console_mfn;
    struct kl_xs_disk disks[KL_MAX_DISKS];
    unsigned int nr_disks;
};

#define KL_XS_MAX_NODES (64 + KL_MAX_VCPUS + KL_MAX_DISKS * 24)

struct kl_xs_layout {
    struct kl_xs_node nodes[KL_XS_MAX_NODES];
    unsigned int nr;
};

/* Fill the layout; 0, or -1 if a value does not fit (never with a config that parsed). */
int kl_xs_layout(const struct kl_xs_domain *d, struct kl_xs_layout *l);

/* The node at path, or NULL. */
const struct kl_xs_node *kl_xs_find(const struct kl_xs_layout *l, const char *path);

/* The directories kl destroy removes for domain domid (and its /vm/<uuid> node). */
unsigned int kl_xs_domain_dirs(uint32_t domid, const char *vm_path, char out[][160],
                               unsigned int max);

#endif /* KL_XSLAYOUT_H */
