/*
 * test_x32_law.c - the X32 / X Air value laws (osc/x32_law.h) against the test vectors of
 * research/x32.md section 4.1 (the Unofficial X32/M32 OSC Remote Protocol, p.10-14, and
 * values read from a real console), and the address map's round trips (osc/x32_map.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <stdio.h>
#include <stdlib.h>

#include "osc/x32_doc.h"
#include "osc/x32_law.h"
#include "osc/x32_map.h"
#include "tests/unit/unit_util.h"

static const struct x32_law fader = { .kind = X32_LEVEL, .n = 1024 };
static const struct x32_law send = { .kind = X32_LEVEL, .n = 161 };

static void test_fader_law_vectors(void **state)
{
	(void)state;
	ut_assert_close(x32_level_db(0.75f), 0.0, 1e-5);            /* f 0.75 is 0 dB */
	assert_int_equal(x32_law_index_of_native(&fader, 0.0f), 767);   /* reported 767/1023 */
	ut_assert_close(x32_law_wire(&fader, 767), 0.7497556209564209, 1e-7);
	assert_int_equal(x32_law_index_of_native(&fader, 3.0f), 844);   /* +3 dB: 3f5334cd */
	float w = x32_law_wire(&fader, 844);
	uint32_t bits;
	memcpy(&bits, &w, 4);
	assert_int_equal(bits, 0x3f5334cd);
	assert_int_equal(x32_law_index_of_native(&fader, -20.5f), 377);
	assert_int_equal(x32_law_index_of_native(&fader, -60.0f), 64);   /* 3d802008 */
	w = x32_law_wire(&fader, 64);
	memcpy(&bits, &w, 4);
	assert_int_equal(bits, 0x3d802008);
	/* The segments meet: each breakpoint gives the same dB from both sides. */
	ut_assert_close(x32_level_db(0.5f), -10.0, 1e-5);
	ut_assert_close(x32_level_db(0.25f), -30.0, 1e-5);
	ut_assert_close(x32_level_db(0.0625f), -60.0, 1e-5);
	ut_assert_close(x32_level_db(0.0f), -90.0, 0);   /* -inf is jmixd's -90 */
	ut_assert_close(x32_level_db(1.0f), 10.0, 1e-5);
	assert_int_equal(x32_law_index_of_native(&fader, -90.0f), 0);
	assert_int_equal(x32_law_index_of_native(&fader, 10.0f), 1023);
}

static void test_send_law_161(void **state)
{
	(void)state;
	assert_int_equal(x32_law_index_of_native(&send, 0.0f), 120);   /* 120/160 = 0 dB */
	ut_assert_close(x32_law_native(&send, 120), 0.0, 1e-5);
	assert_int_equal(x32_law_index(&send, 0.0063f), 1);             /* the first step */
	ut_assert_close(x32_law_native(&send, 1), -87.0, 1e-4);
}

static void test_linf_logf_vectors(void **state)
{
	(void)state;
	const struct x32_law eq_f = { .kind = X32_LOGF, .lo = 20, .hi = 20000, .n = 201 };
	const struct x32_law hpf = { .kind = X32_LOGF, .lo = 20, .hi = 400, .n = 101 };
	const struct x32_law q = { .kind = X32_LOGF, .lo = 10, .hi = 0.3f, .n = 72 };
	const struct x32_law release = { .kind = X32_LOGF, .lo = 5, .hi = 4000, .n = 101 };
	const struct x32_law hold = { .kind = X32_LOGF, .lo = 0.02f, .hi = 2000, .n = 101 };
	const struct x32_law pan = { .kind = X32_LINF, .lo = -100, .hi = 100, .n = 101,
				     .scale = 100 };
	ut_assert_close(x32_law_native(&eq_f, 100), 632.46, 0.01);     /* EQ f 0.5 */
	assert_int_equal(x32_law_index_of_native(&eq_f, 1000.0f), 113); /* 1 kHz -> 0.565 */
	ut_assert_close(x32_law_wire(&eq_f, 113), 0.565, 1e-6);
	ut_assert_close(x32_law_native(&hpf, 50), 89.44, 0.01);        /* HPF f 0.5 */
	assert_int_equal(x32_law_index_of_native(&q, 2.0f), 33);        /* Q 2.0 -> k 33/71 */
	ut_assert_close(x32_law_native(&q, 33), 1.96, 0.01);            /* Q f 0.4648 */
	ut_assert_close(x32_law_native(&q, 0), 10.0, 1e-4);             /* f 0 is Q 10 */
	ut_assert_close(x32_law_native(&release, 50), 141.4, 0.1);      /* release f 0.5 */
	ut_assert_close(x32_law_native(&hold, 50), 6.32, 0.01);         /* hold f 0.5 */
	assert_int_equal(x32_law_index(&pan, 0.75f), 75);               /* pan f 0.75 is +50 */
	ut_assert_close(x32_law_native(&pan, 75), 0.5, 1e-6);           /* jmixd's +0.5 */
}

/* Every grid point survives native and back: feedback of a value a client set never differs
 * from it (no push loops), for every law in the map. */
static void test_every_row_round_trips(void **state)
{
	(void)state;
	for (int r = 0; r < x32_n_rows; r++) {
		const struct x32_law *l = &x32_rows[r].law;
		for (int k = 0; k < l->n; k++) {
			int back = x32_law_index_of_native(l, x32_law_native(l, k));
			if (back != k)
				fail_msg("%s: index %d comes back as %d", x32_rows[r].row, k, back);
			if (x32_law_index(l, x32_law_wire(l, k)) != k)
				fail_msg("%s: wire of %d reads as another index", x32_rows[r].row, k);
		}
	}
}

static void test_hostile_wire_values(void **state)
{
	(void)state;
	assert_int_equal(x32_law_index(&fader, NAN), 0);
	assert_int_equal(x32_law_index(&fader, -1.0f), 0);
	assert_int_equal(x32_law_index(&fader, 7.0f), 1023);
	assert_int_equal(x32_law_index(&fader, INFINITY), 1023);
	assert_true(isfinite(x32_law_native(&fader, x32_law_index(&fader, NAN))));
}

/* man/jmixd-x32.7's map is what x32_doc writes from the map now (run `make man` if not). */
static void test_man_page_matches_map(void **state)
{
	(void)state;
	char *now = NULL, line[512];
	size_t now_size = 0;
	FILE *mem = open_memstream(&now, &now_size);
	x32_doc_write(mem);
	fclose(mem);
	FILE *page = fopen("man/jmixd-x32.7", "r");
	assert_non_null(page);
	char *in_page = calloc(1, 65536);
	assert_non_null(in_page);
	bool is_inside = false;
	while (fgets(line, sizeof line, page)) {
		if (strncmp(line, ".\\\" END GENERATED", 16) == 0)
			is_inside = false;
		if (is_inside && strlen(in_page) + strlen(line) < 65535)
			strcat(in_page, line);
		if (strncmp(line, ".\\\" BEGIN GENERATED", 18) == 0)
			is_inside = true;
	}
	fclose(page);
	if (strcmp(in_page, now) != 0)
		fail_msg("man/jmixd-x32.7 is out of date with osc/x32_map.c: run `make man`");
	free(in_page);
	free(now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fader_law_vectors),
		cmocka_unit_test(test_send_law_161),
		cmocka_unit_test(test_linf_logf_vectors),
		cmocka_unit_test(test_every_row_round_trips),
		cmocka_unit_test(test_hostile_wire_values),
		cmocka_unit_test(test_man_page_matches_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
