/*
 * The LAPIC timer drives the timer subsystem: one-shot mode counting bus
 * clocks, or TSC-deadline mode when the CPU has it.  The one-shot rate is
 * measured against the (already calibrated) TSC.
 */
#include <keel/lib.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <asm/apic.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <asm/traps.h>

#define APIC_DIVIDE_BY_1  0xb
#define CALIBRATE_NS      MILLISECS(10)

static uint64_t apic_ticks_per_ms;
static bool use_tsc_deadline;

static void apic_timer_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    apic_eoi();
    timer_interrupt_action();
}

void apic_timer_calibrate(void)
{
    s_time_t start;
    uint32_t remaining;

    use_tsc_deadline = boot_cpu.tsc_deadline;
    apic_write(APIC_TDCR, APIC_DIVIDE_BY_1);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    apic_write(APIC_TMICT, 0xffffffff);
    start = NOW();
    while ( NOW() - start < CALIBRATE_NS )
        __builtin_ia32_pause();
    remaining = apic_read(APIC_TMCCT);
    apic_write(APIC_TMICT, 0);
    apic_ticks_per_ms = (0xffffffffULL - remaining) * MILLISECS(1) / CALIBRATE_NS;
    if ( !apic_ticks_per_ms )
        apic_ticks_per_ms = 1;
    set_vector_handler(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
    printk("APIC timer: %s mode, bus %lu.%03lu MHz\n",
           use_tsc_deadline ? "TSC-deadline" : "one-shot",
           apic_ticks_per_ms / 1000, apic_ticks_per_ms % 1000);
}

/*
 * A secondary CPU's timer: the divider is per LAPIC and resets to divide by
 * 2, while the rate measured on the boot CPU is for divide by 1.  Without
 * this, every AP's timer fired at twice the delay asked for.
 */
void apic_timer_init_cpu(void)
{
    apic_write(APIC_TDCR, APIC_DIVIDE_BY_1);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    apic_write(APIC_TMICT, 0);
}

/* Arm this CPU's timer for an absolute system time; 0 disarms it. */
void reprogram_timer(s_time_t deadline_ns)
{
    s_time_t delta;
    uint64_t ticks;

    if ( use_tsc_deadline )
    {
        apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | LOCAL_TIMER_VECTOR);
        wrmsr(MSR_TSC_DEADLINE, deadline_ns ? tsc_from_stime(deadline_ns) : 0);
        return;
    }
    apic_write(APIC_LVT_TIMER, LOCAL_TIMER_VECTOR);   /* one-shot, unmasked */
    if ( !deadline_ns )
    {
        apic_write(APIC_TMICT, 0);
        return;
    }
    delta = deadline_ns - NOW();
    if ( delta < MICROSECS(1) )
        delta = MICROSECS(1);                         /* already due: fire soon */
    if ( delta > SECONDS(1) )
        delta = SECONDS(1);                           /* far away: wake and re-arm */
    ticks = (uint64_t)delta * apic_ticks_per_ms / MILLISECS(1);
    apic_write(APIC_TMICT, ticks ? (ticks > 0xffffffffULL ? 0xffffffffu : ticks) : 1);
}
