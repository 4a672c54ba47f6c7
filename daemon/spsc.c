/*
 * spsc.c - see spsc.h for the protocol.
 */
#include "daemon/spsc.h"

#include <errno.h>
#include <string.h>

size_t spsc_mem_size(uint32_t n_slots, uint32_t msg_size)
{
	return (size_t)n_slots * msg_size;
}

int spsc_init(struct spsc *q, void *mem, uint32_t n_slots, uint32_t msg_size)
{
	if (n_slots < 2 || (n_slots & (n_slots - 1)) != 0 || msg_size == 0 || !mem)
		return -EINVAL;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	q->mask = n_slots - 1;
	q->msg_size = msg_size;
	q->slots = mem;
	return 0;
}

bool spsc_push(struct spsc *q, const void *msg)
{
	uint32_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	if (head - tail > q->mask)
		return false;
	memcpy(q->slots + (size_t)(head & q->mask) * q->msg_size, msg, q->msg_size);
	atomic_store_explicit(&q->head, head + 1, memory_order_release);
	return true;
}

bool spsc_pop(struct spsc *q, void *msg)
{
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	uint32_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	if (head == tail)
		return false;
	memcpy(msg, q->slots + (size_t)(tail & q->mask) * q->msg_size, q->msg_size);
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	return true;
}

uint32_t spsc_count(struct spsc *q)
{
	uint32_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	return head - tail;
}
