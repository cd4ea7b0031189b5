/*
 * String port I/O: `rep outsb` to port 0xE9 prints a whole marker line
 * (more than one batch of Keel's: 100 bytes), `outsw` of one element to an
 * unclaimed port moves rsi by 2, `rep insb` from an unclaimed port fills memory with 0xff and
 * leaves rcx at 0 and rdi past the buffer, and with DF set `rep insb`
 * walks downwards.  Keel's platform, not Xen's (see the README).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "String port I/O (ins/outs, rep, DF)";

#define UNCLAIMED_PORT 0x2f0

static char line[101];
static uint8_t buf[300];

void test_main(void)
{
    unsigned long rcx, rsi, rdi;
    uint16_t word = 0x1234;

    for ( unsigned int i = 0; i < 99; i++ )
        line[i] = 'a' + i % 26;
    line[99] = '\n';
    rsi = (unsigned long)line;
    rcx = 100;
    asm volatile ("cld; rep outsb" : "+S" (rsi), "+c" (rcx) : "d" (0xe9) : "memory");
    check_eq("rcx after rep outsb", rcx, 0);
    check_eq("rsi after rep outsb", rsi, (unsigned long)line + 100);

    rsi = (unsigned long)&word;
    asm volatile ("outsw" : "+S" (rsi) : "d" (UNCLAIMED_PORT) : "memory");
    check_eq("rsi after outsw", rsi, (unsigned long)&word + 2);

    memset(buf, 0, sizeof(buf));
    rdi = (unsigned long)buf;
    rcx = 200;
    asm volatile ("cld; rep insb" : "+D" (rdi), "+c" (rcx) : "d" (UNCLAIMED_PORT) : "memory");
    check_eq("rcx after rep insb", rcx, 0);
    check_eq("rdi after rep insb", rdi, (unsigned long)buf + 200);
    check_eq("buf[0] after rep insb", buf[0], 0xff);
    check_eq("buf[199] after rep insb", buf[199], 0xff);
    check_eq("buf[200] untouched", buf[200], 0);

    memset(buf, 0, sizeof(buf));
    rdi = (unsigned long)&buf[299];
    rcx = 10;
    asm volatile ("std; rep insb; cld" : "+D" (rdi), "+c" (rcx) : "d" (UNCLAIMED_PORT) : "memory");
    check_eq("rdi after rep insb with DF", rdi, (unsigned long)&buf[289]);
    check_eq("buf[290] after rep insb with DF", buf[290], 0xff);
    check_eq("buf[289] untouched", buf[289], 0);
}
