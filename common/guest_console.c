/*
 * console_io: guests write to Keel's console.  dom0's text goes out as it
 * is (it owns the machine's console, as on Xen); other domains' lines get
 * a "(dN) " prefix.  Writes are taken in bounded chunks.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/console_input.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>

#define CHUNK 128

static void emit(const struct domain *d, const char *buf, size_t len)
{
    if ( d->domain_id == 0 )
        console_write(buf, len);
    else
        printk("(d%u) %.*s", d->domain_id, (int)len, buf);
}

static long console_write_from_guest(uint64_t buffer, unsigned long count)
{
    struct domain *d = current->domain;
    char buf[CHUNK];
    unsigned long done = 0;

    while ( done < count )
    {
        size_t n = min((unsigned long)CHUNK, count - done);

        if ( copy_from_guest(buf, buffer + done, n) )
            return -EFAULT;
        emit(d, buf, n);
        done += n;
    }
    return 0;
}

/* Only the domain that has the input reads it (Xen: the hardware domain). */
static long console_read_to_guest(uint64_t buffer, unsigned long count)
{
    char buf[CHUNK];
    size_t n;

    if ( current->domain->domain_id != 0 )
        return -EPERM;
    if ( count && !guest_range_ok(buffer, count) )
        return -EFAULT;
    n = console_input_read(buf, min((unsigned long)CHUNK, count));
    if ( n && copy_to_guest(buffer, buf, n) )
        return -EFAULT;
    return n;
}

long do_console_io(unsigned long cmd, unsigned long count, uint64_t buffer)
{
    if ( count > (1UL << 20) )
        return -E2BIG;
    switch ( cmd )
    {
    case CONSOLEIO_write:
        return console_write_from_guest(buffer, count);
    case CONSOLEIO_read:
        return console_read_to_guest(buffer, count);
    }
    return -ENOSYS;
}
