/* Build identity, printed at boot and (later) returned by xen_version. */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

const char *keel_version_string(void);   /* "4.17-keel" */
const char *keel_compiler(void);
const char *keel_compile_date(void);

#endif /* KEEL_VERSION_H */
