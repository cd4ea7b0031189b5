/* hvm64 services: 4 KiB mappings, user mode (TSS, return gate), more vCPUs. */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

#define PT_POOL_PAGES 8
static uint64_t pt_pool[PT_POOL_PAGES][512] __page_aligned __section(".bss.page_aligned");
static unsigned int pt_pool_used;

/* The next level of a table entry, allocating it; NULL if a large page is there. */
static uint64_t *next_level(uint64_t *entry)
{
    if ( !(*entry & _PAGE_PRESENT) )
    {
        if ( pt_pool_used == PT_POOL_PAGES )
            return NULL;
        *entry = (unsigned long)pt_pool[pt_pool_used++] | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
    }
    else if ( *entry & _PAGE_PSE )
        return NULL;
    return (uint64_t *)(unsigned long)(*entry & PTE_ADDR_MASK);
}

int map_page(unsigned long va, uint64_t pa)
{
    uint64_t *t = pml4;

    if ( !(t = next_level(&t[l4_index(va)])) || !(t = next_level(&t[l3_index(va)])) ||
         !(t = next_level(&t[l2_index(va)])) )
        return -1;
    t[l1_index(va)] = (pa & PTE_ADDR_MASK) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
    asm volatile ("invlpg (%0)" :: "r" (va) : "memory");
    return 0;
}

/* --- user mode --- */
struct __attribute__((packed)) tss64 {
    uint32_t rsvd0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t rsvd1;
    uint64_t ist[7];
    uint64_t rsvd2;
    uint16_t rsvd3, iomap_base;
};
static struct tss64 tss __aligned(16);
extern uint64_t gdt[];
extern uint8_t kernel_entry_stack[];
void __noreturn exec_user_return(unsigned long result);

static void user_return(struct cpu_regs *regs)
{
    exec_user_return(regs->rdi);
}

/* Loads a TSS (ring-0 stack for user->kernel entries, no I/O bitmap) once. */
static void setup_user_mode(void)
{
    static bool done;
    unsigned long base = (unsigned long)&tss;

    if ( done )
        return;
    tss.rsp0 = (unsigned long)kernel_entry_stack + 8192;
    tss.iomap_base = sizeof(tss);           /* beyond the limit: no bitmap */
    gdt[GDT_TSS / 8] = (sizeof(tss) - 1) | ((base & 0xffffff) << 16) |
                       (0x89UL << 40) | (((base >> 24) & 0xff) << 56);
    gdt[GDT_TSS / 8 + 1] = base >> 32;
    asm volatile ("ltr %w0" :: "r" (GDT_TSS));
    irq_handlers[USER_RETURN_VECTOR] = user_return;
    idt_set_dpl(USER_RETURN_VECTOR, 3);
    done = true;
}

unsigned long exec_user_asm(unsigned long (*fn)(unsigned long), unsigned long arg);
unsigned long exec_user(unsigned long (*fn)(unsigned long), unsigned long arg)
{
    setup_user_mode();
    return exec_user_asm(fn, arg);
}

/* --- secondary vCPUs --- */
static uint8_t ap_stacks[MAX_VCPUS][8192] __page_aligned __section(".bss.page_aligned");
extern char ap_entry64[];
void __noreturn ap_start_of_day(unsigned int id, void (*fn)(unsigned int id));
void ap_start_of_day(unsigned int id, void (*fn)(unsigned int id))
{
    fn(id);
    for ( ;; )
        asm volatile ("cli; hlt");
}

long hvm_start_vcpu(unsigned int id, void (*fn)(unsigned int id))
{
    struct vcpu_hvm_context ctx;
    struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;
    long rc;

    if ( id == 0 || id >= MAX_VCPUS )
        return -EINVAL;
    memset(&ctx, 0, sizeof(ctx));
    ctx.mode = VCPU_HVM_MODE_64B;
    r->rip = (unsigned long)ap_entry64;
    r->rsp = (unsigned long)ap_stacks[id] + sizeof(ap_stacks[id]);
    r->rdi = id;
    r->rsi = (unsigned long)fn;
    r->rflags = X86_EFLAGS_MBS;
    r->cr0 = read_cr0();
    r->cr3 = read_cr3();
    r->cr4 = read_cr4();
    r->efer = rdmsr(MSR_EFER);
    rc = hypercall_vcpu_op(VCPUOP_initialise, id, &ctx);
    if ( rc )
        return rc;
    return hypercall_vcpu_op(VCPUOP_up, id, NULL);
}
