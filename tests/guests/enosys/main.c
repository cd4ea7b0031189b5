/*
 * Hypercall numbers that do not exist return -ENOSYS (inline syscall and,
 * for numbers < 128, through the hypercall page): unused numbers inside the
 * table, 63 (last table slot), numbers past the table, huge values, and a
 * valid number with bits above 31 set (Xen 4.17 compares all of rax).
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "-ENOSYS for unknown hypercalls";

void test_main(void)
{
    static const unsigned long nrs[] = {
        11, 43, 47, 56, 62, 63, 64, 65, 100, 127, 128, 255, 4096,
        0x7fffffffUL, 0xffffffffUL, 0xffffffffffffffffUL,
    };

    for ( unsigned int i = 0; i < ARRAY_SIZE(nrs); i++ )
    {
        long rc = hypercall5(nrs[i], 0, 0, 0, 0, 0);

        if ( rc != -ENOSYS )
            xtf_failure("Fail: hypercall %#lx returned %ld, expected -ENOSYS\n", nrs[i], rc);
        if ( nrs[i] < 128 )
        {
            hypercall_via_page = true;
            rc = hypercall5(nrs[i], 0, 0, 0, 0, 0);
            hypercall_via_page = false;
            if ( rc != -ENOSYS )
                xtf_failure("Fail: hypercall %lu via the page returned %ld\n", nrs[i], rc);
        }
    }
    /* The whole of rax is the number: 17 (xen_version) with bit 32 set is not 17. */
    check_rc("rax 0x100000011", hypercall5(0x100000011UL, 0, 0, 0, 0, 0), -ENOSYS);
}
