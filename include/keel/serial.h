/* Polled 16550 UART used for Keel's own console. */
#ifndef KEEL_SERIAL_H
#define KEEL_SERIAL_H

#include <keel/types.h>

struct serial_config {
    uint16_t io_base;
    uint32_t baud;
    uint8_t data_bits;     /* 5..8 */
    char parity;           /* 'n', 'o', 'e' */
    uint8_t stop_bits;     /* 1 or 2 */
};

/* Parse Xen's `com1=<baud>[,<data><parity><stop>[,<io-base>]]`; 0 or -EINVAL. */
int serial_parse_config(const char *s, struct serial_config *cfg);
void ns16550_init(const struct serial_config *cfg);
void ns16550_putc(char c);
/* Transmit without waiting: how many bytes THR/FIFO take now, and one byte. */
size_t ns16550_tx_room(void);
void ns16550_tx_byte(char c);
/* Returns a received byte or -1 when none is waiting. */
int ns16550_getc(void);
bool ns16550_present(void);

#endif /* KEEL_SERIAL_H */
