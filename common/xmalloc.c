/*
 * xmalloc: a slab allocator for small requests on top of the Xen heap.
 *
 * A slab is one page of equal power-of-two blocks, 16 bytes to 1 KiB, with
 * a header at the start of the page.  Blocks sit at multiples of their size
 * from the page start, so a block of 2^n bytes is 2^n-aligned, which is
 * how alignment up to 1 KiB is met.  A bitmap in the header says which
 * blocks are live, which lets xfree() catch double frees and pointers into
 * the middle of a block.  Requests above 1 KiB or with larger alignment
 * take whole pages, which are tracked in a hash of records so that they
 * can be checked and freed in the same way.  A slab page goes back to the
 * heap as soon as it is empty.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <asm/page.h>

#define MIN_SHIFT        4      /* 16-byte blocks */
#define MAX_SLAB_SHIFT   10     /* 1 KiB blocks: 3 per page after the header */
#define NR_CLASSES       (MAX_SLAB_SHIFT - MIN_SHIFT + 1)
#define BITS_PER_LONG    (8 * sizeof(long))
#define MAP_LONGS        ((PAGE_SIZE >> MIN_SHIFT) / BITS_PER_LONG)
#define SLAB_MAGIC       0x4b65656c536c6162UL   /* "KeelSlab" */
#define BIG_BUCKETS      64

struct slab {
    unsigned long check;            /* SLAB_MAGIC ^ address of the slab */
    struct slab *next, *prev;       /* on partial[] while a block is free */
    unsigned int shift;             /* blocks are 2^shift bytes */
    unsigned int nr_free;
    unsigned long live[MAP_LONGS];  /* set: block in use or under the header */
};

/* A whole-page allocation. */
struct big_alloc {
    struct big_alloc *next;
    void *va;
    unsigned int order;
};

static DEFINE_SPINLOCK(xmalloc_lock);
static struct slab *partial[NR_CLASSES];
static struct big_alloc *big_hash[BIG_BUCKETS];
static size_t used_bytes;

/* Tying the magic to the address rejects a stale copy of a header. */
static unsigned long slab_check(const struct slab *s)
{
    return SLAB_MAGIC ^ (unsigned long)s;
}

/* Index of the first block that the header leaves free. */
static unsigned int first_block(unsigned int shift)
{
    return (sizeof(struct slab) + (1UL << shift) - 1) >> shift;
}

static unsigned int blocks_per_slab(unsigned int shift)
{
    return PAGE_SIZE >> shift;
}

/* Blocks that a slab can hand out. */
static unsigned int slab_capacity(unsigned int shift)
{
    return blocks_per_slab(shift) - first_block(shift);
}

static bool test_live(const struct slab *s, unsigned int idx)
{
    return s->live[idx / BITS_PER_LONG] & (1UL << (idx % BITS_PER_LONG));
}

static void partial_add(struct slab *s)
{
    struct slab **head = &partial[s->shift - MIN_SHIFT];

    s->prev = NULL;
    s->next = *head;
    if ( s->next )
        s->next->prev = s;
    *head = s;
}

static void partial_del(struct slab *s)
{
    if ( s->prev )
        s->prev->next = s->next;
    else
        partial[s->shift - MIN_SHIFT] = s->next;
    if ( s->next )
        s->next->prev = s->prev;
}

static struct slab *slab_new(unsigned int shift)
{
    struct slab *s = alloc_xenheap_pages(0, 0);
    unsigned int i;

    if ( !s )
        return NULL;

    s->check = slab_check(s);
    s->shift = shift;
    s->nr_free = slab_capacity(shift);
    /* Mark everything live, then free the blocks that really exist. */
    memset(s->live, 0xff, sizeof(s->live));
    for ( i = first_block(shift); i < blocks_per_slab(shift); i++ )
        s->live[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
    partial_add(s);

    return s;
}

static void *slab_alloc(unsigned int shift)
{
    struct slab *s = partial[shift - MIN_SHIFT];
    unsigned int w, idx;

    if ( !s && !(s = slab_new(shift)) )
        return NULL;

    for ( w = 0; w < MAP_LONGS && !~s->live[w]; w++ )
        continue;
    /* A slab on partial[] has a free block, so a clear bit. */
    ASSERT(w < MAP_LONGS);
    idx = w * BITS_PER_LONG + __builtin_ctzl(~s->live[w]);
    s->live[w] |= 1UL << (idx % BITS_PER_LONG);

    if ( !--s->nr_free )
        partial_del(s);

    return (char *)s + ((size_t)idx << shift);
}

/* Free a slab block; returns its size, or 0 if p is not a live block. */
static size_t slab_free(void *p)
{
    struct slab *s = (struct slab *)((unsigned long)p & PAGE_MASK);
    unsigned long off = (unsigned long)p & ~PAGE_MASK;
    unsigned int shift, idx;

    if ( s->check != slab_check(s) )
        return 0;
    shift = s->shift;
    idx = off >> shift;
    if ( !IS_ALIGNED(off, 1UL << shift) || idx < first_block(shift) ||
         !test_live(s, idx) )
        return 0;

    s->live[idx / BITS_PER_LONG] &= ~(1UL << (idx % BITS_PER_LONG));
    if ( !s->nr_free++ )
        partial_add(s);
    if ( s->nr_free == slab_capacity(shift) )
    {
        partial_del(s);
        /* A stale pointer into the page must not pass for a slab later. */
        s->check = 0;
        free_xenheap_pages(s, 0);
    }

    return 1UL << shift;
}

/* Block shift for a slab request, which must be at most 1 KiB. */
static unsigned int slab_shift(size_t bytes)
{
    unsigned int shift = MIN_SHIFT;

    while ( (1UL << shift) < bytes )
        shift++;

    return shift;
}

static struct big_alloc **big_bucket(const void *va)
{
    return &big_hash[((unsigned long)va >> PAGE_SHIFT) % BIG_BUCKETS];
}

/* Smallest order whose block holds bytes; MAX_ORDER + 1 if none does. */
static unsigned int bytes_to_order(size_t bytes)
{
    unsigned int order = 0;

    while ( order <= MAX_ORDER && (PAGE_SIZE << order) < bytes )
        order++;

    return order;
}

/*
 * Blocks of 2^order frames are aligned to their size in machine and
 * therefore in direct-map addresses, so asking for at least align bytes
 * also gives that alignment.
 */
static void *big_alloc(size_t size, size_t align, size_t *block)
{
    unsigned int order = bytes_to_order(max(size, align));
    struct big_alloc *rec, **bucket;

    if ( order > MAX_ORDER )
        return NULL;

    rec = slab_alloc(slab_shift(sizeof(*rec)));
    if ( !rec )
        return NULL;

    rec->va = alloc_xenheap_pages(order, 0);
    if ( !rec->va )
    {
        slab_free(rec);
        return NULL;
    }

    rec->order = order;
    bucket = big_bucket(rec->va);
    rec->next = *bucket;
    *bucket = rec;
    *block = PAGE_SIZE << order;

    return rec->va;
}

/* Free a whole-page allocation; returns its size, or 0 if p is none. */
static size_t big_free(void *p)
{
    struct big_alloc **link, *rec;
    size_t bytes;

    for ( link = big_bucket(p); (rec = *link) != NULL; link = &rec->next )
        if ( rec->va == p )
            break;
    if ( !rec )
        return 0;

    *link = rec->next;
    bytes = PAGE_SIZE << rec->order;
    free_xenheap_pages(rec->va, rec->order);
    slab_free(rec);

    return bytes;
}

void *_xmalloc(size_t size, size_t align)
{
    size_t need = max(size, align), block = 0;
    unsigned long flags;
    void *p;

    /* Alignment must be a power of two; 0 means none. */
    BUG_ON(align & (align - 1));

    spin_lock_irqsave(&xmalloc_lock, flags);
    if ( need <= (1UL << MAX_SLAB_SHIFT) )
    {
        unsigned int shift = slab_shift(need);

        p = slab_alloc(shift);
        block = 1UL << shift;
    }
    else
        p = big_alloc(size, align, &block);
    if ( p )
        used_bytes += block;
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    return p;
}

void *_xzalloc(size_t size, size_t align)
{
    void *p = _xmalloc(size, align);

    if ( p )
        memset(p, 0, size);

    return p;
}

/* Slab blocks are never page-aligned (the header is there); big ones are. */
void xfree(void *p)
{
    unsigned long flags;
    size_t bytes;

    if ( !p )
        return;

    spin_lock_irqsave(&xmalloc_lock, flags);
    bytes = IS_ALIGNED((unsigned long)p, PAGE_SIZE) ? big_free(p)
                                                    : slab_free(p);
    used_bytes -= bytes;
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    /* Die outside the lock so that the crash path can still allocate. */
    BUG_ON(!bytes);
}

size_t xmalloc_used_bytes(void)
{
    return READ_ONCE(used_bytes);
}
