/* Shared by the emulator's host test programs. */
#ifndef X86EMU_TEST_H
#define X86EMU_TEST_H

#include <keel/types.h>

extern int checks, failures;

bool check(bool ok, const char *what, const char *file, int line);
bool check_u64(uint64_t got, uint64_t want, const char *what,
               const char *file, int line);

#define CHECK(c)         check((c), #c, __FILE__, __LINE__)
#define CHECK_U64(g, w)  check_u64((g), (w), #g, __FILE__, __LINE__)

/* flags.c: results and flags of the ALU instructions against the host. */
void test_flags(void);

#endif /* X86EMU_TEST_H */
