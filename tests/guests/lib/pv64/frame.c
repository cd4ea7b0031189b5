/* Bounce-frame checks shared by the trap tests. */
#include "pv.h"
#include "report.h"

bool check_exception_frame(const char *what, unsigned int vec, int ec,
                           unsigned long rip, unsigned long rsp,
                           unsigned int cs, unsigned long frame_top)
{
    const struct exception_record *e = &last_exception;
    unsigned long base = frame_top ? frame_top : rsp;
    unsigned long want_frame = (base & ~15UL) - (ec >= 0 ? 64 : 56);
    unsigned int bad = 0;

#define EXPECT(cond, fmt, ...) do { if ( !(cond) ) { bad++;             \
            xtf_failure("Fail: %s: " fmt "\n", what, ##__VA_ARGS__); } } while ( 0 )
    EXPECT(e->vector == vec, "vector %u, expected %u", e->vector, vec);
    if ( ec >= 0 )
        EXPECT(e->error_code == (uint32_t)ec, "error code %#x, expected %#x",
               e->error_code, ec);
    EXPECT(e->rip == rip, "frame RIP %#lx, expected %#lx", e->rip, rip);
    EXPECT((uint16_t)e->cs == cs, "frame CS %#lx, expected %#x", e->cs, cs);
    EXPECT(((e->cs >> 32) & 0xff) == 1,
           "frame CS bits 32-39 (saved upcall mask) %#lx, expected 1", (e->cs >> 32) & 0xff);
    EXPECT(!(e->rflags & X86_EFLAGS_IF), "frame RFLAGS %#lx has IF with events masked",
           e->rflags);
    EXPECT(e->rflags & X86_EFLAGS_MBS, "frame RFLAGS %#lx lacks bit 1", e->rflags);
    EXPECT(e->rsp == rsp, "frame RSP %#lx, expected %#lx", e->rsp, rsp);
    EXPECT((uint16_t)e->ss == FLAT_KERNEL_SS, "frame SS %#lx, expected %#x",
           e->ss, FLAT_KERNEL_SS);
    EXPECT(e->frame_addr == want_frame, "frame at %#lx, expected %#lx",
           e->frame_addr, want_frame);
    EXPECT(e->upcall_mask == 1, "upcall mask %u in the handler, expected 1", e->upcall_mask);
#undef EXPECT
    return !bad;
}
