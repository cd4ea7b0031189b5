/* pvh/hvm64 constants shared by C and assembly. */
#ifndef GUEST_HVM_LAYOUT_H
#define GUEST_HVM_LAYOUT_H

/* GDT selectors. */
#define GDT_CS       0x08       /* pvh: flat 32-bit code; hvm64: 64-bit code */
#define GDT_DS       0x10
#define GDT_CS32     0x18       /* hvm64: 32-bit code, used on the way to long mode */
#define GDT_USER_DS  0x23       /* hvm64 user data (DPL 3) */
#define GDT_USER_CS  0x2b       /* hvm64 user 64-bit code (DPL 3) */
#define GDT_TSS      0x30       /* hvm64 TSS (16-byte descriptor) */

#define USER_RETURN_VECTOR 0x81
#define MAX_VCPUS 4

#endif /* GUEST_HVM_LAYOUT_H */
