/* Definitions the architecture provides in Keel, made here for the host. */
#include <keel/mm.h>

#include <stdlib.h>

#include "host_mm.h"

struct page_info *frame_table;
unsigned long max_page;
char *host_directmap;

/* 2 MiB alignment makes direct-map alignment follow frame alignment. */
#define ARENA_ALIGN (2UL << 20)

void host_mm_setup(unsigned long nr_frames, unsigned long arena_frames)
{
    void *arena = NULL;

    frame_table = calloc(nr_frames, sizeof(*frame_table));
    if ( !frame_table )
        abort();
    for ( unsigned long i = 0; i < nr_frames; i++ )
        frame_table[i].count_info = PGC_reserved;
    max_page = nr_frames;

    if ( arena_frames &&
         posix_memalign(&arena, ARENA_ALIGN, arena_frames * PAGE_SIZE) )
        abort();
    host_directmap = arena;
}
