/*
 * test_publish_batch.c - publish_read_changed, the audio thread's side of the publish blocks:
 * it reports exactly the blocks written since the last call, and under two real threads it
 * never hands over part of a batch (a scene recall lands whole, in one period), while single
 * writes between batches still arrive and the last value always wins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/publish.h"

#define N_BLOCKS 70          /* more than two bitmap words, the last one partly used */
#define N_SLOTS 5
#define N_BATCHES 200000

struct rig {
	struct publish p;
	void *mem;
	float values[N_BLOCKS * N_SLOTS];
	atomic_bool is_done;
	atomic_long n_success;       /* reads that handed something over */
};

static void rig_init(struct rig *r)
{
	int n_slots[N_BLOCKS];
	for (int b = 0; b < N_BLOCKS; b++)
		n_slots[b] = N_SLOTS;
	r->mem = malloc(publish_mem_size(N_BLOCKS, n_slots));
	assert_non_null(r->mem);
	assert_int_equal(publish_init(&r->p, r->mem, N_BLOCKS, n_slots), 0);
	atomic_init(&r->is_done, false);
	atomic_init(&r->n_success, 0);
}

/* Blocks reported by one read, as a sorted list in out; returns how many. */
static int read_changed(struct rig *r, int *out)
{
	const int *ready;
	int n = publish_read_changed(&r->p, r->values, &ready);
	if (n > 0)      /* ready may be NULL when nothing changed */
		memcpy(out, ready, sizeof(int) * (size_t)n);
	return n;
}

static void test_reports_what_was_written(void **state)
{
	(void)state;
	struct rig r;
	int got[N_BLOCKS];
	float v[N_SLOTS] = { 1, 2, 3, 4, 5 };
	rig_init(&r);
	/* At first every block is new; then nothing is. */
	assert_int_equal(read_changed(&r, got), N_BLOCKS);
	assert_int_equal(read_changed(&r, got), 0);

	publish_write(&r.p, 65, 2, 9.0f);
	publish_write_block(&r.p, 3, v);
	assert_int_equal(read_changed(&r, got), 2);
	assert_int_equal(got[0], 3);
	assert_int_equal(got[1], 65);
	assert_true(r.values[65 * N_SLOTS + 2] == 9.0f);
	assert_true(r.values[3 * N_SLOTS + 4] == 5.0f);
	assert_int_equal(read_changed(&r, got), 0);

	/* An open batch hands over nothing, not even the blocks written before it opened. */
	publish_write(&r.p, 10, 0, 1.0f);
	publish_batch_begin(&r.p);
	publish_write_block(&r.p, 11, v);
	assert_int_equal(read_changed(&r, got), 0);
	publish_write_block(&r.p, 12, v);
	publish_batch_end(&r.p);
	assert_int_equal(read_changed(&r, got), 3);
	assert_int_equal(got[0], 10);
	assert_int_equal(got[2], 12);

	/* Batches nest: the inner end hands over nothing, the outer one everything. */
	publish_batch_begin(&r.p);
	publish_write_block(&r.p, 20, v);
	publish_batch_begin(&r.p);
	publish_write_block(&r.p, 21, v);
	publish_batch_end(&r.p);
	assert_int_equal(read_changed(&r, got), 0);
	publish_batch_end(&r.p);
	assert_int_equal(read_changed(&r, got), 2);

	publish_invalidate(&r.p);
	assert_int_equal(read_changed(&r, got), N_BLOCKS);
	free(r.mem);
}

/*
 * Each batch writes the batch number into every slot of every block; singles go between.
 * Back-to-back batches would starve the reader (every read overlaps one, which is the case
 * under test, but then nothing is ever handed over): every SYNC_EVERY batches the writer
 * waits until a read has handed something over, evidence, not a sleep.
 */
#define SYNC_EVERY 64
static void *writer(void *arg)
{
	struct rig *r = arg;
	float v[N_SLOTS];
	for (int k = 1; k <= N_BATCHES; k++) {
		long seen = atomic_load(&r->n_success);
		for (int s = 0; s < N_SLOTS; s++)
			v[s] = (float)k;
		publish_batch_begin(&r->p);
		for (int b = 0; b < N_BLOCKS; b++)
			publish_write_block(&r->p, b, v);
		publish_batch_end(&r->p);
		/* A single write outside any batch, on a slot the check below leaves out. */
		publish_write(&r->p, k % N_BLOCKS, N_SLOTS - 1, -(float)k);
		if (k % SYNC_EVERY == 0)
			while (atomic_load(&r->n_success) == seen)
				sched_yield();
	}
	atomic_store(&r->is_done, true);
	return NULL;
}

static void test_batches_land_whole(void **state)
{
	(void)state;
	struct rig r;
	int got[N_BLOCKS];
	rig_init(&r);
	read_changed(&r, got);

	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, writer, &r), 0);
	long n_reads = 0;
	float last = 0.0f;
	for (;;) {
		bool is_done = atomic_load(&r.is_done);
		int n = read_changed(&r, got);
		if (n == 0 && is_done)
			break;
		if (n == 0)
			continue;
		n_reads++;
		atomic_fetch_add(&r.n_success, 1);
		/* Whatever was read, every block holds the same batch: never two at once. */
		float k = r.values[0];
		for (int b = 0; b < N_BLOCKS; b++)
			for (int s = 0; s < N_SLOTS - 1; s++)
				if (r.values[b * N_SLOTS + s] != k)
					fail_msg("block %d slot %d holds batch %g beside batch %g",
						 b, s, (double)r.values[b * N_SLOTS + s], (double)k);
		assert_true(k >= last);
		last = k;
	}
	pthread_join(t, NULL);
	assert_true(last == (float)N_BATCHES);
	/* The last single write arrived too. */
	assert_true(r.values[(N_BATCHES % N_BLOCKS) * N_SLOTS + N_SLOTS - 1] == -(float)N_BATCHES);
	assert_true(n_reads >= N_BATCHES / SYNC_EVERY);
	free(r.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports_what_was_written),
		cmocka_unit_test(test_batches_land_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
