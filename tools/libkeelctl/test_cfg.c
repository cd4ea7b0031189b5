/* Host tests of the xl.cfg parser: good files, bad files, hostile input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"

static int failed, passed;
static struct kl_cfg cfg;
static char err[1024];

static void check(int ok, const char *what)
{
    if ( !ok )
    {
        printf("FAIL tools/libkeelctl cfg: %s\n", what);
        failed++;
    }
    else
        passed++;
}

static int parse(const char *text)
{
    err[0] = '\0';
    return kl_cfg_parse("g.cfg", text, strlen(text), &cfg, err, sizeof(err));
}

/* A good file: parses, and err stays empty. */
static void good(const char *text, const char *what)
{
    int rc = parse(text);

    if ( rc )
        printf("  (%s: %s)\n", what, err);
    check(rc == 0, what);
}

/* A bad file: refused with exactly this message. */
static void bad(const char *text, const char *want)
{
    int rc = parse(text);

    if ( rc == 0 || strcmp(err, want) )
        printf("  got rc %d '%s'\n  want '%s'\n", rc, err, want);
    check(rc != 0 && !strcmp(err, want), want);
}

/* A bad file whose message starts so (the rest is explanation). */
static void bad_prefix(const char *text, const char *want)
{
    int rc = parse(text);
    int ok = rc != 0 && !strncmp(err, want, strlen(want));

    if ( !ok )
        printf("  got rc %d '%s'\n  want prefix '%s'\n", rc, err, want);
    check(ok, want);
}

#define MIN "name='a'\nkernel='/k'\n"

static void test_good(void)
{
    good("# a guest\n"
         "name = \"web1\"\n"
         "type = 'pvh'\n"
         "memory = 512\n"
         "maxmem = 512   # the same\n"
         "vcpus = 2\n"
         "kernel = \"/boot/vmlinuz\"\n"
         "ramdisk = '/boot/initrd.img'\n"
         "root = '/dev/xvda1 ro'\n"
         "extra = \"console=hvc0\"\n"
         "disk = [ 'phy:/dev/loop0,xvda,w',\n"
         "         'file:/srv/b.img,xvdb,r',\n"
         "         '/srv/c.img,raw,xvdc,rw', ]\n"
         "on_poweroff = 'destroy'; on_crash = 'preserve'\n", "full file");
    check(!strcmp(cfg.name, "web1") && cfg.type == KL_TYPE_PVH, "name and type");
    check(cfg.memory_mib == 512 && cfg.maxmem_mib == 512 && cfg.vcpus == 2, "memory, vcpus");
    check(!strcmp(cfg.kernel, "/boot/vmlinuz") && !strcmp(cfg.ramdisk, "/boot/initrd.img"),
          "kernel, ramdisk");
    check(!strcmp(cfg.cmdline, "root=/dev/xvda1 ro console=hvc0"), "root and extra joined as xl");
    check(cfg.nr_disks == 3, "three disks");
    check(cfg.disks[0].kind == KL_DISK_PHY && !strcmp(cfg.disks[0].target, "/dev/loop0") &&
          cfg.disks[0].devid == 51712 && cfg.disks[0].writable, "phy disk");
    check(cfg.disks[1].kind == KL_DISK_FILE && !strcmp(cfg.disks[1].target, "/srv/b.img") &&
          cfg.disks[1].devid == 51728 && !cfg.disks[1].writable, "file disk read-only");
    check(cfg.disks[2].kind == KL_DISK_AUTO && !strcmp(cfg.disks[2].vdev, "xvdc") &&
          cfg.disks[2].writable, "positional raw disk");
    check(cfg.on_poweroff == KL_ACT_DESTROY && cfg.on_crash == KL_ACT_PRESERVE &&
          cfg.on_reboot == KL_ACT_RESTART, "actions and the on_reboot default");

    good(MIN, "minimal file");
    check(cfg.type == KL_TYPE_PV && cfg.memory_mib == 32 && cfg.maxmem_mib == 32 &&
          cfg.vcpus == 1 && cfg.cmdline[0] == '\0' && cfg.nr_disks == 0, "libxl's defaults");
    good(MIN "builder = 'generic'\n", "builder generic is pv");
    check(cfg.type == KL_TYPE_PV, "builder generic gives pv");
    good(MIN "maxmem = 64\n", "maxmem alone sets memory");
    check(cfg.memory_mib == 64, "memory follows maxmem");
    good(MIN "memory = 0x40\n", "hex memory");
    check(cfg.memory_mib == 64, "0x40 is 64");
    good(MIN "root = '/dev/xvda'\n", "root alone");
    check(!strcmp(cfg.cmdline, "root=/dev/xvda"), "root= alone");
    good(MIN "cmdline = 'quiet'\nextra='x'\n", "cmdline wins");
    check(!strcmp(cfg.cmdline, "quiet") && cfg.warning[0], "cmdline beats extra, with a warning");
    good(MIN "extra = 'a \\'b\\' \\\"c\\\"'\n", "escapes in strings");
    check(!strcmp(cfg.cmdline, "a 'b' \"c\""), "escaped quotes");
    good(MIN "disk = [ 'format=raw, vdev=xvdb, access=ro, target=/srv/x.img' ]\n",
         "key=value disk");
    check(cfg.disks[0].devid == 51728 && !cfg.disks[0].writable &&
          !strcmp(cfg.disks[0].target, "/srv/x.img"), "key=value disk fields");
    good(MIN "disk = [\n# comment in a list\n'phy:/dev/sdb,hda,w'\n\n]\n", "list over lines");
    check(cfg.nr_disks == 1 && cfg.disks[0].devid == (3 << 8), "hda is 768");
    good(MIN "disk=[]\n", "empty disk list");
    good("name='a';kernel='/k';vcpus=3", "semicolons, no final newline");
    check(cfg.vcpus == 3, "vcpus 3");
    good("\r\nname = 'a'\r\nkernel = '/k'\r\n", "CRLF line ends");
}

static void test_bad(void)
{
    bad(MIN "colour = 'blue'\n", "g.cfg:3: colour: unknown key (kl knows name, type, memory, "
        "maxmem, vcpus, kernel, ramdisk, cmdline, extra, root, disk, on_poweroff, on_reboot, "
        "on_crash)");
    bad(MIN "\n\nmemory = 'lots'\n", "g.cfg:5: memory: 'lots' is not a number");
    bad(MIN "memory = 99999999999999999999999999\n",
        "g.cfg:3: memory: 99999999999999999999999999 is out of range (4 to 65536)");
    bad(MIN "memory = 18446744073709551616\n",
        "g.cfg:3: memory: 18446744073709551616 is out of range (4 to 65536)");
    bad(MIN "memory = 2\n", "g.cfg:3: memory: 2 is out of range (4 to 65536)");
    bad(MIN "memory = -5\n", "g.cfg:3: memory: '-5' is not a number");
    bad(MIN "memory = @\n", "g.cfg:3: memory: expected a value, a \"string\" or a [ list ]");
    bad(MIN "memory = 12abc\n", "g.cfg:3: memory: '12abc' is not a number");
    bad(MIN "vcpus = 0\n", "g.cfg:3: vcpus: 0 is out of range (1 to 128)");
    bad(MIN "vcpus = [ 1 ]\n", "g.cfg:3: vcpus: a single value expected, not a list");
    bad(MIN "memory = 64\nmaxmem = 32\n", "g.cfg:4: maxmem: 32 MiB is below memory (64 MiB)");
    bad_prefix(MIN "memory = 64\nmaxmem = 128\n", "g.cfg:4: maxmem: above memory");
    bad(MIN "type = 'hvm'\n",
        "g.cfg:3: type: hvm is not supported by kl (no device model); use pv or pvh");
    bad(MIN "type = 'pvhx'\n", "g.cfg:3: type: 'pvhx' is not a type (pv, pvh)");
    bad(MIN "builder = 'hvm'\n",
        "g.cfg:3: builder: hvm is not supported by kl (no device model); use pv or pvh");
    bad(MIN "type='pv'\nbuilder = 'generic'\n",
        "g.cfg:4: builder: type given twice (type and builder)");
    bad(MIN "name = 'b'\n", "g.cfg:3: name: given twice (first on line 1)");
    bad("kernel='/k'\n", "g.cfg:2: name: missing (xl requires a domain name)");
    bad("name='a'\n", "g.cfg:2: kernel: missing (kl boots a kernel directly; no bootloader)");
    bad("name='a b'\nkernel='/k'\n",
        "g.cfg:1: name: may not contain spaces, '/' or control characters");
    bad("name='12'\nkernel='/k'\n", "g.cfg:1: name: a number would be taken for a domain id");
    bad("name=''\nkernel='/k'\n", "g.cfg:1: name: empty");
    bad("name='Domain-0'\nkernel='/k'\n", "g.cfg:1: name: Domain-0 is dom0's name");
    bad(MIN "on_reboot = 'restart'\n",
        "g.cfg:3: on_reboot: restart is not supported by kl yet (destroy or preserve)");
    bad(MIN "on_crash = 'coredump-destroy'\n",
        "g.cfg:3: on_crash: coredump-destroy is not supported by kl yet (destroy or preserve)");
    bad_prefix(MIN "on_poweroff = 'explode'\n", "g.cfg:3: on_poweroff: 'explode' is not an action");
    bad(MIN "kernel2 = 1\n", "g.cfg:3: kernel2: unknown key (kl knows name, type, memory, "
        "maxmem, vcpus, kernel, ramdisk, cmdline, extra, root, disk, on_poweroff, on_reboot, "
        "on_crash)");
    bad(MIN "extra = \"console=hvc0\n", "g.cfg:3: extra: unterminated string (no closing \")");
    bad(MIN "extra = 'abc", "g.cfg:3: extra: unterminated string (no closing ')");
    bad(MIN "extra = 'abc\\", "g.cfg:3: extra: unterminated string (no closing ')");
    bad(MIN "disk = [ 'phy:/dev/sdb,xvda,w'\n", "g.cfg:3: disk: list not closed with ]");
    bad(MIN "disk = [ 'a' 'b' ]\n", "g.cfg:3: disk: expected , or ] in the list");
    bad(MIN "disk = 'phy:/dev/sdb,xvda,w'\n",
        "g.cfg:3: disk: a list expected: disk = [ 'phy:/dev/sdb,xvda,w' ]");
    bad(MIN "disk = [ 'phy:/dev/sdb,xvda,w', 'phy:/dev/sdc,xvda,w' ]\n",
        "g.cfg:3: disk: vdev xvda given twice");
    bad(MIN "disk = [ '/srv/a.img,qcow2,xvda,w' ]\n",
        "g.cfg:3: disk: '/srv/a.img,qcow2,xvda,w': format qcow2 is not supported (raw only: "
        "xen-blkback serves raw block devices)");
    bad(MIN "disk = [ 'phy:/dev/sdb' ]\n",
        "g.cfg:3: disk: 'phy:/dev/sdb': no vdev (e.g. xvda)");
    bad(MIN "disk = [ 'vdev=xvda' ]\n",
        "g.cfg:3: disk: 'vdev=xvda': no target (the image or device), e.g. 'phy:/dev/sdb,xvda,w'");
    bad(MIN "disk = [ 'phy:/dev/sdb,xvda,rwx' ]\n",
        "g.cfg:3: disk: 'phy:/dev/sdb,xvda,rwx': 'rwx' is not a target, format, vdev or access");
    bad(MIN "disk = [ 'target=/a,vdev=xvda,access=x' ]\n",
        "g.cfg:3: disk: 'target=/a,vdev=xvda,access=x': access 'x' is not r, ro, w or rw");
    bad(MIN "disk = [ 'tap:aio:/a,xvda,w' ]\n", "g.cfg:3: disk: 'tap:aio:/a,xvda,w': target "
        "'tap:aio:/a': only phy: and file: targets are supported");
    bad(MIN "disk = [ 'rel.img,xvda,w' ]\n",
        "g.cfg:3: disk: 'rel.img,xvda,w': target 'rel.img' is not an absolute path");
    bad(MIN "disk = [ 'phy:/dev/sdb,xvda,w,devtype=cdrom' ]\n",
        "g.cfg:3: disk: 'phy:/dev/sdb,xvda,w,devtype=cdrom': 'devtype=cdrom' is not supported by "
        "kl (target, format, vdev, access, backendtype=phy)");
    bad(MIN "memory 64\n", "g.cfg:3: memory: expected =");
    bad(MIN "memory += 64\n", "g.cfg:3: memory: += is not supported by kl");
    bad(MIN "memory = 64 64\n", "g.cfg:3: memory: unexpected text after the value");
    bad(MIN "= 64\n", "g.cfg:3: syntax: expected a key, found '='");
    bad(MIN "memory =\n", "g.cfg:3: memory: no value");
}

static void test_hostile(void)
{
    static char big[20000];
    char nul[] = MIN "memory = 6\0" "4\n";

    /* A 10000-character line: a string longer than any field. */
    memset(big, 0, sizeof(big));
    strcpy(big, MIN "extra = '");
    memset(big + strlen(big), 'x', 10000);
    strcat(big, "'\n");
    bad(big, "g.cfg:3: extra: value longer than 1023 bytes");
    /* A 10000-character key. */
    memset(big, 0, sizeof(big));
    strcpy(big, MIN);
    memset(big + strlen(big), 'k', 10000);
    strcat(big, " = 1\n");
    bad(big, "g.cfg:3: syntax: a key longer than 63 characters");
    /* 10000 characters of comment are fine. */
    memset(big, 0, sizeof(big));
    strcpy(big, MIN "# ");
    memset(big + strlen(big), 'c', 10000);
    strcat(big, "\n");
    good(big, "a 10000-character comment");
    /* A command line that only overflows once root= and extra are joined. */
    memset(big, 0, sizeof(big));
    strcpy(big, MIN "root = '");
    memset(big + strlen(big), 'r', 600);
    strcat(big, "'\nextra = '");
    memset(big + strlen(big), 'e', 600);
    strcat(big, "'\n");
    bad(big, "g.cfg:4: extra: the command line is longer than 1023 bytes");
    /* A NUL in the middle of the file, on line 3. */
    err[0] = '\0';
    check(kl_cfg_parse("g.cfg", nul, sizeof(nul) - 1, &cfg, err, sizeof(err)) != 0 &&
          !strcmp(err, "g.cfg:3: syntax: a NUL byte: this is not a text file"), "NUL refused");
    /* More list items than disks. */
    memset(big, 0, sizeof(big));
    strcpy(big, MIN "disk = [");
    for ( int i = 0; i < 20; i++ )
        strcat(big, " 'phy:/dev/sdb,xvda,w',");
    strcat(big, "]\n");
    bad(big, "g.cfg:3: disk: more than 16 items");
    /* Binary junk. */
    bad("\x01\x02\x03", "g.cfg:1: syntax: expected a key, found '?'");
    bad_prefix(MIN "name2\xff = 1\n", "g.cfg:3: name2: unknown key");
    bad(MIN "memory\xff = 1\n", "g.cfg:3: memory: expected =");
    /* A file that is only comments and blanks still needs a name. */
    bad("# nothing\n\n   \n", "g.cfg:4: name: missing (xl requires a domain name)");
    bad("", "g.cfg:1: name: missing (xl requires a domain name)");
}

static void test_vdev(void)
{
    static const struct { const char *vdev; long devid; } v[] = {
        { "xvda", 51712 }, { "xvdb", 51728 }, { "xvda1", 51713 }, { "xvdp15", 51967 },
        { "xvdq", (1L << 28) | (16 << 8) }, { "xvdaa", (1L << 28) | (26 << 8) },
        { "xvda16", (1L << 28) | 16 }, { "d0", 51712 }, { "d0p0", 51712 }, { "d1p2", 51730 },
        { "d536p37", (1L << 28) | (536 << 8) | 37 }, { "xvdtq37", (1L << 28) | (536 << 8) | 37 },
        { "sdb3", (8 << 8) | (1 << 4) | 3 }, { "hda", 768 }, { "hdb", 768 + 64 },
        { "hdc2", (22 << 8) | 2 }, { "hdd", (22 << 8) | 64 }, { "hde", -1 }, { "xvd", -1 },
        { "xvda256", -1 }, { "vda", -1 }, { "xvdA", -1 }, { "xvda1x", -1 }, { "", -1 },
        { "sdq", -1 }, { "d", -1 }, { "d1p", -1 },
    };

    for ( unsigned int i = 0; i < sizeof(v) / sizeof(v[0]); i++ )
    {
        long got = kl_vdev_devid(v[i].vdev);
        char what[64];

        snprintf(what, sizeof(what), "vdev '%s' is %ld (got %ld)", v[i].vdev, v[i].devid, got);
        check(got == v[i].devid, what);
    }
}

int main(void)
{
    test_good();
    test_bad();
    test_hostile();
    test_vdev();
    printf("%s tools/libkeelctl cfg (%d checks)\n", failed ? "FAIL" : "PASS", passed + failed);
    return failed != 0;
}
