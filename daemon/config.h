/*
 * config.h - the console's setup from a libconfig file.
 *
 * The file has the groups jack, osc, master and the list channels (state, aux, groups and more
 * join them with their features). Topology (channel names, stereo, ports, connections) goes into
 * struct setup; every parameter value is looked up through the parameter table, under the
 * row's config key, and validated exactly as an OSC message would be. Every error names the
 * place: "file:line: key: reason".
 */
#ifndef JMIXD_CONFIG_H
#define JMIXD_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "daemon/midi_setup.h"
#include "daemon/params.h"

#define SETUP_NAME_MAX 32        /* channel names: [A-Za-z0-9_-]{1,31} */
#define SETUP_PORT_MAX 320       /* a full JACK port name: client:port */
#define SETUP_MAX_CHANNELS 128
/*
 * This header reaches osc/ (through control.h), which must not see the DSP: so the buses'
 * limit is repeated here (config.c asserts it equals dsp/bus.h's BUS_MAX) and the DSP's
 * enums are held as int.
 */
#define SETUP_MAX_BUSES 8
#define SETUP_SCENES_MAX 256     /* state.max_scenes: default and most (what /snapshot/list holds) */
#define SETUP_SCENES_MB 64       /* state.max_scenes_mb: default total size of the scenes */
#define SETUP_DCA_COUNT 8        /* DCA groups: always this many (config.c asserts DCA_MAX) */
#define SETUP_MUTE_GROUPS 6      /* mute groups: always this many (MUTE_GROUP_MAX) */
#define SETUP_LINK_GROUPS 8      /* link groups: always this many (the link row's choices) */

/* Who may talk to the OSC port (osc.allow), parsed at load so errors name their line. */
enum access_role {
	ROLE_NONE,       /* not listed: ignored, no reply */
	ROLE_MONITOR,    /* may query, subscribe and receive meters */
	ROLE_CONTROL,    /* may also set parameters and save, load or delete scenes */
	ROLE_MONITOR_MIX,   /* a monitor who may also set one monitor bus's sends and fader */
};

struct setup_net {
	int family;                      /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix_bits;
	enum access_role role;
	int mix_bus;                     /* ROLE_MONITOR_MIX: the bus (0-based); else -1 */
	char mix_bus_name[SETUP_NAME_MAX];   /* as the config names it ("wedge", "3") */
};

struct setup_client {                    /* a subscriber that never expires (osc.clients) */
	int family;
	unsigned char addr[16];
	int port;
	bool is_floats_only;             /* floats = true: for surfaces that read floats only */
};

#define SETUP_MAX_NETS 32
#define SETUP_MAX_CLIENTS 16

struct channel_setup {
	char name[SETUP_NAME_MAX];
	bool is_stereo;
	char input[2][SETUP_PORT_MAX];   /* ports to connect from; "" = none */
	float *values;                   /* its PARAM_CHANNEL slots, inside setup->values */
};

struct bus_setup {
	char name[SETUP_NAME_MAX];
	int type;                        /* enum bus_type (dsp/bus.h) */
	bool is_stereo;
	char output[2][SETUP_PORT_MAX];  /* monitor buses: ports to connect to */
};

/*
 * Every parameter value, by scope: values[scope][instance * params_scope_count(scope) +
 * slot], instances being channels, the master, channel x bus sends (setup_send_instance),
 * buses. The same layout serves config, state files, scenes and the control.
 */
/* An X32 or X Air dialect listener (osc.x32, osc.xair; osc/x32.h). */
struct setup_dialect {
	bool is_enabled;
	char bind[64];
	int port;
	char model[16];                  /* what /info and /xinfo say: X32 ... or XR18 ... */
	char name[32];                   /* the console's network name */
};

struct setup_values {
	int n_instances[PARAM_N_SCOPES];
	float *values[PARAM_N_SCOPES];
};

struct setup {
	char path[4096];
	char state_dir[4096];            /* autosave and scenes; "" = autosave off */
	bool is_session;                 /* under a session manager: state.h's session files */
	int max_scenes;                  /* state.max_scenes */
	int max_scenes_mb;               /* state.max_scenes_mb: all scenes together */
	char client_name[64];
	char osc_bind[64];
	int osc_port;
	int meter_rate_hz;               /* meters pushed to subscribers; 0 = off */
	int rate_limit;                  /* messages per second per source address */
	long reply_budget;               /* osc.reply_budget: bytes a second to one address */
	long reply_budget_total;         /* osc.reply_budget_total: bytes a second to all */
	int subscriptions_per_host;      /* osc.subscriptions_per_host */
	bool has_zeroconf;               /* osc.zeroconf: announce _osc._udp (default true) */
	struct setup_dialect x32, xair;  /* osc.x32, osc.xair */
	int n_nets;
	struct setup_net nets[SETUP_MAX_NETS];
	int n_clients;
	struct setup_client clients[SETUP_MAX_CLIENTS];
	int pan_law;                     /* enum pan_law (dsp/pan.h) */
	char master_output[2][SETUP_PORT_MAX];
	int solo_mode;                   /* enum solo_mode (dsp/mixer.h) */
	char solo_output[2][SETUP_PORT_MAX];
	float *master_values;            /* its PARAM_MASTER slots, inside vals */
	int n_channels;
	struct channel_setup *channels;
	int n_buses;
	struct bus_setup buses[SETUP_MAX_BUSES];
	char dca_name[SETUP_DCA_COUNT][SETUP_NAME_MAX];   /* groups.dca.[k].name; "dcaK" */
	struct setup_values vals;
	struct setup_midi midi;           /* the midi section (config_midi.h); read at start */
};

/*
 * Load and validate path into *setup. On failure returns -1 with err holding
 * "file:line: key: reason" (or "file: reason" when no line applies). Control thread.
 */
int config_load(const char *path, struct setup *setup, char *err, int err_size);

void config_free(struct setup *setup);

/*
 * Read a state or scene file (already opened; name is used in messages): the same syntax,
 * values only (jack, osc, state, input, stereo, type and outputs are ignored, so a config
 * file is also a scene). Channels and buses are matched by name, then by position where a
 * name changed (match.h); a saved entry with no place here, or a value that does not
 * validate, is dropped with a log line (what it would have set keeps its value in vals) and
 * counted in *n_dropped. With n_dropped NULL the reading is strict instead: names must
 * match and the first entry or value that does not fit fails the file (a scene given to
 * jmixd render is of this console or refused). Syntax and shape errors always fail the whole
 * file (-1, err filled; vals may be half-written and must be thrown away). Control thread.
 */
int config_load_values(FILE *f, const char *name, const struct setup *setup,
		       struct setup_values *vals, int *n_dropped, char *err, int err_size);

/* A copy of the setup's values (setup_values_free to release); 0 or -ENOMEM. */
int setup_values_copy(const struct setup_values *from, struct setup_values *to);
void setup_values_free(struct setup_values *v);

/* Number of slots of one instance and a pointer to its first value. */
float *setup_values_at(const struct setup_values *v, enum param_scope scope, int instance);

/* The PARAM_SEND instance of the send from channel ch to bus (the one place it is encoded). */
int setup_send_instance(const struct setup *setup, int ch, int bus);

/* Bus index for "2" (1-based) or a bus name; -1 when there is none. */
int setup_find_bus(const struct setup *setup, const char *name_or_number);

/* Channel index for "3" (1-based) or a channel name; -1 when there is none. */
int setup_find_channel(const struct setup *setup, const char *name_or_number);

/* True for a valid channel name: [A-Za-z0-9_-]{1,31}, not all digits. */
bool setup_name_is_valid(const char *name);

#endif
