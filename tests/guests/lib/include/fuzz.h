/*
 * The hypercall fuzzer shared by pv_hypercall_fuzz (pv64) and
 * hvm_hypercall_fuzz (pvh, hvm64).  The library part is the random source
 * (a printed seed: a run can be replayed), the values biased towards
 * boundaries, the arena in which calls get their buffers, the counters and
 * the loop; each test supplies the generators of its environment and the
 * deny-list that keeps it from ending itself (struct fuzz_env).
 *
 * Safety rule of every generator: an address it hands to the hypervisor,
 * directly or inside a structure, comes from fuzz_addr(): the arena, or an
 * address whose use cannot touch the fuzzer's own code, data, stack or page
 * tables (unmapped, read-only, the hypervisor's area, non-canonical...).
 * Frame numbers that the hypervisor may free, write or type come from the
 * environment's own pickers, which never return a frame the fuzzer lives in.
 */
#ifndef GUEST_FUZZ_H
#define GUEST_FUZZ_H

#include "types.h"

/* A call as it will be made: up to 5 arguments. */
struct fuzz_call {
    unsigned long nr;
    unsigned long a[5];
};

/*
 * One hypercall the environment knows: gen fills c (c->nr preset to nr)
 * and returns false when the draw is on the deny-list (then it is counted
 * as denied and not made).
 */
struct fuzz_gen {
    unsigned long nr;
    const char *name;
    unsigned int weight;
    bool (*gen)(struct fuzz_call *c);
};

struct fuzz_env {
    const struct fuzz_gen *gens;
    unsigned int nr_gens;
    /* Numbers 0-63 without a generator that must not be called at all. */
    uint64_t denied_numbers;
    /* Run before and after every call: measure, restore what it may have changed. */
    void (*before)(const struct fuzz_call *c);
    void (*after)(const struct fuzz_call *c, long rc);
};

/* Random source: xorshift64*, seeded once. */
void fuzz_seed(uint64_t seed);
uint64_t fuzz_rand(void);
static inline uint64_t fuzz_below(uint64_t n)
{
    return n ? fuzz_rand() % n : 0;
}
static inline bool fuzz_chance(unsigned int percent)
{
    return fuzz_below(100) < percent;
}

/*
 * Values the fuzzer must never produce, because the hypervisor may take
 * any integer for an address and the fuzzer lives there (an HVM guest's
 * image at 1 MiB is writable): [lo, hi), also as the low 32 bits.  Values
 * that fall inside move just past it.
 */
void fuzz_forbid(uint64_t lo, uint64_t hi);

/* A boundary value (0, 1, 2^n +- 1, -1 ...), sometimes nudged by +-1. */
uint64_t fuzz_boundary(void);
/* An integer argument: small, boundary or random. */
uint64_t fuzz_int(void);
/* One of a table of known values (sub-op numbers), or now and then any. */
uint64_t fuzz_pick(const uint64_t *known, unsigned int nr);
#define FUZZ_PICK(a) fuzz_pick((a), ARRAY_SIZE(a))

/*
 * The arena: pages of the fuzzer's own, between read-only guard pages, that
 * the hypervisor may read and write at will.  fuzz_arena_reset() starts a
 * new call; fuzz_alloc(n) takes n bytes of it (zeroed, 8-byte aligned),
 * fuzz_buffer(n) n bytes filled with fuzz_fill().
 */
void fuzz_arena_init(void *base, size_t size);
void fuzz_arena_reset(void);
void *fuzz_alloc(size_t n);
void *fuzz_buffer(size_t n);
/* Random words: boundary values, fuzz_addr() values, random bits. */
void fuzz_fill(void *buf, size_t n);

/*
 * Addresses the environment declares harmless to pass (see above); readable
 * ones (read-only pages) are never used by fuzz_bad_addr().
 */
void fuzz_add_addr(uint64_t addr, bool readable);
/* Half of the time an arena buffer, else a declared address (+- a little). */
uint64_t fuzz_addr(void);
/*
 * A declared address that cannot be read, never the arena: for lists read
 * with a count the fuzzer did not build, so that neither random arena words
 * nor the fuzzer's own code are taken for frame numbers or calls.
 */
uint64_t fuzz_bad_addr(void);

/*
 * Start-of-day options "fuzz_seed=<n> fuzz_calls=<n> fuzz_trace=<n>" in a
 * command line; with fuzz_trace=N every call from the Nth on is printed
 * before it is made (to find the one that broke something).
 */
void fuzz_options(const char *cmdline, uint64_t *seed, unsigned long *calls);

/* Counters, by hypercall number (0-63; 64 = any other number). */
struct fuzz_stats {
    unsigned long calls, ok, errors, denied;
    unsigned long by_nr[65], ok_by_nr[65], denied_by_nr[65];
};
extern struct fuzz_stats fuzz_stats;

/* Make one call (stats, denial and the after hook included). */
long fuzz_make(const struct fuzz_env *env, struct fuzz_call *c);
/* Draw a call: a known number (by weight) most of the time, else any number. */
bool fuzz_draw(const struct fuzz_env *env, struct fuzz_call *c);
/* calls draws and calls, with a progress line every 10%. */
void fuzz_run(const struct fuzz_env *env, unsigned long calls);
void fuzz_report(const struct fuzz_env *env);

#endif /* GUEST_FUZZ_H */
