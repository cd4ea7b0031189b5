/*
 * Seeds of a fuzz target (the smoke driver mutates them; `smoke -w` writes
 * them as libFuzzer's seed corpus) and the byte values worth planting in
 * it.  Each target's seed file provides these.
 */
#ifndef PARSERS_SEEDS_H
#define PARSERS_SEEDS_H

#include <stddef.h>
#include <stdint.h>

/* Seed i in a new malloc'd buffer, its size in *size; NULL past the last. */
uint8_t *seed_make(unsigned int i, size_t *size);

/* Where mutations matter most (a header), as [start, end) offsets. */
void seed_hot_range(size_t *start, size_t *end);

/* Byte strings a mutation may insert or overwrite with (options, magics). */
extern const char *const seed_tokens[];
extern const unsigned int seed_nr_tokens;

#endif /* PARSERS_SEEDS_H */
