/* x86 side of vCPU switching. */
#include <keel/lib.h>
#include <keel/sched.h>

/* Only idle vCPUs exist until the PV and HVM builders land: nothing to load. */
void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)prev;
    BUG_ON(!is_idle_vcpu(next));
}
