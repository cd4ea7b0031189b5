/*
 * kl console: relay between the terminal and the pty xenconsoled made for
 * the domain (its path in /local/domain/<id>/console/tty), as xl console
 * does; Ctrl-] (0x1d) leaves.  stdin need not be a terminal, so scripts
 * can feed a console; output is relayed until the domain goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "kl.h"

#define ESCAPE      0x1d        /* Ctrl-], xl's escape character */
#define TTY_WAIT_MS 10000       /* how long xenconsoled may take to make the pty */
#define POLL_MS     100

/*
 * The tty path once xenconsoled has written it, waiting as xl console -c
 * does.  Polled, not watched: in the static kl, libxenstore's watch thread
 * breaks the connection (every read after xs_watch fails, EINVAL then
 * EBADF), so kl uses no xenstore watches at all.
 */
static char *wait_tty(struct kl *kl, uint32_t domid)
{
    char path[64], *tty = NULL;
    unsigned int n;

    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", domid);
    for ( int waited = 0; waited <= TTY_WAIT_MS; waited += POLL_MS )
    {
        tty = xs_read(kl->xsh, XBT_NULL, path, &n);
        if ( tty && tty[0] )
            return tty;
        free(tty);
        if ( !kl_domain_exists(kl, domid, NULL) )
            break;
        usleep(POLL_MS * 1000);
    }
    return NULL;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while ( len )
    {
        ssize_t n = write(fd, buf, len);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            return -1;
        buf += n;
        len -= n;
    }
    return 0;
}

/* Copy both ways until Ctrl-], the pty closing, or the domain going. */
static void relay(struct kl *kl, uint32_t domid, int pty)
{
    struct pollfd p[2] = { { .fd = pty, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
    char buf[4096];

    for ( ;; )
    {
        int r = poll(p, 2, 1000);
        ssize_t n;

        if ( r < 0 && errno != EINTR )
            return;
        if ( r <= 0 )
        {
            if ( !kl_domain_exists(kl, domid, NULL) )
                return;
            continue;
        }
        if ( p[0].revents )
        {
            n = read(pty, buf, sizeof(buf));
            if ( n <= 0 || write_all(1, buf, n) )
                return;
        }
        if ( p[1].revents )
        {
            char *esc;

            n = read(0, buf, sizeof(buf));
            if ( n <= 0 )
            {
                p[1].fd = -1;       /* stdin ended: keep showing the guest's output */
                continue;
            }
            esc = memchr(buf, ESCAPE, n);
            if ( write_all(pty, buf, esc ? esc - buf : n) || esc )
                return;
        }
    }
}

int kl_console_relay(struct kl *kl, uint32_t domid)
{
    struct termios saved, raw;
    int pty, restore = 0;
    char *tty;

    if ( kl_xs_open(kl, 0) )
        return 1;
    if ( !(tty = wait_tty(kl, domid)) )
    {
        xc_domaininfo_t info;

        if ( !kl_domain_exists(kl, domid, &info) )
            fprintf(stderr, "kl: domain %u is gone\n", domid);
        else
            fprintf(stderr, "kl: domain %u has no console tty after %d s (%s)\n", domid,
                    TTY_WAIT_MS / 1000, info.flags & XEN_DOMINF_shutdown
                    ? "it has shut down" : "is xenconsoled running?");
        return 1;
    }
    pty = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if ( pty < 0 )
    {
        fprintf(stderr, "kl: cannot open %s: %s\n", tty, strerror(errno));
        free(tty);
        return 1;
    }
    free(tty);
    if ( !tcgetattr(pty, &raw) )
    {
        cfmakeraw(&raw);
        tcsetattr(pty, TCSANOW, &raw);
    }
    if ( isatty(0) && !tcgetattr(0, &saved) )
    {
        raw = saved;
        cfmakeraw(&raw);
        restore = !tcsetattr(0, TCSANOW, &raw);
    }
    relay(kl, domid, pty);
    if ( restore )
        tcsetattr(0, TCSANOW, &saved);
    close(pty);
    return 0;
}

int kl_cmd_console(struct kl *kl, const char *dom)
{
    uint32_t domid;

    if ( kl_resolve(kl, dom, &domid) )
        return 1;
    if ( domid == 0 )
    {
        fprintf(stderr, "kl: dom0's console is the hypervisor's serial line, not a pty\n");
        return 1;
    }
    return kl_console_relay(kl, domid);
}
