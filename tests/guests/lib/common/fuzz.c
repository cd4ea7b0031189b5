/* The hypercall fuzzer's engine (fuzz.h): random values, arena, loop, counters. */
#include "fuzz.h"
#include "console.h"
#include "hypercall.h"
#include "report.h"
#include "string.h"

struct fuzz_stats fuzz_stats;

static uint64_t state = 0x853c49e6748fea9bULL;

void fuzz_seed(uint64_t seed)
{
    state = seed ? seed : 0x853c49e6748fea9bULL;
}

uint64_t fuzz_rand(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dULL;
}

#define MAX_FORBIDDEN 4
static uint64_t forbid_lo[MAX_FORBIDDEN], forbid_hi[MAX_FORBIDDEN];
static unsigned int nr_forbidden;

void fuzz_forbid(uint64_t lo, uint64_t hi)
{
    if ( nr_forbidden < MAX_FORBIDDEN )
    {
        forbid_lo[nr_forbidden] = lo;
        forbid_hi[nr_forbidden++] = hi;
    }
}

static uint64_t allowed(uint64_t v)
{
    for ( unsigned int i = 0; i < nr_forbidden; i++ )
    {
        if ( v >= forbid_lo[i] && v < forbid_hi[i] )
            v = forbid_hi[i] + (v - forbid_lo[i]) % 4096;
        if ( (uint32_t)v >= forbid_lo[i] && (uint32_t)v < forbid_hi[i] )
            v = (v & ~0xffffffffULL) | (uint32_t)(forbid_hi[i] + ((uint32_t)v - forbid_lo[i]) % 4096);
    }
    return v;
}

static const uint64_t boundaries[] = {
    0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511,
    512, 1023, 1024, 4095, 4096, 0x7fff, 0x8000, 0xffff, 0x10000, 0xfffff,
    0x100000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
    0xfffffffffULL, 0x1000000000ULL, 0x7fffffffffffffffULL,
    0x8000000000000000ULL, 0xfffffffffffff000ULL, 0xffffffffffffffffULL,
};

uint64_t fuzz_boundary(void)
{
    uint64_t v = boundaries[fuzz_below(ARRAY_SIZE(boundaries))];

    switch ( fuzz_below(8) )
    {
    case 0:
        return allowed(v + 1);
    case 1:
        return allowed(v - 1);
    default:
        return allowed(v);
    }
}

uint64_t fuzz_int(void)
{
    switch ( fuzz_below(4) )
    {
    case 0:
        return fuzz_below(16);
    case 1:
    case 2:
        return fuzz_boundary();
    default:
        return allowed(fuzz_rand());
    }
}

uint64_t fuzz_pick(const uint64_t *known, unsigned int nr)
{
    return fuzz_chance(90) ? known[fuzz_below(nr)] : fuzz_int();
}

/* --- the arena --- */
static uint8_t *arena;
static size_t arena_size, arena_used;

void fuzz_arena_init(void *base, size_t size)
{
    arena = base;
    arena_size = size;
    arena_used = 0;
}

void fuzz_arena_reset(void)
{
    arena_used = 0;
}

/* Past the end: the last bytes again (the caller's own data then overlaps). */
void *fuzz_alloc(size_t n)
{
    uint8_t *p;

    n = (n + 7) & ~(size_t)7;
    if ( n > arena_size )
        n = arena_size;
    if ( arena_used + n > arena_size )
        arena_used = arena_size - n;
    p = arena + arena_used;
    arena_used += n;
    memset(p, 0, n);
    return p;
}

void *fuzz_buffer(size_t n)
{
    void *p = fuzz_alloc(n);

    fuzz_fill(p, n);
    return p;
}

/* --- declared addresses --- */
#define MAX_ADDRS 64
static uint64_t addrs[MAX_ADDRS];
static bool readable[MAX_ADDRS];
static unsigned int nr_addrs, nr_unreadable;

void fuzz_add_addr(uint64_t addr, bool can_read)
{
    if ( nr_addrs == MAX_ADDRS )
        return;
    readable[nr_addrs] = can_read;
    addrs[nr_addrs++] = addr;
    nr_unreadable += !can_read;
}

/* A declared address, +- a little (an unreadable one stays unreadable). */
static uint64_t declared(bool any)
{
    unsigned int n = fuzz_below(any ? nr_addrs : nr_unreadable), i;
    uint64_t a;

    for ( i = 0; i < nr_addrs; i++ )
        if ( (any || !readable[i]) && n-- == 0 )
            break;
    a = addrs[i];
    if ( !any )
        return a + fuzz_below(4096);

    switch ( fuzz_below(4) )
    {
    case 0:
        return a + fuzz_below(4096);
    case 1:
        return a - 1 - fuzz_below(8);
    default:
        return a;
    }
}

uint64_t fuzz_bad_addr(void)
{
    return nr_unreadable ? declared(false) : 0;
}

uint64_t fuzz_addr(void)
{
    if ( !nr_addrs || fuzz_chance(50) )
    {
        /* Inside the arena, often at its very end (a straddle into the guard). */
        size_t off = fuzz_chance(20) ? arena_size - 1 - fuzz_below(16)
                                     : fuzz_below(arena_size);

        return (unsigned long)(arena + off);
    }
    return declared(true);
}

void fuzz_fill(void *buf, size_t n)
{
    uint8_t *p = buf;

    for ( size_t i = 0; i + 8 <= n; i += 8 )
    {
        uint64_t v;

        switch ( fuzz_below(8) )
        {
        case 0:
        case 1:
            v = 0;
            break;
        case 2:
            v = fuzz_below(16);
            break;
        case 3:
        case 4:
            v = fuzz_boundary();
            break;
        case 5:
            v = fuzz_addr();
            break;
        default:
            v = allowed(fuzz_rand());
            break;
        }
        memcpy(p + i, &v, 8);
    }
    for ( size_t i = n & ~(size_t)7; i < n; i++ )
        p[i] = fuzz_rand();
}

/* --- options --- */
static bool option(const char *cmdline, const char *name, uint64_t *val)
{
    const char *p = strstr(cmdline, name);
    uint64_t v = 0;
    bool any = false;

    if ( !p )
        return false;
    for ( p += strlen(name); *p >= '0' && *p <= '9'; p++, any = true )
        v = v * 10 + (uint64_t)(*p - '0');
    if ( any )
        *val = v;
    return any;
}

static unsigned long trace_from = ~0UL;

void fuzz_options(const char *cmdline, uint64_t *seed, unsigned long *calls)
{
    uint64_t v;

    if ( !cmdline )
        return;
    option(cmdline, "fuzz_seed=", seed);
    if ( option(cmdline, "fuzz_calls=", &v) )
        *calls = v;
    if ( option(cmdline, "fuzz_trace=", &v) )
        trace_from = v;
}

/* --- the loop --- */
static unsigned int slot(unsigned long nr)
{
    return nr < 64 ? nr : 64;
}

long fuzz_make(const struct fuzz_env *env, struct fuzz_call *c)
{
    unsigned int s = slot(c->nr);
    long rc;

    fuzz_stats.calls++;
    fuzz_stats.by_nr[s]++;
    if ( fuzz_stats.calls >= trace_from )
        printk("fuzz: call %lu: %lu(%#lx, %#lx, %#lx, %#lx, %#lx)\n", fuzz_stats.calls,
               c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
    if ( env->before )
        env->before(c);
    rc = hypercall5(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
    if ( rc >= 0 )
    {
        fuzz_stats.ok++;
        fuzz_stats.ok_by_nr[s]++;
    }
    else
        fuzz_stats.errors++;
    if ( fuzz_stats.calls >= trace_from )
        printk("fuzz: call %lu: = %ld\n", fuzz_stats.calls, rc);
    if ( env->after )
        env->after(c, rc);
    return rc;
}

static const struct fuzz_gen *gen_for(const struct fuzz_env *env, unsigned long nr)
{
    for ( unsigned int i = 0; i < env->nr_gens; i++ )
        if ( env->gens[i].nr == nr )
            return &env->gens[i];
    return NULL;
}

static void deny(unsigned long nr)
{
    fuzz_stats.denied++;
    fuzz_stats.denied_by_nr[slot(nr)]++;
}

bool fuzz_draw(const struct fuzz_env *env, struct fuzz_call *c)
{
    const struct fuzz_gen *g = NULL;
    unsigned int total = 0, pick;

    memset(c, 0, sizeof(*c));
    if ( fuzz_chance(10) )
    {
        /* Any number: 0-63 takes its generator; a wide one must not alias one. */
        c->nr = fuzz_chance(70) ? fuzz_below(64) : fuzz_int();
        if ( c->nr < 64 && (env->denied_numbers & (1ULL << c->nr)) )
        {
            deny(c->nr);
            return false;
        }
        g = gen_for(env, c->nr);
        if ( !g && (uint32_t)c->nr < 64 && c->nr >= 64 )
            c->nr += 64;
        if ( !g )
        {
            for ( unsigned int i = 0; i < 5; i++ )
                c->a[i] = fuzz_chance(50) ? fuzz_addr() : fuzz_int();
            return true;
        }
    }
    else
    {
        for ( unsigned int i = 0; i < env->nr_gens; i++ )
            total += env->gens[i].weight;
        pick = fuzz_below(total);
        for ( unsigned int i = 0; i < env->nr_gens; i++ )
        {
            if ( pick < env->gens[i].weight )
            {
                g = &env->gens[i];
                break;
            }
            pick -= env->gens[i].weight;
        }
        c->nr = g->nr;
    }
    if ( !g->gen(c) )
    {
        deny(c->nr);
        return false;
    }
    return true;
}

void fuzz_run(const struct fuzz_env *env, unsigned long calls)
{
    unsigned long step = calls >= 10 ? calls / 10 : 1;

    for ( unsigned long i = 1; i <= calls; i++ )
    {
        struct fuzz_call c;

        fuzz_arena_reset();
        if ( fuzz_draw(env, &c) )
            fuzz_make(env, &c);
        if ( i % step == 0 )
            printk("fuzz: %lu/%lu calls, %lu succeeded, %lu refused, %lu denied\n",
                   i, calls, fuzz_stats.ok, fuzz_stats.errors, fuzz_stats.denied);
    }
}

void fuzz_report(const struct fuzz_env *env)
{
    printk("fuzz: per hypercall (calls/succeeded/denied):\n");
    for ( unsigned int s = 0; s <= 64; s++ )
    {
        const struct fuzz_gen *g = s < 64 ? gen_for(env, s) : NULL;

        if ( !fuzz_stats.by_nr[s] && !fuzz_stats.denied_by_nr[s] )
            continue;
        printk("  %2u %-22s %6lu %6lu %6lu\n", s,
               g ? g->name : s < 64 ? "(no generator)" : "(number >= 64)",
               fuzz_stats.by_nr[s], fuzz_stats.ok_by_nr[s], fuzz_stats.denied_by_nr[s]);
    }
}
