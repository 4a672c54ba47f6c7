/*
 * test_lockfree.c - the two lock-free paths between the control and audio threads, under
 * two real threads: the SPSC ring (order kept, no message torn, none lost, none duplicated,
 * full ring refuses whole messages) and the parameter seqlock (a reader never accepts a
 * block that mixes two writes; the last write always arrives).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/publish.h"
#include "daemon/spsc.h"

/* A message whose every word carries the sequence number: a torn copy cannot pass. */
struct msg {
	uint32_t seq;
	uint32_t words[7];
};

#define N_MESSAGES 2000000u

struct ring_rig {
	struct spsc q;
	void *mem;
	uint32_t n_full;
};

static void *producer(void *arg)
{
	struct ring_rig *rig = arg;
	for (uint32_t seq = 0; seq < N_MESSAGES;) {
		struct msg m = { .seq = seq };
		for (int w = 0; w < 7; w++)
			m.words[w] = seq * 2654435761u + (uint32_t)w;
		if (spsc_push(&rig->q, &m))
			seq++;
		else
			rig->n_full++;
	}
	return NULL;
}

static void test_spsc_two_threads(void **state)
{
	(void)state;
	struct ring_rig rig = { 0 };
	rig.mem = malloc(spsc_mem_size(64, sizeof(struct msg)));
	assert_int_equal(spsc_init(&rig.q, rig.mem, 64, sizeof(struct msg)), 0);

	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, producer, &rig), 0);
	uint32_t expect = 0;
	while (expect < N_MESSAGES) {
		struct msg m;
		if (!spsc_pop(&rig.q, &m))
			continue;
		assert_int_equal(m.seq, expect);
		for (int w = 0; w < 7; w++)
			assert_int_equal(m.words[w], expect * 2654435761u + (uint32_t)w);
		expect++;
	}
	pthread_join(t, NULL);
	struct msg m;
	assert_false(spsc_pop(&rig.q, &m));
	/* A 64-slot ring under a fast producer fills up: the refusal path really ran. */
	assert_true(rig.n_full > 0);
	free(rig.mem);
}

static void test_spsc_full_and_empty(void **state)
{
	(void)state;
	struct spsc q;
	uint64_t mem[8], v;
	assert_int_equal(spsc_init(&q, mem, 3, 8), -22);     /* not a power of two */
	assert_int_equal(spsc_init(&q, mem, 8, 8), 0);
	assert_false(spsc_pop(&q, &v));
	for (uint64_t i = 0; i < 8; i++)
		assert_true(spsc_push(&q, &i));
	v = 99;
	assert_false(spsc_push(&q, &v));
	assert_int_equal(spsc_count(&q), 8);
	for (uint64_t i = 0; i < 8; i++) {
		assert_true(spsc_pop(&q, &v));
		assert_int_equal(v, i);
	}
	assert_int_equal(spsc_count(&q), 0);
	/* Indices wrap around 2^32 without losing count. */
	atomic_store(&q.head, UINT32_MAX - 1);
	atomic_store(&q.tail, UINT32_MAX - 1);
	for (uint64_t i = 0; i < 5; i++)
		assert_true(spsc_push(&q, &i));
	assert_int_equal(spsc_count(&q), 5);
	for (uint64_t i = 0; i < 5; i++) {
		assert_true(spsc_pop(&q, &v));
		assert_int_equal(v, i);
	}
}

/* ---- seqlock ---- */

#define N_SLOTS 24
#define N_WRITES 300000

struct pub_rig {
	struct publish p;
	void *mem;
	atomic_bool is_done;
	atomic_long n_reads;     /* the reader's count, so the writer can wait for overlap */
};

static void *writer(void *arg)
{
	struct pub_rig *rig = arg;
	float values[N_SLOTS];
	for (int w = 1; w <= N_WRITES; w++) {
		/* Every slot of one write holds the same number: a mixed read shows two. */
		for (int s = 0; s < N_SLOTS; s++)
			values[s] = (float)w;
		publish_write_block(&rig->p, 1, values);
	}
	/*
	 * On a busy machine the reader may not have been scheduled at all yet: keep writing the
	 * last value (the reader must still never see a torn block) until it has read a few times
	 * while writes were going on, so the test always checks real overlap.
	 */
	while (atomic_load(&rig->n_reads) <= 10) {
		publish_write_block(&rig->p, 1, values);
		sched_yield();
	}
	atomic_store(&rig->is_done, true);
	return NULL;
}

static void test_seqlock_never_torn(void **state)
{
	(void)state;
	int n_slots[2] = { 3, N_SLOTS };
	struct pub_rig rig;
	rig.mem = malloc(publish_mem_size(2, n_slots));
	assert_int_equal(publish_init(&rig.p, rig.mem, 2, n_slots), 0);
	atomic_init(&rig.is_done, false);
	atomic_init(&rig.n_reads, 0);

	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, writer, &rig), 0);
	float got[N_SLOTS], last = 0.0f;
	long n_reads = 0;
	for (;;) {
		/* Read the flag first: once it is set, a read that finds nothing new is final. */
		bool is_done = atomic_load(&rig.is_done);
		if (!publish_read_block(&rig.p, 1, got)) {
			if (is_done)
				break;
			continue;
		}
		n_reads++;
		atomic_store(&rig.n_reads, n_reads);
		for (int s = 1; s < N_SLOTS; s++)
			assert_true(got[s] == got[0]);
		assert_true(got[0] >= last);    /* never goes back in time */
		last = got[0];
	}
	pthread_join(t, NULL);
	/* Whatever was missed in between, the final value always arrives. */
	assert_true(last == (float)N_WRITES);
	assert_true(n_reads > 10);
	free(rig.mem);
}

static void test_seqlock_reads_only_changes(void **state)
{
	(void)state;
	int n_slots[2] = { 2, 1 };
	struct publish p;
	void *mem = malloc(publish_mem_size(2, n_slots));
	publish_init(&p, mem, 2, n_slots);
	float v[2];
	/* A fresh block reads once (initial values), then not again until written. */
	assert_true(publish_read_block(&p, 0, v));
	assert_false(publish_read_block(&p, 0, v));
	assert_true(publish_read_block(&p, 1, v));
	publish_write(&p, 0, 1, 7.5f);
	assert_false(publish_read_block(&p, 1, v));
	assert_true(publish_read_block(&p, 0, v));
	assert_true(v[1] == 7.5f);
	assert_false(publish_read_block(&p, 0, v));
	publish_invalidate(&p);
	assert_true(publish_read_block(&p, 0, v));
	assert_true(publish_read_block(&p, 1, v));
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spsc_full_and_empty),
		cmocka_unit_test(test_spsc_two_threads),
		cmocka_unit_test(test_seqlock_reads_only_changes),
		cmocka_unit_test(test_seqlock_never_torn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
