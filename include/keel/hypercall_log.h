/*
 * What a guest asked for that Keel does not implement: each hypercall
 * number and sub-operation answered -ENOSYS is logged once per domain (at
 * guest_loglvl warning) and counted, so that a new guest's first failure
 * names itself; the 'n' debug key prints the counts.
 */
#ifndef KEEL_HYPERCALL_LOG_H
#define KEEL_HYPERCALL_LOG_H

struct domain;

/* After a hypercall answered -ENOSYS: nr and its first argument (the sub-op). */
void hypercall_note_enosys(struct domain *d, unsigned long nr, unsigned long cmd);
/* At domain destruction. */
void hypercall_log_free(struct domain *d);
void hypercall_log_keyhandler_init(void);

#endif /* KEEL_HYPERCALL_LOG_H */
