/* Local APIC: x2APIC (MSRs) when the CPU has it, otherwise xAPIC (MMIO). */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <keel/types.h>

#define APIC_ID        0x020
#define APIC_VERSION   0x030
#define APIC_TPR       0x080
#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define  APIC_SVR_ENABLE 0x100
#define APIC_ESR       0x280
#define APIC_ICR       0x300
#define APIC_ICR2      0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_THERM 0x330
#define APIC_LVT_PMC   0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT     0x380   /* timer initial count */
#define APIC_TMCCT     0x390   /* timer current count */
#define APIC_TDCR      0x3e0   /* timer divide configuration */
#define  APIC_LVT_MASKED   (1u << 16)
#define  APIC_TIMER_TSC_DEADLINE (2u << 17)
#define  APIC_DM_NMI       (4u << 8)
#define  APIC_DM_INIT      (5u << 8)
#define  APIC_DM_STARTUP   (6u << 8)
#define  APIC_ICR_BUSY     (1u << 12)
#define  APIC_ICR_ASSERT   (1u << 14)
#define  APIC_ICR_LEVEL    (1u << 15)
#define  APIC_DEST_ALLBUT  (3u << 18)

extern bool x2apic_enabled;

void apic_init_bsp(uint32_t lapic_addr);
void apic_init_cpu(void);
uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t v);
uint32_t apic_current_id(void);
void apic_eoi(void);
/* Send an IPI; `low` is the ICR low word (vector | delivery mode | ...). */
void apic_send_icr(uint32_t apic_id, uint32_t low);
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
void apic_send_nmi_allbutself(void);

/* arch/x86/io_apic.c: mask every IO-APIC pin and the 8259s. */
void io_apic_init(void);

/* One-shot LAPIC timer, or TSC deadline when available. */
void apic_timer_calibrate(void);
void apic_timer_init_cpu(void);               /* each AP, after the BSP calibrated */

#endif /* ASM_APIC_H */
