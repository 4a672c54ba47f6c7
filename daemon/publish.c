/*
 * publish.c - see publish.h for the seqlock protocol.
 */
#include "daemon/publish.h"

#include <errno.h>
#include <string.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "parameter slots must be lock-free");
_Static_assert(sizeof(float) == sizeof(uint32_t), "float must be 32 bits");

size_t publish_mem_size(int n_blocks, const int *n_slots)
{
	size_t size = sizeof(struct publish_block) * (size_t)n_blocks;
	for (int b = 0; b < n_blocks; b++)
		size += sizeof(_Atomic uint32_t) * (size_t)n_slots[b];
	return size;
}

int publish_init(struct publish *p, void *mem, int n_blocks, const int *n_slots)
{
	if (n_blocks < 0 || !mem)
		return -EINVAL;
	p->n_blocks = n_blocks;
	p->blocks = mem;
	_Atomic uint32_t *slot = (_Atomic uint32_t *)(void *)(p->blocks + n_blocks);
	for (int b = 0; b < n_blocks; b++) {
		struct publish_block *blk = &p->blocks[b];
		atomic_init(&blk->gen, 2);
		blk->rt_seen_gen = 0;
		blk->n_slots = n_slots[b];
		blk->slots = slot;
		for (int s = 0; s < n_slots[b]; s++)
			atomic_init(&slot[s], 0);
		slot += n_slots[b];
	}
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

static void write_end(struct publish_block *blk)
{
	atomic_fetch_add_explicit(&blk->gen, 1, memory_order_release);
}

void publish_write_block(struct publish *p, int block, const float *values)
{
	struct publish_block *blk = &p->blocks[block];
	write_begin(blk);
	for (int s = 0; s < blk->n_slots; s++)
		atomic_store_explicit(&blk->slots[s], float_bits(values[s]), memory_order_relaxed);
	write_end(blk);
}

void publish_write(struct publish *p, int block, int slot, float value)
{
	struct publish_block *blk = &p->blocks[block];
	write_begin(blk);
	atomic_store_explicit(&blk->slots[slot], float_bits(value), memory_order_relaxed);
	write_end(blk);
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

void publish_invalidate(struct publish *p)
{
	for (int b = 0; b < p->n_blocks; b++)
		p->blocks[b].rt_seen_gen = 0;
}
