/*
 * test_layout.c - the Open Stage Control session written by layout_write() is valid JSON in
 * the session format, every OSC address it uses exists in the daemon (through the parameter
 * table, or as a command or meter address the router knows), every strip has its controls,
 * and the committed configs/jmixd-8ch.json is what the generator writes today. When that last
 * test fails, regenerate the file:
 *
 *   build/jmixd --print-layout osc-session -c configs/default.cfg > configs/jmixd-8ch.json
 *
 * The session is parsed here by a small strict JSON reader (RFC 8259 syntax: no trailing
 * commas, no comments, nothing after the value), so the checks walk the widget tree instead
 * of matching text. Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/layout.h"
#include "daemon/params.h"
#include "osc/address.h"
#include "tests/unit/unit_util.h"

#define COMMITTED "configs/jmixd-8ch.json"
#define DEFAULT_CFG "configs/default.cfg"
#define REGENERATE "build/jmixd --print-layout osc-session -c " DEFAULT_CFG " > " COMMITTED

/* Commands the router answers (osc/route.c) that a surface may send. */
static const char *const known_commands[] = { "/subscribe", "/unsubscribe", "/dump", "/info",
					      "/status", NULL };

/* ---- a small strict JSON reader ---- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	char *key;                  /* member name inside an object, else NULL */
	char *str;                  /* J_STR */
	double num;                 /* J_NUM, J_BOOL (0 or 1) */
	struct jnode *child;        /* J_ARR, J_OBJ: first element or member */
	struct jnode *next;
};

struct jreader {
	const char *p;
	const char *error;
};

static void jfree(struct jnode *n)
{
	while (n) {
		struct jnode *next = n->next;
		jfree(n->child);
		free(n->key);
		free(n->str);
		free(n);
		n = next;
	}
}

static void jskip(struct jreader *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

static char *jstring(struct jreader *r)
{
	if (*r->p != '"') {
		r->error = "expected a string";
		return NULL;
	}
	r->p++;
	size_t cap = 64, n = 0;
	char *s = malloc(cap);
	for (;;) {
		unsigned char c = (unsigned char)*r->p++;
		if (c == '"')
			break;
		if (c < 0x20) {
			r->error = c ? "control character in a string" : "unterminated string";
			free(s);
			return NULL;
		}
		if (c == '\\') {
			char e = *r->p++;
			switch (e) {
			case '"':
			case '\\':
			case '/':
				c = (unsigned char)e;
				break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				for (int i = 0; i < 4; i++)
					if (!isxdigit((unsigned char)r->p[i])) {
						r->error = "bad \\u escape";
						free(s);
						return NULL;
					}
				c = '?';   /* the session is ASCII; the value does not matter here */
				r->p += 4;
				break;
			default:
				r->error = "bad escape";
				free(s);
				return NULL;
			}
		}
		if (n + 2 > cap)
			s = realloc(s, cap *= 2);
		s[n++] = (char)c;
	}
	s[n] = '\0';
	return s;
}

static struct jnode *jvalue(struct jreader *r, int depth);

static struct jnode *jcontainer(struct jreader *r, int depth, bool is_object)
{
	struct jnode *n = calloc(1, sizeof *n), **tail = &n->child;
	n->type = is_object ? J_OBJ : J_ARR;
	r->p++;
	jskip(r);
	if (*r->p == (is_object ? '}' : ']')) {
		r->p++;
		return n;
	}
	for (;;) {
		char *key = NULL;
		jskip(r);
		if (is_object) {
			if (!(key = jstring(r)))
				goto fail;
			jskip(r);
			if (*r->p++ != ':') {
				r->error = "expected ':'";
				free(key);
				goto fail;
			}
		}
		struct jnode *item = jvalue(r, depth + 1);
		if (!item) {
			free(key);
			goto fail;
		}
		item->key = key;
		*tail = item;
		tail = &item->next;
		jskip(r);
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p == (is_object ? '}' : ']')) {
			r->p++;
			return n;
		}
		r->error = "expected ',' or the end of the container";
		goto fail;
	}
fail:
	jfree(n);
	return NULL;
}

static struct jnode *jvalue(struct jreader *r, int depth)
{
	jskip(r);
	if (depth > 64) {
		r->error = "nested too deep";
		return NULL;
	}
	if (*r->p == '{' || *r->p == '[')
		return jcontainer(r, depth, *r->p == '{');
	struct jnode *n = calloc(1, sizeof *n);
	if (*r->p == '"') {
		n->type = J_STR;
		if (!(n->str = jstring(r)))
			goto fail;
		return n;
	}
	static const struct { const char *word; enum jtype type; double num; } words[] = {
		{ "true", J_BOOL, 1 }, { "false", J_BOOL, 0 }, { "null", J_NULL, 0 },
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strncmp(r->p, words[i].word, strlen(words[i].word)) == 0) {
			n->type = words[i].type;
			n->num = words[i].num;
			r->p += strlen(words[i].word);
			return n;
		}
	/* JSON numbers: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
	const char *s = r->p;
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (isdigit((unsigned char)*s))
			s++;
	else
		goto bad_number;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			goto bad_number;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			goto bad_number;
		while (isdigit((unsigned char)*s))
			s++;
	}
	n->type = J_NUM;
	n->num = strtod(r->p, NULL);
	r->p = s;
	return n;
bad_number:
	r->error = "expected a value";
fail:
	jfree(n);
	return NULL;
}

/* Parse a whole document; fails the test with the position on a syntax error. */
static struct jnode *jparse(const char *text, const char *what)
{
	struct jreader r = { .p = text };
	struct jnode *root = jvalue(&r, 0);
	if (root) {
		jskip(&r);
		if (*r.p) {
			r.error = "text after the value";
			jfree(root);
			root = NULL;
		}
	}
	if (!root)
		fail_msg("%s: invalid JSON at byte %ld: %s", what, (long)(r.p - text), r.error);
	return root;
}

static const struct jnode *jget(const struct jnode *obj, const char *key)
{
	if (!obj || obj->type != J_OBJ)
		return NULL;
	for (const struct jnode *m = obj->child; m; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

static const char *jstr(const struct jnode *obj, const char *key)
{
	const struct jnode *m = jget(obj, key);
	return m && m->type == J_STR ? m->str : NULL;
}

/* ---- the session under test ---- */

static char *generate(const char *cfg, struct setup *setup)
{
	char err[1024] = "", *out = NULL;
	size_t size = 0;
	if (config_load(cfg, setup, err, sizeof err) != 0)
		fail_msg("config_load(%s): %s", cfg, err);
	FILE *mem = open_memstream(&out, &size);
	assert_non_null(mem);
	assert_int_equal(layout_write(mem, LAYOUT_OSC_SESSION, setup, NULL), 0);
	fclose(mem);
	return out;
}

/* Every widget object of the tree, depth first (root included). */
#define MAX_WIDGETS 8192
struct widgets {
	const struct jnode *w[MAX_WIDGETS];
	int n;
};

static void collect(const struct jnode *widget, struct widgets *all)
{
	assert_true(all->n < MAX_WIDGETS);
	all->w[all->n++] = widget;
	/* A container holds widgets, or tabs (the root: the mixer, then the other pages). */
	static const char *const lists[] = { "widgets", "tabs" };
	for (int k = 0; k < 2; k++) {
		const struct jnode *children = jget(widget, lists[k]);
		if (!children)
			continue;
		assert_int_equal(children->type, J_ARR);
		for (const struct jnode *c = children->child; c; c = c->next) {
			assert_int_equal(c->type, J_OBJ);
			collect(c, all);
		}
	}
}

static const struct jnode *widget_at(const struct widgets *all, const char *type,
				     const char *address, int nth)
{
	for (int i = 0; i < all->n; i++) {
		const char *t = jstr(all->w[i], "type"), *a = jstr(all->w[i], "address");
		if (t && a && strcmp(t, type) == 0 && strcmp(a, address) == 0 && nth-- == 0)
			return all->w[i];
	}
	return NULL;
}

/*
 * Does the daemon answer this address? Known commands, else what the daemon's own parser
 * (osc/address.h) resolves on a control of the session's setup: parameters (the /norm twin
 * only for continuous rows), meters and their single-float fields, names.
 */
static const struct control *session_control;

static bool address_resolves(const char *address, int n_channels, char *why, size_t why_size)
{
	(void)n_channels;   /* the control knows the console */
	for (int i = 0; known_commands[i]; i++)
		if (strcmp(address, known_commands[i]) == 0)
			return true;
	struct osc_address a;
	const char *reason = "";
	if (osc_address_parse(session_control, address, &a, &reason) < 0) {
		snprintf(why, why_size, "%s", reason);
		return false;
	}
	if (a.is_norm && a.ref.desc->type != PARAM_FLOAT) {
		snprintf(why, why_size, "'%s' has no /norm twin (not continuous)", a.ref.desc->path);
		return false;
	}
	return true;
}

static void check_address(const char *address, int n_channels, const char *where)
{
	char why[160] = "";
	if (!address_resolves(address, n_channels, why, sizeof why))
		fail_msg("%s: address %s does not exist in jmixd: %s", where, address, why);
}

/* Addresses hidden in scripts and property formulas: OSC{/addr, ...} and send('/addr'). */
static int check_embedded(const char *text, const char *opener, char closer, int n_channels,
			  const char *where)
{
	int n = 0;
	for (const char *p = strstr(text, opener); p; p = strstr(p + 1, opener)) {
		char address[256];
		const char *a = p + strlen(opener);
		size_t len = strcspn(a, closer == ',' ? ",}" : "'");
		assert_true(len < sizeof address);
		memcpy(address, a, len);
		address[len] = '\0';
		while (len && address[len - 1] == ' ')
			address[--len] = '\0';
		check_address(address, n_channels, where);
		n++;
	}
	return n;
}

/* Checks that hold for any setup; returns the number of addresses seen. */
static int check_session(const char *text, const struct setup *setup)
{
	struct jnode *doc = jparse(text, "session");
	assert_string_equal(jstr(doc, "createdWith"), "Open Stage Control");
	assert_string_equal(jstr(doc, "type"), "session");
	assert_non_null(jstr(doc, "version"));
	const struct jnode *root = jget(doc, "content");
	assert_non_null(root);
	assert_string_equal(jstr(root, "type"), "root");

	struct widgets *all = calloc(1, sizeof *all);
	collect(root, all);
	static struct control control;
	assert_int_equal(control_init(&control, setup), 0);
	session_control = &control;

	int n_addresses = 0;
	for (int i = 0; i < all->n; i++) {
		const struct jnode *w = all->w[i];
		const char *id = jstr(w, "id"), *address = jstr(w, "address");
		assert_non_null(id);
		/* Widgets sharing an id become clones in Open Stage Control: ids must be unique. */
		for (int k = 0; k < i; k++)
			if (strcmp(id, jstr(all->w[k], "id")) == 0)
				fail_msg("widget id '%s' used twice", id);
		if (address) {
			check_address(address, setup->n_channels, id);
			n_addresses++;
		}
		const char *value = jstr(w, "value"), *on_create = jstr(w, "onCreate");
		if (value)
			n_addresses += check_embedded(value, "OSC{", ',', setup->n_channels, id);
		if (on_create)
			n_addresses += check_embedded(on_create, "send('", '\'', setup->n_channels, id);
	}

	/* Every channel strip: its name, pan, meter, fader, mute, solo; then the master. */
	for (int ch = 0; ch <= setup->n_channels; ch++) {
		bool is_master = ch == setup->n_channels;
		char prefix[32], address[96];
		if (is_master)
			snprintf(prefix, sizeof prefix, "/master/");
		else
			snprintf(prefix, sizeof prefix, "/ch/%d/", ch + 1);

		snprintf(address, sizeof address, "%sfader/norm", prefix);
		const struct jnode *fader = widget_at(all, "fader", address, 0);
		if (!fader)
			fail_msg("no fader on %s", address);
		/* Each scale label is the dB value its fader position means, through the law. */
		const struct param_desc *fd = params_find_path(is_master ? PARAM_MASTER : PARAM_CHANNEL,
							       "fader");
		const struct jnode *range = jget(fader, "range");
		assert_non_null(range);
		int n_labels = 0;
		for (const struct jnode *bp = range->child; bp; bp = bp->next, n_labels++) {
			assert_int_equal(bp->type, J_OBJ);
			const struct jnode *lv = bp->child;
			assert_int_equal(lv->type, J_NUM);
			float db = strcmp(lv->key, "-inf") == 0 ? fd->min : strtof(lv->key, NULL);
			ut_assert_close(param_to_norm(fd, db), lv->num, 1e-6);
		}
		assert_true(n_labels >= 2);

		snprintf(address, sizeof address, "%smeter", prefix);
		const struct jnode *meter = widget_at(all, "fader", address, 0);
		if (!meter)
			fail_msg("no meter on %s", address);
		assert_int_equal(jget(meter, "bypass")->num, 1);        /* never sends */
		assert_int_equal(jget(meter, "interaction")->num, 0);   /* cannot be touched */
		if (is_master)
			assert_non_null(widget_at(all, "fader", address, 1));   /* left and right */

		snprintf(address, sizeof address, "%smute", prefix);
		const struct jnode *mute = widget_at(all, "button", address, 0);
		if (!mute)
			fail_msg("no mute button on %s", address);
		assert_int_equal(jget(mute, "on")->num, 1);
		assert_int_equal(jget(mute, "off")->num, 0);
		assert_string_equal(jstr(mute, "mode"), "toggle");
		if (is_master)
			continue;

		snprintf(address, sizeof address, "%span/norm", prefix);
		if (!widget_at(all, "knob", address, 0))
			fail_msg("no pan knob on %s", address);
		snprintf(address, sizeof address, "%ssolo", prefix);
		if (!widget_at(all, "button", address, 0))
			fail_msg("no solo button on %s", address);

		/* The strip is labelled with the channel's name. */
		bool is_named = false;
		for (int i = 0; i < all->n; i++) {
			const char *t = jstr(all->w[i], "type"), *v = jstr(all->w[i], "value");
			is_named |= t && v && strcmp(t, "text") == 0 &&
				    strcmp(v, setup->channels[ch].name) == 0;
		}
		if (!is_named)
			fail_msg("no text widget naming channel %d '%s'", ch + 1,
				 setup->channels[ch].name);
	}

	/* Every DCA strip: its fader on the fader law, its mute, its name. */
	for (int k = 0; k < SETUP_DCA_COUNT; k++) {
		char address[96];
		snprintf(address, sizeof address, "/dca/%d/fader/norm", k + 1);
		if (!widget_at(all, "fader", address, 0))
			fail_msg("no fader on %s", address);
		snprintf(address, sizeof address, "/dca/%d/mute", k + 1);
		if (!widget_at(all, "button", address, 0))
			fail_msg("no mute button on %s", address);
		bool is_named = false;
		for (int i = 0; i < all->n; i++) {
			const char *t = jstr(all->w[i], "type"), *v = jstr(all->w[i], "value");
			is_named |= t && v && strcmp(t, "text") == 0 &&
				    strcmp(v, setup->dca_name[k]) == 0;
		}
		if (!is_named)
			fail_msg("no text widget naming DCA %d '%s'", k + 1, setup->dca_name[k]);
	}

	/* The lease is renewed from the session itself. */
	const struct jnode *sub = widget_at(all, "script", "/subscribe", 0);
	assert_non_null(sub);
	char interval[32];
	snprintf(interval, sizeof interval, "}, %d)", LAYOUT_RENEW_MS);
	ut_assert_contains(jstr(sub, "onCreate"), "setInterval(");
	ut_assert_contains(jstr(sub, "onCreate"), interval);

	/* The pages after the mixer: a tab each, sends on every channel's page. */
	const struct jnode *tabs = jget(root, "tabs");
	assert_non_null(tabs);
	int n_tabs = 0;
	for (const struct jnode *t = tabs->child; t; t = t->next, n_tabs++)
		assert_string_equal(jstr(t, "type"), "tab");
	assert_true(n_tabs >= 1 + setup->n_channels + 2);   /* mixer, channels, groups, master */
	for (int ch = 0; ch < setup->n_channels; ch++)
		for (int bus = 0; bus < setup->n_buses; bus++) {
			char address[96];
			snprintf(address, sizeof address, "/ch/%d/send/%d/level/norm", ch + 1, bus + 1);
			if (!widget_at(all, "fader", address, 0))   /* on the fader law */
				fail_msg("no send fader on %s", address);
			snprintf(address, sizeof address, "/ch/%d/send/%d/on", ch + 1, bus + 1);
			if (!widget_at(all, "button", address, 0))
				fail_msg("no send button on %s", address);
		}

	control_free(&control);
	session_control = NULL;
	free(all);
	jfree(doc);
	return n_addresses;
}

/* ---- tests ---- */

static void test_reader_rejects_bad_json(void **state)
{
	(void)state;
	static const char *const bad[] = { "{\"a\": 1,}", "[1 2]", "{\"a\" 1}", "01", "[1.]",
					   "\"tab\there\"", "{} {}", "[", "nul" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct jreader r = { .p = bad[i] };
		struct jnode *n = jvalue(&r, 0);
		if (n) {
			jskip(&r);
			bool is_rejected = *r.p != '\0';
			jfree(n);
			if (!is_rejected)
				fail_msg("accepted bad JSON: %s", bad[i]);
		}
	}
	struct jnode *ok = jparse("{\"a\": [1, -2.5e3, true, null, \"x\\\"y\\n\"], \"b\": {}}", "ok");
	assert_int_equal(jget(ok, "a")->type, J_ARR);
	assert_true(jget(ok, "a")->child->next->num == -2500.0);
	jfree(ok);
}

static void test_default_session_addresses_resolve(void **state)
{
	(void)state;
	struct setup setup;
	char *text = generate(DEFAULT_CFG, &setup);
	int n = check_session(text, &setup);
	/* 8 strips x (pan, meter + its listener, fader, mute, solo) + master + /subscribe. */
	assert_true(n >= 8 * 6 + 6);
	free(text);
	config_free(&setup);
}

static void test_other_channel_counts(void **state)
{
	(void)state;
	struct setup setup;
	char *text = generate("tests/fixtures/good-three.cfg", &setup);
	assert_int_equal(setup.n_channels, 3);
	check_session(text, &setup);
	assert_null(strstr(text, "/ch/4/"));
	free(text);
	config_free(&setup);
}

static void test_committed_session_is_current(void **state)
{
	(void)state;
	struct setup setup;
	char *fresh = generate(DEFAULT_CFG, &setup);
	FILE *f = fopen(COMMITTED, "r");
	if (!f)
		fail_msg("%s is missing: %s", COMMITTED, REGENERATE);
	char *committed = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&committed, &size);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(f);
	fclose(mem);
	if (strcmp(committed, fresh) != 0)
		fail_msg("%s is out of date with daemon/params.c, daemon/layout.c or %s: %s",
			 COMMITTED, DEFAULT_CFG, REGENERATE);
	free(committed);
	free(fresh);
	config_free(&setup);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_int_equal(layout_kind_from_name("osc-session"), LAYOUT_OSC_SESSION);
	assert_int_equal(layout_kind_from_name("touchosc"), LAYOUT_TOUCHOSC);
	assert_int_equal(layout_kind_from_name("lemur"), -1);
	ut_assert_contains(layout_kind_names(), "osc-session");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_rejects_bad_json),
		cmocka_unit_test(test_default_session_addresses_resolve),
		cmocka_unit_test(test_other_channel_counts),
		cmocka_unit_test(test_committed_session_is_current),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
