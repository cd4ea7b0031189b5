/*
 * Emulated MC146818 RTC and CMOS RAM of an HVM domain.  The time comes from
 * Keel's wall clock (the host RTC read once at boot, or dom0's
 * XENPF_settime) plus system time, never from the host's ports: a guest
 * path that did port I/O on the real RTC would race dom0 and Keel's own
 * reads (the index/data pair is not atomic), and its writes would set the
 * machine's clock.  Setting the time here changes only this domain's
 * offset from the wall clock, as Xen's vRTC changes the domain's
 * time_offset_seconds (xen/arch/x86/hvm/rtc.c rtc_set_time()).
 *
 * Registers (MC146818 datasheet; defaults as Xen's rtc_init()):
 *  0x00-0x09  seconds, alarm, minutes, alarm, hours, alarm, day of week
 *             (1 = Sunday), day of month, month, year; 0x32 the century.
 *             BCD or binary (register B DM) and 12- or 24-hour (B 24/12,
 *             bit 7 of the hour = PM in 12-hour form), as B says at the
 *             access.  While B.SET is 1 the time registers hold what the
 *             guest writes, and clearing SET sets the clock from them; a
 *             write with SET 0 sets the clock at once.  A date that is no
 *             date (BCD digit above 9, 30 February, ...) leaves the clock
 *             as it was.
 *  0x0a  A: divider and rate bits as written (0x26 at reset); UIP (bit 7,
 *        read-only) reads 1 in the last 244 us of each second.
 *  0x0b  B: as written (0x02, 24-hour BCD, at reset).
 *  0x0c  C: UF (bit 4) when a second has ended since C was last read;
 *        reading clears it.  No RTC interrupt is wired (IRQF, AF, PF 0).
 *  0x0d  D: 0x80, valid RAM and time.
 *  other 0x0e-0x7f: this domain's NVRAM, 0 at creation.
 * Port 0x70 selects the register (bit 7, NMI disable, is dropped) and reads
 * as 0xff like Xen's; only byte accesses reach the registers.
 */
#include <keel/lib.h>
#include <keel/calendar.h>
#include <keel/domain.h>
#include <keel/spinlock.h>
#include <asm/guest_time.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/rtc.h>

#define RTC_SECONDS     0x00
#define RTC_MINUTES     0x02
#define RTC_HOURS       0x04
#define RTC_WDAY        0x06
#define RTC_MDAY        0x07
#define RTC_MONTH       0x08
#define RTC_YEAR        0x09
#define RTC_REG_A       0x0a
#define  RTC_UIP        0x80
#define RTC_REG_B       0x0b
#define  RTC_SET        0x80
#define  RTC_DM_BINARY  0x04
#define  RTC_24H        0x02
#define RTC_REG_C       0x0c
#define  RTC_UF         0x10
#define RTC_REG_D       0x0d
#define  RTC_VRT        0x80
#define RTC_CENTURY     0x32
#define RTC_HOUR_PM     0x80
#define RTC_UIP_NS      244000      /* the update cycle's warning time */

static struct hvm_rtc *rtc_of(struct domain *d)
{
    return &d->arch.hvm.rtc;
}

static bool is_time_reg(unsigned int reg)
{
    return reg == RTC_SECONDS || reg == RTC_MINUTES || reg == RTC_HOURS ||
           (reg >= RTC_WDAY && reg <= RTC_YEAR) || reg == RTC_CENTURY;
}

/* The guest's time of day: whole seconds since 1970, and ns into the second. */
static uint64_t guest_seconds(const struct hvm_rtc *r, uint32_t *frac_ns)
{
    uint64_t ns = wallclock_now_ns();
    int64_t secs = (int64_t)(ns / NSEC_PER_SEC) + r->offset_sec;

    if ( frac_ns )
        *frac_ns = ns % NSEC_PER_SEC;
    return secs < 0 ? 0 : (uint64_t)secs;
}

static uint8_t encode(const struct hvm_rtc *r, unsigned int v)
{
    if ( r->cmos[RTC_REG_B] & RTC_DM_BINARY )
        return v;
    return ((v / 10) << 4) | (v % 10);
}

/* UINT_MAX for a byte that is no BCD number. */
static unsigned int decode(const struct hvm_rtc *r, uint8_t v)
{
    if ( r->cmos[RTC_REG_B] & RTC_DM_BINARY )
        return v;
    if ( (v & 0xf) > 9 || (v >> 4) > 9 )
        return ~0u;
    return (v >> 4) * 10 + (v & 0xf);
}

/* Caller holds the lock.  The time registers show the guest's clock at secs. */
static void fill_time(struct hvm_rtc *r, uint64_t secs)
{
    struct calendar_time t;

    calendar_from_seconds(secs, &t);
    r->cmos[RTC_SECONDS] = encode(r, t.sec);
    r->cmos[RTC_MINUTES] = encode(r, t.min);
    if ( r->cmos[RTC_REG_B] & RTC_24H )
        r->cmos[RTC_HOURS] = encode(r, t.hour);
    else
        r->cmos[RTC_HOURS] = encode(r, t.hour % 12 ? t.hour % 12 : 12) |
                             (t.hour >= 12 ? RTC_HOUR_PM : 0);
    r->cmos[RTC_WDAY] = encode(r, t.wday + 1);
    r->cmos[RTC_MDAY] = encode(r, t.mday);
    r->cmos[RTC_MONTH] = encode(r, t.mon);
    r->cmos[RTC_YEAR] = encode(r, t.year % 100);
    r->cmos[RTC_CENTURY] = encode(r, t.year / 100);
}

/* Caller holds the lock.  The clock takes the time the registers hold, if it is one. */
static void set_time(struct hvm_rtc *r)
{
    struct calendar_time t;
    unsigned int hour_reg = r->cmos[RTC_HOURS], century;
    uint64_t secs;

    t.sec = decode(r, r->cmos[RTC_SECONDS]);
    t.min = decode(r, r->cmos[RTC_MINUTES]);
    t.mday = decode(r, r->cmos[RTC_MDAY]);
    t.mon = decode(r, r->cmos[RTC_MONTH]);
    t.year = decode(r, r->cmos[RTC_YEAR]);
    century = decode(r, r->cmos[RTC_CENTURY]);
    t.wday = 0;
    if ( r->cmos[RTC_REG_B] & RTC_24H )
        t.hour = decode(r, hour_reg);
    else
    {
        t.hour = decode(r, hour_reg & ~RTC_HOUR_PM);
        if ( t.hour < 1 || t.hour > 12 )
            return;
        t.hour = t.hour % 12 + (hour_reg & RTC_HOUR_PM ? 12 : 0);
    }
    if ( t.year > 99 || century > 99 )
        return;
    t.year += century * 100;
    if ( !calendar_to_seconds(&t, &secs) )
        return;
    r->offset_sec = (int64_t)secs - (int64_t)(wallclock_now_ns() / NSEC_PER_SEC);
}

static uint8_t read_reg(struct hvm_rtc *r, unsigned int reg)
{
    bool set_mode = r->cmos[RTC_REG_B] & RTC_SET;
    uint32_t frac;
    uint64_t secs;
    uint8_t v;

    if ( is_time_reg(reg) )
    {
        if ( !set_mode )
            fill_time(r, guest_seconds(r, NULL));
        return r->cmos[reg];
    }
    switch ( reg )
    {
    case RTC_REG_A:
        v = r->cmos[RTC_REG_A];
        guest_seconds(r, &frac);
        if ( !set_mode && frac >= NSEC_PER_SEC - RTC_UIP_NS )
            v |= RTC_UIP;
        return v;
    case RTC_REG_C:
        if ( set_mode )
            return 0;
        secs = guest_seconds(r, NULL);
        v = secs != r->last_uf_sec ? RTC_UF : 0;
        r->last_uf_sec = secs;
        return v;
    case RTC_REG_D:
        return RTC_VRT;
    }
    return r->cmos[reg];
}

static void write_reg(struct hvm_rtc *r, unsigned int reg, uint8_t v)
{
    uint8_t old_b = r->cmos[RTC_REG_B];

    if ( is_time_reg(reg) )
    {
        if ( old_b & RTC_SET )
        {
            r->cmos[reg] = v;               /* held until SET is cleared */
            return;
        }
        /* One register changes; the others keep the time it is now. */
        fill_time(r, guest_seconds(r, NULL));
        r->cmos[reg] = v;
        set_time(r);
        return;
    }
    switch ( reg )
    {
    case RTC_REG_A:
        r->cmos[RTC_REG_A] = v & ~RTC_UIP;
        break;
    case RTC_REG_B:
        if ( (old_b & RTC_SET) && !(v & RTC_SET) )
            set_time(r);                    /* in the form the guest wrote it */
        r->cmos[RTC_REG_B] = v;
        if ( (v & RTC_SET) && !(old_b & RTC_SET) )
            fill_time(r, guest_seconds(r, NULL));   /* frozen, in the new form */
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        break;                              /* read-only */
    default:
        r->cmos[reg] = v;                   /* alarms and NVRAM */
    }
}

void hvm_rtc_io(struct domain *d, uint16_t port, unsigned int bytes, bool in, uint32_t *val)
{
    struct hvm_rtc *r = rtc_of(d);

    if ( bytes != 1 )
    {
        if ( in )
            *val = bytes == 4 ? 0xffffffff : (1u << (bytes * 8)) - 1;
        return;
    }
    spin_lock(&r->lock);
    if ( port == HVM_RTC_PORT_INDEX )
    {
        if ( in )
            *val = 0xff;
        else
            r->index = *val & 0x7f;
    }
    else if ( in )
        *val = read_reg(r, r->index);
    else
        write_reg(r, r->index, *val);
    spin_unlock(&r->lock);
}

void hvm_rtc_init(struct domain *d)
{
    struct hvm_rtc *r = rtc_of(d);

    memset(r, 0, sizeof(*r));
    spin_lock_init(&r->lock);
    r->cmos[RTC_REG_A] = 0x26;              /* 32.768 kHz time base, 1024 Hz rate */
    r->cmos[RTC_REG_B] = RTC_24H;
    r->cmos[RTC_REG_D] = RTC_VRT;
    r->last_uf_sec = guest_seconds(r, NULL);
}
