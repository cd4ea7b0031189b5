/* Host stand-in: the "current CPU" is a variable the test sets. */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

extern unsigned int unit_cpu;
#define smp_processor_id() (unit_cpu)

#endif /* ASM_CURRENT_H */
