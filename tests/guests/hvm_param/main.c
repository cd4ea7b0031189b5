/*
 * hvm_op set_param/get_param on the domain itself:
 *  - HVM_PARAM_CALLBACK_IRQ starts at 0, takes a vector-type value
 *    ((2 << 56) | vector) and reads it back, and 0 turns it off;
 *  - get of STORE_PFN works (whatever its value);
 *  - an index beyond the parameter array is -EINVAL (set and get);
 *  - Xen 4.17's order of checks (hvmop_get_param/hvmop_set_param): the
 *    index first (-EINVAL, even for a domain that does not exist), then the
 *    domain (-ESRCH), then its type (-EINVAL for a PV domain), then the
 *    permission (-EPERM).  This run has no dom0 (the runner boots the test
 *    as domain 1 alone), so domain 0 is -ESRCH like domain 77; our own
 *    domain by number works like DOMID_SELF;
 *  - an argument at an unpopulated GPA is -EFAULT; an unknown hvm_op is
 *    -ENOSYS;
 *  - HVMOP_pagetable_dying (a shadow-paging hint, what Linux probes at
 *    boot): with nested paging Xen 4.17 answers -EINVAL for ourselves,
 *    -EOPNOTSUPP for another existing domain (none here), -ESRCH for a
 *    domain that does not exist, -EFAULT for a bad argument.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "hvm_op set_param / get_param";

void test_main(void)
{
    struct xen_hvm_param p;
    uint64_t v = ~0ULL;
    long rc;

    rc = hvm_get_param(HVM_PARAM_CALLBACK_IRQ, &v);
    check_rc("get CALLBACK_IRQ", rc, 0);
    check_eq("initial CALLBACK_IRQ", v, 0);
    rc = hvm_set_param(HVM_PARAM_CALLBACK_IRQ, HVM_CALLBACK_VECTOR(0xf3));
    check_rc("set CALLBACK_IRQ vector 0xf3", rc, 0);
    rc = hvm_get_param(HVM_PARAM_CALLBACK_IRQ, &v);
    check_rc("get CALLBACK_IRQ", rc, 0);
    if ( v != HVM_CALLBACK_VECTOR(0xf3) )
        xtf_failure("Fail: CALLBACK_IRQ reads %#llx, expected %#llx\n",
                    (unsigned long long)v, (unsigned long long)HVM_CALLBACK_VECTOR(0xf3));
    rc = hvm_set_param(HVM_PARAM_CALLBACK_IRQ, 0);
    check_rc("set CALLBACK_IRQ 0", rc, 0);
    rc = hvm_get_param(HVM_PARAM_CALLBACK_IRQ, &v);
    check_eq("CALLBACK_IRQ after setting 0", v, 0);

    rc = hvm_get_param(HVM_PARAM_STORE_PFN, &v);
    check_rc("get STORE_PFN", rc, 0);

    rc = hvm_get_param(1000, &v);
    check_rc("get index 1000", rc, -EINVAL);
    rc = hvm_set_param(1000, 1);
    check_rc("set index 1000", rc, -EINVAL);

    p = (struct xen_hvm_param){ .domid = 77, .index = 1000 };
    rc = hypercall_hvm_op(HVMOP_get_param, &p);
    check_rc("get_param index 1000 of domain 77 (index first)", rc, -EINVAL);
    p = (struct xen_hvm_param){ .domid = 0, .index = HVM_PARAM_CALLBACK_IRQ };
    rc = hypercall_hvm_op(HVMOP_get_param, &p);
    check_rc("get_param of domain 0 (absent in this run)", rc, -ESRCH);
    p = (struct xen_hvm_param){ .domid = 0, .index = HVM_PARAM_CALLBACK_IRQ,
                                .value = HVM_CALLBACK_VECTOR(0xf0) };
    rc = hypercall_hvm_op(HVMOP_set_param, &p);
    check_rc("set_param of domain 0 (absent in this run)", rc, -ESRCH);
    p = (struct xen_hvm_param){ .domid = 77, .index = HVM_PARAM_CALLBACK_IRQ };
    rc = hypercall_hvm_op(HVMOP_get_param, &p);
    check_rc("get_param of domain 77", rc, -ESRCH);
    p = (struct xen_hvm_param){ .domid = 1, .index = HVM_PARAM_CALLBACK_IRQ, .value = ~0ULL };
    rc = hypercall_hvm_op(HVMOP_get_param, &p);
    check_rc("get_param of domain 1 (ourselves, by number)", rc, 0);
    check_eq("CALLBACK_IRQ read by domain number", p.value, 0);

    rc = hypercall_hvm_op(HVMOP_get_param, phys_ptr(0x10000000));
    check_rc("get_param with the argument at an unpopulated GPA", rc, -EFAULT);
    rc = hypercall_hvm_op(999, &p);
    check_rc("hvm_op 999", rc, -ENOSYS);

    {
        struct { uint16_t domid, pad[3]; uint64_t gpa; } dying = { DOMID_SELF, { 0 }, 0 };

        rc = hypercall_hvm_op(9, &dying);
        check_rc("pagetable_dying of ourselves (nested paging: nothing to do)", rc, -EINVAL);
        dying.domid = 77;
        rc = hypercall_hvm_op(9, &dying);
        check_rc("pagetable_dying of domain 77", rc, -ESRCH);
        rc = hypercall_hvm_op(9, phys_ptr(0x10000000));
        check_rc("pagetable_dying with the argument at an unpopulated GPA", rc, -EFAULT);
    }
}
