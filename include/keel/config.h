/*
 * Included first into every file of the hypervisor (-include).  Hidden
 * visibility lets -fpie code reach every global RIP-relatively without a GOT.
 */
#ifndef KEEL_CONFIG_H
#define KEEL_CONFIG_H

#ifndef __ASSEMBLER__
#pragma GCC visibility push(hidden)
#endif

#define KEEL_VERSION_MAJOR 4
#define KEEL_VERSION_MINOR 17
#define KEEL_EXTRAVERSION  "-keel"

#include <asm/config.h>

#endif /* KEEL_CONFIG_H */
