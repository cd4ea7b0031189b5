/* Host tests of the xenstore layout kl create writes. */
#include <stdio.h>
#include <string.h>
#include "xslayout.h"

static int failed, passed;
static struct kl_xs_layout l;

static void check(int ok, const char *what)
{
    if ( !ok )
    {
        printf("FAIL tools/libkeelctl xslayout: %s\n", what);
        failed++;
    }
    else
        passed++;
}

/* The node exists with this value and these perms ("0n 5r": owner 0, domain 5 reads). */
static void node(const char *path, const char *value, const char *perms)
{
    const struct kl_xs_node *n = kl_xs_find(&l, path);
    char got[32] = "", what[2400];

    if ( n )
        for ( unsigned int i = 0; i < n->nr_perms; i++ )
            snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%u%c", i ? " " : "",
                     n->perms[i].domid, "nrwb"[n->perms[i].perm & 3]);
    snprintf(what, sizeof(what), "%s = '%s' [%s] (got %s '%s' [%s])", path, value, perms,
             n ? "" : "no node", n ? n->value : "", got);
    check(n && !strcmp(n->value, value) && !strcmp(got, perms), what);
}

static void absent(const char *path)
{
    char what[200];

    snprintf(what, sizeof(what), "no %s", path);
    check(!kl_xs_find(&l, path), what);
}

static const char uuid[] = "5f1c8a4e-1b2d-4c3e-9f00-0123456789ab";

static void test_pv_with_disks(void)
{
    struct kl_xs_domain d = {
        .domid = 5, .name = "web1", .uuid = uuid, .type = KL_TYPE_PV, .target_kb = 524288,
        .max_kb = 524288, .vcpus = 2, .store_port = 1, .store_mfn = 0x12345,
        .console_port = 2, .console_mfn = 0x12346, .nr_disks = 2,
        .disks = {
            { .devid = 51712, .vdev = "xvda", .params = "/dev/sdb", .device = "/dev/sdb",
              .major = 8, .minor = 16, .writable = 1 },
            { .devid = 51728, .vdev = "xvdb", .params = "/srv/b.img", .device = "/dev/loop3",
              .major = 7, .minor = 3, .writable = 0 },
        },
    };

    check(kl_xs_layout(&d, &l) == 0, "layout of a PV domain fits");
    node("/local/domain/5", "", "0n 5r");
    node("/local/domain/5/name", "web1", "0n 5r");
    node("/local/domain/5/domid", "5", "0n 5r");
    node("/local/domain/5/vm", "/vm/5f1c8a4e-1b2d-4c3e-9f00-0123456789ab", "0n 5r");
    node("/vm/5f1c8a4e-1b2d-4c3e-9f00-0123456789ab", "", "0n 5r");
    node("/vm/5f1c8a4e-1b2d-4c3e-9f00-0123456789ab/uuid", uuid, "0n 5r");
    node("/vm/5f1c8a4e-1b2d-4c3e-9f00-0123456789ab/name", "web1", "0n 5r");
    node("/libxl/5", "", "0n");
    node("/libxl/5/type", "pv", "0n");
    node("/local/domain/5/memory/static-max", "524288", "0n 5r");
    node("/local/domain/5/memory/target", "524288", "0n 5r");
    node("/local/domain/5/cpu/0/availability", "online", "0n 5r");
    node("/local/domain/5/cpu/1/availability", "online", "0n 5r");
    absent("/local/domain/5/cpu/2/availability");
    node("/local/domain/5/store/port", "1", "0n 5r");
    node("/local/domain/5/store/ring-ref", "74565", "0n 5r");
    node("/local/domain/5/control", "", "0n 5r");
    node("/local/domain/5/control/shutdown", "", "5n");
    node("/local/domain/5/control/feature-poweroff", "", "5n");
    node("/local/domain/5/control/sysrq", "", "5n");
    node("/local/domain/5/control/platform-feature-multiprocessor-suspend", "1", "0n 5r");
    node("/local/domain/5/control/platform-feature-xs_reset_watches", "1", "0n 5r");
    node("/local/domain/5/data", "", "5n");
    node("/local/domain/5/error", "", "5n");
    node("/local/domain/5/device", "", "0n 5r");
    node("/local/domain/5/device/suspend/event-channel", "", "5n");
    /* The console: read-only to the guest but its backend-id entry. */
    node("/local/domain/5/console", "", "0n 5r");
    node("/local/domain/5/console/ring-ref", "74566", "0n 5r");
    node("/local/domain/5/console/port", "2", "0n 5r");
    node("/local/domain/5/console/type", "xenconsoled", "0n 5r");
    node("/local/domain/5/console/output", "pty", "0n 5r");
    node("/local/domain/5/console/limit", "1048576", "0n 5r");
    node("/local/domain/5/console/tty", "", "0n 5r");
    node("/local/domain/5/console/backend", "/local/domain/0/backend/console/5/0", "0n 5r");
    node("/local/domain/5/console/backend-id", "0", "5n 0r");
    node("/local/domain/0/backend/console/5/0/frontend", "/local/domain/5/console", "0n 5r");
    node("/local/domain/0/backend/console/5/0/protocol", "vt100", "0n 5r");
    /* The disks. */
    node("/local/domain/5/device/vbd/51712", "", "5n 0r");
    node("/local/domain/5/device/vbd/51712/backend", "/local/domain/0/backend/vbd/5/51712",
         "5n 0r");
    node("/local/domain/5/device/vbd/51712/backend-id", "0", "5n 0r");
    node("/local/domain/5/device/vbd/51712/state", "1", "5n 0r");
    node("/local/domain/5/device/vbd/51712/virtual-device", "51712", "5n 0r");
    node("/local/domain/5/device/vbd/51712/device-type", "disk", "5n 0r");
    node("/local/domain/5/device/vbd/51712/protocol", "x86_64-abi", "5n 0r");
    node("/local/domain/0/backend/vbd/5/51712", "", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/frontend", "/local/domain/5/device/vbd/51712",
         "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/frontend-id", "5", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/params", "/dev/sdb", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/type", "phy", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/mode", "w", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/physical-device", "8:10", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/online", "1", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/state", "1", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/dev", "xvda", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/device-type", "disk", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/removable", "0", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51712/bootable", "1", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51728/params", "/srv/b.img", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51728/mode", "r", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51728/physical-device", "7:3", "0n 5r");
    node("/local/domain/0/backend/vbd/5/51728/physical-device-path", "/dev/loop3", "0n 5r");
    node("/libxl/5/device/vbd/51728/device", "/dev/loop3", "0n");
    /* blkback must see physical-device last: after every other backend node of its disk. */
    {
        int last = 1;
        const struct kl_xs_node *pd =
            kl_xs_find(&l, "/local/domain/0/backend/vbd/5/51712/physical-device");

        for ( const struct kl_xs_node *n = l.nodes; n < l.nodes + l.nr; n++ )
            if ( n > pd && !strncmp(n->path, "/local/domain/0/backend/vbd/5/51712", 35) )
                last = 0;
        check(pd && last, "physical-device is the disk's last backend node");
    }
    /* No node appears twice (one transaction, but a duplicate would hide a mistake). */
    {
        int dup = 0;

        for ( unsigned int i = 0; i < l.nr; i++ )
            for ( unsigned int j = i + 1; j < l.nr; j++ )
                dup |= !strcmp(l.nodes[i].path, l.nodes[j].path);
        check(!dup, "no path twice");
    }
}

static void test_pvh(void)
{
    struct kl_xs_domain d = {
        .domid = 12, .name = "p", .uuid = uuid, .type = KL_TYPE_PVH, .target_kb = 65536,
        .max_kb = 65536, .vcpus = 1, .store_port = 3, .store_mfn = 16382, .console_port = 4,
        .console_mfn = 16383, .nr_disks = 1,
        .disks = { { .devid = 51712, .vdev = "xvda", .params = "/dev/loop0",
                     .device = "/dev/loop0", .major = 7, .minor = 0, .writable = 1 } },
    };

    check(kl_xs_layout(&d, &l) == 0, "layout of a PVH domain fits");
    node("/libxl/12/type", "pvh", "0n");
    node("/local/domain/12/store/ring-ref", "16382", "0n 12r");
    node("/local/domain/12/console/ring-ref", "16383", "0n 12r");
    node("/local/domain/0/backend/vbd/12/51712/physical-device", "7:0", "0n 12r");
    /* libxl writes the native protocol for PV guests only. */
    absent("/local/domain/12/device/vbd/51712/protocol");
    absent("/local/domain/12/cpu/1/availability");
}

static void test_limits(void)
{
    static struct kl_xs_domain d = {
        .domid = 32000, .name = "big", .uuid = uuid, .type = KL_TYPE_PV, .target_kb = 4096,
        .max_kb = 4096, .vcpus = KL_MAX_VCPUS, .nr_disks = KL_MAX_DISKS,
    };
    char dirs[8][160];
    unsigned int n;

    for ( unsigned int i = 0; i < KL_MAX_DISKS; i++ )
    {
        d.disks[i].devid = (1u << 28) | (i << 8);
        memset(d.disks[i].params, 'p', KL_PATH_MAX - 1);
        memset(d.disks[i].device, 'd', KL_PATH_MAX - 1);
        strcpy(d.disks[i].vdev, "xvdzz");
    }
    check(kl_xs_layout(&d, &l) == 0, "the largest domain a config can give fits");
    check(kl_xs_find(&l, "/local/domain/32000/cpu/127/availability") != NULL, "vCPU 127");
    n = kl_xs_domain_dirs(7, "/vm/5f1c8a4e-1b2d-4c3e-9f00-0123456789ab", dirs, 8);
    check(n == 5 && !strcmp(dirs[0], "/local/domain/7") &&
          !strcmp(dirs[1], "/local/domain/0/backend/vbd/7") &&
          !strcmp(dirs[2], "/local/domain/0/backend/console/7") && !strcmp(dirs[3], "/libxl/7") &&
          !strcmp(dirs[4], "/vm/5f1c8a4e-1b2d-4c3e-9f00-0123456789ab"), "destroy's directories");
    check(kl_xs_domain_dirs(7, "/local/domain/0", dirs, 8) == 4, "a /vm value aiming elsewhere "
          "is not removed");
    check(kl_xs_domain_dirs(7, "/vm/../local/domain/0/aaaaaaaaaaaaaaaaaaaaaaa", dirs, 8) == 4,
          "a /vm value with a slash is not removed");
    check(kl_xs_domain_dirs(7, NULL, dirs, 8) == 4, "no /vm node");
}

int main(void)
{
    test_pv_with_disks();
    test_pvh();
    test_limits();
    printf("%s tools/libkeelctl xslayout (%d checks)\n", failed ? "FAIL" : "PASS",
           passed + failed);
    return failed != 0;
}
