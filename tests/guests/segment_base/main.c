/*
 * set_segment_base: FS, GS_KERNEL and GS_USER bases are observable with
 * %fs:/%gs:-relative loads (no rdfsbase): GS_USER only in user mode, the
 * kernel GS base survives a user round trip (the hypervisor swaps them);
 * FS is shared by both modes.  GS_USER_SEL with a null selector succeeds.
 * Hostile: an unknown `which` is -EINVAL; a non-canonical base is refused.
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "set_segment_base FS / GS_USER / GS_KERNEL";

static unsigned long fs_var = 0xf5f5f5f5f5UL, gsk_var = 0x6565656565UL,
                     gsu_var = 0x7575757575UL;

static unsigned long read_fs0(void)
{
    unsigned long v;

    asm volatile ("mov %%fs:0, %0" : "=r" (v) :: "memory");
    return v;
}

static unsigned long read_gs0(void)
{
    unsigned long v;

    asm volatile ("mov %%gs:0, %0" : "=r" (v) :: "memory");
    return v;
}

static unsigned long user_gs, user_fs;
static unsigned long user_fn(unsigned long unused)
{
    (void)unused;
    user_gs = read_gs0();
    user_fs = read_fs0();
    return 0;
}

void test_main(void)
{
    long rc;

    check_rc("set FS", hypercall_set_segment_base(SEGBASE_FS, (unsigned long)&fs_var), 0);
    check_eq("%fs:0", read_fs0(), fs_var);
    check_rc("set GS_KERNEL",
             hypercall_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&gsk_var), 0);
    check_eq("%gs:0 (kernel)", read_gs0(), gsk_var);
    check_rc("set GS_USER",
             hypercall_set_segment_base(SEGBASE_GS_USER, (unsigned long)&gsu_var), 0);
    check_eq("%gs:0 (kernel) after setting GS_USER", read_gs0(), gsk_var);

    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");
    exec_user(user_fn, 0);
    check_eq("%gs:0 in user mode", user_gs, gsu_var);
    check_eq("%fs:0 in user mode", user_fs, fs_var);
    check_eq("%gs:0 (kernel) after user mode", read_gs0(), gsk_var);

    rc = hypercall_set_segment_base(4, 0);
    check_rc("which = 4", rc, -EINVAL);
    rc = hypercall_set_segment_base(SEGBASE_FS, 0x8000000000000000UL);
    check_rc("non-canonical FS base", rc, -EINVAL);
    check_eq("%fs:0 after the refused base", read_fs0(), fs_var);
    rc = hypercall_set_segment_base(SEGBASE_GS_KERNEL, 0x0000800000000000UL);
    check_rc("non-canonical GS_KERNEL base", rc, -EINVAL);
    rc = hypercall_set_segment_base(SEGBASE_GS_USER_SEL, 0);
    check_rc("GS_USER_SEL 0", rc, 0);
    check_eq("%gs:0 (kernel) after GS_USER_SEL", read_gs0(), gsk_var);
}
