/*
 * Emulated local APIC (xAPIC at 0xfee00000) of an HVM vCPU: ID, TPR, EOI,
 * SVR, ISR/IRR, ICR for fixed IPIs between the domain's vCPUs, and the
 * timer in one-shot and periodic mode on a 1 GHz virtual bus clock.
 *
 * The guest picks the timer's period (TMICT times the TDCR divisor, down
 * to 1 ns), so a periodic timer is never re-armed faster than
 * VLAPIC_MIN_PERIOD (Xen's vpt floor, 100 us), and a tick taken late
 * skips every period already gone in one step: no catch-up loop of
 * handler calls, whatever the guest wrote.  TMCCT still counts at the
 * programmed rate.  One-shot counts need no floor: each re-arm costs the
 * guest an exit.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vlapic.h>

#define REG(off)       regs[(off) >> 2]
#define LAPIC_ID       0x020
#define LAPIC_VER      0x030
#define LAPIC_TPR      0x080
#define LAPIC_PPR      0x0a0
#define LAPIC_EOI      0x0b0
#define LAPIC_LDR      0x0d0
#define LAPIC_DFR      0x0e0
#define LAPIC_SVR      0x0f0
#define LAPIC_ISR      0x100
#define LAPIC_TMR      0x180
#define LAPIC_IRR      0x200
#define LAPIC_ESR      0x280
#define LAPIC_ICR_LO   0x300
#define LAPIC_ICR_HI   0x310
#define LAPIC_LVT_TMR  0x320
#define LAPIC_LVT_ERR  0x370
#define ICR_DEST_LOGICAL (1u << 11)
#define LAPIC_TMICT    0x380
#define LAPIC_TMCCT    0x390
#define LAPIC_TDCR     0x3e0
#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17)
#define SVR_ENABLED    (1u << 8)
#define VLAPIC_MIN_PERIOD MICROSECS(100)

static struct vlapic *vl(struct vcpu *v)
{
    return &v->arch.hvm.vlapic;
}

static void set_vec(uint32_t *regs, unsigned int base, uint8_t vec, bool on)
{
    if ( on )
        __atomic_or_fetch(&REG(base + (vec / 32) * 16), 1u << (vec % 32), __ATOMIC_SEQ_CST);
    else
        __atomic_and_fetch(&REG(base + (vec / 32) * 16), ~(1u << (vec % 32)), __ATOMIC_SEQ_CST);
}

/* Highest vector set in the 256-bit register at base, or -1. */
static int highest(const uint32_t *regs, unsigned int base)
{
    for ( int i = 7; i >= 0; i-- )
    {
        uint32_t w = __atomic_load_n(&REG(base + i * 16), __ATOMIC_SEQ_CST);

        if ( w )
            return i * 32 + 31 - __builtin_clz(w);
    }
    return -1;
}

void vlapic_set_irq(struct vcpu *v, uint8_t vector)
{
    if ( vector < 16 )
        return;                           /* illegal vectors are dropped */
    set_vec(vl(v)->regs, LAPIC_IRR, vector, true);
    vcpu_kick(v);
}

int vlapic_pending(struct vcpu *v)
{
    uint32_t *regs = vl(v)->regs;
    int irr = highest(regs, LAPIC_IRR), isr = highest(regs, LAPIC_ISR);
    uint32_t tpr = REG(LAPIC_TPR) & 0xf0;

    if ( irr < 0 || !(REG(LAPIC_SVR) & SVR_ENABLED) )
        return -1;
    /* Only a higher priority class than the one in service, and above TPR. */
    if ( (isr >= 0 && (irr & 0xf0) <= (isr & 0xf0)) || (uint32_t)(irr & 0xf0) <= tpr )
        return -1;
    return irr;
}

void vlapic_accept(struct vcpu *v, int vector)
{
    set_vec(vl(v)->regs, LAPIC_IRR, vector, false);
    set_vec(vl(v)->regs, LAPIC_ISR, vector, true);
}

static uint64_t timer_divisor(const uint32_t *regs)
{
    uint32_t d = REG(LAPIC_TDCR);
    uint32_t v = (d & 3) | ((d & 8) >> 1);

    return v == 7 ? 1 : 2UL << v;
}

/*
 * The next periodic deadline after now.  Ticks missed while the vCPU's CPU
 * was busy are counted at once (they would only set the same IRR bit).
 */
static void timer_next_period(struct vlapic *l, s_time_t now)
{
    s_time_t next = l->timer_start + l->timer_period_ns;

    if ( next <= now )
    {
        uint64_t missed = (uint64_t)(now - l->timer_start) / l->timer_period_ns;

        l->timer_missed += missed - 1;
        l->timer_start += missed * l->timer_period_ns;
    }
    else
        l->timer_start = next;
}

/* A periodic timer never runs faster than VLAPIC_MIN_PERIOD (said once per vCPU). */
static void floor_period(struct vcpu *v, struct vlapic *l)
{
    if ( l->timer_period_ns >= VLAPIC_MIN_PERIOD )
        return;
    if ( !l->warned_period )
        printk(KLOG_WARNING "d%uv%u: vLAPIC timer period %lu ns raised to %lu ns\n",
               v->domain->domain_id, v->vcpu_id, (unsigned long)l->timer_period_ns,
               (unsigned long)VLAPIC_MIN_PERIOD);
    l->warned_period = true;
    l->timer_period_ns = VLAPIC_MIN_PERIOD;
}

static void timer_fire(void *data)
{
    struct vcpu *v = data;
    struct vlapic *l = vl(v);
    uint32_t lvt = l->REG(LAPIC_LVT_TMR);

    if ( !(lvt & LVT_MASKED) )
        vlapic_set_irq(v, lvt & 0xff);
    if ( (lvt & LVT_PERIODIC) && l->timer_initial )
    {
        /* A count loaded in one-shot mode may have become periodic since. */
        floor_period(v, l);
        timer_next_period(l, NOW());
        set_timer(&l->timer, l->timer_start + l->timer_period_ns);
    }
    else
        l->timer_initial = 0;
}

static void timer_load(struct vcpu *v, uint32_t count)
{
    struct vlapic *l = vl(v);

    stop_timer(&l->timer);
    l->timer_initial = count;
    l->REG(LAPIC_TMICT) = count;
    if ( !count )
        return;
    l->timer_period_ns = (uint64_t)count * timer_divisor(l->regs);
    if ( l->REG(LAPIC_LVT_TMR) & LVT_PERIODIC )
        floor_period(v, l);
    l->timer_start = NOW();
    set_timer(&l->timer, l->timer_start + l->timer_period_ns);
}

static uint32_t timer_current(struct vcpu *v)
{
    struct vlapic *l = vl(v);
    uint64_t ticks, div = timer_divisor(l->regs);

    if ( !l->timer_initial )
        return 0;
    /* The count runs at the programmed rate, even when the period was floored. */
    ticks = (uint64_t)(NOW() - l->timer_start) / div;
    /* Periodic: the count reloads every period, however late the tick was taken. */
    if ( l->REG(LAPIC_LVT_TMR) & LVT_PERIODIC )
        ticks %= l->timer_initial;
    else if ( ticks >= l->timer_initial )
        return 0;
    return l->timer_initial - ticks;
}

#define ICR_MODE_INIT    5
#define ICR_MODE_STARTUP 6
#define ICR_LEVEL_ASSERT (1u << 14)

/*
 * INIT and SIPI to a vCPU that was never started (Linux's do_boot_cpu for
 * an HVM/PVH guest: INIT assert, INIT deassert, SIPI, SIPI): the INIT arms
 * it, the first SIPI starts it in real mode at vector << 12; a later SIPI
 * is ignored, as the CPU ignores SIPIs outside wait-for-SIPI.  A vCPU that
 * runs is not reset by INIT: Keel has no vCPU reset (logged once).
 */
static void init_sipi(struct vcpu *v, struct vcpu *t, unsigned int mode, uint32_t icr_lo)
{
    if ( t == v )
        return;
    if ( mode == ICR_MODE_INIT )
    {
        if ( !(icr_lo & ICR_LEVEL_ASSERT) )
            return;                       /* the de-assert: nothing to do */
        if ( t->up )
        {
            if ( !t->arch.hvm.init_pending )
                printk(KLOG_INFO "d%uv%u: INIT to running vCPU %u ignored (no reset)\n",
                       v->domain->domain_id, v->vcpu_id, t->vcpu_id);
            return;
        }
        t->arch.hvm.init_pending = true;
        return;
    }
    if ( !t->arch.hvm.init_pending || t->up )
        return;
    t->arch.hvm.init_pending = false;
    hvm_funcs->set_sipi_entry_state(t, icr_lo & 0xff);
    t->context_set = true;
    t->up = true;
    vcpu_wake(t);
}

/*
 * Does v's LAPIC accept an interrupt for dest?  Physical: its APIC id, or
 * 0xff for all.  Logical (SDM 10.6.2.2): the flat model (DFR 0xf...) takes
 * it when dest and LDR[31:24] share a bit; the cluster model (DFR 0x0...)
 * when the cluster (high nibble) is the same and the low nibbles share a
 * bit; 0xff is everyone in both.
 */
bool vlapic_match_dest(struct vcpu *v, uint8_t dest, bool logical)
{
    uint32_t *regs = vl(v)->regs;
    uint8_t ldr = REG(LAPIC_LDR) >> 24;

    if ( !logical )
        return dest == 0xff || dest == (REG(LAPIC_ID) >> 24);
    if ( dest == 0xff )
        return true;
    if ( (REG(LAPIC_DFR) >> 28) == 0xf )
        return ldr & dest;
    return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

static void send_ipi(struct vcpu *v, uint32_t icr_lo, uint32_t dest)
{
    struct domain *d = v->domain;
    unsigned int shorthand = (icr_lo >> 18) & 3;
    unsigned int mode = (icr_lo >> 8) & 7;
    bool logical = icr_lo & ICR_DEST_LOGICAL;
    struct vcpu *t;

    if ( mode != 0 && mode != 1 && mode != ICR_MODE_INIT && mode != ICR_MODE_STARTUP )
        return;                           /* fixed, lowest priority, INIT, SIPI */
    for_each_vcpu(d, t)
    {
        bool hit = shorthand == 1 ? t == v : shorthand == 2 ? true :
                   shorthand == 3 ? t != v : vlapic_match_dest(t, dest, logical);

        if ( !hit )
            continue;
        if ( mode == ICR_MODE_INIT || mode == ICR_MODE_STARTUP )
            init_sipi(v, t, mode, icr_lo);
        else
            vlapic_set_irq(t, icr_lo & 0xff);
        if ( mode == 1 && !shorthand )
            break;                        /* lowest priority: one of them */
    }
}

uint32_t vlapic_read(struct vcpu *v, unsigned int offset)
{
    uint32_t *regs = vl(v)->regs;

    switch ( offset & 0xff0 )
    {
    case LAPIC_PPR:
    {
        /* The higher of the TPR and the class in service. */
        int isr = highest(regs, LAPIC_ISR);
        uint32_t tpr = REG(LAPIC_TPR) & 0xff;

        return isr >= 0 && (uint32_t)(isr & 0xf0) > (tpr & 0xf0) ? (uint32_t)(isr & 0xf0)
                                                                  : tpr;
    }
    case LAPIC_TMCCT:
        return timer_current(v);
    case LAPIC_EOI:
        return 0;
    }
    return REG(offset & 0xff0);
}

void vlapic_write(struct vcpu *v, unsigned int offset, uint32_t val)
{
    uint32_t *regs = vl(v)->regs;
    int isr;

    switch ( offset & 0xff0 )
    {
    case LAPIC_TPR:
        REG(LAPIC_TPR) = val & 0xff;
        break;
    case LAPIC_EOI:
        if ( (isr = highest(regs, LAPIC_ISR)) >= 0 )
        {
            set_vec(regs, LAPIC_ISR, isr, false);
            vioapic_eoi(v, isr);          /* a level-triggered source may fire again */
        }
        break;
    case LAPIC_LDR:
        REG(LAPIC_LDR) = val & 0xff000000;
        break;
    case LAPIC_DFR:
        REG(LAPIC_DFR) = val | 0x0fffffff;
        break;
    case LAPIC_SVR:
        REG(LAPIC_SVR) = val & 0x3ff;
        break;
    case LAPIC_ESR:
        REG(LAPIC_ESR) = 0;
        break;
    case LAPIC_ICR_HI:
        REG(LAPIC_ICR_HI) = val & 0xff000000;
        break;
    case LAPIC_ICR_LO:
        REG(LAPIC_ICR_LO) = val & ~(1u << 12);    /* delivered at once: never busy */
        send_ipi(v, val, REG(LAPIC_ICR_HI) >> 24);
        break;
    case LAPIC_LVT_TMR:
    case 0x330: case 0x340: case 0x350: case 0x360: case LAPIC_LVT_ERR:
        REG(offset & 0xff0) = val & 0x000710ff;
        break;
    case LAPIC_TMICT:
        timer_load(v, val);
        break;
    case LAPIC_TDCR:
        REG(LAPIC_TDCR) = val & 0xb;
        break;
    }
    /* Read-only registers (ID, version, ISR, TMR, IRR, TMCCT) ignore writes. */
}

void vlapic_init(struct vcpu *v)
{
    struct vlapic *l = vl(v);

    memset(l->regs, 0, sizeof(l->regs));
    l->REG(LAPIC_ID) = v->vcpu_id << 24;
    l->REG(LAPIC_VER) = 0x00050014;           /* version 0x14, 6 LVT entries */
    l->REG(LAPIC_DFR) = 0xffffffff;
    l->REG(LAPIC_SVR) = 0xff;                 /* software-disabled until the guest enables it */
    for ( unsigned int off = LAPIC_LVT_TMR; off <= LAPIC_LVT_ERR; off += 16 )
        l->REG(off) = LVT_MASKED;
    init_timer(&l->timer, timer_fire, v, v->processor);
    l->timer_initialised = true;
}

void vlapic_destroy(struct vcpu *v)
{
    if ( vl(v)->timer_initialised )
        kill_timer(&vl(v)->timer);
}
