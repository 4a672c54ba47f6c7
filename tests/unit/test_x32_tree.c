/*
 * test_x32_tree.c - the X32 node tree (osc/x32_tree.h): its size and shapes against what the
 * x32-osc client (firmware 4.06 definitions) walks, and the node text of each field type
 * against the strings a console and Maillot's emulator print (research/x32.md 5.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "osc/x32_tree.h"

static void count_one(const char *address, void *ctx)
{
	(void)address;
	(*(int *)ctx)++;
}

static int n_fields(const char *address)
{
	const struct x32_node *n = x32_tree_node(address);
	assert_non_null(n);
	char name[16];
	const struct x32_ftype *t;
	float def;
	int k = 0;
	while (x32_tree_field(n, k, name, sizeof name, &t, &def))
		k++;
	return k;
}

/* The field text of a leaf's default. */
static const char *default_text(const char *leaf)
{
	static char out[X32_TEXT_MAX];
	const struct x32_ftype *t;
	float def;
	assert_true(x32_tree_leaf(leaf, &t, &def));
	x32_ftype_format(t, def, "", out, sizeof out);
	return out;
}

static void test_tree_shape(void **state)
{
	(void)state;
	int n = 0;
	x32_tree_each_node(count_one, &n);
	assert_int_equal(n, 2117);   /* the nodes x32-osc 1.0.0 asks for, one by one */
	assert_int_equal(n_fields("ch/01/mix"), 6);
	assert_int_equal(n_fields("/ch/01/mix/01"), 5);   /* odd sends: on level pan type panFollow */
	assert_int_equal(n_fields("/ch/01/mix/02"), 2);
	assert_int_equal(n_fields("/ch/32/dyn"), 15);
	assert_int_equal(n_fields("/mtx/06/dyn"), 14);     /* no key source */
	assert_int_equal(n_fields("/main/st/mix"), 3);
	assert_int_equal(n_fields("/main/m/mix"), 2);
	assert_int_equal(n_fields("/fx/8/par"), 64);
	assert_int_equal(n_fields("/config/chlink"), 16);
	assert_int_equal(n_fields("/config/userrout/out"), 48);
	assert_int_equal(n_fields("/headamp/000"), 2);
	assert_null(x32_tree_node("/ch/33/mix"));
	assert_null(x32_tree_node("/ch/01/mix/17"));
	assert_null(x32_tree_node("/headamp/128"));
	assert_null(x32_tree_node("/fx/5/source"));
	assert_null(x32_tree_node("/ch/01"));               /* no fields of its own */
	const struct x32_ftype *t;
	float def;
	assert_true(x32_tree_leaf("/config/chlink/31-32", &t, &def));
	assert_true(x32_tree_leaf("/config/dp48/assign/48", &t, &def));
	assert_int_equal(x32_ftype_tag(t), 'i');
	assert_true(x32_tree_leaf("/dca/8/config/name", &t, &def));
	assert_int_equal(x32_ftype_tag(t), 's');
	assert_false(x32_tree_leaf("/ch/01/mix/nothing", &t, &def));
}

static void test_default_text(void **state)
{
	(void)state;
	/* A blank scene's channel: "/ch/01/mix ON -oo ON +0 OFF -oo" (research/x32.md 5.1). */
	assert_string_equal(default_text("/ch/01/mix/on"), "ON");
	assert_string_equal(default_text("/ch/01/mix/fader"), "-oo");
	assert_string_equal(default_text("/ch/01/mix/st"), "ON");
	assert_string_equal(default_text("/ch/01/mix/pan"), "+0");
	assert_string_equal(default_text("/ch/01/mix/mono"), "OFF");
	assert_string_equal(default_text("/ch/01/mix/mlevel"), "-oo");
	assert_string_equal(default_text("/ch/01/eq/1/type"), "PEQ");
	assert_string_equal(default_text("/ch/01/eq/1/g"), "+0.00");
	assert_string_equal(default_text("/ch/01/eq/1/q"), "2.0");
	assert_string_equal(default_text("/ch/01/grp/dca"), "%00000000");
	assert_string_equal(default_text("/ch/01/grp/mute"), "%000000");
	assert_string_equal(default_text("/ch/01/config/name"), "\"\"");
	assert_string_equal(default_text("/headamp/000/gain"), "+0.0");
}

/* Wire value -> text -> wire value, for each kind of field. */
static void roundtrip(const char *leaf, float wire, const char *text)
{
	const struct x32_ftype *t;
	float def, back;
	char out[X32_TEXT_MAX], s[X32_TEXT_MAX];
	assert_true(x32_tree_leaf(leaf, &t, &def));
	x32_ftype_format(t, wire, "", out, sizeof out);
	if (strcmp(out, text) != 0)
		fail_msg("%s: %g printed '%s', expected '%s'", leaf, (double)wire, out, text);
	assert_true(x32_ftype_parse(t, text, &back, s, sizeof s));
	if (back != wire)
		fail_msg("%s: '%s' parsed as %.9g, expected %.9g", leaf, text, (double)back,
			 (double)wire);
}

static void test_text_round_trips(void **state)
{
	(void)state;
	/* Maillot's emulator: "/ch/01/eq/1 PEQ 632.5 +0.00 2.0", "/ch/01/dyn ... 141 ...". */
	roundtrip("/ch/01/eq/1/f", 0.5f, "632.5");
	roundtrip("/ch/01/eq/4/f", 150.0f / 200.0f, "3k56");
	roundtrip("/ch/01/eq/1/q", 33.0f / 71.0f, "2.0");
	roundtrip("/ch/01/eq/1/q", 0.0f, "10");
	roundtrip("/ch/01/dyn/release", 0.5f, "141");
	roundtrip("/ch/01/gate/hold", 0.0f, "0.02");
	roundtrip("/ch/01/mix/fader", 767.0f / 1023.0f, "+0.0");
	roundtrip("/ch/01/mix/fader", 0.0f, "-oo");
	roundtrip("/ch/01/mix/01/level", 120.0f / 160.0f, "+0.0");
	roundtrip("/ch/01/mix/pan", 0.0f, "-100");
	roundtrip("/ch/01/mix/pan", 0.75f, "+50");
	roundtrip("/ch/01/preamp/trim", 0.5f, "+0.0");
	roundtrip("/ch/01/dyn/thr", 0.5f, "-30.0");
	roundtrip("/ch/01/dyn/ratio", 6.0f, "4.0");
	roundtrip("/ch/01/config/color", 14.0f, "CYi");
	roundtrip("/ch/01/grp/dca", 129.0f, "%10000001");
	roundtrip("/ch/01/mix/01/type", 3.0f, "PRE");
	roundtrip("/config/routing/IN/1-8", 3.0f, "3");
	/* What a person types: a dB value between grid points snaps to the nearest. */
	const struct x32_ftype *t;
	float def, f;
	char s[X32_TEXT_MAX];
	assert_true(x32_tree_leaf("/ch/01/mix/fader", &t, &def));
	assert_true(x32_ftype_parse(t, "-20.5", &f, s, sizeof s));
	assert_true(f == 377.0f / 1023.0f);
	assert_false(x32_ftype_parse(t, "loud", &f, s, sizeof s));
	assert_true(x32_tree_leaf("/ch/01/config/color", &t, &def));
	assert_false(x32_ftype_parse(t, "PURPLE", &f, s, sizeof s));
	assert_false(x32_ftype_parse(t, "16", &f, s, sizeof s));
	assert_true(x32_tree_leaf("/ch/01/config/name", &t, &def));
	assert_true(x32_ftype_parse(t, "\"Kick In\"", &f, s, sizeof s));
	assert_string_equal(s, "Kick In");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_shape),
		cmocka_unit_test(test_default_text),
		cmocka_unit_test(test_text_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
