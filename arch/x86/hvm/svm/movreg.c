/*
 * MOV to or from a control or debug register, decoded by Keel: QEMU's SVM
 * gives no decode assist (EXITINFO1 says nothing of the register), so the
 * CR and DR intercepts read the instruction themselves.  Shared by
 * debugreg.c (MOV DR) and cr.c (MOV to CR4).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>

#define GUEST_EFER_LMA (1UL << 10)

bool svm_long_mode(const struct vmcb *vmcb)
{
    return (vmcb->efer & GUEST_EFER_LMA) && (vmcb->cs.attr & (1u << 9));
}

/* 0f 20-23 after optional prefixes: MOV from/to CRn (20/22), DRn (21/23). */
bool svm_decode_mov_reg(struct vcpu *v, struct svm_mov_insn *insn)
{
    struct vmcb *vmcb = v->arch.hvm.vmcb;
    uint8_t b[15];
    unsigned int i = 0, rex = 0;

    memset(b, 0, sizeof(b));
    /* Bytes the fetch could not read stay 0: they never decode as 0f 2x. */
    for ( unsigned int n = 0; n < sizeof(b); n++ )
        if ( hvm_copy_from_virt_pf(v, &b[n], vmcb->cs.base + vmcb->rip + n, 1,
                                   HVM_ACC_FETCH, NULL) )
            break;
    /* Operand-size, address-size and segment prefixes do not change MOV CR/DR. */
    while ( i < 12 && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0x26 || b[i] == 0x2e ||
                       b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x64 || b[i] == 0x65) )
        i++;
    if ( svm_long_mode(vmcb) && (b[i] & 0xf0) == 0x40 )
        rex = b[i++];
    if ( b[i] != 0x0f || b[i + 1] < 0x20 || b[i + 1] > 0x23 )
        return false;
    insn->opcode = b[i + 1];
    insn->reg = ((b[i + 2] >> 3) & 7) | (rex & 4 ? 8 : 0);
    insn->gpr = (b[i + 2] & 7) | (rex & 1 ? 8 : 0);
    insn->len = i + 3;
    return true;
}

/* The guest's general registers by number (rax and rsp live in the VMCB). */
static uint64_t *gpr_slot(struct vcpu *v, unsigned int n)
{
    struct hvm_gprs *g = &v->arch.hvm.gprs;
    uint64_t *slots[16] = {
        NULL, &g->rcx, &g->rdx, &g->rbx, NULL, &g->rbp, &g->rsi, &g->rdi,
        &g->r8, &g->r9, &g->r10, &g->r11, &g->r12, &g->r13, &g->r14, &g->r15,
    };

    return slots[n & 15];
}

uint64_t svm_get_gpr(struct vcpu *v, unsigned int n)
{
    uint64_t *slot = gpr_slot(v, n);

    if ( slot )
        return *slot;
    return n == 0 ? v->arch.hvm.vmcb->rax : v->arch.hvm.vmcb->rsp;
}

void svm_set_gpr(struct vcpu *v, unsigned int n, uint64_t val)
{
    uint64_t *slot = gpr_slot(v, n);

    if ( slot )
        *slot = val;
    else if ( n == 0 )
        v->arch.hvm.vmcb->rax = val;
    else
        v->arch.hvm.vmcb->rsp = val;
}
