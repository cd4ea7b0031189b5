/*
 * xl.cfg(5) parsing for `kl create`: the keys kl honours, checked as they
 * are read, so that a bad file is refused with "<file>:<line>: <key>: <why>"
 * before anything is created.  Pure: works on a buffer, no I/O.
 */
#ifndef KL_CFG_H
#define KL_CFG_H

#include <stddef.h>
#include <stdint.h>

#define KL_NAME_MAX     64          /* bytes of a domain name, incl. the NUL */
#define KL_PATH_MAX     1024
#define KL_CMDLINE_MAX  1024        /* Xen's MAX_GUEST_CMDLINE, incl. the NUL */
#define KL_MAX_DISKS    16
#define KL_MAX_VCPUS    128
#define KL_MEM_MIN_MIB  4           /* Keel's build refuses less */
#define KL_MEM_MAX_MIB  (64 * 1024) /* and more than 64 GiB */

enum kl_type { KL_TYPE_PV, KL_TYPE_PVH };

/* on_poweroff/on_reboot/on_crash, in xl's names and order. */
enum kl_action {
    KL_ACT_DESTROY, KL_ACT_RESTART, KL_ACT_RENAME_RESTART, KL_ACT_PRESERVE,
    KL_ACT_COREDUMP_DESTROY, KL_ACT_COREDUMP_RESTART,
};

/* Where a disk's bytes come from: phy: a block device, file: a loop device. */
enum kl_disk_kind { KL_DISK_AUTO, KL_DISK_PHY, KL_DISK_FILE };

struct kl_disk {
    char target[KL_PATH_MAX];
    enum kl_disk_kind kind;         /* AUTO: decided by stat() at create time */
    char vdev[16];
    uint32_t devid;                 /* xen-vbd-interface(7) number of vdev */
    int writable;
};

struct kl_cfg {
    char name[KL_NAME_MAX];
    enum kl_type type;
    uint64_t memory_mib, maxmem_mib;
    unsigned int vcpus;
    char kernel[KL_PATH_MAX], ramdisk[KL_PATH_MAX];
    char cmdline[KL_CMDLINE_MAX];   /* cmdline, or root= and extra joined as xl does */
    struct kl_disk disks[KL_MAX_DISKS];
    unsigned int nr_disks;
    enum kl_action on_poweroff, on_reboot, on_crash;
    char warning[256];              /* a note xl would print (cmdline beats root/extra) */
};

/*
 * Parse the text (len bytes; NULs are refused) of the file named file.
 * 0 on success; -1 with err holding the one-line reason otherwise.
 */
int kl_cfg_parse(const char *file, const char *text, size_t len, struct kl_cfg *cfg,
                 char *err, size_t errlen);

/* One disk spec in xl-disk-configuration(5) syntax; 0 or -1 with why. */
int kl_disk_parse(const char *spec, struct kl_disk *disk, char *why, size_t whylen);

/* xen-vbd-interface(7): "xvda" -> 51712, "hdc2" -> 5634, "d1p2" -> 51730; -1 if bad. */
long kl_vdev_devid(const char *vdev);

const char *kl_action_name(enum kl_action a);
/* Whether kl acts on the action as asked (the others are refused at parse time). */
int kl_action_honoured(enum kl_action a);

#endif /* KL_CFG_H */
