/*
 * The emulated MC146818 RTC and CMOS RAM of an HVM domain (ports 0x70 and
 * 0x71), kept from Keel's own wall clock: a guest never reaches the host's
 * RTC, and what it writes stays in its domain.
 */
#ifndef ASM_HVM_RTC_H
#define ASM_HVM_RTC_H

#include <keel/types.h>
#include <keel/spinlock.h>

#define HVM_RTC_PORT_INDEX 0x70
#define HVM_RTC_PORT_DATA  0x71
#define HVM_CMOS_SIZE      128

struct hvm_rtc {
    spinlock_t lock;
    uint8_t index;                  /* selected by port 0x70, NMI bit dropped */
    uint8_t cmos[HVM_CMOS_SIZE];    /* status A-D, alarms, NVRAM; time registers while SET */
    int64_t offset_sec;             /* the guest's clock minus Keel's wall clock */
    uint64_t last_uf_sec;           /* the second register C last reported */
};

struct domain;

void hvm_rtc_init(struct domain *d);
/* A byte access to port 0x70 or 0x71 (other sizes read all ones, write nothing). */
void hvm_rtc_io(struct domain *d, uint16_t port, unsigned int bytes, bool in, uint32_t *val);

#endif /* ASM_HVM_RTC_H */
