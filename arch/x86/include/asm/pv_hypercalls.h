/*
 * The hypercall table: the one place that says which hypercalls exist, who
 * handles them, and how complete they are.  arch/x86/pv/hypercall.c builds
 * the dispatch table from it and tools/build/gen-hypercall-doc.sh turns it
 * into docs/hypercalls.md, so the two cannot disagree.
 *
 * X(name, number, nr_args, handler, status, note)
 *   status: "done" (ABI behaviour complete), "partial" (note says what is
 *   missing).  Numbers not listed return -ENOSYS and are counted.
 */
#ifndef ASM_PV_HYPERCALLS_H
#define ASM_PV_HYPERCALLS_H

#include <keel/types.h>

#define PV_HYPERCALL_TABLE(X) \
    X(set_trap_table,     0, 1, do_set_trap_table,     "done",    "vectors 0-255, -EFAULT on a bad array") \
    X(mmu_update,         1, 4, do_mmu_update,         "partial", "all levels validated, MACHPHYS_UPDATE, preemptible (continuations, *pdone kept); foreigndom for dom0 (privcmd: L1 entries map a PV domain's MFNs or a translated one's gfns, NO_TRANSLATE; docs/foreign-memory.md); no pt_dom") \
    X(set_gdt,            2, 2, do_set_gdt,            "done",    "frames typed as descriptor pages while in use") \
    X(stack_switch,       3, 2, do_stack_switch,       "done",    "") \
    X(fpu_taskswitch,     5, 1, do_fpu_taskswitch,     "done",    "") \
    X(platform_op,        7, 1, do_platform_op,        "partial", "settime32/64, firmware_info (no EDD/MBR/EDID: no BIOS calls), get_cpuinfo, get_cpu_version, enter_acpi_sleep S5 only (dom0); no microcode, pm/cpufreq, cpu hotplug, resource_op") \
    X(set_debugreg,       8, 2, do_set_debugreg,       "done",    "DR0-3/DR7 loaded while the vCPU runs") \
    X(get_debugreg,       9, 1, do_get_debugreg,       "done",    "") \
    X(update_descriptor, 10, 2, do_update_descriptor,  "done",    "") \
    X(memory_op,         12, 2, do_memory_op,          "partial", "PV: increase/decrease_reservation, populate_physmap, exchange (address bits, preemptible); machphys_mapping, maximum_ram_page, current/maximum_reservation, machine_memory_map, memory_map; dom0 may increase/decrease/populate another PV domain (toolstack)") \
    X(multicall,         13, 2, do_multicall,          "done",    "nested multicall and iret refused; preemptible between and inside entries (entry arguments rewritten as Xen)") \
    X(update_va_mapping, 14, 3, do_update_va_mapping,  "partial", "kernel page tables; UVMF_LOCAL/ALL/MULTI flushes (other CPUs by IPI)") \
    X(set_timer_op,      15, 1, do_set_timer_op,       "done",    "absolute ns, 0 cancels, VIRQ_TIMER; huge timeouts fire in 100 ms as on Xen") \
    X(xen_version,       17, 2, do_xen_version,        "done",    "reports 4.17") \
    X(console_io,        18, 3, do_console_io,         "done",    "write; read returns 0 bytes until input is routed to guests") \
    X(grant_table_op,    20, 3, do_grant_table_op,     "partial", "v1 (set_version 2: -ENOSYS, as Xen limited to v1): setup_table, query_size, get/set_version, get_status_frames, map_grant_ref (host PV by VA or PTE address, HVM in the p2m; device), unmap_grant_ref, unmap_and_replace, copy; batches preemptible for PV; no transfer, dump_table, swap_grant_ref, cache_flush (-ENOSYS)") \
    X(vm_assist,         21, 2, do_vm_assist,          "done",    "types 0, 2, 3, 4, 5, 32 accepted") \
    X(iret,              23, 0, do_iret,     "done",    "") \
    X(vcpu_op,           24, 3, do_vcpu_op,            "partial", "initialise (PV vcpu_guest_context, no LDT; HVM), up, down, is_up, runstate (get, register area), periodic and singleshot timers, register_vcpu_info; no send_nmi, get_physid, time area") \
    X(set_segment_base,  25, 2, do_set_segment_base,   "done",    "") \
    X(mmuext_op,         26, 4, do_mmuext_op,          "partial", "pin/unpin L1-L4 (tree validation preemptible; dom0 may pin another domain's by foreigndom), base pointers, local/MULTI/ALL flushes (global entries too); no LDT, no CLEAR/COPY_PAGE") \
    X(sched_op,          29, 2, do_sched_op,           "partial", "yield, block, shutdown, poll (up to 128 ports, timeout), remote_shutdown (dom0); no watchdog") \
    X(callback_op,       30, 2, do_callback_op,        "done",    "event, failsafe, syscall, syscall32, nmi") \
    X(event_channel_op,  32, 2, do_event_channel_op,   "partial", "bind_ipi, bind_virq, bind_pirq, alloc_unbound, bind_interdomain, send, unmask, close, status, bind_vcpu, reset (2-level, 1024 ports); no FIFO") \
    X(physdev_op,        33, 2, do_physdev_op,         "partial", "set_iopl, map/unmap_pirq (GSI, MSI, MSI-X; one MSI vector per function), eoi, pirq_eoi_gmfn_v1/v2, irq_status_query, setup_gsi, apic_read, PCI device add/remove, restore_msi, dbgp_op (dom0); no set_iobitmap, get_free_pirq, prepare_msix, pci_mmcfg_reserved, passthrough") \
    X(sysctl,            35, 1, do_sysctl,             "partial", "interface 0x15 (else -EACCES), dom0 only: readconsole, physinfo, sched_id (Keel's own id 0x4b52), getdomaininfolist; others -EOPNOTSUPP") \
    X(domctl,            36, 1, do_domctl,             "partial", "interface 0x15 (else -EACCES), dom0 only: createdomain (empty, paused), destroydomain, pause/unpausedomain, getdomaininfo (next id up), max_mem, getvcpuinfo, max_vcpus, set/getvcpuaffinity, scheduler_op, set/get_address_size (64 only), set/getvcpucontext (PV), Keel-private KEEL_DOMCTL_build (below); others -EOPNOTSUPP")

/* Run hypercall nr with up to 5 arguments; -ENOSYS when there is none. */
long pv_hypercall_dispatch(unsigned long nr, const unsigned long args[5]);

/* The handlers, with their natural signatures. */
long do_set_trap_table(uint64_t traps);
long do_iret(void);
long do_callback_op(unsigned long cmd, uint64_t arg);
long do_stack_switch(unsigned long ss, unsigned long sp);
long do_set_segment_base(unsigned long which, unsigned long base);
long do_fpu_taskswitch(unsigned long set);
long do_platform_op(uint64_t arg);
long do_set_timer_op(uint64_t timeout);
long do_set_debugreg(unsigned long reg, unsigned long value);
long do_get_debugreg(unsigned long reg);
long do_mmu_update(uint64_t reqs, unsigned long count, uint64_t done, unsigned long foreigndom);
long do_set_gdt(uint64_t frame_list, unsigned long entries);
long do_update_descriptor(uint64_t maddr, uint64_t desc);
long do_memory_op(unsigned long cmd, uint64_t arg);
long do_multicall(uint64_t calls, unsigned long nr_calls);
long do_update_va_mapping(uint64_t va, uint64_t val, unsigned long flags);
long do_xen_version(unsigned long cmd, uint64_t arg);
long do_console_io(unsigned long cmd, unsigned long count, uint64_t buffer);
long do_vm_assist(unsigned long cmd, unsigned long type);
long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, uint64_t arg);
long do_mmuext_op(uint64_t ops, unsigned long count, uint64_t done, unsigned long foreigndom);
long do_sched_op(unsigned long cmd, uint64_t arg);
long do_physdev_op(unsigned long cmd, uint64_t arg);
long do_event_channel_op(unsigned long cmd, uint64_t arg);
long do_grant_table_op(unsigned long cmd, uint64_t uop, unsigned long count);
long do_sysctl(uint64_t arg);
long do_domctl(uint64_t arg);

#endif /* ASM_PV_HYPERCALLS_H */
