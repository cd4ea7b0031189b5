/*
 * The emulated 16550A UART (COM1: ports 0x3f8-0x3ff, ISA IRQ 4) of an HVM
 * domain, and the domain's debug output (port 0xE9 and the UART's
 * transmitter) as "(dN) " lines on Keel's console.
 */
#ifndef ASM_HVM_VUART_H
#define ASM_HVM_VUART_H

#include <keel/types.h>
#include <keel/spinlock.h>

#define VUART_BASE      0x3f8
#define VUART_PORTS     8
#define VUART_ISA_IRQ   4
#define VUART_FIFO      16             /* the 16550A's receive FIFO */
#define VUART_BACKLOG   256            /* Keel's input buffer, FIFO included (power of two) */

struct hvm_vuart {
    spinlock_t lock;                   /* input arrives from Keel's console timer */
    uint8_t ier, lcr, mcr, scr, fcr;   /* fcr: enable and trigger bits as written */
    uint8_t dll, dlm;
    uint8_t lsr_err;                   /* OE until LSR is read */
    uint8_t msr_delta;                 /* MSR bits 3:0 until MSR is read */
    bool thre_pending;                 /* THRE interrupt, until IIR read / THR written */
    bool irq_up;                       /* ISA IRQ 4 as driven now */
    unsigned int rx_head, rx_tail;     /* free-running indices into rx */
    uint8_t rx[VUART_BACKLOG];
    unsigned long rx_dropped;          /* characters lost to a full buffer */
    /* Output collected until '\n': one per UART, whichever vCPU writes THR. */
    unsigned int line_len;
    char line[128];
};

struct domain;
struct vcpu;

void vuart_init(struct domain *d);
/* An access of bytes (1, 2, 4) at port VUART_BASE + reg (reg 0-7). */
void vuart_io(struct vcpu *v, unsigned int reg, unsigned int bytes, bool in, uint32_t *val);
/* A character typed for d: false if it was dropped (buffer full). */
bool vuart_receive(struct domain *d, uint8_t c);
/* Has the guest enabled the receive interrupt (a driver listens)? */
bool vuart_rx_enabled(struct domain *d);
/* Port 0xE9 output of v: collected into "(dN) " lines per vCPU. */
void hvm_guest_putc(struct vcpu *v, char c);

#endif /* ASM_HVM_VUART_H */
