/*
 * test_paramdoc.c - the man pages' reference tables say exactly what the parameter table
 * says. When this fails, run `make man` and commit the pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/paramdoc.h"
#include "daemon/params.h"

/* The lines between the markers of a page, as one string (caller frees). */
static char *generated_section(const char *page)
{
	FILE *f = fopen(page, "r");
	assert_non_null(f);
	char *out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&out, &size);
	char line[4096];
	int state = 0;   /* 0 before, 1 inside, 2 after */
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (state == 0 && strcmp(line, PARAMDOC_BEGIN) == 0)
			state = 1;
		else if (state == 1 && strcmp(line, PARAMDOC_END) == 0)
			state = 2;
		else if (state == 1)
			fprintf(mem, "%s\n", line);
	}
	fclose(f);
	fclose(mem);
	assert_int_equal(state, 2);   /* both markers present, in order */
	return out;
}

static char *generated_now(enum paramdoc_kind kind)
{
	char *out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&out, &size);
	paramdoc_write(mem, kind);
	fclose(mem);
	return out;
}

static void check_page(const char *page, enum paramdoc_kind kind)
{
	char *in_page = generated_section(page);
	char *in_code = generated_now(kind);
	if (strcmp(in_page, in_code) != 0)
		fail_msg("%s is out of date with daemon/params.c: run `make man`", page);
	/* Every row's address or key appears in the page. */
	for (int i = 0; i < params_count; i++) {
		const char *name = kind == PARAMDOC_OSC ? params_table[i].path : params_table[i].key;
		assert_non_null(strstr(in_page, name));
	}
	free(in_page);
	free(in_code);
}

static void test_osc_page_matches_table(void **state)
{
	(void)state;
	check_page("man/jmixd-osc.7", PARAMDOC_OSC);
}

static void test_conf_page_matches_table(void **state)
{
	(void)state;
	check_page("man/jmixd.conf.5", PARAMDOC_CONF);
}

static void test_table_is_consistent(void **state)
{
	(void)state;
	for (int i = 0; i < params_count; i++) {
		const struct param_desc *d = &params_table[i];
		const char *reason;
		assert_true(d->min < d->max);
		assert_true(param_check(d, d->def, &reason));
		/* Every row reaches the DSP: by its own apply, or as part of the run ahead of it. */
		if (d->apply_run) {
			assert_null(d->apply);
			assert_true(d->n_run >= 2 && d->n_run <= 32);
			assert_true(param_slot(d) + d->n_run <= params_scope_count(d->scope));
			for (int k = 1; k < d->n_run; k++) {
				const struct param_desc *in_run = params_at(d->scope, param_slot(d) + k);
				assert_null(in_run->apply);
				assert_null(in_run->apply_run);
			}
		} else if (!d->apply) {
			int head = param_slot(d);
			while (head > 0 && !params_at(d->scope, head)->apply_run)
				head--;
			const struct param_desc *h = params_at(d->scope, head);
			assert_non_null(h->apply_run);
			assert_true(param_slot(d) < head + h->n_run);
		}
		assert_true(d->doc && *d->doc);
		assert_ptr_equal(params_find_path(d->scope, d->path), d);
		assert_ptr_equal(params_find_key(d->scope, d->key), d);
		assert_ptr_equal(params_at(d->scope, param_slot(d)), d);
		if (d->taper == TAPER_LOG)
			assert_true(d->min > 0.0f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_consistent),
		cmocka_unit_test(test_osc_page_matches_table),
		cmocka_unit_test(test_conf_page_matches_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
