/*
 * AMD SVM: per-CPU enable (EFER.SVME, host save area), one VMCB per vCPU,
 * the run loop, event injection and the entry states of PVH guests.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/mm.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <public/errno.h>
#include <public/hvm/hvm_vcpu.h>

#define IOPM_ORDER    2        /* 12 KiB used of 16 */
#define MSRPM_ORDER   1        /* 8 KiB */
#define DEFAULT_PAT   0x0007040600070406UL

static paddr_t host_vmcb_pa[NR_CPUS];
static paddr_t iopm_pa, msrpm_pa;
static uint32_t nr_asids;
static struct cpuid_leaf svm_caps;          /* CPUID 0x8000000a */

static void msrpm_allow(uint8_t *msrpm, uint32_t msr)
{
    unsigned int base;

    if ( msr < 0x2000 )
        base = 0;
    else if ( msr >= 0xc0000000 && msr < 0xc0002000 )
        base = 0x800 * 8, msr -= 0xc0000000;
    else
        return;
    /* Two bits per MSR: read then write intercept. */
    msrpm[(base + msr * 2) / 8] &= ~(3u << ((msr * 2) % 8));
}

/* Intercept every port and MSR except the ones the VMCB itself carries. */
static int setup_permission_maps(void)
{
    uint8_t *iopm = alloc_xenheap_pages(IOPM_ORDER, 0);
    uint8_t *msrpm = alloc_xenheap_pages(MSRPM_ORDER, 0);
    static const uint32_t passthrough[] = {
        MSR_FS_BASE, MSR_GS_BASE, MSR_SHADOW_GS_BASE, MSR_STAR, MSR_LSTAR,
        MSR_CSTAR, MSR_SYSCALL_MASK, 0x174, 0x175, 0x176,   /* SYSENTER_CS/ESP/EIP */
    };

    if ( !iopm || !msrpm )
        return -ENOMEM;
    memset(iopm, 0xff, PAGE_SIZE << IOPM_ORDER);
    memset(msrpm, 0xff, PAGE_SIZE << MSRPM_ORDER);
    for ( size_t i = 0; i < ARRAY_SIZE(passthrough); i++ )
        msrpm_allow(msrpm, passthrough[i]);
    iopm_pa = virt_to_maddr(iopm);
    msrpm_pa = virt_to_maddr(msrpm);
    return 0;
}

static int svm_cpu_up(void)
{
    unsigned int cpu = smp_processor_id();
    void *hsave, *host_vmcb;

    if ( rdmsr(MSR_VM_CR) & VM_CR_SVMDIS )
        return -ENODEV;
    hsave = alloc_xenheap_pages(0, 0);
    host_vmcb = alloc_xenheap_pages(0, 0);
    if ( !hsave || !host_vmcb )
        return -ENOMEM;
    memset(hsave, 0, PAGE_SIZE);
    memset(host_vmcb, 0, PAGE_SIZE);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, virt_to_maddr(hsave));
    host_vmcb_pa[cpu] = virt_to_maddr(host_vmcb);
    /* The host's hidden state (TR, syscall MSRs, shadow GS) to restore after exits. */
    __asm__ __volatile__("vmsave %0" :: "a" (host_vmcb_pa[cpu]) : "memory");
    svm_asid_cpu_init(cpu, nr_asids);
    return 0;
}

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attr,
                    uint32_t limit, uint64_t base)
{
    s->sel = sel;
    s->attr = attr;
    s->limit = limit;
    s->base = base;
}

static void init_vmcb(struct vmcb *vmcb)
{
    memset(vmcb, 0, sizeof(*vmcb));
    vmcb->general1_intercepts = GENERAL1_INTR | GENERAL1_NMI | GENERAL1_SMI |
        GENERAL1_INIT | GENERAL1_RDPMC | GENERAL1_CPUID | GENERAL1_INVD | GENERAL1_HLT |
        GENERAL1_INVLPGA | GENERAL1_IOIO | GENERAL1_MSR | GENERAL1_TASKSWITCH |
        GENERAL1_SHUTDOWN;
    vmcb->general2_intercepts = GENERAL2_VMRUN | GENERAL2_VMMCALL |
        GENERAL2_VMLOAD | GENERAL2_VMSAVE | GENERAL2_STGI | GENERAL2_CLGI |
        GENERAL2_SKINIT | GENERAL2_ICEBP | GENERAL2_WBINVD | GENERAL2_MONITOR |
        GENERAL2_MWAIT | GENERAL2_XSETBV;
    /* svm/intercepts.c says why these three, debugreg.c why every DR access. */
    vmcb->exception_intercepts = EXCEPTION_INTERCEPT(TRAP_debug) |
        EXCEPTION_INTERCEPT(TRAP_alignment_check) | EXCEPTION_INTERCEPT(TRAP_machine_check);
    vmcb->dr_intercepts = DR_INTERCEPT_ALL;
    vmcb->cr_intercepts = CR_INTERCEPT_WRITE(4);   /* svm/cr.c says why */
    vmcb->iopm_base_pa = iopm_pa;
    vmcb->msrpm_base_pa = msrpm_pa;
    vmcb->vintr = VINTR_MASKING;          /* the guest's IF does not mask host IRQs */
    vmcb->np_enable = 1;
    vmcb->g_pat = DEFAULT_PAT;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->efer = EFER_SVME;               /* required by VMRUN; hidden from the guest */
}

static int svm_vcpu_initialise(struct vcpu *v)
{
    struct vmcb *vmcb = alloc_xenheap_pages(0, 0);

    if ( !vmcb )
        return -ENOMEM;
    init_vmcb(vmcb);
    vmcb->n_cr3 = (paddr_t)v->domain->arch.hvm.p2m.root << PAGE_SHIFT;
    v->arch.hvm.vmcb = vmcb;
    v->arch.hvm.vmcb_pa = virt_to_maddr(vmcb);
    v->arch.hvm.last_cpu = -1;
    printk(KLOG_DEBUG "d%uv%u: SVM intercepts: exceptions %#x (#DB #AC #MC), "
           "DR accesses %#x, RDPMC INVLPGA WBINVD INVD\n", v->domain->domain_id,
           v->vcpu_id, vmcb->exception_intercepts, vmcb->dr_intercepts);
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    free_xenheap_pages(v->arch.hvm.vmcb, 0);
    v->arch.hvm.vmcb = NULL;
}

/* PVH entry: 32-bit flat protected mode, paging off, ebx = start info. */
static void svm_set_pvh_entry_state(struct vcpu *v, uint64_t rip, uint64_t rbx)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    set_seg(&vmcb->cs, 0x10, 0xc9b, 0xffffffff, 0);
    set_seg(&vmcb->ds, 0x18, 0xc93, 0xffffffff, 0);
    vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
    set_seg(&vmcb->tr, 0x20, 0x8b, 0x67, 0);
    set_seg(&vmcb->ldtr, 0, 0x82, 0, 0);
    set_seg(&vmcb->gdtr, 0, 0, 0, 0);
    set_seg(&vmcb->idtr, 0, 0, 0x3ff, 0);
    vmcb->cr0 = X86_CR0_PE | 0x10;        /* PE | ET */
    vmcb->cr4 = 0;
    vmcb->cr3 = 0;
    vmcb->rflags = 0x2;
    vmcb->rip = rip;
    vmcb->rsp = 0;
    vmcb->cpl = 0;
    v->arch.hvm.gprs.rbx = rbx;
}

/*
 * An application processor started by INIT-SIPI-SIPI: the state after INIT
 * (SDM table 9-1: real mode, CR0 = ET, flat 64 KiB segments), then the
 * SIPI's vector as CS (selector vector << 8, base vector << 12), IP 0.
 * Nested paging lets SVM run real mode as it is.
 */
static void svm_set_sipi_entry_state(struct vcpu *v, uint8_t vector)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    set_seg(&vmcb->cs, (uint16_t)vector << 8, 0x9b, 0xffff, (uint64_t)vector << 12);
    set_seg(&vmcb->ds, 0, 0x93, 0xffff, 0);
    vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
    set_seg(&vmcb->tr, 0, 0x8b, 0xffff, 0);
    set_seg(&vmcb->ldtr, 0, 0x82, 0xffff, 0);
    set_seg(&vmcb->gdtr, 0, 0, 0xffff, 0);
    set_seg(&vmcb->idtr, 0, 0, 0xffff, 0);
    vmcb->cr0 = 0x10;                     /* ET */
    vmcb->cr3 = 0;
    vmcb->cr4 = 0;
    vmcb->efer = EFER_SVME;
    v->arch.hvm.guest_efer = 0;
    vmcb->rflags = 0x2;
    vmcb->rip = 0;
    vmcb->rsp = 0;
    vmcb->rax = 0;
    vmcb->cpl = 0;
    vmcb->dr7 = 0x400;
    v->arch.hvm.gprs = (struct hvm_gprs){ .rdx = 0 };
}

/* 64-bit entry for a plain ELF kernel: paging on with the builder's tables. */
static void svm_set_long_mode_entry_state(struct vcpu *v, uint64_t rip,
                                          uint64_t rsi, uint64_t cr3)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    set_seg(&vmcb->cs, 0x08, 0xa9b, 0xffffffff, 0);
    set_seg(&vmcb->ds, 0x10, 0xc93, 0xffffffff, 0);
    vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
    set_seg(&vmcb->tr, 0x18, 0x8b, 0x67, 0);
    set_seg(&vmcb->ldtr, 0, 0x82, 0, 0);
    set_seg(&vmcb->idtr, 0, 0, 0x3ff, 0);
    vmcb->cr0 = X86_CR0_PE | X86_CR0_PG | 0x10;
    vmcb->cr4 = X86_CR4_PAE;
    vmcb->cr3 = cr3;
    vmcb->efer = EFER_SVME | EFER_LME | (1UL << 10) /* LMA */;
    v->arch.hvm.guest_efer = EFER_LME | (1UL << 10);
    vmcb->rflags = 0x2;
    vmcb->rip = rip;
    vmcb->cpl = 0;
    v->arch.hvm.gprs.rsi = rsi;
}

/*
 * The Linux boot protocol's 64-bit entry: long mode as above, but with the
 * protocol's selectors (__BOOT_CS 0x10, __BOOT_DS 0x18) and the GDT that
 * holds them, interrupts off.
 */
static void svm_set_linux64_entry_state(struct vcpu *v, uint64_t rip, uint64_t rsi,
                                        uint64_t cr3, uint64_t gdt, uint16_t gdt_limit)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    svm_set_long_mode_entry_state(v, rip, rsi, cr3);
    vmcb->cs.sel = 0x10;
    vmcb->ds.sel = 0x18;
    vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
    vmcb->tr.sel = 0x20;
    set_seg(&vmcb->gdtr, 0, 0, gdt_limit, gdt);
}

static void svm_set_efer(struct vcpu *v, uint64_t guest_efer)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;

    /* LMA is set by the CPU when paging comes on with LME: keep its view. */
    vmcb->efer = (guest_efer & ~(1UL << 10)) | (vmcb->efer & (1UL << 10)) | EFER_SVME;
}

static uint64_t svm_get_efer(struct vcpu *v)
{
    return v->arch.hvm.vmcb->efer & ~EFER_SVME;
}

static int set_context_32(struct vcpu *v, const struct vcpu_hvm_x86_32 *c)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    struct hvm_gprs *g = &v->arch.hvm.gprs;

    if ( (c->efer & ~(EFER_SCE | EFER_LME | EFER_NXE)) ||
         (c->cr4 & ~hvm_cr4_guest_valid_bits(v)) )
        return -EINVAL;
    set_seg(&vmcb->cs, 0x10, c->cs_ar, c->cs_limit, c->cs_base);
    set_seg(&vmcb->ds, 0x18, c->ds_ar, c->ds_limit, c->ds_base);
    set_seg(&vmcb->ss, 0x18, c->ss_ar, c->ss_limit, c->ss_base);
    set_seg(&vmcb->es, 0x18, c->es_ar, c->es_limit, c->es_base);
    vmcb->fs = vmcb->gs = vmcb->ds;
    set_seg(&vmcb->tr, 0x20, c->tr_ar ? c->tr_ar : 0x8b, c->tr_limit, c->tr_base);
    set_seg(&vmcb->ldtr, 0, 0x82, 0, 0);
    vmcb->cr0 = c->cr0 | 0x10;
    vmcb->cr3 = c->cr3;
    vmcb->cr4 = c->cr4;
    v->arch.hvm.guest_efer = c->efer;
    vmcb->efer = c->efer | EFER_SVME;
    vmcb->rip = c->eip;
    vmcb->rsp = c->esp;
    vmcb->rax = c->eax;
    vmcb->rflags = c->eflags | 2;
    *g = (struct hvm_gprs){ .rbx = c->ebx, .rcx = c->ecx, .rdx = c->edx,
                            .rsi = c->esi, .rdi = c->edi, .rbp = c->ebp };
    return 0;
}

static int set_context_64(struct vcpu *v, const struct vcpu_hvm_x86_64 *c)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    struct hvm_gprs *g = &v->arch.hvm.gprs;

    /* Long mode needs paging and PAE, and LME/LMA in EFER. */
    if ( !(c->cr0 & X86_CR0_PG) || !(c->cr4 & X86_CR4_PAE) || !(c->efer & EFER_LME) ||
         (c->efer & ~(EFER_SCE | EFER_LME | EFER_NXE | (1UL << 10))) ||
         (c->cr4 & ~hvm_cr4_guest_valid_bits(v)) )
        return -EINVAL;
    svm_set_long_mode_entry_state(v, c->rip, c->rsi, c->cr3);
    vmcb->cr0 = c->cr0 | X86_CR0_PE | 0x10;
    vmcb->cr4 = c->cr4;
    v->arch.hvm.guest_efer = c->efer | (1UL << 10);
    vmcb->efer = c->efer | (1UL << 10) | EFER_SVME;
    vmcb->rsp = c->rsp;
    vmcb->rax = c->rax;
    vmcb->rflags = c->rflags | 2;
    *g = (struct hvm_gprs){ .rbx = c->rbx, .rcx = c->rcx, .rdx = c->rdx,
                            .rsi = c->rsi, .rdi = c->rdi, .rbp = c->rbp };
    return 0;
}

static int svm_set_vcpu_context(struct vcpu *v, const struct vcpu_hvm_context *ctx)
{
    switch ( ctx->mode )
    {
    case VCPU_HVM_MODE_32B:
        return set_context_32(v, &ctx->cpu_regs.x86_32);
    case VCPU_HVM_MODE_64B:
        return set_context_64(v, &ctx->cpu_regs.x86_64);
    }
    return -EINVAL;
}

static bool guest_interruptible(const struct vmcb *vmcb)
{
    return (vmcb->rflags & X86_EFLAGS_IF) && !(vmcb->interrupt_shadow & 1);
}

/* Inject the highest pending interrupt, or ask for an exit when the guest can take it. */
static void svm_intr_assist(struct vcpu *v)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    int vector;

    vmcb->general1_intercepts &= ~GENERAL1_VINTR;
    vmcb->vintr &= ~VINTR_IRQ;
    if ( vmcb->eventinj & EVENT_VALID )
        return;                            /* an exception goes first */
    vector = hvm_pending_vector(v);
    if ( vector < 0 )
        return;
    if ( guest_interruptible(vmcb) )
    {
        hvm_ack_vector(v, vector);
        vmcb->eventinj = EVENT_VALID | EVENT_TYPE_INTR | (uint8_t)vector;
        return;
    }
    /* A virtual interrupt that only opens the window: exit on VINTR. */
    vmcb->vintr |= VINTR_IRQ | VINTR_IGN_TPR;
    vmcb->general1_intercepts |= GENERAL1_VINTR;
}

/* A p2m change drops the vCPU's translations: it runs under a new ASID. */
static void prepare_asid(struct vcpu *v)
{
    unsigned long gen = v->domain->arch.hvm.p2m.generation;

    if ( v->arch.hvm.p2m_generation != gen )
    {
        v->arch.hvm.p2m_generation = gen;
        svm_asid_flush_vcpu(v);
    }
    svm_asid_prepare(v);
}

static void __noreturn svm_do_resume(void)
{
    struct vcpu *v = current;
    unsigned int cpu = smp_processor_id();

    for ( ;; )
    {
        local_irq_disable();
        if ( softirq_pending(cpu) )
        {
            local_irq_enable();
            do_softirq();                  /* may switch away for good */
            continue;
        }
        svm_intr_assist(v);
        prepare_asid(v);
        svm_load_guest_drs(v);
        svm_vmrun(&v->arch.hvm.gprs, v->arch.hvm.vmcb_pa, host_vmcb_pa[cpu]);
        v->arch.hvm.nr_exits++;
        local_irq_enable();
        svm_vmexit_handler(v);
    }
}

static const struct hvm_funcs svm_funcs = {
    .name = "SVM",
    .cpu_up = svm_cpu_up,
    .vcpu_initialise = svm_vcpu_initialise,
    .vcpu_destroy = svm_vcpu_destroy,
    .set_pvh_entry_state = svm_set_pvh_entry_state,
    .set_long_mode_entry_state = svm_set_long_mode_entry_state,
    .set_linux64_entry_state = svm_set_linux64_entry_state,
    .set_sipi_entry_state = svm_set_sipi_entry_state,
    .set_efer = svm_set_efer,
    .get_efer = svm_get_efer,
    .set_vcpu_context = svm_set_vcpu_context,
    .resume = svm_do_resume,
};

/* The boot CPU's check: SVM with nested paging, or no HVM at all. */
const struct hvm_funcs *svm_probe(void)
{
    if ( !boot_cpu.svm || boot_cpu.max_ext_leaf < 0x8000000a )
    {
        printk("HVM: SVM not available: HVM guests cannot be built\n");
        return NULL;
    }
    cpuid(0x8000000a, &svm_caps);
    nr_asids = svm_caps.b;
    printk("HVM: SVM revision %u, %u ASIDs, features:%s%s%s%s\n", svm_caps.a & 0xff,
           nr_asids, svm_caps.d & 1 ? " NPT" : "", svm_caps.d & 8 ? " NRIPS" : "",
           svm_caps.d & (1u << 7) ? " decode-assists" : "",
           svm_caps.d & (1u << 5) ? " VMCB-clean" : "");
    if ( !(svm_caps.d & 1) )
    {
        printk("HVM: SVM without nested paging: HVM guests cannot be built\n");
        return NULL;
    }
    if ( nr_asids < 2 || setup_permission_maps() )
        return NULL;
    return &svm_funcs;
}
