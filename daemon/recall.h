/*
 * recall.h - what a scene recall touches, and how it gets there.
 *
 * Scope: /snapshot/load s NAME s SCOPE recalls only what SCOPE names. SCOPE is a list of
 * words separated by commas or spaces:
 *   - classes of parameters (paramclass.h): faders, mutes, solo, pan, input, hpf, gate, eq,
 *     dyn, sends, fx, assign;
 *   - sections of the console: channels, aux, groups (DCAs, mute groups, links), master;
 *   - channels: a number (3), a range (1-8) or a name (kick).
 * A value is recalled when its class is named (or no class is) and its owner is named (or no
 * section or channel is): "eq" is every EQ, "eq,1-4" the EQ of channels 1 to 4, "master" all
 * of the master, "faders,master" the master fader. A send belongs to its channel.
 *
 * Safes: a recall, scoped or not, leaves alone what a safe covers: a safed channel
 * (/ch/N/safe, with its sends), a safed bus (/aux/K/safe), and the section safes
 * /safe/<word> for every class and section word above. Safes are saved with the state, never
 * with a scene, and a recall never changes them.
 *
 * Fade: /snapshot/load s NAME f SECONDS glides every continuous level (faders, send levels,
 * pans and every other dB value: EQ gains, trim, thresholds, makeup) from where it is to the
 * scene, linearly in its own units (dB, pan position) over the given time, and lands exactly
 * on the scene's value; switches, choices, frequencies and times change at the start, as a
 * theatre console's cue does. The control thread steps the fade on every tick (50 Hz) and each
 * step glides in the DSP over the fader's 20 ms ramp, so the gain is continuous (no steps, no
 * zipper). A new recall during a fade starts from where the fade is; setting a fading value
 * by hand takes it out of the fade.
 *
 * Control thread only.
 */
#ifndef JMIXD_RECALL_H
#define JMIXD_RECALL_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/paramclass.h"

#define RECALL_FADE_MAX_S 600.0f     /* ten minutes: longer is a typo, not a cue */

enum recall_section {
	RECALL_CHANNELS,   /* channels and their sends */
	RECALL_AUX,
	RECALL_GROUPS,     /* DCAs, mute groups, link groups */
	RECALL_MASTER,
	RECALL_N_SECTIONS,
};

struct recall_scope {
	bool has_classes, has_owners;
	bool is_class[PCLASS_N];
	bool is_section[RECALL_N_SECTIONS];
	bool is_channel[SETUP_MAX_CHANNELS];
};

/* Parse a scope; 0, or -1 with err naming the word it does not know. */
int recall_scope_parse(const struct control *c, const char *text, struct recall_scope *s,
		       char *err, int size);

/* Does the recall (scope NULL: everything) change value index i, safes considered? */
bool recall_touches(const struct control *c, const struct recall_scope *s, int i);

/* A running recall fade: the values gliding, from where to where. */
struct recall_fade {
	int n;                   /* entries in use; 0 when no fade runs */
	int cap;
	int *index;              /* value index */
	float *from, *to;
	int64_t start_ms;
	int64_t duration_ms;
};

/*
 * Apply scene values v (the whole console's layout, already validated; changed in place)
 * to c: only what s touches (s NULL: all), safes kept. With fade_s > 0, continuous levels
 * glide over fade_s seconds from now_ms on (recall_fade_tick advances them) and the rest
 * changes now. Any fade already running stops where it is first. Returns the number of
 * values changed now, or -ENOMEM (nothing changed).
 */
int recall_apply(struct control *c, struct recall_fade *f, const struct recall_scope *s,
		 struct setup_values *v, float fade_s, int64_t now_ms);

/* Every tick: move the fading values to where they are at now_ms (the end exactly). */
void recall_fade_tick(struct recall_fade *f, struct control *c, int64_t now_ms);

/* Where a fade from `from` to `to` is after the fraction t (0..1) of its time. Pure. */
float recall_fade_at(float from, float to, double t);

void recall_fade_free(struct recall_fade *f);

#endif
