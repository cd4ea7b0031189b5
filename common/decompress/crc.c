/*
 * The CRCs of the xz and gzip formats.  Table-driven: CRC-32 four bytes
 * at a time ("slicing by 4", 4 KiB of tables), CRC-64 a byte at a time
 * (2 KiB); a 60 MB kernel is checked in one pass either way.  The tables
 * are built on first use rather than spelled out: building them takes
 * microseconds, and a second builder racing the first writes the same
 * values.
 */
#include <keel/decompress.h>

#define CRC32_POLY  0xedb88320U
#define CRC64_POLY  0xc96c5795d7870f42ULL

static uint32_t crc32_table[4][256];
static uint64_t crc64_table[256];
static bool crc32_ready, crc64_ready;

static void crc32_build(void)
{
    unsigned int i, k;

    for ( i = 0; i < 256; i++ )
    {
        uint32_t c = i;

        for ( k = 0; k < 8; k++ )
            c = (c >> 1) ^ (CRC32_POLY & -(c & 1));
        crc32_table[0][i] = c;
    }
    /* table[k][i]: the CRC of byte i followed by k zero bytes. */
    for ( k = 1; k < 4; k++ )
        for ( i = 0; i < 256; i++ )
        {
            uint32_t c = crc32_table[k - 1][i];

            crc32_table[k][i] = (c >> 8) ^ crc32_table[0][c & 0xff];
        }
    barrier();      /* the tables before the flag */
    WRITE_ONCE(crc32_ready, true);
}

static void crc64_build(void)
{
    unsigned int i, k;

    for ( i = 0; i < 256; i++ )
    {
        uint64_t c = i;

        for ( k = 0; k < 8; k++ )
            c = (c >> 1) ^ (CRC64_POLY & -(c & 1));
        crc64_table[i] = c;
    }
    barrier();
    WRITE_ONCE(crc64_ready, true);
}

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if ( !READ_ONCE(crc32_ready) )
        crc32_build();

    crc = ~crc;
    for ( ; len >= 4; len -= 4, p += 4 )
    {
        crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 |
               (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        crc = crc32_table[3][crc & 0xff] ^
              crc32_table[2][(crc >> 8) & 0xff] ^
              crc32_table[1][(crc >> 16) & 0xff] ^
              crc32_table[0][crc >> 24];
    }
    for ( ; len; len--, p++ )
        crc = (crc >> 8) ^ crc32_table[0][(crc ^ *p) & 0xff];

    return ~crc;
}

uint64_t crc64_ecma(uint64_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if ( !READ_ONCE(crc64_ready) )
        crc64_build();

    crc = ~crc;
    for ( ; len; len--, p++ )
        crc = (crc >> 8) ^ crc64_table[(crc ^ *p) & 0xff];

    return ~crc;
}
