/* printk: formatted, levelled, time-stamped console output. */
#ifndef KEEL_PRINTK_H
#define KEEL_PRINTK_H

#include <keel/types.h>
#include <keel/compiler.h>

/* A message may start with one of these; without one it is KLOG_INFO. */
#define KLOG_ERR      "<0>"
#define KLOG_WARNING  "<1>"
#define KLOG_INFO     "<2>"
#define KLOG_DEBUG    "<3>"
/* Messages a guest caused, filtered by `guest_loglvl=` instead (as on Xen). */
#define KLOG_G_ERR     "<4>"
#define KLOG_G_WARNING "<5>"
#define KLOG_G_INFO    "<6>"
#define KLOG_G_DEBUG   "<7>"

enum log_level { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_NONE = -1 };

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list args);
/* Parse `loglvl=` (none|error|warning|info|debug|all): 0 or -EINVAL. */
int printk_set_loglvl(const char *s);
/* Parse `guest_loglvl=`, the same names, for the KLOG_G_* messages. */
int printk_set_guest_loglvl(const char *s);
/* Panic path: print everything, whatever loglvl says. */
void printk_force_all(void);

#define dprintk(fmt, ...) printk(KLOG_DEBUG fmt, ##__VA_ARGS__)

#endif /* KEEL_PRINTK_H */
