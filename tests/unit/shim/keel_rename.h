/*
 * Forced into every host unit-test compile.  Keel's functions that share a
 * name with the C library get a keel_ prefix, so that the tests call
 * Keel's code and never libc's (or the sanitizers' interceptors).
 */
#ifndef UNIT_KEEL_RENAME_H
#define UNIT_KEEL_RENAME_H

#define memcpy      keel_memcpy
#define memmove     keel_memmove
#define memset      keel_memset
#define memcmp      keel_memcmp
#define strlen      keel_strlen
#define strnlen     keel_strnlen
#define strcmp      keel_strcmp
#define strncmp     keel_strncmp
#define strchr      keel_strchr
#define strrchr     keel_strrchr
#define strstr      keel_strstr
#define strlcpy     keel_strlcpy
#define vsnprintf   keel_vsnprintf
#define snprintf    keel_snprintf
#define vscnprintf  keel_vscnprintf
#define scnprintf   keel_scnprintf

#endif /* UNIT_KEEL_RENAME_H */
