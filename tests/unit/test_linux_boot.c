/*
 * common/linux_boot.c: a bzImage's setup header as Debian's 6.1 vmlinuz
 * has it (protocol 2.15, 64-bit entry, relocatable, 16 MiB preferred) is
 * accepted and the zero page gets the header, the loader's fields and the
 * e820 map at the protocol's offsets; headers that are not bzImages, too
 * old, without a 64-bit entry, truncated, with a kernel smaller than its
 * setup or a load address past 4 GiB are refused with a reason.
 */
#include <keel/linux_boot.h>
#include <public/errno.h>
#include <string.h>

#include "harness.h"

static uint8_t image[64 * 1024];
static uint8_t zp[LINUX_ZERO_PAGE_SIZE];

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

/* A header like Debian's: 27 setup sectors, the header through 0x26c. */
static void make_image(void)
{
    memset(image, 0, sizeof(image));
    image[0x1f1] = 27;
    put16(image + 0x1fe, 0xaa55);
    image[0x200] = 0xeb;
    image[0x201] = 0x6a;                  /* header end 0x202 + 0x6a = 0x26c */
    memcpy(image + 0x202, "HdrS", 4);
    put16(image + 0x206, 0x020f);
    image[0x211] = 0x01;                  /* LOADED_HIGH */
    put32(image + 0x22c, 0x7fffffff);     /* initrd_addr_max */
    put32(image + 0x230, 0x200000);       /* kernel_alignment */
    image[0x234] = 1;
    put16(image + 0x236, 0x7f);           /* xloadflags: 64-bit entry and more */
    put32(image + 0x238, 2047);           /* cmdline_size */
    put32(image + 0x258, 0x1000000);      /* pref_address */
    put32(image + 0x260, 0x3f98000);      /* init_size */
    image[0x26c] = 0x5a;                  /* past the header: never copied */
}

static void test_accepts(void)
{
    struct linux_image li;
    char err[128] = "";

    make_image();
    CHECK_INT(linux_image_parse(image, sizeof(image), &li, err, sizeof(err)), 0);
    CHECK_UINT(li.version, 0x020f);
    CHECK_UINT(li.kernel_offset, 28 * 512);
    CHECK_UINT(li.kernel_size, sizeof(image) - 28 * 512);
    CHECK_UINT(li.pref_address, 0x1000000);
    CHECK_UINT(li.init_size, 0x3f98000);
    CHECK_UINT(li.initrd_addr_max, 0x7fffffff);
    CHECK_UINT(li.cmdline_size, 2047);
    CHECK(li.relocatable);
}

static void test_zero_page(void)
{
    const struct linux_e820_entry map[] = {
        { 0, 0x9fc00, LINUX_E820_RAM }, { 0x100000, 0xfeff000, LINUX_E820_RAM }, { 0xffff000, 0x1000, 2 },
    };
    struct linux_boot_args a = { .cmdline = 0x8000, .initrd = 0xff00000, .initrd_size = 0x1234,
                                 .rsdp = 0xffff000, .map = map, .nr_map = 3 };

    make_image();
    memset(zp, 0xcc, sizeof(zp));
    CHECK_INT(linux_boot_params(zp, image, &a), 0);
    CHECK_UINT(zp[0x000], 0);                              /* zeroed outside the header */
    CHECK_UINT(zp[0x1ef], 0);                              /* sentinel */
    CHECK(memcmp(zp + 0x202, "HdrS", 4) == 0);             /* the header copied */
    CHECK_UINT(zp[0x1f1], 27);
    CHECK_UINT(get32(zp + 0x258), 0x1000000);
    CHECK_UINT(zp[0x26c], 0);                              /* ... and no further */
    CHECK_UINT(zp[0x210], 0xff);                           /* type_of_loader */
    CHECK_UINT(zp[0x211] & 0x81, 0x01);                    /* LOADED_HIGH, no heap */
    CHECK_UINT(get32(zp + 0x228), 0x8000);
    CHECK_UINT(get32(zp + 0x218), 0xff00000);
    CHECK_UINT(get32(zp + 0x21c), 0x1234);
    CHECK_UINT(get64(zp + 0x070), 0xffff000);              /* acpi_rsdp_addr */
    CHECK_UINT(zp[0x1e8], 3);
    CHECK_UINT(get64(zp + 0x2d0 + 20), 0x100000);          /* entry 1: addr, size, type */
    CHECK_UINT(get64(zp + 0x2d0 + 28), 0xfeff000);
    CHECK_UINT(get32(zp + 0x2d0 + 36), LINUX_E820_RAM);
    CHECK_UINT(get32(zp + 0x2d0 + 56), 2);
    /* No initrd: both fields 0. */
    a.initrd_size = 0;
    CHECK_INT(linux_boot_params(zp, image, &a), 0);
    CHECK_UINT(get32(zp + 0x218), 0);
    /* What the zero page cannot say (Keel keeps these below 4 GiB) is refused. */
    a.cmdline = 1ULL << 32;
    CHECK_INT(linux_boot_params(zp, image, &a), -EINVAL);
    a.cmdline = 0x8000;
    a.nr_map = LINUX_E820_MAX + 1;
    CHECK_INT(linux_boot_params(zp, image, &a), -EINVAL);
}

/* One corruption of the header, and the error it must give. */
static void refused(const char *what, int want)
{
    struct linux_image li;
    char err[128] = "";

    CHECK_INT(linux_image_parse(image, sizeof(image), &li, err, sizeof(err)), want);
    if ( want == -EINVAL )
        CHECK(err[0] != '\0');
    (void)what;
}

static void test_refuses(void)
{
    struct linux_image li;
    char err[128];

    make_image(); memcpy(image + 0x202, "HdrX", 4); refused("magic", -ENOEXEC);
    make_image(); put16(image + 0x1fe, 0); refused("boot flag", -ENOEXEC);
    make_image(); put16(image + 0x206, 0x020b); refused("2.11", -EINVAL);
    make_image(); put16(image + 0x236, 0); refused("no 64-bit entry", -EINVAL);
    make_image(); image[0x211] = 0; refused("zImage", -EINVAL);
    make_image(); image[0x201] = 0x10; refused("short header", -EINVAL);
    make_image(); put32(image + 0x260, 0x100); refused("init_size < kernel", -EINVAL);
    make_image(); put32(image + 0x258, 0xfff00000u); refused("past 4 GiB", -EINVAL);
    make_image(); put32(image + 0x258, 0x1000001); refused("unaligned", -EINVAL);
    make_image(); put32(image + 0x258, 0x10000); refused("below 1 MiB", -EINVAL);
    make_image(); image[0x1f1] = 255;
    CHECK_INT(linux_image_parse(image, 255 * 512, &li, err, sizeof(err)), -EINVAL);
    make_image();
    CHECK_INT(linux_image_parse(image, 0x200, &li, err, sizeof(err)), -ENOEXEC);
}

int main(void)
{
    h_run("Debian-like header accepted", test_accepts);
    h_run("zero page fields", test_zero_page);
    h_run("bad headers refused", test_refuses);
    return h_finish("test_linux_boot");
}
