/*
 * Keel's own dynamic memory, carved from Xen-heap pages.  Allocations are
 * not zeroed unless an xzalloc form is used.
 */
#ifndef KEEL_XMALLOC_H
#define KEEL_XMALLOC_H

#include <keel/types.h>

/*
 * size bytes aligned to align (a power of two; 0 means no constraint), or
 * NULL.  Any alignment the heap can provide is honoured, PAGE_SIZE and
 * beyond included.
 */
void *_xmalloc(size_t size, size_t align);
void *_xzalloc(size_t size, size_t align);
/* NULL is a no-op; anything not live from _xmalloc() is a BUG(). */
void xfree(void *p);
/* Bytes currently handed out, counting each allocation at its block size. */
size_t xmalloc_used_bytes(void);

static inline void *_xmalloc_array(size_t size, size_t align, size_t n)
{
    /* size * n would wrap round to a small, successful allocation. */
    if ( n && size > SIZE_MAX / n )
        return NULL;
    return _xmalloc(size * n, align);
}

static inline void *_xzalloc_array(size_t size, size_t align, size_t n)
{
    if ( n && size > SIZE_MAX / n )
        return NULL;
    return _xzalloc(size * n, align);
}

#define xmalloc(type)   ((type *)_xmalloc(sizeof(type), __alignof__(type)))
#define xzalloc(type)   ((type *)_xzalloc(sizeof(type), __alignof__(type)))
#define xmalloc_array(type, n) \
    ((type *)_xmalloc_array(sizeof(type), __alignof__(type), (n)))
#define xzalloc_array(type, n) \
    ((type *)_xzalloc_array(sizeof(type), __alignof__(type), (n)))
#define xmalloc_bytes(n) _xmalloc((n), __alignof__(max_align_t))
#define xzalloc_bytes(n) _xzalloc((n), __alignof__(max_align_t))

#endif /* KEEL_XMALLOC_H */
