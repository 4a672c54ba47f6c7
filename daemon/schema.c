/*
 * schema.c - see schema.h.
 */
#include "daemon/schema.h"

#include <stdio.h>
#include <string.h>

#include "daemon/log.h"

#define FIELD(type, f) offsetof(struct type, f), sizeof(((struct type *)0)->f)
/* A count and the array it counts, compared as one run of bytes (both start zeroed). */
#define SPAN(type, first, last)                                                              \
	offsetof(struct type, first),                                                        \
		offsetof(struct type, last) + sizeof(((struct type *)0)->last) -              \
			offsetof(struct type, first)

const struct schema_key schema_keys[] = {
	{ SCHEMA_JACK, "client_name", SCHEMA_TOPOLOGY, FIELD(setup, client_name), true },

	/* osc.* (see jmixd.conf(5)); on a reload the OSC server applies what lives on the
	 * control thread and logs each itself (osc_server_apply_setup). */
	{ SCHEMA_OSC, "bind", SCHEMA_RESTART, FIELD(setup, osc_bind), true },
	{ SCHEMA_OSC, "port", SCHEMA_RESTART, FIELD(setup, osc_port), false },
	{ SCHEMA_OSC, "meter_rate", SCHEMA_RESTART, FIELD(setup, meter_rate_hz), false },
	{ SCHEMA_OSC, "allow", SCHEMA_LIVE_OSC, SPAN(setup, n_nets, nets), false },
	{ SCHEMA_OSC, "rate_limit", SCHEMA_LIVE_OSC, FIELD(setup, rate_limit), false },
	{ SCHEMA_OSC, "clients", SCHEMA_LIVE_OSC, SPAN(setup, n_clients, clients), false },
	{ SCHEMA_OSC, "reply_budget", SCHEMA_LIVE_OSC, FIELD(setup, reply_budget), false },
	{ SCHEMA_OSC, "reply_budget_total", SCHEMA_LIVE_OSC, FIELD(setup, reply_budget_total),
	  false },
	{ SCHEMA_OSC, "subscriptions_per_host", SCHEMA_LIVE_OSC,
	  FIELD(setup, subscriptions_per_host), false },
	{ SCHEMA_OSC, "zeroconf", SCHEMA_RESTART, FIELD(setup, has_zeroconf), false },
	/* The X32 / X Air listeners (osc/x32.h): their sockets are opened once. */
	{ SCHEMA_OSC, "x32", SCHEMA_RESTART, FIELD(setup, x32), false },
	{ SCHEMA_OSC, "xair", SCHEMA_RESTART, FIELD(setup, xair), false },

	{ SCHEMA_STATE, "dir", SCHEMA_RESTART, FIELD(setup, state_dir), true },
	{ SCHEMA_STATE, "autosave", SCHEMA_RESTART, 0, 0, false },   /* shows in state.dir */
	{ SCHEMA_STATE, "max_scenes", SCHEMA_RESTART, FIELD(setup, max_scenes), false },
	{ SCHEMA_STATE, "max_scenes_mb", SCHEMA_RESTART, FIELD(setup, max_scenes_mb), false },

	{ SCHEMA_MASTER, "outputs", SCHEMA_RESTART, FIELD(setup, master_output), false },
	{ SCHEMA_MASTER, "pan_law", SCHEMA_RESTART, FIELD(setup, pan_law), false },
	{ SCHEMA_MASTER, "solo", SCHEMA_TOPOLOGY, FIELD(setup, solo_mode), false },
	{ SCHEMA_MASTER, "solo_outputs", SCHEMA_RESTART, FIELD(setup, solo_output), false },

	{ SCHEMA_AUX, "name", SCHEMA_TOPOLOGY, FIELD(bus_setup, name), true },
	{ SCHEMA_AUX, "type", SCHEMA_TOPOLOGY, FIELD(bus_setup, type), false },
	{ SCHEMA_AUX, "stereo", SCHEMA_TOPOLOGY, FIELD(bus_setup, is_stereo), false },
	{ SCHEMA_AUX, "outputs", SCHEMA_RESTART, FIELD(bus_setup, output), false },

	{ SCHEMA_CHANNELS, "name", SCHEMA_TOPOLOGY, FIELD(channel_setup, name), true },
	{ SCHEMA_CHANNELS, "stereo", SCHEMA_TOPOLOGY, FIELD(channel_setup, is_stereo), false },
	{ SCHEMA_CHANNELS, "input", SCHEMA_RESTART, FIELD(channel_setup, input), false },
	{ SCHEMA_CHANNELS, "send", SCHEMA_VALUES, 0, 0, false },

	{ SCHEMA_SEND, "name", SCHEMA_NAMES, 0, 0, false },

	{ SCHEMA_GROUPS, "dca", SCHEMA_VALUES, 0, 0, false },
	{ SCHEMA_GROUPS, "mute", SCHEMA_VALUES, 0, 0, false },
	{ SCHEMA_GROUPS, "link", SCHEMA_VALUES, 0, 0, false },
	/* DCA names are OSC addresses, read at start; all eight compared as one field. */
	{ SCHEMA_DCA, "name", SCHEMA_RESTART, FIELD(setup, dca_name), false },
};
const int schema_n_keys = (int)(sizeof schema_keys / sizeof schema_keys[0]);

const char *schema_section_name(enum schema_section section)
{
	static const char *const names[SCHEMA_N_SECTIONS] = {
		"jack", "osc", "state", "master", "aux", "groups", "safe", "channels", "send",
		"groups.dca", "groups.mute", "groups.link",
	};
	return names[section];
}

const struct schema_key *schema_find(enum schema_section section, const char *key)
{
	for (int i = 0; i < schema_n_keys; i++)
		if (schema_keys[i].section == section && strcmp(schema_keys[i].key, key) == 0)
			return &schema_keys[i];
	return NULL;
}

bool schema_is_structural(enum schema_section section, const char *key)
{
	return schema_find(section, key) != NULL;
}

const char *schema_effect_text(enum schema_effect effect)
{
	switch (effect) {
	case SCHEMA_NAMES:
	case SCHEMA_VALUES:
		return "applied now";
	case SCHEMA_LIVE_OSC:
		return "applied by the OSC server";
	case SCHEMA_RESTART:
		return "takes effect at restart";
	case SCHEMA_TOPOLOGY:
	default:
		return "needs a restart; the reload is refused";
	}
}

static bool differs(const struct schema_key *k, const void *a, const void *b)
{
	const char *x = (const char *)a + k->offset, *y = (const char *)b + k->offset;
	if (k->is_string)
		return strncmp(x, y, k->size) != 0;
	return memcmp(x, y, k->size) != 0;
}

/* Note one change: keep the strongest effect and the first key that has it. */
static void note(int *worst, char *why, int why_size, bool is_logged, enum schema_effect effect,
		 const char *key)
{
	/* The OSC server logs what it applies and osc.zeroconf itself: one line per change. */
	if (is_logged && effect != SCHEMA_LIVE_OSC && strcmp(key, "osc.zeroconf") != 0)
		log_info("reload: %s changed: %s", key, schema_effect_text(effect));
	if ((int)effect > *worst) {
		*worst = (int)effect;
		snprintf(why, (size_t)why_size, "%s", key);
	}
}

int schema_compare(const struct setup *running, const struct setup *fresh, bool is_logged,
		   char *why, int why_size)
{
	int worst = -1;
	char key[96];

	why[0] = '\0';
	if (running->n_channels != fresh->n_channels) {
		snprintf(key, sizeof key, "channels: %d -> %d", running->n_channels,
			 fresh->n_channels);
		note(&worst, why, why_size, is_logged, SCHEMA_TOPOLOGY, key);
	}
	if (running->n_buses != fresh->n_buses) {
		snprintf(key, sizeof key, "aux: %d -> %d buses", running->n_buses, fresh->n_buses);
		note(&worst, why, why_size, is_logged, SCHEMA_TOPOLOGY, key);
	}
	for (int i = 0; i < schema_n_keys; i++) {
		const struct schema_key *k = &schema_keys[i];
		const char *section = schema_section_name(k->section);
		if (!k->size)
			continue;
		if (k->section == SCHEMA_AUX) {
			int n = running->n_buses < fresh->n_buses ? running->n_buses : fresh->n_buses;
			for (int b = 0; b < n; b++)
				if (differs(k, &running->buses[b], &fresh->buses[b])) {
					snprintf(key, sizeof key, "aux.[%d].%s", b, k->key);
					note(&worst, why, why_size, is_logged, k->effect, key);
				}
		} else if (k->section == SCHEMA_CHANNELS) {
			int n = running->n_channels < fresh->n_channels ? running->n_channels
									  : fresh->n_channels;
			for (int ch = 0; ch < n; ch++)
				if (differs(k, &running->channels[ch], &fresh->channels[ch])) {
					snprintf(key, sizeof key, "channels.[%d].%s", ch, k->key);
					note(&worst, why, why_size, is_logged, k->effect, key);
				}
		} else if (differs(k, running, fresh)) {
			snprintf(key, sizeof key, "%s.%s", section, k->key);
			note(&worst, why, why_size, is_logged, k->effect, key);
		}
	}
	return worst;
}
