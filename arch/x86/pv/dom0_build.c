/*
 * The PV builder: loads a 64-bit ELF kernel with Xen notes and lays out
 * its start-of-day address space as the ABI describes: from VIRT_BASE,
 * kernel, initrd (unless MOD_START_PFN), p2m array, start_info, for a domU
 * its xenstore and console pages, bootstrap page tables, boot stack, padded
 * to 4 MiB; all mapped onto the first pseudo-physical frames, page tables
 * read-only and typed.  dom0 (at boot) and domUs (KEEL_DOMCTL_build) differ
 * only in start_info's flags and console/xenstore fields, I/O memory
 * rights, and who sets max_pages.
 */
#include <keel/lib.h>
#include <keel/bootinfo.h>
#include <keel/domain.h>
#include <keel/kernel_image.h>
#include <keel/libelf.h>
#include <keel/printk.h>
#include <keel/xmalloc.h>
#include <asm/iomem.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <public/errno.h>
#include <public/features.h>
#include <public/xen.h>

#define MIB            (1UL << 20)
#define BOOT_SLACK     (512UL * 1024)          /* at least this much room after the stack */
#define REGION_ALIGN   (4UL * MIB)
#define HYPERCALL_SLOTS 128

/* Features the PV builder honours when a kernel requires them. */
#define HONOURED_FEATURES ((1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_dom0) | \
                           (1u << XENFEAT_writable_page_tables) | \
                           (1u << XENFEAT_mmu_pt_update_preserve_ad) | \
                           (1u << XENFEAT_highmem_assist) | \
                           (1u << XENFEAT_gnttab_map_avail_bits) | \
                           (1u << XENFEAT_linux_rsdp_unrestricted))

struct build {
    struct domain *d;
    mfn_t *p2m;                     /* pfn -> mfn */
    unsigned long nr_pages;
    uint64_t v_start, v_end;
    uint64_t vkern_start, vkern_end;
    uint64_t vinitrd_start, vinitrd_end;
    uint64_t vp2m_start, vp2m_end;
    uint64_t vstartinfo;
    uint64_t vpt_start, vpt_end;
    uint64_t vstack_end;
    unsigned long nr_pt_frames;
    unsigned long next_pt_pfn;      /* next free page-table frame */
    bool initrd_as_pfn;             /* MOD_START_PFN honoured */
    struct pv_domu_info *domu;      /* NULL for dom0 */
    uint64_t vstore, vconsole;      /* domU: its xenstore and console pages */
};

static unsigned long pfn_of(const struct build *b, uint64_t va)
{
    return (va - b->v_start) >> PAGE_SHIFT;
}

static void *va_to_keel(const struct build *b, uint64_t va)
{
    return (char *)mfn_to_virt(b->p2m[pfn_of(b, va)]) + (va & (PAGE_SIZE - 1));
}

/* Page-table frames needed to map [start, end): one L4 plus the L3/L2/L1s. */
static unsigned long pt_frames_for(uint64_t start, uint64_t end)
{
    unsigned long n = 1;

    for ( unsigned int shift = L4_SHIFT; shift > L1_SHIFT; shift -= 9 )
        n += ((end - 1) >> shift) - (start >> shift) + 1;
    return n;
}

static int plan_layout(struct build *b, const struct xen_elf_layout *lay,
                       const struct boot_module *initrd)
{
    uint64_t va;

    b->v_start = lay->virt_base & ~(PAGE_SIZE - 1);
    b->vkern_start = lay->virt_kstart;
    b->vkern_end = ROUNDUP(lay->virt_kend, PAGE_SIZE);
    va = b->vkern_end;
    b->vinitrd_start = b->vinitrd_end = va;
    if ( initrd && !b->initrd_as_pfn )
        b->vinitrd_end = va = ROUNDUP(va + initrd->size, PAGE_SIZE);
    b->vp2m_start = va;
    b->vp2m_end = va = ROUNDUP(va + b->nr_pages * sizeof(uint64_t), PAGE_SIZE);
    b->vstartinfo = va;
    va += PAGE_SIZE;
    if ( b->domu )
    {
        b->vstore = va;
        b->vconsole = va + PAGE_SIZE;
        va += 2 * PAGE_SIZE;
    }
    b->vpt_start = va;
    /* The tables map themselves too: grow until the count is stable. */
    for ( b->nr_pt_frames = 1; ; b->nr_pt_frames++ )
    {
        uint64_t end = ROUNDUP(va + (b->nr_pt_frames + 1) * PAGE_SIZE + BOOT_SLACK,
                               REGION_ALIGN);

        if ( pt_frames_for(b->v_start, end) <= b->nr_pt_frames )
            break;
    }
    b->vpt_end = va + b->nr_pt_frames * PAGE_SIZE;
    b->vstack_end = b->vpt_end + PAGE_SIZE;
    b->v_end = ROUNDUP(b->vstack_end + BOOT_SLACK, REGION_ALIGN);
    if ( b->v_end < b->v_start || pfn_of(b, b->v_end) > b->nr_pages )
    {
        printk(KLOG_ERR "d%u: the boot region (%lu MiB) does not fit in %lu MiB\n",
               b->d->domain_id, (unsigned long)((b->v_end - b->v_start) / MIB),
               b->nr_pages >> 8);
        return -ENOMEM;
    }
    return 0;
}

static int allocate_memory(struct build *b)
{
    unsigned long pfn = 0;

    b->p2m = xmalloc_array(mfn_t, b->nr_pages);
    if ( !b->p2m )
        return -ENOMEM;
    /* A domU's max_pages is the toolstack's (max_mem), checked by the caller. */
    if ( !b->domu )
        b->d->max_pages = max(b->nr_pages, (unsigned long)(dom0_memory_max() >> PAGE_SHIFT));
    while ( pfn < b->nr_pages )
    {
        unsigned int order = 9;
        struct page_info *pg;

        while ( order && (1UL << order) > b->nr_pages - pfn )
            order--;
        while ( !(pg = alloc_domheap_pages(b->d, order)) && order )
            order--;
        if ( !pg )
            return -ENOMEM;
        for ( unsigned long i = 0; i < (1UL << order); i++, pfn++ )
        {
            b->p2m[pfn] = page_to_mfn(pg) + i;
            set_gpfn_from_mfn(b->p2m[pfn], pfn);     /* zeroed by the allocator */
        }
    }
    return 0;
}

static uint64_t *alloc_pt(struct build *b)
{
    return mfn_to_virt(b->p2m[b->next_pt_pfn++]);
}

static uint64_t *next_level(struct build *b, uint64_t *entry)
{
    uint64_t *t;

    if ( *entry & _PAGE_PRESENT )
        return mfn_to_virt((*entry & PADDR_MASK) >> PAGE_SHIFT);
    t = alloc_pt(b);
    *entry = virt_to_maddr(t) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
             _PAGE_ACCESSED | _PAGE_DIRTY;
    return t;
}

/*
 * Write the tables, then let the type system validate them from the L4 down
 * as if the guest had pinned it: that types every table and counts every
 * writable mapping, so the guest starts under exactly the rules it lives by.
 */
static int build_page_tables(struct build *b)
{
    mfn_t l4_mfn = b->p2m[pfn_of(b, b->vpt_start)];
    uint64_t *l4;

    b->next_pt_pfn = pfn_of(b, b->vpt_start);
    l4 = alloc_pt(b);
    for ( uint64_t va = b->v_start; va < b->v_end; va += PAGE_SIZE )
    {
        uint64_t *l3 = next_level(b, &l4[pt_index(va, L4_SHIFT)]);
        uint64_t *l2 = next_level(b, &l3[pt_index(va, L3_SHIFT)]);
        uint64_t *l1 = next_level(b, &l2[pt_index(va, L2_SHIFT)]);
        mfn_t mfn = b->p2m[pfn_of(b, va)];
        bool is_pt = va >= b->vpt_start && va < b->vpt_end;

        l1[pt_index(va, L1_SHIFT)] = ((paddr_t)mfn << PAGE_SHIFT) | _PAGE_PRESENT |
                                     _PAGE_USER | _PAGE_ACCESSED |
                                     (is_pt ? 0 : _PAGE_RW | _PAGE_DIRTY);
    }
    /* One reference for the pin, one for the vCPU's base pointer. */
    if ( get_page_type(b->d, l4_mfn, PGT_l4) || get_page_type(b->d, l4_mfn, PGT_l4) )
        return -EINVAL;
    mfn_to_page(l4_mfn)->type_info |= PGT_pinned;
    b->d->vcpu[0]->arch.guest_table = l4_mfn;
    return 0;
}

static int copy_to_domain(void *ctx, uint64_t va, const void *src, size_t len)
{
    struct build *b = ctx;

    if ( va < b->v_start || va + len > b->v_end || va + len < va )
        return -EINVAL;
    while ( len )
    {
        size_t n = min(len, (size_t)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));

        memcpy(va_to_keel(b, va), src, n);
        va += n;
        src = (const char *)src + n;
        len -= n;
    }
    return 0;
}

static int zero_in_domain(void *ctx, uint64_t va, size_t len)
{
    /* Frames were zeroed when allocated; only check the range. */
    struct build *b = ctx;

    return va < b->v_start || va + len > b->v_end || va + len < va ? -EINVAL : 0;
}

/* 32-byte stubs: push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret */
static void fill_hypercall_page(struct build *b, uint64_t va)
{
    uint8_t page[PAGE_SIZE];

    memset(page, 0xcc, sizeof(page));
    for ( unsigned int i = 0; i < HYPERCALL_SLOTS; i++ )
    {
        uint8_t *p = page + i * 32;

        if ( i == __HYPERVISOR_iret )
        {
            /* push %rcx; push %r11; push %rax; mov $23,%eax; syscall (no return) */
            static const uint8_t iret_stub[] = { 0x51, 0x41, 0x53, 0x50, 0xb8,
                                                 0x17, 0, 0, 0, 0x0f, 0x05 };
            memcpy(p, iret_stub, sizeof(iret_stub));
            continue;
        }
        p[0] = 0x51; p[1] = 0x41; p[2] = 0x53; p[3] = 0xb8;
        memcpy(p + 4, &i, 4);
        p[8] = 0x0f; p[9] = 0x05; p[10] = 0x41; p[11] = 0x5b; p[12] = 0x59; p[13] = 0xc3;
    }
    copy_to_domain(b, va, page, sizeof(page));
}

static void fill_start_info(struct build *b, const struct boot_module *initrd,
                            const char *cmdline)
{
    struct start_info *si = va_to_keel(b, b->vstartinfo);

    memset(si, 0, sizeof(*si));
    strlcpy(si->magic, XEN_START_INFO_MAGIC, sizeof(si->magic));
    si->nr_pages = b->nr_pages;
    si->shared_info = (uint64_t)b->d->arch.shared_info_mfn << PAGE_SHIFT;
    if ( b->domu )
    {
        /* Frames as the guest sees them: a PV guest's are MFNs. */
        si->store_mfn = b->domu->store_mfn = b->p2m[pfn_of(b, b->vstore)];
        si->store_evtchn = b->domu->store_evtchn;
        si->console.domU.mfn = b->domu->console_mfn = b->p2m[pfn_of(b, b->vconsole)];
        si->console.domU.evtchn = b->domu->console_evtchn;
    }
    else
        si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si->pt_base = b->vpt_start;
    si->nr_pt_frames = b->nr_pt_frames;
    si->mfn_list = b->vp2m_start;
    if ( initrd )
    {
        si->mod_len = initrd->size;
        if ( b->initrd_as_pfn )
        {
            si->flags |= SIF_MOD_START_PFN;
            si->mod_start = pfn_of(b, b->v_end);
        }
        else
            si->mod_start = b->vinitrd_start;
    }
    strlcpy((char *)si->cmd_line, cmdline, sizeof(si->cmd_line));
}

static int load_initrd(struct build *b, const struct boot_module *initrd)
{
    const uint8_t *src = maddr_to_virt(initrd->start);

    if ( !b->initrd_as_pfn )
        return copy_to_domain(b, b->vinitrd_start, src, initrd->size);
    /* Unmapped frames after the boot region, found by their PFNs. */
    if ( pfn_of(b, b->v_end) + PFN_UP(initrd->size) > b->nr_pages )
        return -ENOMEM;
    for ( uint64_t off = 0; off < initrd->size; off += PAGE_SIZE )
        memcpy(mfn_to_virt(b->p2m[pfn_of(b, b->v_end) + off / PAGE_SIZE]), src + off,
               min((uint64_t)PAGE_SIZE, initrd->size - off));
    return 0;
}

static void setup_vcpu0(struct build *b, const struct xen_elf_layout *lay)
{
    struct vcpu *v = b->d->vcpu[0];
    struct cpu_user_regs *r = &v->arch.user_regs;

    memset(r, 0, sizeof(*r));
    r->rip = lay->virt_entry;
    r->rsp = b->vstack_end;
    r->rsi = b->vstartinfo;
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    r->rflags = 0x202;                   /* IF (real interrupts on) | bit 1 */
    v->arch.kernel_mode = true;
    v->context_set = true;
}

static int parse_kernel(const struct domain *d, const struct boot_module *kernel,
                        struct kernel_image *k, struct elf_image *img,
                        struct xen_elf_notes *notes, struct xen_elf_layout *lay)
{
    /* Only the hardware domain may require XENFEAT_dom0. */
    uint32_t honoured = HONOURED_FEATURES & (d->is_privileged ? ~0u : ~(1u << XENFEAT_dom0));
    char err[160];
    int rc;

    rc = kernel_image_unpack(maddr_to_virt(kernel->start), kernel->size, k, err, sizeof(err));
    if ( !rc )
        rc = elf_init(img, k->elf, k->elf_size, err, sizeof(err));
    if ( !rc )
        rc = elf_xen_parse_notes(img, notes, err, sizeof(err));
    if ( !rc )
        rc = elf_xen_check_features(notes, honoured, err, sizeof(err));
    if ( !rc )
        rc = elf_xen_layout(img, notes, lay, err, sizeof(err));
    if ( rc )
        printk(KLOG_ERR "d%u: kernel refused: %s\n", d->domain_id, err);
    return rc;
}

static int pv_build(struct domain *d, const struct boot_module *kernel,
                    const struct boot_module *initrd, uint64_t mem_bytes,
                    const char *cmdline, struct pv_domu_info *domu)
{
    struct elf_image img;
    struct xen_elf_notes notes;
    struct xen_elf_layout lay;
    struct build b = { .d = d, .nr_pages = mem_bytes >> PAGE_SHIFT, .domu = domu };
    struct kernel_image k;
    int rc = parse_kernel(d, kernel, &k, &img, &notes, &lay);

    if ( rc )
    {
        kernel_image_release(&k);
        return rc;
    }
    b.initrd_as_pfn = notes.has_mod_start_pfn && notes.mod_start_pfn;
    /* A kernel that requires writable page tables writes them from its first instruction. */
    if ( notes.features_required[0] & (1u << XENFEAT_writable_page_tables) )
        d->arch.vm_assist |= 1UL << VMASST_TYPE_writable_pagetables;
    /* The hardware domain may map all I/O memory but Keel's own. */
    if ( !domu )
        rc = iomem_permit(d, 0, iomem_max_mfn());
    if ( !rc )
        rc = plan_layout(&b, &lay, initrd);
    if ( !rc )
        rc = allocate_memory(&b);
    if ( !rc )
        rc = build_page_tables(&b);
    if ( !rc )
        rc = elf_load(&img, lay.virt_offset, copy_to_domain, zero_in_domain, &b);
    if ( !rc && initrd )
        rc = load_initrd(&b, initrd);
    if ( !rc )
    {
        copy_to_domain(&b, b.vp2m_start, b.p2m, b.nr_pages * sizeof(uint64_t));
        if ( lay.virt_hypercall )
        {
            fill_hypercall_page(&b, lay.virt_hypercall);
            d->arch.hypercall_page_va = lay.virt_hypercall;
        }
        fill_start_info(&b, initrd, cmdline);
        setup_vcpu0(&b, &lay);
        printk("d%u: PV, %lu MiB, kernel %#lx-%#lx entry %#lx, boot region %#lx-%#lx, "
               "%lu page-table frames%s\n", d->domain_id, b.nr_pages >> 8, b.vkern_start,
               b.vkern_end, lay.virt_entry, b.v_start, b.v_end, b.nr_pt_frames,
               lay.virt_hypercall ? ", hypercall page" : "");
    }
    xfree(b.p2m);
    kernel_image_release(&k);
    return rc;
}

int pv_dom0_build(struct domain *d, const struct boot_module *kernel,
                  const struct boot_module *initrd, uint64_t mem_bytes,
                  const char *cmdline)
{
    return pv_build(d, kernel, initrd, mem_bytes, cmdline, NULL);
}

int pv_domu_build(struct domain *d, const struct boot_module *kernel,
                  const struct boot_module *initrd, uint64_t mem_bytes,
                  const char *cmdline, struct pv_domu_info *domu)
{
    return pv_build(d, kernel, initrd, mem_bytes, cmdline, domu);
}
