/* CPU identification and the per-CPU control-register set-up. */
#include <keel/lib.h>
#include <keel/printk.h>
#include <asm/fpu.h>
#include <asm/msr.h>
#include <asm/processor.h>

struct cpu_features boot_cpu;
uint8_t smap_enabled;

static void read_brand(struct cpu_features *c)
{
    struct cpuid_leaf r;

    if ( c->max_ext_leaf < 0x80000004 )
    {
        strlcpy(c->brand, "unknown", sizeof(c->brand));
        return;
    }
    for ( unsigned int i = 0; i < 3; i++ )
    {
        cpuid(0x80000002 + i, &r);
        memcpy(c->brand + i * 16, &r, 16);
    }
    c->brand[48] = '\0';
}

void cpu_identify(struct cpu_features *c)
{
    struct cpuid_leaf r;
    unsigned int family;

    memset(c, 0, sizeof(*c));
    cpuid(0, &r);
    c->max_leaf = r.a;
    memcpy(c->vendor, &r.b, 4);
    memcpy(c->vendor + 4, &r.d, 4);
    memcpy(c->vendor + 8, &r.c, 4);
    cpuid(1, &r);
    family = (r.a >> 8) & 0xf;
    c->family = family == 0xf ? family + ((r.a >> 20) & 0xff) : family;
    c->model = ((r.a >> 4) & 0xf) | (family >= 6 ? ((r.a >> 12) & 0xf0) : 0);
    c->stepping = r.a & 0xf;
    c->x2apic = r.c & (1u << 21);
    c->tsc_deadline = r.c & (1u << 24);
    c->xsave = r.c & (1u << 26);
    c->hypervisor = r.c & (1u << 31);
    c->vmx = r.c & (1u << 5);
    if ( c->max_leaf >= 7 )
    {
        cpuid_count(7, 0, &r);
        c->fsgsbase = r.b & (1u << 0);
        c->smep = r.b & (1u << 7);
        c->smap = r.b & (1u << 20);
    }
    cpuid(0x80000000, &r);
    c->max_ext_leaf = r.a;
    if ( c->max_ext_leaf >= 0x80000001 )
    {
        cpuid(0x80000001, &r);
        c->svm = r.c & (1u << 2);
        c->nx = r.d & (1u << 20);
        c->pdpe1gb = r.d & (1u << 26);
    }
    if ( c->max_ext_leaf >= 0x80000007 )
    {
        cpuid(0x80000007, &r);
        c->invariant_tsc = r.d & (1u << 8);
    }
    read_brand(c);
}

/* Control registers every CPU runs Keel with. */
void cpu_init_features(void)
{
    unsigned long cr4 = read_cr4();

    /* Global pages for Keel's mappings; FXSR for guests' FPU state (fpu.c). */
    cr4 |= X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    /*
     * SMEP: Keel never runs code from a user (guest) page.  SMAP: Keel
     * touches user pages -- every page of a 64-bit PV guest, whose kernel
     * runs in ring 3 -- only inside guest-access windows (asm/smap.h).
     */
    if ( boot_cpu.smep )
        cr4 |= X86_CR4_SMEP;
    if ( boot_cpu.smap )
        cr4 |= X86_CR4_SMAP;
    write_cr4(cr4);
    smap_enabled = boot_cpu.smap;
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE | EFER_SCE);
    /*
     * Xen's PAT (WB, WT, UC-, UC, WC, WP, UC, UC): PV guests read it and
     * pick their PTE cache bits by it.  The first four entries are the
     * reset values, which is all Keel's own mappings use.
     */
    wrmsr(MSR_PAT, PAT_XEN);
    fpu_init_cpu();
}

/* The APIC ID the CPU was given at reset, before the APIC is touched. */
uint32_t cpu_initial_apic_id(void)
{
    struct cpuid_leaf r;

    cpuid(0, &r);
    if ( r.a >= 0xb )
    {
        cpuid_count(0xb, 0, &r);
        if ( r.b )                    /* leaf 0xb present: full x2APIC ID */
            return r.d;
    }
    cpuid(1, &r);
    return r.b >> 24;
}
