/*
 * TLB flushes and the flush clock (Xen's tlbflush idea).  Every full flush
 * of a CPU's TLB (global entries included) ticks a global clock and records
 * the tick on that CPU.  A frame that stops being reachable through some
 * mapping is stamped with the clock; a CPU whose last full flush is later
 * than the stamp cannot hold a stale entry for it, so a type change needs
 * to flush only the CPUs that flushed before the stamp.
 *
 * The clock is 64 bits wide: it never wraps, so no comparison is ever
 * ambiguous and no "flush everything at wrap" period is needed.
 */
#ifndef ASM_TLBFLUSH_H
#define ASM_TLBFLUSH_H

#include <keel/types.h>
#include <keel/smp.h>

/* The clock now: stamp a frame with it after its last mapping went away. */
uint64_t tlbflush_current_time(void);
/* CPUs in mask that may still cache a translation stamped at `stamp`. */
cpumask_t tlbflush_filter(cpumask_t mask, uint64_t stamp);

/*
 * This CPU's whole TLB, global entries included: what a flush for a guest
 * must be, since a PV guest may set _PAGE_GLOBAL in its L1 entries.
 */
void flush_tlb_local(void);
/* Load a different address space (another vCPU's tables, or Keel's own): a full flush. */
void switch_cr3(uint64_t cr3);

#endif /* ASM_TLBFLUSH_H */
