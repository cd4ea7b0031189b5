/*
 * Writable page tables (VMASST_TYPE_writable_pagetables, which Linux
 * requires): a PV guest kernel writes its own L1 page-table entries with
 * ordinary instructions.  Its L1 frames stay mapped read-only, so each such
 * write is a #PF; Keel decodes the instruction with the x86 emulator,
 * validates the new entry exactly as mmu_update would (pv_get_l1e: the
 * frame is the domain's, writable only if it is a plain page), installs it
 * with a compare-and-exchange against the value the instruction saw, and
 * completes the instruction.  As on Xen, only L1 tables are written this
 * way; a write that does not validate, to an L2-L4, or by an instruction
 * the emulator does not know is bounced to the guest as the #PF it was.
 *
 * Atomicity: every guest write to a page table comes through here or the
 * mmu hypercalls, all under the domain's page_lock, so another vCPU cannot
 * interleave; the CPU's own page walker can still set Accessed/Dirty bits
 * in the entry meanwhile, which the compare-and-exchange detects (the
 * instruction is then run again on the new value).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/iomem.h>
#include <asm/irqflags.h>
#include <asm/mm.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/x86_emulate.h>
#include <asm/tlbflush.h>
#include <public/xen.h>

#define PFEC_PRESENT   (1u << 0)
#define PFEC_WRITE     (1u << 1)
#define PFEC_RESERVED  (1u << 3)
#define PFEC_INSN      (1u << 4)

/* Bounded: the page walker sets A/D bits at most a few times. */
#define PTWR_TRIES     16

struct ptwr_ctx {
    struct vcpu *v;
    uint64_t *table;                /* Keel's mapping of the L1 being written,
                                       NULL for a read-only MMIO page */
    uint64_t page_va;               /* the guest's linear address of that page */
    bool have_read;                 /* the instruction read an entry first */
    unsigned int read_slot;
    uint64_t read_entry;            /* that whole entry, as it was read */
};

/* An access inside the L1 page: its entry's slot, or -1 if it spans two. */
static int entry_slot(const struct ptwr_ctx *p, uint64_t linear, unsigned int bytes)
{
    unsigned int off = linear & ~PAGE_MASK;

    if ( (linear & PAGE_MASK) != p->page_va || (off & 7) + bytes > 8 )
        return -1;
    return off >> 3;
}

static int ptwr_read(struct x86_emulate_ctxt *c, enum x86_seg seg, uint64_t linear,
                     void *buf, unsigned int bytes)
{
    struct ptwr_ctx *p = c->ctx;
    int slot;
    uint64_t e;

    (void)seg;
    if ( !p->table || (linear & PAGE_MASK) != p->page_va )
        return copy_from_guest(buf, linear, bytes) ? X86EMUL_UNHANDLEABLE : X86EMUL_OKAY;
    if ( (slot = entry_slot(p, linear, bytes)) < 0 )
        return X86EMUL_UNHANDLEABLE;
    e = __atomic_load_n(&p->table[slot], __ATOMIC_SEQ_CST);
    p->have_read = true;
    p->read_slot = slot;
    p->read_entry = e;
    memcpy(buf, (const uint8_t *)&e + (linear & 7), bytes);
    return X86EMUL_OKAY;
}

/* Flush when a translation loses its frame or its write right. */
static bool needs_flush(uint64_t old, uint64_t new)
{
    if ( !(old & _PAGE_PRESENT) )
        return false;
    return !(new & _PAGE_PRESENT) || ((old ^ new) & PADDR_MASK) ||
           ((old & _PAGE_RW) && !(new & _PAGE_RW));
}

/* Install new over old in slot, validated; X86EMUL_RETRY if old is stale. */
static int ptwr_update(struct ptwr_ctx *p, unsigned int slot, uint64_t old, uint64_t new)
{
    struct domain *d = p->v->domain;
    uint64_t checked = new;
    int rc = pv_get_l1e(d, &checked);

    if ( rc )
    {
        printk(KLOG_G_DEBUG "d%uv%u: ptwr: L1 entry %#lx at %#lx refused (%d)\n",
               d->domain_id, p->v->vcpu_id, new, p->page_va + slot * 8, rc);
        return X86EMUL_UNHANDLEABLE;
    }
    if ( !__atomic_compare_exchange_n(&p->table[slot], &old, checked, false,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
    {
        pv_put_l1e(d, checked);
        return X86EMUL_RETRY;
    }
    pv_put_l1e(d, old);
    if ( needs_flush(old, checked) )
        flush_tlb_local();
    return X86EMUL_OKAY;
}

static int ptwr_write(struct x86_emulate_ctxt *c, enum x86_seg seg, uint64_t linear,
                      const void *buf, unsigned int bytes)
{
    struct ptwr_ctx *p = c->ctx;
    int slot = entry_slot(p, linear, bytes);
    uint64_t old, new;

    (void)seg;
    if ( !p->table )                    /* read-only MMIO: the write is dropped */
        return (linear & PAGE_MASK) == p->page_va ? X86EMUL_OKAY : X86EMUL_UNHANDLEABLE;
    if ( slot < 0 )
        return X86EMUL_UNHANDLEABLE;    /* elsewhere, or across two entries */
    /* A read-modify-write must change the entry it read, not a newer one. */
    if ( p->have_read && p->read_slot == (unsigned int)slot )
        old = p->read_entry;
    else
        old = __atomic_load_n(&p->table[slot], __ATOMIC_SEQ_CST);
    new = old;
    memcpy((uint8_t *)&new + (linear & 7), buf, bytes);
    return ptwr_update(p, slot, old, new);
}

static int ptwr_fetch(struct x86_emulate_ctxt *c, uint64_t linear, void *buf,
                      unsigned int bytes)
{
    (void)c;
    return copy_from_guest(buf, linear, bytes) ? X86EMUL_UNHANDLEABLE : X86EMUL_OKAY;
}

static const struct x86_emulate_ops ptwr_ops = {
    .read = ptwr_read,
    .write = ptwr_write,
    .insn_fetch = ptwr_fetch,
};

static void regs_to_emul(const struct cpu_user_regs *r, struct x86_emul_regs *e)
{
    *e = (struct x86_emul_regs){
        .rax = r->rax, .rcx = r->rcx, .rdx = r->rdx, .rbx = r->rbx,
        .rsp = r->rsp, .rbp = r->rbp, .rsi = r->rsi, .rdi = r->rdi,
        .r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
        .r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
        .rip = r->rip, .rflags = r->rflags,
    };
}

static void emul_to_regs(const struct x86_emul_regs *e, struct cpu_user_regs *r)
{
    r->rax = e->rax; r->rcx = e->rcx; r->rdx = e->rdx; r->rbx = e->rbx;
    r->rsp = e->rsp; r->rbp = e->rbp; r->rsi = e->rsi; r->rdi = e->rdi;
    r->r8 = e->r8; r->r9 = e->r9; r->r10 = e->r10; r->r11 = e->r11;
    r->r12 = e->r12; r->r13 = e->r13; r->r14 = e->r14; r->r15 = e->r15;
    r->rip = e->rip;
    /* Only the arithmetic flags can change; the rest stay Keel's to keep. */
    r->rflags = (r->rflags & ~X86_EFLAGS_ARITH) | (e->rflags & X86_EFLAGS_ARITH);
}

/* Run the instruction at rip against the L1 page; true if it completed. */
static bool ptwr_emulate(struct ptwr_ctx *p, struct cpu_user_regs *regs)
{
    struct x86_emul_regs er;
    struct x86_emulate_ctxt ctxt;
    int rc = X86EMUL_RETRY;

    for ( unsigned int i = 0; i < PTWR_TRIES && rc == X86EMUL_RETRY; i++ )
    {
        regs_to_emul(regs, &er);
        memset(&ctxt, 0, sizeof(ctxt));
        ctxt.regs = &er;
        ctxt.long_mode = true;
        ctxt.addr_size = 64;
        ctxt.op_default = 32;
        ctxt.seg_base[x86_seg_fs] = rdmsr(MSR_FS_BASE);
        ctxt.seg_base[x86_seg_gs] = rdmsr(MSR_GS_BASE);
        ctxt.ctx = p;
        p->have_read = false;
        rc = x86_emulate(&ctxt, &ptwr_ops);
        /* A partial REP made progress: give it back, the guest goes on. */
        if ( rc == X86EMUL_RETRY && (ctxt.opcode == 0xa4 || ctxt.opcode == 0xa5 ||
                                     ctxt.opcode == 0xaa || ctxt.opcode == 0xab) )
        {
            emul_to_regs(&er, regs);
            return true;
        }
    }
    if ( rc != X86EMUL_OKAY )
        return false;
    emul_to_regs(&er, regs);
    return true;
}

/* A write fault on cr2's read-only translation l1e: may Keel carry it out? */
static bool emulate_write_to(struct ptwr_ctx *p, uint64_t l1e)
{
    struct domain *d = p->v->domain;
    mfn_t mfn = (l1e & PADDR_MASK) >> PAGE_SHIFT;
    struct page_info *pg = mfn_valid(mfn) ? mfn_to_page(mfn) : NULL;

    if ( (l1e & (_PAGE_PRESENT | _PAGE_RW)) != _PAGE_PRESENT )
        return false;
    if ( pg && page_owned_by(pg, d) )
    {
        /* Page tables are written by the guest kernel only. */
        if ( !p->v->arch.kernel_mode ||
             !(d->arch.vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) ||
             !is_live_table(pg, PGT_l1) )
            return false;
        p->table = mfn_to_virt(mfn);
        return true;
    }
    /* MMIO a domain may only read (the HPET, the IO-APICs): writes vanish, as on Xen. */
    p->table = NULL;
    return iomem_mfn_access(d, mfn) == IOMEM_RO;
}

/*
 * A #PF from a PV guest: true if it was a write Keel carried out (to one of
 * the guest's own L1 tables, from its kernel) or dropped (to read-only
 * MMIO, from either mode); false to bounce it as it is.
 */
bool pv_ptwr_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t cr2)
{
    struct domain *d = v->domain;
    struct ptwr_ctx p = { .v = v, .page_va = cr2 & PAGE_MASK };
    uint64_t *pl1e;
    bool done = false;

    /*
     * User mode too: a dom0 process writing read-only MMIO through
     * /dev/mem would otherwise loop, its kernel making the PTE writable
     * again at each bounce and Keel making it read-only.
     */
    if ( (regs->error_code & (PFEC_PRESENT | PFEC_WRITE | PFEC_RESERVED | PFEC_INSN)) !=
             (PFEC_PRESENT | PFEC_WRITE) )
        return false;
    /*
     * cr2 is in hand: take interrupts again, so that a CPU holding
     * page_lock while it waits for this one to flush its TLB gets the IPI.
     */
    local_irq_enable();
    spin_lock(&d->page_lock);
    pl1e = v->arch.kernel_mode ? pv_find_l1e(v, cr2) : pv_find_user_l1e(v, cr2);
    if ( pl1e && emulate_write_to(&p, *pl1e) )
        done = ptwr_emulate(&p, regs);
    spin_unlock(&d->page_lock);
    /* Bounced as it came: interrupts off, cr2 as the fault left it. */
    local_irq_disable();
    if ( !done )
        write_cr2(cr2);
    return done;
}
