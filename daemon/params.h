/*
 * params.h - THE parameter table: every parameter of the console described once.
 *
 * A row gives the OSC path (below its scope's prefix), the config key (inside the scope's
 * config group), type, unit, range, default, taper for the /norm twin, and the RT-safe
 * function that hands a value to the DSP. OSC routing and validation, query replies, config
 * loading, and the reference tables of the man pages all read this table: adding a parameter
 * is one row plus its DSP.
 *
 * Scopes: a channel parameter exists once per channel (/ch/N/<path>, channels.[i].<key>),
 * a master parameter once (/master/<path>, master.<key>).
 */
#ifndef JMIXD_PARAMS_H
#define JMIXD_PARAMS_H

#include <stdbool.h>

struct mixer;

enum param_scope {
	PARAM_CHANNEL,
	PARAM_MASTER,
	PARAM_N_SCOPES,
};

enum param_type {
	PARAM_FLOAT,     /* continuous, natural units */
	PARAM_BOOL,      /* 0 or 1; OSC accepts f, i, T, F */
	PARAM_ENUM,      /* 0..n-1, named by choices */
};

enum param_taper {
	TAPER_LINEAR,    /* norm = (v - min) / (max - min) */
	TAPER_LOG,       /* equal ratios per step: frequencies, times */
	TAPER_FADER,     /* the X32 fader law in dB (see params.c) */
};

struct param_desc {
	enum param_scope scope;
	const char *path;
	const char *key;
	enum param_type type;
	const char *unit;
	float min, max, def;
	enum param_taper taper;
	const char *const *choices;   /* PARAM_ENUM: names by value, NULL-terminated */
	int sub;                      /* passed to apply: band or section number */
	void (*apply)(struct mixer *m, int index, int sub, float value);   /* RT-safe */
	const char *doc;
};

extern const struct param_desc params_table[];
extern const int params_count;

/* Prefix of a scope in OSC paths and the name of its config group. */
const char *param_scope_name(enum param_scope scope);

/* Rows of one scope, in table order; slot = position among them. */
int params_scope_count(enum param_scope scope);
const struct param_desc *params_at(enum param_scope scope, int slot);
int param_slot(const struct param_desc *d);

const struct param_desc *params_find_path(enum param_scope scope, const char *path);
const struct param_desc *params_find_key(enum param_scope scope, const char *key);

/*
 * Validate a value in natural units: finite, inside [min, max], whole for bool and enum.
 * Returns true, or false with *reason set to a static explanation.
 */
bool param_check(const struct param_desc *d, float value, const char **reason);

/* The /norm twin: 0..1 through the row's taper, and back. */
float param_to_norm(const struct param_desc *d, float value);
float param_from_norm(const struct param_desc *d, float norm);

#endif
