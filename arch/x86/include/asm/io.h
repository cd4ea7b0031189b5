/* x86 port I/O and MMIO accessors. */
#ifndef ASM_IO_H
#define ASM_IO_H

#include <keel/types.h>

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ __volatile__("inb %1, %0" : "=a" (v) : "Nd" (port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    __asm__ __volatile__("inw %1, %0" : "=a" (v) : "Nd" (port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ __volatile__("inl %1, %0" : "=a" (v) : "Nd" (port));
    return v;
}

static inline void outb(uint8_t v, uint16_t port)
{
    __asm__ __volatile__("outb %0, %1" :: "a" (v), "Nd" (port));
}

static inline void outw(uint16_t v, uint16_t port)
{
    __asm__ __volatile__("outw %0, %1" :: "a" (v), "Nd" (port));
}

static inline void outl(uint32_t v, uint16_t port)
{
    __asm__ __volatile__("outl %0, %1" :: "a" (v), "Nd" (port));
}

static inline uint32_t readl(const volatile void *addr)
{
    return *(const volatile uint32_t *)addr;
}

static inline void writel(uint32_t v, volatile void *addr)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint64_t readq(const volatile void *addr)
{
    return *(const volatile uint64_t *)addr;
}

static inline void writeq(uint64_t v, volatile void *addr)
{
    *(volatile uint64_t *)addr = v;
}

/* Ports Keel keeps for itself (its UART, the PICs, the PIT): never a guest's. */
bool ioport_is_keels(unsigned int port, unsigned int bytes);

#endif /* ASM_IO_H */
