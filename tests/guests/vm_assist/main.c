/*
 * vm_assist(cmd, type) on a 64-bit PV guest (Xen 4.17):
 *  - types 0-5 (4gb_segments, 4gb_segments_notify, writable_pagetables,
 *    pae_extended_cr3, architectural_iopl, runstate_update_flag) and 32
 *    (m2p_strict) can be enabled and disabled: 0;
 *  - any other type (6, 31, 33, 63, 64, 1000) is -EINVAL;
 *  - an unknown command (2) is -ENOSYS, even for a valid type.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "vm_assist enable/disable";

void test_main(void)
{
    static const unsigned int good[] = { 0, 1, 2, 3, 4, 5, 32 };
    static const unsigned int bad[] = { 6, 31, 33, 63, 64, 1000, 0x80000000U };

    for ( unsigned int i = 0; i < ARRAY_SIZE(good); i++ )
    {
        long e = hypercall_vm_assist(VMASST_CMD_enable, good[i]);
        long d = hypercall_vm_assist(VMASST_CMD_disable, good[i]);

        if ( e || d )
            xtf_failure("Fail: type %u: enable %ld, disable %ld, expected 0\n", good[i], e, d);
    }
    for ( unsigned int i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        long e = hypercall_vm_assist(VMASST_CMD_enable, bad[i]);
        long d = hypercall_vm_assist(VMASST_CMD_disable, bad[i]);

        if ( e != -EINVAL || d != -EINVAL )
            xtf_failure("Fail: type %#x: enable %ld, disable %ld, expected -EINVAL\n",
                        bad[i], e, d);
    }
    check_rc("cmd 2", hypercall_vm_assist(2, VMASST_TYPE_runstate_update_flag), -ENOSYS);
    check_rc("cmd 2, bad type", hypercall_vm_assist(2, 1000), -EINVAL);
    /* Leave runstate_update_flag on, as Linux does. */
    check_rc("enable runstate_update_flag",
             hypercall_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
}
