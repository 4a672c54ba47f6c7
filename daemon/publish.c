/*
 * publish.c - see publish.h for the seqlock protocol.
 */
#include "daemon/publish.h"

#include <errno.h>
#include <string.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "parameter slots must be lock-free");
_Static_assert(sizeof(float) == sizeof(uint32_t), "float must be 32 bits");

/*
 * One allocation: the blocks, the changed bitmap, the audio thread's pending bitmap and ready
 * list, then the slots (uint32_t and int keep every part aligned for the next).
 */
static int words_for(int n_blocks)
{
	return (n_blocks + 31) / 32;
}

size_t publish_mem_size(int n_blocks, const int *n_slots)
{
	size_t size = sizeof(struct publish_block) * (size_t)n_blocks;
	size += (sizeof(_Atomic uint32_t) + sizeof(uint32_t)) * (size_t)words_for(n_blocks);
	size += sizeof(int) * (size_t)n_blocks;
	for (int b = 0; b < n_blocks; b++)
		size += sizeof(_Atomic uint32_t) * (size_t)n_slots[b];
	return size;
}

int publish_init(struct publish *p, void *mem, int n_blocks, const int *n_slots)
{
	if (n_blocks < 0 || !mem)
		return -EINVAL;
	p->n_blocks = n_blocks;
	p->n_words = words_for(n_blocks);
	p->blocks = mem;
	p->changed = (_Atomic uint32_t *)(void *)(p->blocks + n_blocks);
	p->rt_pending = (uint32_t *)(void *)(p->changed + p->n_words);
	p->rt_ready = (int *)(void *)(p->rt_pending + p->n_words);
	atomic_init(&p->batch_gen, 0);
	p->batch_depth = 0;
	_Atomic uint32_t *slot = (_Atomic uint32_t *)(void *)(p->rt_ready + n_blocks);
	int first = 0;
	for (int b = 0; b < n_blocks; b++) {
		struct publish_block *blk = &p->blocks[b];
		atomic_init(&blk->gen, 2);
		blk->rt_seen_gen = 0;
		blk->n_slots = n_slots[b];
		blk->first = first;
		blk->slots = slot;
		for (int s = 0; s < n_slots[b]; s++)
			atomic_init(&slot[s], 0);
		slot += n_slots[b];
		first += n_slots[b];
	}
	for (int w = 0; w < p->n_words; w++)
		atomic_init(&p->changed[w], 0);
	publish_invalidate(p);
	return 0;
}

static uint32_t float_bits(float v)
{
	uint32_t bits;
	memcpy(&bits, &v, sizeof bits);
	return bits;
}

static float bits_float(uint32_t bits)
{
	float v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

static void write_begin(struct publish_block *blk)
{
	atomic_fetch_add_explicit(&blk->gen, 1, memory_order_relaxed);
	/* The odd generation must be visible before any slot changes. */
	atomic_thread_fence(memory_order_release);
}

static void write_end(struct publish *p, int block)
{
	atomic_fetch_add_explicit(&p->blocks[block].gen, 1, memory_order_release);
	/* After the block is even: a reader that sees the bit finds the block whole. */
	atomic_fetch_or_explicit(&p->changed[block / 32], 1u << (block % 32),
				 memory_order_release);
}

void publish_batch_begin(struct publish *p)
{
	if (p->batch_depth++ > 0)
		return;
	atomic_fetch_add_explicit(&p->batch_gen, 1, memory_order_relaxed);
	/* The odd batch generation must be visible before any block of the batch changes. */
	atomic_thread_fence(memory_order_release);
}

void publish_batch_end(struct publish *p)
{
	if (--p->batch_depth > 0)
		return;
	atomic_fetch_add_explicit(&p->batch_gen, 1, memory_order_release);
}

void publish_write_block(struct publish *p, int block, const float *values)
{
	struct publish_block *blk = &p->blocks[block];
	write_begin(blk);
	for (int s = 0; s < blk->n_slots; s++)
		atomic_store_explicit(&blk->slots[s], float_bits(values[s]), memory_order_relaxed);
	write_end(p, block);
}

void publish_write(struct publish *p, int block, int slot, float value)
{
	struct publish_block *blk = &p->blocks[block];
	write_begin(blk);
	atomic_store_explicit(&blk->slots[slot], float_bits(value), memory_order_relaxed);
	write_end(p, block);
}

bool publish_read_block(struct publish *p, int block, float *values)
{
	struct publish_block *blk = &p->blocks[block];
	uint32_t g1 = atomic_load_explicit(&blk->gen, memory_order_acquire);
	if (g1 == blk->rt_seen_gen || (g1 & 1))
		return false;
	for (int s = 0; s < blk->n_slots; s++)
		values[s] = bits_float(atomic_load_explicit(&blk->slots[s], memory_order_relaxed));
	/* Order the slot loads before the re-check of the generation. */
	atomic_thread_fence(memory_order_acquire);
	uint32_t g2 = atomic_load_explicit(&blk->gen, memory_order_relaxed);
	if (g1 != g2)
		return false;
	blk->rt_seen_gen = g1;
	return true;
}

/*
 * Blocks of the pending set whose copy in values is current: read the changed ones, list them
 * in rt_ready. -1 when one was caught mid-write: then nothing is handed over this period, so
 * a single write racing the read cannot split a batch read beside it.
 */
static int read_pending(struct publish *p, float *values)
{
	int n = 0;
	for (int w = 0; w < p->n_words; w++) {
		uint32_t bits = p->rt_pending[w];
		while (bits) {
			int b = w * 32 + __builtin_ctz(bits);
			bits &= bits - 1;
			struct publish_block *blk = &p->blocks[b];
			uint32_t g = atomic_load_explicit(&blk->gen, memory_order_relaxed);
			if (g != blk->rt_seen_gen && !publish_read_block(p, b, values + blk->first))
				return -1;
			p->rt_ready[n++] = b;
		}
	}
	return n;
}

int publish_read_changed(struct publish *p, float *values, const int **ready)
{
	uint32_t batch = atomic_load_explicit(&p->batch_gen, memory_order_acquire);
	if (batch & 1)
		return 0;
	for (int w = 0; w < p->n_words; w++)
		p->rt_pending[w] |= atomic_exchange_explicit(&p->changed[w], 0,
							     memory_order_acquire);
	int n = read_pending(p, values);
	/* Order the reads before the re-check: a batch that began meanwhile voids them all. */
	atomic_thread_fence(memory_order_acquire);
	if (n < 0 || atomic_load_explicit(&p->batch_gen, memory_order_relaxed) != batch)
		return 0;
	for (int k = 0; k < n; k++)
		p->rt_pending[p->rt_ready[k] / 32] &= ~(1u << (p->rt_ready[k] % 32));
	*ready = p->rt_ready;
	return n;
}

void publish_invalidate(struct publish *p)
{
	for (int b = 0; b < p->n_blocks; b++)
		p->blocks[b].rt_seen_gen = 0;
	for (int w = 0; w < p->n_words; w++)
		p->rt_pending[w] = 0;
	for (int b = 0; b < p->n_blocks; b++)
		p->rt_pending[b / 32] |= 1u << (b % 32);
}
