/*
 * kl's commands, shared between kl.c (list, info, dmesg, pause, destroy,
 * shutdown, vcpu-list), create.c and console.c.
 */
#ifndef KL_KL_H
#define KL_KL_H

#include <stdint.h>
#include <xenctrl.h>
#include <xenstore.h>

/* What a command reaches the hypervisor and xenstored through. */
struct kl {
    xc_interface *xch;
    struct xs_handle *xsh;      /* NULL until kl_xs_open */
};

/* Open libxenctrl (/dev/xen/privcmd); 0, or -1 with the reason printed. */
int kl_open_xc(struct kl *kl);

/*
 * Connect to xenstored through its socket only: Debian's 4.17 xs_open
 * ignores XS_OPEN_SOCKETONLY and falls back to /dev/xen/xenbus, which in a
 * dom0 without xenstored hangs on the first request.  0, or -1 with the
 * reason printed unless quiet.
 */
int kl_xs_open(struct kl *kl, int quiet);

/* A domain named by id or by its xenstore name: 0 and *domid, or -1 (said why). */
int kl_resolve(struct kl *kl, const char *arg, uint32_t *domid);

/* The domain's name from xenstore, else xl's fallback; out has len bytes. */
void kl_name_of(struct kl *kl, uint32_t domid, char *out, size_t len);

/* Destroy the domain and remove what kl wrote for it (xenstore, loop devices). */
int kl_destroy_domain(struct kl *kl, uint32_t domid);

/* Whether the domain exists (getdomaininfo answered for exactly this id). */
int kl_domain_exists(struct kl *kl, uint32_t domid, xc_domaininfo_t *info);

/* Detach a loop device kl attached (deferred by the kernel while blkback holds it). */
void kl_loop_detach(const char *dev);

int kl_cmd_create(struct kl *kl, int argc, char **argv);
int kl_cmd_console(struct kl *kl, const char *dom);
int kl_console_relay(struct kl *kl, uint32_t domid);

#endif /* KL_KL_H */
