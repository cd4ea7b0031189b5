/* Host memory for allocator tests: a frame table and a direct-map arena. */
#ifndef UNIT_HOST_MM_H
#define UNIT_HOST_MM_H

/*
 * Make frames 0..nr_frames-1, all PGC_reserved as the architecture leaves
 * them; the first arena_frames of them are backed by memory.
 */
void host_mm_setup(unsigned long nr_frames, unsigned long arena_frames);

#endif /* UNIT_HOST_MM_H */
