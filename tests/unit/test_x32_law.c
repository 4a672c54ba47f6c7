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
			/* An enum table may give two entries one jmixd value (PEQ and VEQ are
			 * both a peak; back is the first) or none (NAN: the set is ignored). */
			if (l->kind == X32_TABLE && !isfinite(x32_law_native(l, k)))
				continue;
			if (l->kind == X32_TABLE &&
			    x32_law_native(l, back) == x32_law_native(l, k) && back <= k)
				back = k;
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

/* The console's enums onto jmixd's values: compressor ratio and EQ band types. */
static const struct x32_row *row_named(enum param_scope scope, const char *name)
{
	for (int r = 0; r < x32_n_rows; r++)
		if (x32_rows[r].scope == scope && strcmp(x32_rows[r].row, name) == 0)
			return &x32_rows[r];
	fail_msg("no row %s", name);
	return NULL;
}

static void test_enum_tables(void **state)
{
	(void)state;
	const struct x32_law *ratio = &row_named(PARAM_CHANNEL, "comp/ratio")->law;
	assert_int_equal(ratio->n, 12);
	ut_assert_close(x32_law_native(ratio, 6), 4.0, 0);          /* "4.0", jmixd's default */
	assert_int_equal(x32_law_index_of_native(ratio, 8.0f), 8);  /* 8:1 reads as 7.0 */
	assert_int_equal(x32_law_index_of_native(ratio, 50.0f), 10);   /* 20 */
	assert_int_equal(x32_law_index(ratio, 99.0f), 11);
	const struct x32_law *band1 = &row_named(PARAM_CHANNEL, "eq/1/type")->law;
	const struct x32_law *band2 = &row_named(PARAM_CHANNEL, "eq/2/type")->law;
	const struct x32_law *band4 = &row_named(PARAM_CHANNEL, "eq/4/type")->law;
	ut_assert_close(x32_law_native(band1, 0), 3.0, 0);          /* LCut: band 1's lowcut */
	assert_true(isnan(x32_law_native(band2, 0)));               /* no cut on band 2 */
	ut_assert_close(x32_law_native(band4, 5), 3.0, 0);          /* HCut: band 4's highcut */
	assert_int_equal(x32_law_index_of_native(band2, 1.0f), 2);  /* peak reads as PEQ */
	ut_assert_close(x32_law_native(band2, 3), 1.0, 0);          /* VEQ sets a peak */
	const struct x32_law *knee = &row_named(PARAM_CHANNEL, "comp/knee")->law;
	ut_assert_close(x32_law_native(knee, 3), 6.0, 1e-6);        /* 2 dB a step */
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
		cmocka_unit_test(test_enum_tables),
		cmocka_unit_test(test_man_page_matches_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
