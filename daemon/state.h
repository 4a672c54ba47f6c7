/*
 * state.h - nothing lost: autosave, recovery at start, and scenes.
 *
 * Files live in the state folder (config key state.dir): state.cfg (the autosave),
 * state.cfg.bak (the one before), scenes/<name>.cfg. All are libconfig, in the config's own
 * syntax (values only), so a saved scene is a readable config fragment.
 *
 * Under a session manager (setup.is_session) state.cfg is the session's saved mix, written
 * only when the manager says save: closing without a save must bring the saved mix back
 * (NSM's "abort"). The autosave then goes to autosave.cfg, so a crash or a power cut still
 * loses nothing: an autosave.cfg found at open is a run that never closed, and is restored.
 * A clean close without a save sets the unsaved mix aside as unsaved.cfg, never loaded.
 *
 * Every write is atomic: a temporary file in the same folder, fsync, rename over the
 * target, fsync of the folder. A power cut leaves either the old file or the new one,
 * never half of one. Before the state file is replaced, the previous one becomes .bak.
 *
 * Scenes are opened relative to the scenes folder (openat, O_NOFOLLOW), with names of
 * [A-Za-z0-9_-]{1,64}: a name cannot climb out of the folder or follow a planted link.
 *
 * Control thread only. The autosave's disk work (and the NSM save's) runs on one writer
 * thread (state_writer.h): the control thread serialises the values, hands the text over and
 * takes the result on a later tick, so a slow fsync never holds up OSC replies.
 */
#ifndef JMIXD_STATE_H
#define JMIXD_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/recall.h"

struct state_writer;

#define STATE_SAVE_QUIET_MS 300      /* save once changes pause this long ... */
#define STATE_SAVE_MAX_MS 1000       /* ... or at the latest this long after the first one */
#define SCENE_NAME_MAX 64
#define STATE_RETRY_MS 1000          /* after a failed autosave, try again this much later */
#define STATE_FAIL_LOG_MS 10000      /* a failure that persists is logged this often */
#define STATE_FLUSH_WAIT_MS 10000    /* a synchronous save waits this long for the disk */
#define SCENE_SAVE_BURST 4           /* scene saves in a burst ... */
#define SCENE_SAVES_PER_S 1          /* ... and sustained (state.c says why) */

struct state {
	int dir_fd;                  /* -1: autosave off */
	int scenes_fd;
	char dir[4096];
	uint64_t saved_changes;      /* control->n_changes at the last save on disk */
	uint64_t posted_changes;     /* control->n_changes last handed to the writer */
	struct state_writer *writer; /* NULL: autosaves are written on the control thread */
	uint64_t seen_changes;
	int64_t first_unsaved_ms;
	int64_t last_change_ms;
	uint64_t n_saves;
	uint64_t n_write_failures;   /* autosaves and scene saves that failed (/status) */
	bool is_rotation_held;       /* state.cfg was not restored: do not rotate it into .bak */
	bool is_session;             /* under a session manager (the header says what changes) */
	const char *autosave_file;   /* state.cfg, or autosave.cfg in a session */
	int64_t last_ticket;         /* the writer's ticket of the newest post */
	int failing_errno;           /* the autosave's current failure, 0 when it works */
	int64_t failure_logged_ms;
	uint64_t n_failures_unlogged;
	int64_t retry_at_ms;
	int max_scenes;              /* state.max_scenes */
	off_t max_scene_bytes;       /* state.max_scenes_mb */
	double save_tokens;          /* scene saves allowed now (a token bucket) */
	int64_t save_tokens_ms;
	struct recall_fade fade;     /* a scene recall gliding (recall.h), stepped by state_tick */
};

/* Open (creating) the folder. A folder that cannot be used turns autosave off, loudly. */
int state_open(struct state *st, const struct setup *setup);
void state_close(struct state *st);

/*
 * Before the control is built: overlay the saved values on the config's, from state.cfg,
 * else state.cfg.bak, else none; logs which. Channels and buses are matched by name, then
 * by position where a name changed; what has no match keeps the config's values. A file
 * that is unusable, or restored with values dropped, is kept as
 * <file>.rejected-YYYYMMDD-HHMMSS. Returns the source ("state", "backup", "config"); in a
 * session autosave.cfg comes first ("autosave": the mix is not the session's saved one).
 */
const char *state_restore(struct state *st, struct setup *setup);

/* Each tick: step a recall fade; take the writer's results; hand a save over when changes have paused or waited long enough (or, after a failure,
 * STATE_RETRY_MS later; failures are counted and logged at most every STATE_FAIL_LOG_MS). */
void state_tick(struct state *st, struct control *c, int64_t now_ms);

/* Save now if anything changed, and wait (up to STATE_FLUSH_WAIT_MS) until it is on disk
 * (at shutdown). */
void state_flush(struct state *st, struct control *c);

/*
 * In a session, the manager's save: wait for the autosave in flight, write state.cfg (the
 * old one to .bak), then remove autosave.cfg: nothing is unsaved. 0, or -errno with err
 * filled.
 */
int state_save_session(struct state *st, const struct control *c, char *err, int size);
/* In a session, after the last flush of a clean close (quit or switch): autosave.cfg, the
 * changes the manager did not ask to save, becomes unsaved.cfg, which no open restores. */
void state_set_aside_unsaved(struct state *st);

bool scene_name_is_valid(const char *name);
/* Refused past state.max_scenes or state.max_scenes_mb, or faster than SCENE_SAVES_PER_S. */
int scene_save(struct state *st, const struct control *c, const char *name, char *err, int size);
/* Validate the whole scene first (matching names as state_restore does), then apply every
 * value as a smoothed change. */
int scene_load(struct state *st, struct control *c, const char *name, char *err, int size);
/*
 * The same, recalling only what scope names (NULL: everything; recall.h) and, with fade_s > 0,
 * gliding the levels there over fade_s seconds (at most RECALL_FADE_MAX_S). Safes are kept
 * either way. A scope that does not parse or a bad time changes nothing (-1, err filled).
 */
int scene_recall(struct state *st, struct control *c, const char *name, const char *scope,
		 float fade_s, char *err, int size);
int scene_delete(struct state *st, const char *name, char *err, int size);
/* Names of the saved scenes, sorted; returns the count (at most max). */
int scene_list(struct state *st, char (*names)[SCENE_NAME_MAX + 1], int max);

/* Write the values of c to path atomically, on the calling thread (the NSM save; tests).
 * 0 or -errno with err filled. */
int state_write_at(int dir_fd, const char *file, const struct control *c, bool keep_backup,
		   char *err, int size);

#endif
