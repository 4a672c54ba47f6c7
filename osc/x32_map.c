/*
 * x32_map.c - see x32_map.h. The laws and ranges are the console's (research/x32.md 4.2);
 * jmixd's own ranges clamp what arrives (a gate attack of 0 ms becomes jmixd's 0.1 ms).
 */
#include "osc/x32_map.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osc/x32_tree.h"

#define LEVEL(n_) { .kind = X32_LEVEL, .n = n_ }
#define LINF(lo_, hi_, n_) { .kind = X32_LINF, .lo = lo_, .hi = hi_, .n = n_ }
#define LOGF(lo_, hi_, n_) { .kind = X32_LOGF, .lo = lo_, .hi = hi_, .n = n_ }
#define BOOL_ { .kind = X32_BOOL, .n = 2 }
#define BOOL_NOT_ { .kind = X32_BOOL_NOT, .n = 2 }
#define BOTH(leaf_) { leaf_, leaf_ }
#define X32(leaf_) { leaf_, NULL }
#define BIT_ROW(scope_, row_, k_, leaf_, which_)                                                  \
	{ scope_, row_ "/" #k_, which_(leaf_), { .kind = X32_BIT, .lo = (k_) - 1, .n = 2 } }

/* The console's enums as jmixd's values. Ratio (Maillot p.26) is jmixd's comp/ratio. EQ band
 * types LCut LShv PEQ VEQ HShv HCut are jmixd's per-band choices (daemon/params.c: band 1
 * lowshelf peak highshelf lowcut, bands 2-3 the first three, band 4 those and highcut); VEQ
 * is a peak too, and a cut jmixd's band lacks is no value (a set is ignored). */
static const float ratio_table[] = { 1.1f, 1.3f, 1.5f, 2.0f, 2.5f, 3.0f, 4.0f, 5.0f, 7.0f,
				     10.0f, 20.0f, 100.0f };
static const float band1_table[] = { 3.0f, 0.0f, 1.0f, 1.0f, 2.0f, NAN };
static const float band23_table[] = { NAN, 0.0f, 1.0f, 1.0f, 2.0f, NAN };
static const float band4_table[] = { NAN, 0.0f, 1.0f, 1.0f, 2.0f, 3.0f };
#define TABLE(t_) { .kind = X32_TABLE, .n = (int)(sizeof t_ / sizeof t_[0]), .table = t_ }

#define EQ_BAND(sc, b, types_)                                                                    \
	{ sc, "eq/" #b "/type", BOTH("eq/" #b "/type"), TABLE(types_) },                          \
	{ sc, "eq/" #b "/freq", BOTH("eq/" #b "/f"), LOGF(20.0f, 20000.0f, 201) },                \
	{ sc, "eq/" #b "/gain", BOTH("eq/" #b "/g"), LINF(-15.0f, 15.0f, 121) },                  \
	{ sc, "eq/" #b "/q", BOTH("eq/" #b "/q"), LOGF(10.0f, 0.3f, 72) }
#define EQ_BANDS(sc) EQ_BAND(sc, 1, band1_table), EQ_BAND(sc, 2, band23_table),                  \
	EQ_BAND(sc, 3, band23_table), EQ_BAND(sc, 4, band4_table)
/* Knee: the console's 0..5 has no unit; 2 dB a step puts jmixd's default 6 dB at 3. */
#define COMP(sc)                                                                                  \
	{ sc, "comp/on", BOTH("dyn/on"), BOOL_ },                                                 \
	{ sc, "comp/threshold", BOTH("dyn/thr"), LINF(-60.0f, 0.0f, 121) },                       \
	{ sc, "comp/ratio", BOTH("dyn/ratio"), TABLE(ratio_table) },                              \
	{ sc, "comp/knee", BOTH("dyn/knee"),                                                      \
	  { .kind = X32_LINF, .lo = 0.0f, .hi = 5.0f, .n = 6, .scale = 0.5f } },                 \
	{ sc, "comp/makeup", BOTH("dyn/mgain"), LINF(0.0f, 24.0f, 49) },                          \
	{ sc, "comp/attack", BOTH("dyn/attack"), LINF(0.0f, 120.0f, 121) },                       \
	{ sc, "comp/release", BOTH("dyn/release"), LOGF(5.0f, 4000.0f, 101) },                    \
	{ sc, "comp/detect", BOTH("dyn/det"), BOOL_ }

const struct x32_row x32_rows[] = {
	{ PARAM_CHANNEL, "fader", BOTH("mix/fader"), LEVEL(1024) },
	{ PARAM_CHANNEL, "mute", BOTH("mix/on"), BOOL_NOT_ },
	/* Pan: the wire's -100 .. +100 is jmixd's -1 .. +1. */
	{ PARAM_CHANNEL, "pan", BOTH("mix/pan"),
	  { .kind = X32_LINF, .lo = -100.0f, .hi = 100.0f, .n = 101, .scale = 100.0f } },
	/* X Air has no trim (its gain is on /headamp). */
	{ PARAM_CHANNEL, "trim", { "preamp/trim", NULL }, LINF(-18.0f, 18.0f, 145) },
	{ PARAM_CHANNEL, "polarity", BOTH("preamp/invert"), BOOL_ },
	{ PARAM_CHANNEL, "hpf/on", BOTH("preamp/hpon"), BOOL_ },
	{ PARAM_CHANNEL, "hpf/freq", BOTH("preamp/hpf"), LOGF(20.0f, 400.0f, 101) },
	{ PARAM_CHANNEL, "gate/on", BOTH("gate/on"), BOOL_ },
	{ PARAM_CHANNEL, "gate/threshold", BOTH("gate/thr"), LINF(-80.0f, 0.0f, 161) },
	{ PARAM_CHANNEL, "gate/range", BOTH("gate/range"), LINF(3.0f, 60.0f, 58) },
	{ PARAM_CHANNEL, "gate/attack", BOTH("gate/attack"), LINF(0.0f, 120.0f, 121) },
	{ PARAM_CHANNEL, "gate/hold", BOTH("gate/hold"), LOGF(0.02f, 2000.0f, 101) },
	{ PARAM_CHANNEL, "gate/release", BOTH("gate/release"), LOGF(5.0f, 4000.0f, 101) },
	{ PARAM_CHANNEL, "eq/on", BOTH("eq/on"), BOOL_ },
	EQ_BANDS(PARAM_CHANNEL),
	COMP(PARAM_CHANNEL),
	/* The console's solo switches 01..32 (X Air 01..16) are its channels'. */
	{ PARAM_CHANNEL, "solo", BOTH("-stat/solosw"), BOOL_ },

	{ PARAM_SEND, "level", BOTH("level"), LEVEL(161) },
	/* X Air sends have no on switch (Companion polls none). */
	{ PARAM_SEND, "on", { "on", NULL }, BOOL_ },

	{ PARAM_AUX, "fader", BOTH("mix/fader"), LEVEL(1024) },
	{ PARAM_AUX, "mute", BOTH("mix/on"), BOOL_NOT_ },

	/* Group membership as the console's bitmaps: bit k-1 of grp/dca is jmixd's dca/k, of
	 * grp/mute its mgrp/k. X Air has 4 DCAs and 4 mute groups; the X32 8 and 6. The bits
	 * of one bitmap are consecutive rows, X Air's first. */
	BIT_ROW(PARAM_CHANNEL, "dca", 1, "grp/dca", BOTH), BIT_ROW(PARAM_CHANNEL, "dca", 2, "grp/dca", BOTH),
	BIT_ROW(PARAM_CHANNEL, "dca", 3, "grp/dca", BOTH), BIT_ROW(PARAM_CHANNEL, "dca", 4, "grp/dca", BOTH),
	BIT_ROW(PARAM_CHANNEL, "dca", 5, "grp/dca", X32), BIT_ROW(PARAM_CHANNEL, "dca", 6, "grp/dca", X32),
	BIT_ROW(PARAM_CHANNEL, "dca", 7, "grp/dca", X32), BIT_ROW(PARAM_CHANNEL, "dca", 8, "grp/dca", X32),
	BIT_ROW(PARAM_CHANNEL, "mgrp", 1, "grp/mute", BOTH), BIT_ROW(PARAM_CHANNEL, "mgrp", 2, "grp/mute", BOTH),
	BIT_ROW(PARAM_CHANNEL, "mgrp", 3, "grp/mute", BOTH), BIT_ROW(PARAM_CHANNEL, "mgrp", 4, "grp/mute", BOTH),
	BIT_ROW(PARAM_CHANNEL, "mgrp", 5, "grp/mute", X32), BIT_ROW(PARAM_CHANNEL, "mgrp", 6, "grp/mute", X32),
	BIT_ROW(PARAM_AUX, "mgrp", 1, "grp/mute", BOTH), BIT_ROW(PARAM_AUX, "mgrp", 2, "grp/mute", BOTH),
	BIT_ROW(PARAM_AUX, "mgrp", 3, "grp/mute", BOTH), BIT_ROW(PARAM_AUX, "mgrp", 4, "grp/mute", BOTH),
	BIT_ROW(PARAM_AUX, "mgrp", 5, "grp/mute", X32), BIT_ROW(PARAM_AUX, "mgrp", 6, "grp/mute", X32),

	/* DCAs: /dca/K (X32 1..8, X Air 1..4); on = not muted, as a strip's mix/on. */
	{ PARAM_DCA, "fader", BOTH("fader"), LEVEL(1024) },
	{ PARAM_DCA, "mute", BOTH("on"), BOOL_NOT_ },
	/* Mute groups: /config/mute/K (X32 1..6, X Air 1..4), 1 = the group mutes. */
	{ PARAM_MGRP, "on", BOTH("mute"), BOOL_ },

	{ PARAM_MASTER, "fader", BOTH("mix/fader"), LEVEL(1024) },
	{ PARAM_MASTER, "mute", BOTH("mix/on"), BOOL_NOT_ },
	{ PARAM_MASTER, "eq/on", BOTH("eq/on"), BOOL_ },
	EQ_BANDS(PARAM_MASTER),
	COMP(PARAM_MASTER),
};

const int x32_n_rows = (int)(sizeof x32_rows / sizeof x32_rows[0]);

bool x32_row_is_stat(const struct x32_row *r)
{
	return r->leaf[X32_PROFILE_X32] && r->leaf[X32_PROFILE_X32][0] == '-';
}

/* Leaves with no jmixd counterpart: '#' stands for one digit. Held per listener (x32.c). */
struct shadow_pattern {
	const char *pattern;
	char tag;
	float def;
	unsigned profiles;          /* 1 << enum x32_profile */
};

#define X32_ONLY (1u << X32_PROFILE_X32)
#define XAIR_ONLY (1u << X32_PROFILE_XAIR)
#define ANY (X32_ONLY | XAIR_ONLY)

static const struct shadow_pattern shadows[] = {
	{ "/ch/##/config/color", 'i', 0, ANY },
	{ "/ch/##/mix/st", 'i', 1, X32_ONLY },
	{ "/ch/##/mix/lr", 'i', 1, XAIR_ONLY },
	{ "/ch/##/mix/##/pan", 'f', 0.5f, ANY },
	{ "/ch/##/insert/on", 'i', 0, ANY },
	{ "/bus/##/config/color", 'i', 0, X32_ONLY },
	{ "/bus/##/mix/pan", 'f', 0.5f, X32_ONLY },
	{ "/bus/##/mix/##/level", 'f', 0, X32_ONLY },
	{ "/bus/#/config/color", 'i', 0, XAIR_ONLY },
	{ "/bus/#/mix/pan", 'f', 0.5f, XAIR_ONLY },
	{ "/main/st/config/color", 'i', 0, X32_ONLY },
	{ "/main/st/mix/pan", 'f', 0.5f, X32_ONLY },
	{ "/main/m/config/name", 's', 0, X32_ONLY },
	{ "/main/m/config/color", 'i', 0, X32_ONLY },
	{ "/main/m/mix/fader", 'f', 0, X32_ONLY },
	{ "/lr/config/color", 'i', 0, XAIR_ONLY },
	{ "/lr/mix/pan", 'f', 0.5f, XAIR_ONLY },
	{ "/auxin/##/config/name", 's', 0, X32_ONLY },
	{ "/auxin/##/config/color", 'i', 0, X32_ONLY },
	{ "/auxin/##/mix/on", 'i', 1, X32_ONLY },
	{ "/auxin/##/mix/fader", 'f', 0, X32_ONLY },
	{ "/auxin/##/mix/##/level", 'f', 0, X32_ONLY },
	{ "/fxrtn/##/config/name", 's', 0, X32_ONLY },
	{ "/fxrtn/##/config/color", 'i', 0, X32_ONLY },
	{ "/fxrtn/##/mix/on", 'i', 1, X32_ONLY },
	{ "/fxrtn/##/mix/fader", 'f', 0, X32_ONLY },
	{ "/fxrtn/##/mix/##/level", 'f', 0, X32_ONLY },
	{ "/mtx/##/config/name", 's', 0, X32_ONLY },
	{ "/mtx/##/config/color", 'i', 0, X32_ONLY },
	{ "/mtx/##/mix/on", 'i', 1, X32_ONLY },
	{ "/mtx/##/mix/fader", 'f', 0, X32_ONLY },
	{ "/dca/#/on", 'i', 1, ANY },
	{ "/dca/#/fader", 'f', 0, ANY },
	{ "/dca/#/config/name", 's', 0, ANY },
	{ "/dca/#/config/color", 'i', 0, ANY },
	{ "/-stat/solosw/##", 'i', 0, ANY },
	{ "/-stat/solo", 'i', 0, ANY },
	{ "/-stat/selidx", 'i', 0, ANY },
	/* X Air snapshots count from 1: an index of 0 breaks the Companion X-Air module. */
	{ "/-snap/index", 'i', 1, ANY },
	{ "/-snap/name", 's', 0, ANY },
	{ "/-snap/##/name", 's', 0, ANY },   /* slot NN's scene (x32_snap.c) */
	{ "/config/mute/#", 'i', 0, XAIR_ONLY },
	/* What Companion's X-Air module polls before it reports "Console status loaded". */
	{ "/bus/#/mix/lr", 'i', 1, XAIR_ONLY },
	{ "/bus/#/eq/on", 'i', 0, XAIR_ONLY },
	{ "/bus/#/dyn/on", 'i', 0, XAIR_ONLY },
	{ "/bus/#/insert/on", 'i', 0, XAIR_ONLY },
	{ "/lr/insert/on", 'i', 0, XAIR_ONLY },
	{ "/rtn/#/mix/on", 'i', 1, XAIR_ONLY },
	{ "/rtn/#/mix/fader", 'f', 0, XAIR_ONLY },
	{ "/rtn/#/mix/pan", 'f', 0.5f, XAIR_ONLY },
	{ "/rtn/#/mix/lr", 'i', 1, XAIR_ONLY },
	{ "/rtn/#/eq/on", 'i', 0, XAIR_ONLY },
	{ "/rtn/#/config/name", 's', 0, XAIR_ONLY },
	{ "/rtn/#/config/color", 'i', 0, XAIR_ONLY },
	{ "/rtn/#/mix/##/level", 'f', 0, XAIR_ONLY },
	{ "/rtn/#/mix/##/pan", 'f', 0.5f, XAIR_ONLY },
	{ "/rtn/aux/mix/on", 'i', 1, XAIR_ONLY },
	{ "/rtn/aux/mix/fader", 'f', 0, XAIR_ONLY },
	{ "/rtn/aux/mix/pan", 'f', 0.5f, XAIR_ONLY },
	{ "/rtn/aux/mix/lr", 'i', 1, XAIR_ONLY },
	{ "/rtn/aux/eq/on", 'i', 0, XAIR_ONLY },
	{ "/rtn/aux/config/name", 's', 0, XAIR_ONLY },
	{ "/rtn/aux/config/color", 'i', 0, XAIR_ONLY },
	{ "/rtn/aux/mix/##/level", 'f', 0, XAIR_ONLY },
	{ "/rtn/aux/mix/##/pan", 'f', 0.5f, XAIR_ONLY },
	{ "/fxsend/#/mix/on", 'i', 1, XAIR_ONLY },
	{ "/fxsend/#/mix/fader", 'f', 0, XAIR_ONLY },
	{ "/fxsend/#/config/name", 's', 0, XAIR_ONLY },
	{ "/fxsend/#/config/color", 'i', 0, XAIR_ONLY },
	{ "/config/solo/level", 'f', 0, XAIR_ONLY },
	{ "/config/solo/source", 'i', 0, XAIR_ONLY },
	{ "/config/solo/sourcetrim", 'f', 0.5f, XAIR_ONLY },
	{ "/config/solo/chmode", 'i', 0, XAIR_ONLY },
	{ "/config/solo/busmode", 'i', 0, XAIR_ONLY },
	{ "/config/solo/dimpfl", 'i', 0, XAIR_ONLY },
	{ "/config/solo/dimatt", 'f', 0, XAIR_ONLY },
	{ "/config/solo/mute", 'i', 0, XAIR_ONLY },
	{ "/config/solo/mono", 'i', 0, XAIR_ONLY },
	{ "/config/solo/dim", 'i', 0, XAIR_ONLY },
	{ "/headamp/##/gain", 'f', 0, XAIR_ONLY },
	{ "/headamp/##/phantom", 'i', 0, XAIR_ONLY },
	{ "/headamp/###/gain", 'f', 0, X32_ONLY },
	{ "/headamp/###/phantom", 'i', 0, X32_ONLY },
};

int x32_map_channels(enum x32_profile p)
{
	return p == X32_PROFILE_X32 ? 32 : 16;
}

int x32_map_buses(enum x32_profile p)
{
	return p == X32_PROFILE_X32 ? 16 : 6;
}

int x32_map_dcas(enum x32_profile p)
{
	return p == X32_PROFILE_X32 ? 8 : 4;
}

static int x32_map_sends(enum x32_profile p)
{
	return p == X32_PROFILE_X32 ? 16 : 10;
}

static bool matches(const char *pattern, const char *path)
{
	for (; *pattern; pattern++, path++) {
		if (*pattern == '#' ? (*path < '0' || *path > '9') : *pattern != *path)
			return false;
	}
	return *path == '\0';
}

/* n digits exactly, 1..max; -1 otherwise. *end moves past them. */
static int number(const char *s, int n_digits, int max, const char **end)
{
	int v = 0;
	for (int i = 0; i < n_digits; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*end = s + n_digits;
	return v >= 1 && v <= max ? v : -1;
}

static const struct x32_row *find_row(enum x32_profile p, enum param_scope scope,
				      const char *leaf)
{
	for (int i = 0; i < x32_n_rows; i++)
		if (x32_rows[i].scope == scope && x32_rows[i].leaf[p] &&
		    !x32_row_is_stat(&x32_rows[i]) && strcmp(x32_rows[i].leaf[p], leaf) == 0)
			return &x32_rows[i];
	return NULL;
}

/* Split a path into (scope, owner, bus) and the leaf; false when it is no strip's. */
static bool split(enum x32_profile p, const char *path, enum param_scope *scope, int *owner,
		  int *bus, const char **leaf)
{
	const char *s;
	*owner = 0;
	*bus = 0;
	if (strncmp(path, "/ch/", 4) == 0) {
		*owner = number(path + 4, 2, x32_map_channels(p), &s) - 1;
		if (*owner < 0 || *s != '/')
			return false;
		*scope = PARAM_CHANNEL;
		*leaf = s + 1;
		const char *t;
		if (strncmp(*leaf, "mix/", 4) == 0 &&
		    (*bus = number(*leaf + 4, 2, x32_map_sends(p), &t) - 1) >= 0 && *t == '/') {
			*scope = PARAM_SEND;
			*leaf = t + 1;
		} else {
			*bus = 0;
		}
		return true;
	}
	if (strncmp(path, "/bus/", 5) == 0) {
		*owner = number(path + 5, p == X32_PROFILE_X32 ? 2 : 1, x32_map_buses(p), &s) - 1;
		if (*owner < 0 || *s != '/')
			return false;
		*scope = PARAM_AUX;
		*leaf = s + 1;
		return true;
	}
	if (strncmp(path, "/dca/", 5) == 0) {
		*owner = number(path + 5, 1, x32_map_dcas(p), &s) - 1;
		if (*owner < 0 || *s != '/')
			return false;
		*scope = PARAM_DCA;
		*leaf = s + 1;
		return true;
	}
	if (strncmp(path, "/config/mute/", 13) == 0) {
		*owner = number(path + 13, 1, x32_map_dcas(p) == 8 ? 6 : 4, &s) - 1;
		if (*owner < 0 || *s != '\0')
			return false;
		*scope = PARAM_MGRP;
		*leaf = "mute";
		return true;
	}
	const char *master = p == X32_PROFILE_X32 ? "/main/st/" : "/lr/";
	if (strncmp(path, master, strlen(master)) == 0) {
		*scope = PARAM_MASTER;
		*leaf = path + strlen(master);
		return true;
	}
	return false;
}

static bool owner_exists(const struct control *c, enum param_scope scope, int owner, int bus)
{
	switch (scope) {
	case PARAM_CHANNEL:
		return owner < c->n_channels;
	case PARAM_SEND:
		return owner < c->n_channels && bus < c->n_buses;
	case PARAM_AUX:
		return owner < c->n_buses;
	default:
		return true;   /* the master; DCAs and mute groups always exist */
	}
}

static struct x32_leaf resolve_row(const struct control *c, enum param_scope scope, int owner,
				   int bus, const struct x32_row *row);

static struct x32_leaf resolve_strip(const struct control *c, enum x32_profile p,
				     enum param_scope scope, int owner, int bus, const char *leaf)
{
	struct x32_leaf out = { .kind = X32_LEAF_NONE };
	if (strcmp(leaf, "config/name") == 0 &&
	    (scope == PARAM_CHANNEL || scope == PARAM_AUX || scope == PARAM_MASTER)) {
		out.kind = X32_LEAF_NAME;
		out.scope = scope;
		out.owner = owner_exists(c, scope, owner, 0) ? owner : -1;
		out.tag = 's';
		return out;
	}
	const struct x32_row *row = find_row(p, scope, leaf);
	return row ? resolve_row(c, scope, owner, bus, row) : out;
}

/* A row of the map on one strip: the parameter instance, or a stand-in when jmixd lacks it. */
static struct x32_leaf resolve_row(const struct control *c, enum param_scope scope, int owner,
				   int bus, const struct x32_row *row)
{
	struct x32_leaf out = { .kind = X32_LEAF_NONE };
	out.row = row;
	out.tag = x32_law_is_int(&row->law) ? 'i' : 'f';
	if (row->law.kind == X32_BIT) {
		/* The whole bitmap: x32.c reads and sets its bits' rows (x32_map_bits). */
		out.kind = owner_exists(c, scope, owner, bus) ? X32_LEAF_BITMAP : X32_LEAF_SHADOW;
		out.scope = scope;
		out.owner = owner;
		return out;
	}
	const struct param_desc *d = params_find_path(scope, row->row);
	if (!d)
		return out;
	if (owner_exists(c, scope, owner, bus)) {
		out.ref = scope == PARAM_SEND ? control_send_ref(c, d, owner, bus)
					      : (struct param_ref){ .desc = d, .index = owner };
		if (control_has(c, out.ref)) {
			out.kind = X32_LEAF_PARAM;
			return out;
		}
	}
	out.kind = X32_LEAF_STANDIN;
	out.ref = (struct param_ref){ .desc = d, .index = -1 };
	return out;
}

struct x32_leaf x32_map_resolve(const struct control *c, enum x32_profile p, const char *path)
{
	struct x32_leaf out = { .kind = X32_LEAF_NONE };
	enum param_scope scope;
	int owner, bus;
	const char *leaf;
	const char *end;
	if (strncmp(path, "/-stat/solosw/", 14) == 0 &&
	    (owner = number(path + 14, 2, x32_map_channels(p), &end) - 1) >= 0 && *end == '\0') {
		for (int i = 0; i < x32_n_rows; i++)
			if (x32_row_is_stat(&x32_rows[i]) && x32_rows[i].leaf[p])
				return resolve_row(c, PARAM_CHANNEL, owner, 0, &x32_rows[i]);
	}
	if (split(p, path, &scope, &owner, &bus, &leaf)) {
		out = resolve_strip(c, p, scope, owner, bus, leaf);
		if (out.kind != X32_LEAF_NONE)
			return out;
	}
	for (size_t i = 0; i < sizeof shadows / sizeof shadows[0]; i++) {
		if ((shadows[i].profiles & (1u << p)) && matches(shadows[i].pattern, path)) {
			out.kind = X32_LEAF_SHADOW;
			out.tag = shadows[i].tag;
			out.def = shadows[i].def;
			return out;
		}
	}
	/* Any other leaf of the X32 node tree: held here, with the tree's default. */
	const struct x32_ftype *type;
	if (p == X32_PROFILE_X32 && x32_tree_leaf(path, &type, &out.def)) {
		out.kind = X32_LEAF_SHADOW;
		out.tag = x32_ftype_tag(type);
	}
	return out;
}

bool x32_map_print(enum x32_profile p, const struct param_inst *pi, char *buf, size_t size,
		   const struct x32_row **row)
{
	enum param_scope scope = pi->desc->scope;
	const struct x32_row *r = NULL;
	for (int i = 0; i < x32_n_rows && !r; i++)
		if (x32_rows[i].scope == scope && x32_rows[i].leaf[p] &&
		    strcmp(x32_rows[i].row, pi->desc->path) == 0)
			r = &x32_rows[i];
	if (!r)
		return false;
	*row = r;
	int owner = pi->owner, bus = pi->bus;
	switch (scope) {
	case PARAM_CHANNEL:
		if (owner >= x32_map_channels(p))
			return false;
		if (x32_row_is_stat(r))
			snprintf(buf, size, "/%s/%02d", r->leaf[p], owner + 1);
		else
			snprintf(buf, size, "/ch/%02d/%s", owner + 1, r->leaf[p]);
		return true;
	case PARAM_SEND:
		if (owner >= x32_map_channels(p) || bus >= x32_map_sends(p))
			return false;
		snprintf(buf, size, "/ch/%02d/mix/%02d/%s", owner + 1, bus + 1, r->leaf[p]);
		return true;
	case PARAM_AUX:
		if (owner >= x32_map_buses(p))
			return false;
		snprintf(buf, size, p == X32_PROFILE_X32 ? "/bus/%02d/%s" : "/bus/%d/%s", owner + 1,
			 r->leaf[p]);
		return true;
	case PARAM_MASTER:
		snprintf(buf, size, "%s%s", p == X32_PROFILE_X32 ? "/main/st/" : "/lr/", r->leaf[p]);
		return true;
	case PARAM_DCA:
		if (owner >= x32_map_dcas(p))
			return false;
		snprintf(buf, size, "/dca/%d/%s", owner + 1, r->leaf[p]);
		return true;
	case PARAM_MGRP:
		if (owner >= (x32_map_dcas(p) == 8 ? 6 : 4))
			return false;
		snprintf(buf, size, "/config/mute/%d", owner + 1);
		return true;
	default:
		return false;
	}
}

int x32_map_bits(enum x32_profile p, const struct x32_row *first, const struct x32_row **rows,
		 int max)
{
	int n = 0;
	for (const struct x32_row *r = first; r < x32_rows + x32_n_rows && n < max; r++, n++) {
		if (r->scope != first->scope || r->law.kind != X32_BIT || !r->leaf[p] ||
		    strcmp(r->leaf[p], first->leaf[p]) != 0)
			break;
		rows[n] = r;
	}
	return n;
}
