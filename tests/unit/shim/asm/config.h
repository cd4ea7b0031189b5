/* Host stand-in for Keel's layout header: only the CPU count common code uses. */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#define NR_CPUS 4

#endif /* ASM_CONFIG_H */
