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
 * a master parameter once (/master/<path>, master.<key>), a send parameter once per channel
 * and bus (/ch/N/send/K/<path>, channels.[i].send.<bus>.<key>), a bus parameter once per
 * aux bus (/aux/K/<path>, aux.[k].<key>); rows of a bus may exist only on some bus types
 * (a reverb's decay time is not a monitor mix's); a DCA parameter once per DCA group
 * (/dca/K/<path>, groups.dca.[k].<key>), a mute group parameter once per mute group
 * (/mgrp/K/<path>, groups.mute.[k].<key>), a link parameter once per link group (/link/K/<path>,
 * groups.link.[k].<key>), a section safe once (/safe/<path>, safe.<key>).
 */
#ifndef JMIXD_PARAMS_H
#define JMIXD_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

struct mixer;
struct param_desc;
struct param_inst;
struct strip;

/*
 * What the rows of one publish block act on, resolved once per block by params_apply_block:
 * the owner and bus of its instances (as struct param_inst has them) and, on a channel, its
 * one or two strip lanes (both sides of a stereo channel alike), on the master its left (0)
 * and right (1) lanes (strip[k] NULL there).
 */
struct param_target {
	struct mixer *m;
	int owner;
	int bus;
	int n_lanes;
	struct strip *strip[2];
	int lane[2];
};

enum param_scope {
	PARAM_CHANNEL,
	PARAM_MASTER,
	PARAM_SEND,
	PARAM_AUX,
	PARAM_DCA,
	PARAM_MGRP,
	PARAM_LINK,
	PARAM_SAFE,
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
	unsigned bus_types;           /* PARAM_AUX: mask of 1 << enum bus_type; 0 = every bus */
	bool is_state_only;           /* a safe: saved with the state, never in or from a scene */
	/*
	 * RT-safe: hand a value in natural units to the DSP of one owner of this row. NULL on
	 * the rows a run takes (below).
	 */
	void (*apply)(const struct param_target *t, const struct param_desc *d, float value);
	/*
	 * Rows the DSP takes in one call, RT-safe: a row with apply_run heads a run of n_run
	 * (2 .. 32) consecutive rows of its scope, and when any of them changes, a block hands
	 * all their values (values[0 .. n_run), in row order; bit k of changed set when row k
	 * changed) to apply_run, instead of each row's apply: a channel's fader, pan and mute
	 * are one recompute of its output gains, not three.
	 */
	void (*apply_run)(const struct param_target *t, const struct param_desc *d,
			  const float *values, unsigned changed);
	int n_run;
	const char *doc;
};

extern const struct param_desc params_table[];
extern const int params_count;

/*
 * One parameter of one owner: a row of the table on channel 3, on the send from channel 3 to
 * bus 2, on bus 2, or on the master. control_init expands the table into one flat array of
 * these, indexed like the control's values (scope by scope, owner by owner, row by row), and
 * every consumer reads that array instead of re-deriving coordinates:
 *   - the audio thread hands a block's values to params_apply_block;
 *   - OSC prints and parses addresses from (desc, owner, bus) (osc/address.h);
 *   - state files, scenes and feedback walk it in order.
 * Its address is (desc->scope, owner, bus, desc->path); the text form is printed by
 * osc/address.c. A send's channel and bus are stored here once: nobody re-encodes them.
 * Reach one through control.h: c->inst[value index], control_inst(c, ref), or a block's
 * slots inst[first .. first + n_slots). The fields are small (at most 128 channels, 8 buses,
 * 1024 sends, 128 rows per scope) and the array is read-only after control_init.
 */
struct param_inst {
	const struct param_desc *desc;   /* the table row */
	uint16_t owner;                  /* channel (channel, send), bus (aux), DCA, mute group, 0 (master) */
	uint16_t bus;                    /* a send's bus; 0 otherwise */
	uint16_t index;                  /* instance within the scope: as struct param_ref counts */
	uint16_t block;                  /* publish block (one per instance) */
	uint16_t slot;                   /* position inside the block: param_slot(desc) */
	bool is_present;                 /* false for bus rows of another bus type */
};

/*
 * Hand the values of one publish block to the DSP: every slot whose value differs from
 * applied[slot] goes to its row's apply, or with the rest of its run to the run's apply_run,
 * and applied[] takes it. inst are the block's instances (inst[slot]), values and applied its
 * n_slots slots. RT-safe, bounded by n_slots.
 */
void params_apply_block(struct mixer *m, const struct param_inst *inst, const float *values,
			float *applied, int n_slots);

/* Prefix of a scope in OSC paths and the name of its config group. */
const char *param_scope_name(enum param_scope scope);

/* Does this row exist on a bus of type bus_type (PARAM_AUX rows; others always do)? */
bool param_on_bus_type(const struct param_desc *d, int bus_type);

/*
 * Rows of one scope, in table order; slot = position among them. Array reads: the index by
 * scope and slot is built once when the program loads.
 */
int params_scope_count(enum param_scope scope);
const struct param_desc *params_at(enum param_scope scope, int slot);
int param_slot(const struct param_desc *d);

/* A row by OSC path or config key inside its scope (binary search in a built-once index). */
const struct param_desc *params_find_path(enum param_scope scope, const char *path);
const struct param_desc *params_find_key(enum param_scope scope, const char *key);

/*
 * A choice of a PARAM_ENUM row by its name ("24", "highcut"); -1 when there is none. A
 * number equal to one of the numeric names means that choice (/ch/1/hpf/slope i 24 is the
 * 24 dB slope, not choice 24), so that a value is never read as an index when it could be a
 * label: param_choice_of_number returns the choice, or -1 when no name is that number.
 */
int param_choice_index(const struct param_desc *d, const char *name);
int param_choice_of_number(const struct param_desc *d, float number);

/*
 * Validate a value in natural units: finite, inside [min, max], whole for bool and enum.
 * Returns true, or false with *reason set to a static explanation.
 */
bool param_check(const struct param_desc *d, float value, const char **reason);

/* The /norm twin: 0..1 through the row's taper, and back. */
float param_to_norm(const struct param_desc *d, float value);
float param_from_norm(const struct param_desc *d, float norm);

#endif
