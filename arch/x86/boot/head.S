/*
 * Keel's first instructions.  GRUB2 (multiboot2) or a multiboot1 loader
 * such as `qemu -kernel` enters here in 32-bit protected mode with paging
 * off.  We check the CPU, build page tables that map the first 4 GiB
 * identity, in the direct map and (the image) in slot 261, switch to long
 * mode and call __start_keel() at its linked, high address.
 *
 * Until paging is on, code runs at the physical load address while the
 * symbols are linked high: sym_phys() converts.
 */
#include <asm/config.h>

#define sym_phys(s)        ((s) - KEEL_VIRT_START)

#define MB1_MAGIC          0x1badb002
#define MB1_FLAGS          0x00010003      /* page-align modules, mem info, a.out addresses */
#define MB1_BOOT_MAGIC     0x2badb002
#define MB2_MAGIC          0xe85250d6
#define MB2_ARCH_I386      0
#define MB2_BOOT_MAGIC     0x36d76289

#define PTE_P              0x001
#define PTE_RW             0x002
#define PTE_PSE            0x080
#define PDE_2M             (PTE_P | PTE_RW | PTE_PSE)
#define PTE_TABLE          (PTE_P | PTE_RW)

#define MSR_EFER           0xc0000080
#define EFER_LME           (1 << 8)
#define EFER_NXE           (1 << 11)
#define CR0_PE             (1 << 0)
#define CR0_WP             (1 << 16)
#define CR0_PG             (1 << 31)
#define CR4_PAE            (1 << 5)

#define COM1               0x3f8

        .section .text.head, "ax", @progbits
        .code32

/* ---- multiboot1 header: must be in the first 8 KiB, 4-byte aligned ---- */
        .balign 4
mb1_header:
        .long   MB1_MAGIC                       /* magic */
        .long   MB1_FLAGS                       /* flags */
        .long   -(MB1_MAGIC + MB1_FLAGS)        /* checksum: the three sum to 0 */
        .long   sym_phys(mb1_header)            /* header_addr */
        .long   sym_phys(__image_start)         /* load_addr: start of .text */
        .long   sym_phys(__load_end)            /* load_end_addr: end of .data */
        .long   sym_phys(__bss_end)             /* bss_end_addr: loader zeroes .bss */
        .long   sym_phys(start32)               /* entry_addr */

/* ---- multiboot2 header: must be in the first 32 KiB, 8-byte aligned ---- */
        .balign 8
mb2_header:
        .long   MB2_MAGIC                       /* magic */
        .long   MB2_ARCH_I386                   /* architecture: 32-bit protected mode */
        .long   mb2_header_end - mb2_header     /* header_length */
        .long   -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        .balign 8
        .short  2, 0                            /* address tag, required */
        .long   24                              /* tag size */
        .long   sym_phys(mb2_header)            /* header_addr */
        .long   sym_phys(__image_start)         /* load_addr */
        .long   sym_phys(__load_end)            /* load_end_addr */
        .long   sym_phys(__bss_end)             /* bss_end_addr */
        .balign 8
        .short  3, 0                            /* entry address tag, required */
        .long   12                              /* tag size */
        .long   sym_phys(start32)               /* entry_addr */
        .balign 8
        .short  6, 1                            /* module alignment tag, optional */
        .long   8                               /* modules page aligned */
        .balign 8
        .short  0, 0                            /* end tag */
        .long   8
mb2_header_end:

/* ---- 32-bit entry: eax = boot magic, ebx = physical address of boot info ---- */
        .globl  start32
start32:
        cli                                     /* no IDT yet: stay deaf */
        cld                                     /* C and string ops assume DF=0 */
        lgdt    sym_phys(boot_gdtr32)           /* our own GDT, the loader's is unknown */
        ljmp    $BOOT_CS32, $sym_phys(1f)       /* reload CS from our GDT */
1:      mov     $BOOT_DS, %ecx
        mov     %ecx, %ds                       /* flat data segments */
        mov     %ecx, %es
        mov     %ecx, %ss
        xor     %ecx, %ecx
        mov     %ecx, %fs                       /* fs/gs unused until per-CPU setup */
        mov     %ecx, %gs
        mov     $sym_phys(boot_stack) + STACK_SIZE - CPU_INFO_SIZE, %esp
        mov     %eax, sym_phys(boot_magic)      /* keep for __start_keel() */
        mov     %ebx, sym_phys(boot_info_pa)

        /* The CPU must have CPUID leaf 0x80000001. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        mov     $sym_phys(msg_no_lm), %esi
        jb      boot_fail

        /* Long mode (EDX bit 29) and NX (EDX bit 20) are mandatory. */
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     boot_fail                       /* esi still names long mode */
        mov     $sym_phys(msg_no_nx), %esi
        bt      $20, %edx
        jnc     boot_fail

        /* A local APIC (leaf 1 EDX bit 9) is mandatory. */
        mov     $1, %eax
        cpuid
        mov     $sym_phys(msg_no_apic), %esi
        bt      $9, %edx
        jnc     boot_fail

        /* Identity map of 0..4 GiB with 2 MiB pages: 2048 L2 entries. */
        mov     $sym_phys(l2_boot), %edi
        xor     %ecx, %ecx                      /* ecx = index of the 2 MiB page */
2:      mov     %ecx, %eax
        shl     $21, %eax                       /* low half of the address */
        or      $PDE_2M, %eax
        mov     %eax, (%edi,%ecx,8)
        mov     %ecx, %eax
        shr     $11, %eax                       /* high half: index / 2048 */
        mov     %eax, 4(%edi,%ecx,8)
        inc     %ecx
        cmp     $2048, %ecx
        jne     2b

        /* The L3 points at the four L2 pages: one GiB each. */
        mov     $sym_phys(l3_boot), %edi
        mov     $sym_phys(l2_boot) + PTE_TABLE, %eax
        mov     %eax, 0(%edi)
        add     $4096, %eax
        mov     %eax, 8(%edi)
        add     $4096, %eax
        mov     %eax, 16(%edi)
        add     $4096, %eax
        mov     %eax, 24(%edi)

        /* One L3 serves the identity map, the image and the direct map. */
        mov     $sym_phys(idle_pg_table), %edi
        mov     $sym_phys(l3_boot) + PTE_TABLE, %eax
        mov     %eax, 0(%edi)                   /* slot 0: identity, for the switch and APs */
        mov     %eax, 261*8(%edi)               /* slot 261: KEEL_VIRT_START + phys */
        mov     %eax, 264*8(%edi)               /* slot 264: DIRECTMAP_VIRT_START + phys */

        /* Enter long mode: PAE, page tables, EFER.LME/NXE, then paging. */
        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     %edi, %cr3                      /* edi = idle_pg_table */
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $(EFER_LME | EFER_NXE), %eax
        wrmsr
        mov     %cr0, %eax
        or      $(CR0_PG | CR0_WP | CR0_PE), %eax
        mov     %eax, %cr0                      /* now in compatibility mode */
        ljmp    $BOOT_CS64, $sym_phys(start64)  /* a 64-bit CS makes it long mode */

/* esi = physical address of a NUL-terminated message; print it and stop. */
boot_fail:
        mov     $sym_phys(msg_prefix), %ebx
        call    puts32
        mov     %esi, %ebx
        call    puts32
3:      hlt                                     /* nothing else can be done */
        jmp     3b

/* Print the string at ebx to COM1 (polled) and to the VGA text screen. */
puts32:
        mov     sym_phys(vga_cursor), %edi
4:      movzbl  (%ebx), %eax
        test    %al, %al
        jz      6f
        mov     $COM1 + 5, %dx                  /* line status register */
5:      push    %eax
        in      %dx, %al
        test    $0x20, %al                      /* transmit holding register empty? */
        pop     %eax
        jz      5b
        mov     $COM1, %dx
        out     %al, %dx
        mov     $0x4f, %ah                      /* white on red */
        mov     %ax, (%edi)
        add     $2, %edi
        inc     %ebx
        jmp     4b
6:      mov     %edi, sym_phys(vga_cursor)
        ret

        .code64
start64:
        movabs  $start64_high, %rax             /* leave the identity map */
        jmp     *%rax
start64_high:
        lgdt    boot_gdtr64(%rip)               /* same GDT, now at its high address */
        mov     $BOOT_DS, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        mov     %ecx, %ss
        lea     boot_stack + STACK_SIZE - CPU_INFO_SIZE(%rip), %rsp
        xor     %ebp, %ebp                      /* terminates backtraces */
        mov     boot_info_pa(%rip), %esi        /* arg 2: boot info physical address */
        mov     boot_magic(%rip), %edi          /* arg 1: multiboot magic */
        call    __start_keel
7:      hlt                                     /* __start_keel() never returns */
        jmp     7b

        .section .rodata.head, "a", @progbits
msg_prefix:     .asciz "Keel cannot start: "
msg_no_lm:      .asciz "this CPU has no 64-bit long mode\r\n"
msg_no_nx:      .asciz "this CPU has no NX (no-execute) support\r\n"
msg_no_apic:    .asciz "this CPU has no local APIC\r\n"

        .data
        .balign 8
        .globl  boot_gdt
boot_gdt:
        .quad   0                               /* null */
        .quad   0x00af9a000000ffff              /* 0x08: 64-bit code, DPL 0 */
        .quad   0x00cf92000000ffff              /* 0x10: flat data, DPL 0 */
        .quad   0x00cf9a000000ffff              /* 0x18: flat 32-bit code, DPL 0 */
boot_gdt_end:
boot_gdtr32:
        .short  boot_gdt_end - boot_gdt - 1
        .long   sym_phys(boot_gdt)
        .balign 8
        .short  0
        .globl  boot_gdtr64
boot_gdtr64:
        .short  boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt
        .globl  boot_magic, boot_info_pa
boot_magic:     .long 0
boot_info_pa:   .long 0
vga_cursor:     .long 0xb8000

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl  idle_pg_table, l3_boot, l2_boot
idle_pg_table:  .skip 4096                      /* L4 of the idle/boot page tables */
l3_boot:        .skip 4096
l2_boot:        .skip 4 * 4096

        .section .bss.stack_aligned, "aw", @nobits
        .balign STACK_SIZE
        .globl  boot_stack
boot_stack:     .skip STACK_SIZE
