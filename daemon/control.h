/*
 * control.h - the console's authoritative state, owned by the control thread.
 *
 * Every parameter value lives here in natural units (what /get answers, what scenes save).
 * A change is validated against the parameter table, stored, and published to the audio
 * thread through lock-free slots (publish.h): one block per channel, then one for the
 * master.
 */
#ifndef JMIXD_CONTROL_H
#define JMIXD_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/config.h"
#include "daemon/params.h"
#include "daemon/publish.h"

/*
 * One parameter of one instance of its scope: a channel (index 0-based), the master (0), a
 * send (control_send_ref builds it from a channel and a bus), a bus. The handle OSC, config
 * and tests name parameters by; control_inst turns it into the instance (params.h).
 */
struct param_ref {
	const struct param_desc *desc;
	int index;
};

/* What the daemon knows about the running engine, for /info and /status. */
struct engine_status {
	uint32_t sample_rate;
	uint32_t period;
	bool is_running;
	float dsp_load_percent;      /* JACK's estimate for the whole graph */
	uint32_t n_xruns;
	uint32_t n_reconnects;
	uint32_t n_loudness_dropped; /* 100 ms loudness blocks lost while the control loop stalled */
	const char *vector_path;     /* the strips' vector path: sse2, avx2, avx512, neon (simd.h) */
};

/* Who made a change, for feedback: an OSC client's id, or nobody in particular. */
#define ORIGIN_NONE (-1)

struct control {
	const struct setup *setup;
	int n_channels;
	int n_buses;
	int n_blocks;
	int n_values;
	int first_block[PARAM_N_SCOPES];  /* blocks are ordered by scope, then instance */
	int first_value[PARAM_N_SCOPES];  /* the values in the setup_values layout, scopes back
					     to back: value = first_value + instance * rows + slot */
	int *block_offset;           /* first value of each block */
	struct param_inst *inst;     /* n_values: what each value is (params.h) */
	int *channel_by_name;        /* channel indices sorted by name (control_find_channel) */
	int bus_by_name[SETUP_MAX_BUSES];
	float *values;               /* all blocks, back to back */
	uint8_t *is_dirty;           /* changed since the last feedback flush */
	int16_t *origin;             /* who made that change (ORIGIN_NONE: tell everyone) */
	float *link_excess;          /* dB a linked fader or send is past its end (link.h) */
	uint8_t *is_fading;          /* gliding in a recall fade; a set by hand clears it (recall.h) */
	int n_dirty;
	uint64_t n_changes;          /* accepted changes since start */
	struct publish publish;
	void *publish_mem;
	struct engine_status engine;

	/* Meters as shown (ballistics applied), refreshed every tick; dBFS. */
	float *meter_peak_db;        /* per channel */
	float *meter_rms_db;
	float *meter_gr_db;          /* gain reduction, 0 when no dynamics act */
	float master_peak_db[2];
	float master_rms_db[2];
	float bus_peak_db[SETUP_MAX_BUSES];  /* both sides of a stereo bus together */
	float bus_rms_db[SETUP_MAX_BUSES];
	float master_tp_db[2];       /* true peak, dBTP, held and falling like a peak */
	float limiter_gr_db;
	float loudness_m, loudness_s, loudness_i;  /* LUFS; -inf before any audio */
	float loudness_lra;          /* LU */
	bool is_loudness_reset_requested;   /* /master/loudness/reset, for the meters */
	uint64_t n_meter_frames;     /* frames received from the audio thread */
};

/* Control thread: take the setup's values (it must outlive the control) and publish them. */
int control_init(struct control *c, const struct setup *setup);
void control_free(struct control *c);

/* The publish block of a parameter. */
int control_block(const struct control *c, struct param_ref ref);

/* Where a parameter's value is (an index into values and inst): arithmetic, no search. */
int control_value_index(const struct control *c, struct param_ref ref);
const struct param_inst *control_inst(const struct control *c, struct param_ref ref);

/*
 * Channel (bus) index for "3" (1-based) or a name; -1 when there is none. A binary search in
 * a name index built by control_init: what OSC addresses resolve through.
 */
int control_find_channel(const struct control *c, const char *name_or_number);
int control_find_bus(const struct control *c, const char *name_or_number);
/* DCA index for "3" (1-based) or its configured name; -1 when there is none. */
int control_find_dca(const struct control *c, const char *name_or_number);
/* Mute group index for "3" (1-based; mute groups have no names); -1 when there is none. */
int control_find_mute_group(const struct control *c, const char *number);
/* Link group index for "3" (1-based); -1 when there is none. */
int control_find_link(const struct control *c, const char *number);

/* A send's parameter: the one place a channel and a bus become a PARAM_SEND instance. */
struct param_ref control_send_ref(const struct control *c, const struct param_desc *d, int ch,
				  int bus);

float control_get(const struct control *c, struct param_ref ref);

/*
 * Validate and apply. Returns 0 (stored and published; a repeat of the current value is not
 * a change), or -1 with *reason set and nothing changed. origin is the client that sent it
 * (feedback spares it its own echo) or ORIGIN_NONE. A channel in a link carries the change
 * to its partners in the same publish batch (link.h).
 */
int control_set(struct control *c, struct param_ref ref, float value, int origin,
		const char **reason);

/*
 * Store an already validated value at value index i as a change (dirty for feedback, origin
 * remembered) without publishing it: for link.c and recall.c, which publish in batches.
 * Returns false when it equals what is stored.
 */
bool control_store(struct control *c, int i, float value, int origin);

/* The parameter stored at value index i (the inverse of the block layout). */
struct param_ref control_ref_at(const struct control *c, int i);

/* Forget all pending feedback (after it was sent). */
void control_clear_dirty(struct control *c);

/* Publish every block again (after the audio side was rebuilt). */
void control_publish_all(struct control *c);

/* Does this parameter exist on this instance (bus rows of another bus type do not)? */
bool control_has(const struct control *c, struct param_ref ref);

/*
 * Apply a whole set of values (a scene, a reloaded config) as ordinary changes: only what
 * differs changes, every change glides and is fed back. The values are stored first, then
 * each touched block is published once inside one publish batch, so the audio thread takes
 * the whole set in one period. Returns the number changed.
 */
int control_set_values(struct control *c, const struct setup_values *v, int origin);

/* The current values in the setup's layout (for state files and scenes). */
void control_get_values(const struct control *c, struct setup_values *v);

#endif
