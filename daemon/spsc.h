/*
 * spsc.h - single-producer, single-consumer ring of fixed-size messages on C11 atomics.
 *
 * Why our own: jack_ringbuffer in jack2 1.9.21 (Debian 12) lacks the memory barriers that ARM
 * needs (fixed in 1.9.22); a Raspberry Pi would see torn messages.
 *
 * Each side owns one free-running index. The producer copies a message in, then publishes it
 * with a release store of `head`; the consumer's acquire load of `head` makes the copy visible
 * before it reads, and its release store of `tail` hands the slot back. Messages are written
 * all-or-nothing: a full ring refuses the whole message and the producer decides (RT keeps
 * accumulating and retries next period; the control thread retries on its next tick). Neither
 * side ever waits.
 *
 * Thread use: exactly one producer thread and one consumer thread per ring.
 */
#ifndef JMIXD_SPSC_H
#define JMIXD_SPSC_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spsc {
	alignas(64) _Atomic uint32_t head;  /* written by the producer */
	alignas(64) _Atomic uint32_t tail;  /* written by the consumer */
	alignas(64) uint32_t mask;          /* n_slots - 1 */
	uint32_t msg_size;
	unsigned char *slots;
};

/* Bytes of storage for n_slots (a power of two) messages of msg_size bytes. */
size_t spsc_mem_size(uint32_t n_slots, uint32_t msg_size);

/* Control thread, before either side runs. mem holds spsc_mem_size bytes. 0 or -EINVAL. */
int spsc_init(struct spsc *q, void *mem, uint32_t n_slots, uint32_t msg_size);

/* Producer: copy one message in; false (nothing written) when full. RT-safe. */
bool spsc_push(struct spsc *q, const void *msg);

/* Consumer: copy the oldest message out; false when empty. RT-safe. */
bool spsc_pop(struct spsc *q, void *msg);

/* Either side: messages waiting (a snapshot; exact for the consumer's own view). */
uint32_t spsc_count(struct spsc *q);

#endif
