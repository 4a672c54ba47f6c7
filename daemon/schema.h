/*
 * schema.h - the one description of the config's structure: for each section, the keys that
 * are not parameter values (topology and settings), what a change of each means on a reload,
 * and where its loaded value lives in struct setup. Every other key of a section with a
 * parameter scope is a value, described by the parameter table (params.h).
 *
 * The config loader and the state and scene loader skip the same structural keys through
 * schema_is_structural; SIGHUP classifies a reload through schema_compare, like CamillaDSP:
 * nothing changed, values only, or a restart needed. Adding a setting is one row here.
 *
 * Control thread only.
 */
#ifndef JMIXD_SCHEMA_H
#define JMIXD_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/config.h"

enum schema_section {
	SCHEMA_JACK,
	SCHEMA_OSC,
	SCHEMA_STATE,
	SCHEMA_MASTER,
	SCHEMA_AUX,          /* per bus: aux.[k] */
	SCHEMA_GROUPS,       /* groups: the DCA, mute group and link lists */
	SCHEMA_SAFE,         /* safe: the section safes (values only) */
	SCHEMA_CHANNELS,     /* per channel: channels.[i]; the last top-level section */
	SCHEMA_SEND,         /* per send in a channel's list: channels.[i].send.[k] */
	SCHEMA_DCA,          /* per DCA: groups.dca.[k] */
	SCHEMA_MGRP,         /* per mute group: groups.mute.[k] (values only) */
	SCHEMA_LINK,         /* per link group: groups.link.[k] (values only) */
	SCHEMA_N_SECTIONS,
};

/* What a change of the key means for a running console, mildest first. */
enum schema_effect {
	SCHEMA_NAMES,        /* names an entry (a send's bus): nothing to apply */
	SCHEMA_VALUES,       /* holds parameter values (a channel's sends): applied live */
	SCHEMA_LIVE_OSC,     /* applied live by the OSC server on a reload */
	SCHEMA_RESTART,      /* read at start (connections, sockets, folders): restart to apply */
	SCHEMA_TOPOLOGY,     /* ports and instances: a reload that changes it is refused */
};

struct schema_key {
	enum schema_section section;
	const char *key;
	enum schema_effect effect;
	/* The loaded value: offset and size in struct setup (jack, osc, state, master), in
	 * struct bus_setup (aux) or struct channel_setup (channels); size 0: nothing to compare.
	 * Strings compare up to their NUL. */
	size_t offset, size;
	bool is_string;
};

extern const struct schema_key schema_keys[];
extern const int schema_n_keys;

/* Name of a section as the config spells it ("channels"). */
const char *schema_section_name(enum schema_section section);

/* The row of a structural key of a section, or NULL (a value key, or unknown). */
const struct schema_key *schema_find(enum schema_section section, const char *key);

/* True for a structural key of the section (not a parameter value). */
bool schema_is_structural(enum schema_section section, const char *key);

/*
 * Compare a freshly loaded setup with the running one, key by key (and the number of
 * channels and buses). Logs each changed key with what it means when is_logged. Returns
 * the strongest effect found, or -1 when no structural key changed; why names the first key
 * of that effect ("channels: 2 -> 3", "master.pan_law").
 */
int schema_compare(const struct setup *running, const struct setup *fresh, bool is_logged,
		   char *why, int why_size);

/* What an effect means, for the log ("restart jmixd to apply it"). */
const char *schema_effect_text(enum schema_effect effect);

#endif
