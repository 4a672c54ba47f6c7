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
 * nothing overflows, and the latest value always wins. Slots are uint32_t, not _Atomic float,
 * because 32-bit integers are lock-free on every target (x86-64, aarch64, armv7) by the
 * standard's own macro, which floats have no equivalent of.
 *
 * Two more atomics make a period cost what changed, not what exists, and make a scene land
 * whole:
 *   - a changed-block bitmap: each write sets its block's bit after the block is even again,
 *     and the audio thread takes the bits with one exchange per 32 blocks, so a period with
 *     one fader move reads one block, not hundreds;
 *   - a batch generation, a seqlock over many blocks: a scene recall writes each block it
 *     touches once (one generation bump per block) between publish_batch_begin and
 *     publish_batch_end, and the audio thread uses nothing it read while a batch was open or
 *     began under it: it keeps those blocks pending and takes the whole batch next period.
 *     Every channel of a scene therefore starts changing in the same period.
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
	int first;                   /* index of its first slot among all blocks' slots */
	_Atomic uint32_t *slots;
};

struct publish {
	int n_blocks;
	struct publish_block *blocks;
	_Atomic uint32_t batch_gen;  /* odd while a batch is being written */
	int batch_depth;             /* control thread only: batches open (they nest) */
	int n_words;                 /* 32 blocks per word */
	_Atomic uint32_t *changed;   /* written blocks the audio thread has not taken yet */
	uint32_t *rt_pending;        /* audio thread: taken, but not yet read whole */
	int *rt_ready;               /* audio thread: the blocks of the last read */
};

/* Control thread: size and build for blocks of the given slot counts. */
size_t publish_mem_size(int n_blocks, const int *n_slots);
int publish_init(struct publish *p, void *mem, int n_blocks, const int *n_slots);

/* Control thread: write values[0..n_slots) of a block as one consistent update. */
void publish_write_block(struct publish *p, int block, const float *values);

/* Control thread: write one slot as one consistent update. */
void publish_write(struct publish *p, int block, int slot, float value);

/*
 * Control thread: the writes between these two reach the audio thread in the same period.
 * Batches nest (a linked set inside a mask, say): only the outermost pair opens and closes.
 */
void publish_batch_begin(struct publish *p);
void publish_batch_end(struct publish *p);

/*
 * Audio thread: if the block changed since the last successful read, copy it into values and
 * return true; return false when unchanged or caught mid-write (try again next period).
 * RT-safe, wait-free.
 */
bool publish_read_block(struct publish *p, int block, float *values);

/*
 * Audio thread: copy every block written since the last call into values (all blocks' slots
 * back to back, block b at blocks[b].first) and point *ready at the list of those blocks;
 * returns how many. Returns 0 while a batch is open, when one began during the read, or when
 * a block was caught mid-write: everything stays pending for the next period, so what is
 * handed over is never part of a batch. Costs the changed blocks plus one exchange per 32
 * blocks. RT-safe, wait-free.
 */
int publish_read_changed(struct publish *p, float *values, const int **ready);

/*
 * Force the next publish_read_changed to report every block (after a JACK reconnect). Only
 * while no audio thread reads.
 */
void publish_invalidate(struct publish *p);

#endif
