/*
 * publish.h - parameter values from the control thread to the audio thread, lock-free.
 *
 * Parameters are grouped in blocks (one per channel, one for the master, ...). Each block is
 * a row of atomic 32-bit slots holding float bits, under one generation counter used as a
 * single-writer seqlock:
 *   writer (control thread): gen += 1 (odd: writing), store slots, gen += 1 (even, release).
 *   reader (audio thread):   g1 = gen (acquire); skip if odd or unchanged since last time;
 *                            copy the slots; fence; g2 = gen; use the copy only if g1 == g2.
 * A torn read is simply retried next period: the audio thread never waits, nothing queues,
 * nothing overflows, and the latest value always wins; a scene recall touching hundreds of
 * parameters costs one generation bump per block. Slots are uint32_t, not _Atomic float,
 * because 32-bit integers are lock-free on every target (x86-64, aarch64, armv7) by the
 * standard's own macro, which floats have no equivalent of.
 */
#ifndef JMIXD_PUBLISH_H
#define JMIXD_PUBLISH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct publish_block {
	_Atomic uint32_t gen;
	uint32_t rt_seen_gen;        /* audio thread only: generation it last applied */
	int n_slots;
	_Atomic uint32_t *slots;
};

struct publish {
	int n_blocks;
	struct publish_block *blocks;
};

/* Control thread: size and build for blocks of the given slot counts. */
size_t publish_mem_size(int n_blocks, const int *n_slots);
int publish_init(struct publish *p, void *mem, int n_blocks, const int *n_slots);

/* Control thread: write values[0..n_slots) of a block as one consistent update. */
void publish_write_block(struct publish *p, int block, const float *values);

/* Control thread: write one slot as one consistent update. */
void publish_write(struct publish *p, int block, int slot, float value);

/*
 * Audio thread: if the block changed since the last successful read, copy it into values and
 * return true; return false when unchanged or caught mid-write (try again next period).
 * RT-safe, wait-free.
 */
bool publish_read_block(struct publish *p, int block, float *values);

/* Force the next read of every block to report a change (after a JACK reconnect). */
void publish_invalidate(struct publish *p);

#endif
