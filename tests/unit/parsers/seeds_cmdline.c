/* Seeds for fuzz_cmdline: command lines as boot loaders and users write them. */
#include "seeds.h"

#include <stdlib.h>
#include <string.h>

static const char *const lines[] = {
    "",
    "flag",
    "no-flag count=10 big=0x10000000000 mem=512M s8=abcdefg smax=x",
    "count=4294967295 count=4294967296 big=18446744073709551615 big=0x1ffffffffffffffff",
    "mem=1T mem=17179869184G mem=K mem=12Q mem=0x10k cb cb= cb=x",
    "  flag=yes\tflag=off\nflag=enable\r\rflag=maybe no-flag=1 ",
    "s1= s1=a s8=abcdefgh unknown=1 =x = == flag==1",
    "count=010 count=09 count=0x count=0X1F count=-1 count=+1",
    "console=com1,vga com1=115200,8n1 loglvl=all noreboot dom0_mem=64M",
};

const char *const seed_tokens[] = {
    " ", "\t", "=", "==", "no-", "flag", "count", "big", "mem", "s1", "s8",
    "smax", "cb", "0x", "0", "1", "9", "f", "ffffffffffffffff", "4294967296",
    "K", "M", "G", "T", "B", "yes", "no", "on", "off", "true", "disable",
};
const unsigned int seed_nr_tokens = sizeof(seed_tokens) / sizeof(seed_tokens[0]);

uint8_t *seed_make(unsigned int i, size_t *size)
{
    const unsigned int nr = sizeof(lines) / sizeof(lines[0]);
    uint8_t *buf;

    if ( i < nr )
    {
        *size = strlen(lines[i]);
        buf = malloc(*size + 1);
        memcpy(buf, lines[i], *size + 1);
        return buf;
    }
    if ( i == nr )              /* one option just over CMDLINE_MAX_OPT */
    {
        *size = 4 + 260;
        buf = malloc(*size);
        memcpy(buf, "smax=", 5);
        memset(buf + 5, 'a', *size - 5);
        return buf;
    }
    return NULL;
}

void seed_hot_range(size_t *start, size_t *end)
{
    *start = 0;
    *end = 64;
}
