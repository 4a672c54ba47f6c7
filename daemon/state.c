/*
 * state.c - see state.h.
 */
#include "daemon/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/state_writer.h"

#define STATE_FILE "state.cfg"
#define BACKUP_FILE "state.cfg.bak"
#define AUTOSAVE_FILE "autosave.cfg"   /* in a session: the mix since the manager's last save */
#define UNSAVED_FILE "unsaved.cfg"     /* in a session: that mix, set aside at a clean close */
#define SCENES_DIR "scenes"

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int mkdir_p(const char *path)
{
	char buf[4096];
	if (strlen(path) >= sizeof buf)
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int state_open(struct state *st, const struct setup *setup)
{
	*st = (struct state){ .dir_fd = -1, .scenes_fd = -1 };
	if (!setup->state_dir[0]) {
		log_info("state: autosave is off (state.autosave = false)");
		return 0;
	}
	snprintf(st->dir, sizeof st->dir, "%s", setup->state_dir);
	int rc = mkdir_p(st->dir);
	if (rc == 0) {
		st->dir_fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		rc = st->dir_fd < 0 ? -errno : 0;
	}
	if (rc == 0 && mkdirat(st->dir_fd, SCENES_DIR, 0755) < 0 && errno != EEXIST)
		rc = -errno;
	if (rc == 0) {
		st->scenes_fd = openat(st->dir_fd, SCENES_DIR,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = st->scenes_fd < 0 ? -errno : 0;
	}
	if (rc < 0) {
		log_error("state: cannot use folder %s (%s): autosave and scenes are OFF", st->dir,
			  strerror(-rc));
		state_close(st);
		return rc;
	}
	st->max_scenes = setup->max_scenes;
	st->max_scene_bytes = (off_t)setup->max_scenes_mb << 20;
	st->save_tokens = SCENE_SAVE_BURST;
	st->save_tokens_ms = now_ms();
	st->is_session = setup->is_session;
	st->autosave_file = st->is_session ? AUTOSAVE_FILE : STATE_FILE;
	st->writer = state_writer_new(st->dir_fd, st->autosave_file);   /* NULL: writes stay here */
	log_info("state: autosave to %s/%s%s", st->dir, st->autosave_file,
		 st->is_session ? " (state.cfg is written when the session manager saves)" : "");
	return 0;
}

void state_close(struct state *st)
{
	recall_fade_free(&st->fade);
	state_writer_free(st->writer);   /* after the last post is on disk */
	st->writer = NULL;
	if (st->scenes_fd >= 0)
		close(st->scenes_fd);
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	st->scenes_fd = st->dir_fd = -1;
}

/* ---- writing ---- */

/*
 * libconfig reports a refused setting as NULL (a name it cannot take as a key, no memory);
 * every helper below passes NULL on, so one check at the end of build_tree catches any of
 * them. Names of channels and buses are never used as keys: they are "name" strings.
 */
static config_setting_t *add(config_setting_t *parent, const char *name, int type)
{
	return parent ? config_setting_add(parent, name, type) : NULL;
}

static int add_string(config_setting_t *g, const char *name, const char *v)
{
	config_setting_t *s = add(g, name, CONFIG_TYPE_STRING);
	return s && config_setting_set_string(s, v) == CONFIG_TRUE ? 0 : -1;
}

static int add_value(config_setting_t *group, const struct param_desc *d, float v)
{
	/* Dotted keys ("eq.band1.freq") become nested groups. */
	char key[128];
	snprintf(key, sizeof key, "%s", d->key);
	char *name = key, *dot;
	while (group && (dot = strchr(name, '.'))) {
		*dot = '\0';
		config_setting_t *sub = config_setting_get_member(group, name);
		group = sub ? sub : add(group, name, CONFIG_TYPE_GROUP);
		name = dot + 1;
	}
	config_setting_t *s;
	switch (d->type) {
	case PARAM_BOOL:
		s = add(group, name, CONFIG_TYPE_BOOL);
		return s && config_setting_set_bool(s, v != 0.0f) == CONFIG_TRUE ? 0 : -1;
	case PARAM_ENUM:
		return add_string(group, name, d->choices[(int)v]);
	case PARAM_FLOAT:
	default:
		s = add(group, name, CONFIG_TYPE_FLOAT);
		return s && config_setting_set_float(s, (double)v) == CONFIG_TRUE ? 0 : -1;
	}
}

/* A scene leaves out what only the state keeps (the safes). */
static int add_instance(config_setting_t *g, const struct control *c, enum param_scope scope,
			int index, bool is_scene)
{
	if (!g)
		return -1;
	int first = control_value_index(c, (struct param_ref){ params_at(scope, 0), index });
	for (int i = first; i < first + params_scope_count(scope); i++)
		if (c->inst[i].is_present && !(is_scene && c->inst[i].desc->is_state_only) &&
		    add_value(g, c->inst[i].desc, c->values[i]) < 0)
			return -1;
	return 0;
}

/* One element of a list: a group that says whose values it holds. */
static config_setting_t *add_named(config_setting_t *list, const char *name)
{
	config_setting_t *g = add(list, NULL, CONFIG_TYPE_GROUP);
	return add_string(g, "name", name) == 0 ? g : NULL;
}

/*
 * Values only, in the config's syntax: master, aux buses, DCAs (groups.dca) and channels as
 * lists of groups with a name, and each channel's sends as a list of groups naming their bus:
 *   send = ( { name = "2nd"; level = -10.0; on = true; pre = false; } );
 * (earlier state files wrote send = { <bus> = { ... } }, which is still read).
 */
static int build_tree(config_t *cfg, const struct control *c, bool is_scene)
{
	const struct setup *setup = c->setup;
	config_setting_t *root = config_root_setting(cfg);
	if (add_instance(add(root, "master", CONFIG_TYPE_GROUP), c, PARAM_MASTER, 0, is_scene) < 0)
		return -1;
	config_setting_t *aux = setup->n_buses ? add(root, "aux", CONFIG_TYPE_LIST) : NULL;
	for (int b = 0; b < setup->n_buses; b++)
		if (add_instance(add_named(aux, setup->buses[b].name), c, PARAM_AUX, b, is_scene) < 0)
			return -1;
	/* DCAs by position, named for the reader (a name is setup: loading ignores it). */
	config_setting_t *dca = add(add(root, "groups", CONFIG_TYPE_GROUP), "dca", CONFIG_TYPE_LIST);
	for (int k = 0; k < setup->vals.n_instances[PARAM_DCA]; k++)
		if (add_instance(add_named(dca, setup->dca_name[k]), c, PARAM_DCA, k, is_scene) < 0)
			return -1;
	/* Mute groups by position: nothing but their switch. */
	config_setting_t *mute = add(config_setting_get_member(root, "groups"), "mute",
				     CONFIG_TYPE_LIST);
	for (int k = 0; k < setup->vals.n_instances[PARAM_MGRP]; k++)
		if (add_instance(add(mute, NULL, CONFIG_TYPE_GROUP), c, PARAM_MGRP, k, is_scene) < 0)
			return -1;
	/* Link groups by position: what each carries. */
	config_setting_t *link = add(config_setting_get_member(root, "groups"), "link",
				     CONFIG_TYPE_LIST);
	for (int k = 0; k < setup->vals.n_instances[PARAM_LINK]; k++)
		if (add_instance(add(link, NULL, CONFIG_TYPE_GROUP), c, PARAM_LINK, k, is_scene) < 0)
			return -1;
	if (!is_scene && add_instance(add(root, "safe", CONFIG_TYPE_GROUP), c, PARAM_SAFE, 0,
				      false) < 0)
		return -1;
	config_setting_t *list = add(root, "channels", CONFIG_TYPE_LIST);
	for (int ch = 0; ch < c->n_channels; ch++) {
		config_setting_t *g = add_named(list, setup->channels[ch].name);
		if (add_instance(g, c, PARAM_CHANNEL, ch, is_scene) < 0)
			return -1;
		config_setting_t *send = setup->n_buses ? add(g, "send", CONFIG_TYPE_LIST) : NULL;
		for (int b = 0; b < setup->n_buses; b++)
			if (add_instance(add_named(send, setup->buses[b].name), c, PARAM_SEND,
					 setup_send_instance(setup, ch, b), is_scene) < 0)
				return -1;
	}
	return 0;
}

/*
 * The values as the text of a state file, in memory (the control thread owns the values; the
 * disk work may then happen elsewhere). 0 with *buf malloc'd, or -errno with err filled.
 */
static int serialise(const struct control *c, bool is_scene, char **buf, size_t *len, char *err,
		     int size)
{
	*buf = NULL;
	*len = 0;
	FILE *f = open_memstream(buf, len);
	if (!f) {
		snprintf(err, (size_t)size, "cannot serialise the values: %s", strerror(errno));
		return -ENOMEM;
	}
	config_t cfg;
	config_init(&cfg);
	int rc = build_tree(&cfg, c, is_scene) < 0 ? -EINVAL : 0;
	if (rc == 0) {
		fputs("# jmixd: mixer values (matched by name, then by position); topology comes "
		      "from the config\n", f);
		config_write(&cfg, f);
		if (ferror(f))
			rc = -ENOMEM;
	}
	config_destroy(&cfg);
	if (fclose(f) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc < 0) {
		free(*buf);
		*buf = NULL;
		if (rc == -EINVAL)
			snprintf(err, (size_t)size, "cannot build the values: libconfig refused a "
				 "setting");
		else
			snprintf(err, (size_t)size, "cannot serialise the values: out of memory");
	}
	return rc;
}

int state_write_at(int dir_fd, const char *file, const struct control *c, bool keep_backup,
		   char *err, int size)
{
	char *buf;
	size_t len;
	int rc = serialise(c, false, &buf, &len, err, size);
	if (rc == 0)
		rc = state_write_file(dir_fd, file, buf, len, keep_backup, err, size);
	free(buf);
	return rc;
}

/* ---- reading ---- */

#define STATE_FILE_MAX_BYTES (16 << 20)   /* far above 128 channels x 8 buses (~1 MB) */

/*
 * Read file (relative to dir_fd) over v, a copy of base's values: 0 (with *n_dropped
 * values or entries left out, each logged), -2 when there is no such file, or -1 with err
 * filled. On failure v is released.
 */
static int read_values(int dir_fd, const char *file, const char *shown_as,
		       const struct setup *setup, const struct setup_values *base,
		       struct setup_values *v, int *n_dropped, char *err, int size)
{
	*v = (struct setup_values){ 0 };
	*n_dropped = 0;
	int fd = openat(dir_fd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, (size_t)size, "%s: %s", shown_as, strerror(e));
		return e == ENOENT ? -2 : -1;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > STATE_FILE_MAX_BYTES) {
		close(fd);
		snprintf(err, (size_t)size, "%s: not a regular file of at most %d bytes", shown_as,
			 STATE_FILE_MAX_BYTES);
		return -1;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		snprintf(err, (size_t)size, "%s: %s", shown_as, strerror(errno));
		return -1;
	}
	if (setup_values_copy(base, v) < 0) {
		fclose(f);
		snprintf(err, (size_t)size, "out of memory");
		return -1;
	}
	int rc = config_load_values(f, shown_as, setup, v, n_dropped, err, size);
	fclose(f);
	if (rc < 0)
		setup_values_free(v);
	return rc;
}

/* A hard link named file.rejected-<local date and time>[-k] already points at this file? */
static bool is_kept(int dir_fd, const char *file, const struct stat *sb)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	char prefix[SCENE_NAME_MAX + 32];
	snprintf(prefix, sizeof prefix, "%s.rejected-", file);
	bool is_found = false;
	struct dirent *e;
	struct stat other;
	while (!is_found && (e = readdir(d)))
		is_found = strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
			   fstatat(dir_fd, e->d_name, &other, AT_SYMLINK_NOFOLLOW) == 0 &&
			   other.st_ino == sb->st_ino && other.st_dev == sb->st_dev;
	closedir(d);
	return is_found;
}

/*
 * Keep a state file that could not be restored whole (unusable, or values dropped) beside
 * the others as <file>.rejected-YYYYMMDD-HHMMSS, a hard link: the autosave replaces
 * state.cfg and .bak, never this. Once per file, however often jmixd restarts on it.
 */
static void keep_rejected(int dir_fd, const char *file)
{
	struct stat sb;
	if (fstatat(dir_fd, file, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(sb.st_mode) ||
	    is_kept(dir_fd, file, &sb))
		return;
	char stamp[32], kept[SCENE_NAME_MAX + 64];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
	for (int k = 1; k < 100; k++) {
		if (k == 1)
			snprintf(kept, sizeof kept, "%s.rejected-%s", file, stamp);
		else
			snprintf(kept, sizeof kept, "%s.rejected-%s-%d", file, stamp, k);
		if (linkat(dir_fd, file, dir_fd, kept, 0) == 0) {
			fsync(dir_fd);
			log_warn("state: kept %s as %s", file, kept);
			return;
		}
		if (errno != EEXIST)
			break;
	}
	log_error("state: could not keep a copy of %s: %s", file, strerror(errno));
}

const char *state_restore(struct state *st, struct setup *setup)
{
	static const char *const files[] = { AUTOSAVE_FILE, STATE_FILE, BACKUP_FILE };
	static const char *const sources[] = { "autosave", "state", "backup" };
	char err[512], shown[4200];

	if (st->dir_fd < 0)
		return "config";
	/* Unless state.cfg is restored, the first save must not rotate it into .bak: a corrupt
	 * or missing state.cfg would push out the good .bak. */
	st->is_rotation_held = true;
	for (int k = st->is_session ? 0 : 1; k < 3; k++) {
		struct setup_values v;
		int n_dropped;
		snprintf(shown, sizeof shown, "%s/%s", st->dir, files[k]);
		int rc = read_values(st->dir_fd, files[k], shown, setup, &setup->vals, &v,
				     &n_dropped, err, sizeof err);
		if (rc == 0) {
			for (int sc = 0; sc < PARAM_N_SCOPES; sc++)
				memcpy(setup->vals.values[sc], v.values[sc],
				       sizeof(float) * (size_t)v.n_instances[sc] *
					       (size_t)params_scope_count(sc));
			setup_values_free(&v);
			if (n_dropped) {
				log_warn("state: restored the mix from %s, except %d dropped "
					 "entries or values", shown, n_dropped);
				keep_rejected(st->dir_fd, files[k]);
			} else {
				log_info("state: restored the mix from %s", shown);
			}
			if (k == 0)
				log_warn("state: %s is from a run that never closed (a crash or a "
					 "power cut): its mix is back, not yet saved to the session",
					 shown);
			st->is_rotation_held = k != 1;
			return sources[k];
		}
		if (rc == -2) {
			log_info("state: no %s", shown);
		} else {
			log_warn("state: %s is unusable: %s", shown, err);
			keep_rejected(st->dir_fd, files[k]);
		}
	}
	log_info("state: starting from the config's values (%s)", setup->path);
	return "config";
}

/*
 * A failed write (a full disk, most often) is counted for /status and logged when it first
 * happens, when its reason changes, and then at most every STATE_FAIL_LOG_MS; the mix in
 * memory is unaffected. n: failed writes this stands for (the writer may have done several
 * between two ticks).
 */
static void note_write_failure(struct state *st, int rc, const char *err, uint64_t n)
{
	int64_t now = now_ms();
	st->n_write_failures += n;
	st->n_failures_unlogged += n;
	st->retry_at_ms = now + STATE_RETRY_MS;
	st->posted_changes = st->saved_changes;   /* so the retry posts again */
	if (st->failing_errno == -rc && now - st->failure_logged_ms < STATE_FAIL_LOG_MS)
		return;
	log_error("state: autosave failed: %s (%llu times since the last report; the mix keeps "
		  "working, unsaved)", err, (unsigned long long)st->n_failures_unlogged);
	st->failing_errno = -rc;
	st->failure_logged_ms = now;
	st->n_failures_unlogged = 0;
}

/* The values with change count tag are on disk. */
static void note_saved(struct state *st, uint64_t tag)
{
	if (st->failing_errno) {
		log_info("state: autosave works again");
		st->failing_errno = 0;
	}
	if (!st->is_session)   /* in a session only the manager's save writes state.cfg */
		st->is_rotation_held = false;
	st->saved_changes = tag;
	st->n_saves++;
}

/* What the writer thread did since the last look: the newest write's rc (its reason in err),
 * or 1 when it finished nothing. */
static int take_results(struct state *st, char *err, int size)
{
	struct state_write_result r;
	if (!st->writer || !state_writer_take(st->writer, &r))
		return 1;
	if (r.rc < 0) {
		note_write_failure(st, r.rc, r.err, r.n_failed);
		snprintf(err, (size_t)size, "%s", r.err);
		return r.rc;
	}
	st->n_write_failures += r.n_failed;   /* failures a later write made good */
	note_saved(st, r.tag);
	return 0;
}

/*
 * Serialise the values here (the control thread owns them) and hand them to the writer
 * thread: *ticket > 0 to wait for. Without a writer thread (none could start), write here,
 * as before: *ticket = 0. 0, or -errno with err filled (already counted and logged).
 */
static int post_save(struct state *st, const struct control *c, int64_t *ticket, char *err,
		     int size)
{
	char *buf;
	size_t len;
	bool keep_backup = !st->is_session && !st->is_rotation_held;
	*ticket = 0;
	int rc = serialise(c, false, &buf, &len, err, size);
	if (rc == 0 && st->writer) {
		int64_t t = state_writer_post(st->writer, buf, len, keep_backup, c->n_changes);
		if (t > 0) {
			st->posted_changes = c->n_changes;
			st->last_ticket = *ticket = t;
			return 0;
		}
	}
	if (rc == 0)
		rc = state_write_file(st->dir_fd, st->autosave_file, buf, len, keep_backup, err,
				      size);
	free(buf);
	if (rc < 0)
		note_write_failure(st, rc, err, 1);
	else
		note_saved(st, c->n_changes);
	return rc;
}

/* Save now and wait (up to STATE_FLUSH_WAIT_MS) until it is on disk. 0, or -errno with err
 * filled. */
static int state_save_now(struct state *st, const struct control *c, char *err, int size)
{
	int64_t ticket;
	if (st->dir_fd < 0) {
		snprintf(err, (size_t)size, "no state folder");
		return -ENOENT;
	}
	int rc = post_save(st, c, &ticket, err, size);
	if (rc < 0 || ticket == 0)
		return rc;
	if (state_writer_wait(st->writer, ticket, STATE_FLUSH_WAIT_MS) < 0) {
		snprintf(err, (size_t)size, "the disk has not finished writing %s/%s after %d s",
			 st->dir, st->autosave_file, STATE_FLUSH_WAIT_MS / 1000);
		return -ETIMEDOUT;
	}
	/* Ours is the newest write now (only this thread posts): its result is the one taken. */
	rc = take_results(st, err, size);
	return rc == 1 ? -EIO : rc;
}

void state_flush(struct state *st, struct control *c)
{
	char err[sizeof st->dir + 128];   /* room for a message naming the folder */
	if (st->dir_fd < 0 || c->n_changes == st->saved_changes)
		return;
	state_save_now(st, c, err, sizeof err);   /* failures are counted and logged */
}

void state_tick(struct state *st, struct control *c, int64_t now)
{
	char err[512];
	int64_t ticket;
	recall_fade_tick(&st->fade, c, now);
	if (st->dir_fd < 0)
		return;
	take_results(st, err, sizeof err);
	if (c->n_changes != st->seen_changes) {
		if (st->seen_changes == st->posted_changes)
			st->first_unsaved_ms = now;
		st->seen_changes = c->n_changes;
		st->last_change_ms = now;
	}
	if (c->n_changes == st->posted_changes || now < st->retry_at_ms)
		return;
	if (now - st->last_change_ms >= STATE_SAVE_QUIET_MS ||
	    now - st->first_unsaved_ms >= STATE_SAVE_MAX_MS)
		post_save(st, c, &ticket, err, sizeof err);   /* the result comes on a later tick */
}

int state_save_session(struct state *st, const struct control *c, char *err, int size)
{
	char ignored[STATE_WRITER_ERR_MAX];
	if (st->dir_fd < 0) {
		snprintf(err, (size_t)size, "no state folder");
		return -ENOENT;
	}
	/* An autosave still being written would put autosave.cfg back after it is removed. */
	if (st->writer && st->last_ticket &&
	    state_writer_wait(st->writer, st->last_ticket, STATE_FLUSH_WAIT_MS) < 0) {
		snprintf(err, (size_t)size, "the disk has not finished writing %s/%s after %d s",
			 st->dir, st->autosave_file, STATE_FLUSH_WAIT_MS / 1000);
		return -ETIMEDOUT;
	}
	take_results(st, ignored, sizeof ignored);   /* counted and logged as every autosave */
	int rc = state_write_at(st->dir_fd, STATE_FILE, c, !st->is_rotation_held, err, size);
	if (rc < 0) {
		st->n_write_failures++;
		return rc;
	}
	st->is_rotation_held = false;
	if (unlinkat(st->dir_fd, AUTOSAVE_FILE, 0) == 0)
		fsync(st->dir_fd);
	else if (errno != ENOENT)
		log_warn("state: cannot remove %s/" AUTOSAVE_FILE ": %s (the next open would "
			 "restore it over the saved mix)", st->dir, strerror(errno));
	st->saved_changes = st->posted_changes = c->n_changes;
	st->n_saves++;
	return 0;
}

void state_set_aside_unsaved(struct state *st)
{
	if (!st->is_session || st->dir_fd < 0)
		return;
	if (renameat(st->dir_fd, AUTOSAVE_FILE, st->dir_fd, UNSAVED_FILE) == 0) {
		fsync(st->dir_fd);
		log_info("state: closed without a save: the session keeps its saved mix; the "
			 "changes since are in %s/" UNSAVED_FILE, st->dir);
	} else if (errno != ENOENT) {
		log_error("state: cannot set %s/" AUTOSAVE_FILE " aside: %s (the next open will "
			  "restore it)", st->dir, strerror(errno));
	}
}

/* ---- scenes ---- */

bool scene_name_is_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > SCENE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

static int scene_file(struct state *st, const char *name, char *file, size_t file_size,
		      char *err, int size)
{
	if (st->scenes_fd < 0) {
		snprintf(err, (size_t)size, "scenes are unavailable (no state folder)");
		return -1;
	}
	if (!scene_name_is_valid(name)) {
		snprintf(err, (size_t)size, "scene names are 1 to %d of A-Z a-z 0-9 _ -",
			 SCENE_NAME_MAX);
		return -1;
	}
	snprintf(file, file_size, "%s.cfg", name);
	return 0;
}

/* The other saved scenes: how many, how many bytes, and whether file is one of them. */
struct scene_usage {
	int n_others;
	off_t others_bytes;
	bool is_existing;
};

static void scene_usage(struct state *st, const char *file, struct scene_usage *u)
{
	*u = (struct scene_usage){ 0 };
	int fd = openat(st->scenes_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	struct stat sb;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0)
			continue;
		if (strcmp(e->d_name, file) == 0) {
			u->is_existing = true;
			continue;
		}
		u->n_others++;
		if (fstatat(st->scenes_fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
			u->others_bytes += sb.st_size;
	}
	closedir(d);
}

/*
 * Each save is an fsync'ed write on the control thread (1 ms on an SSD, tens on an SD
 * card): a token bucket of SCENE_SAVE_BURST saves, refilled at SCENE_SAVES_PER_S, bounds the
 * time a burst of saves can take from the loop and the wear on the card, whoever sends it.
 * A person saving by hand never meets it.
 */
static bool take_save_token(struct state *st)
{
	int64_t now = now_ms();
	double tokens = st->save_tokens + (double)(now - st->save_tokens_ms) * SCENE_SAVES_PER_S /
						 1000.0;
	st->save_tokens = tokens > SCENE_SAVE_BURST ? SCENE_SAVE_BURST : tokens;
	st->save_tokens_ms = now;
	if (st->save_tokens < 1.0)
		return false;
	st->save_tokens -= 1.0;
	return true;
}

int scene_save(struct state *st, const struct control *c, const char *name, char *err, int size)
{
	char file[SCENE_NAME_MAX + 8];
	struct scene_usage u;
	if (scene_file(st, name, file, sizeof file, err, size) < 0)
		return -1;
	if (!take_save_token(st)) {
		snprintf(err, (size_t)size, "too many saves: at most %d a second (bursts of %d)",
			 SCENE_SAVES_PER_S, SCENE_SAVE_BURST);
		return -1;
	}
	scene_usage(st, file, &u);
	if (!u.is_existing && u.n_others >= st->max_scenes) {
		snprintf(err, (size_t)size, "%d scenes saved, the limit (state.max_scenes): delete "
			 "one first", u.n_others);
		return -1;
	}
	off_t room = st->max_scene_bytes - u.others_bytes;
	char *buf;
	size_t len;
	int rc = serialise(c, true, &buf, &len, err, size);
	if (rc == 0 && (off_t)len > room) {
		snprintf(err, (size_t)size, "the scenes would pass %lld MB (state.max_scenes_mb): "
			 "delete some first", (long long)(st->max_scene_bytes >> 20));
		free(buf);
		return -1;
	}
	/* Synchronous: the reply confirms the scene is on disk, and the token bucket above
	 * bounds how much of the loop's time this can take. */
	if (rc == 0)
		rc = state_write_file(st->scenes_fd, file, buf, len, false, err, size);
	free(buf);
	if (rc < 0)
		st->n_write_failures++;
	return rc < 0 ? -1 : 0;
}

int scene_load(struct state *st, struct control *c, const char *name, char *err, int size)
{
	return scene_recall(st, c, name, NULL, 0.0f, err, size);
}

int scene_recall(struct state *st, struct control *c, const char *name, const char *scope,
		 float fade_s, char *err, int size)
{
	char file[SCENE_NAME_MAX + 8], shown[SCENE_NAME_MAX + 16];
	struct setup_values now, v;
	struct recall_scope parsed;
	int n_dropped;
	if (!(fade_s >= 0.0f && fade_s <= RECALL_FADE_MAX_S)) {
		snprintf(err, (size_t)size, "fade time must be 0 .. %g s", (double)RECALL_FADE_MAX_S);
		return -1;
	}
	if (scope && recall_scope_parse(c, scope, &parsed, err, size) < 0)
		return -1;
	if (scene_file(st, name, file, sizeof file, err, size) < 0)
		return -1;
	snprintf(shown, sizeof shown, "scene %s", name);

	/* Start from the current values, so a partial scene changes only what it names. */
	if (setup_values_copy(&c->setup->vals, &now) < 0) {
		snprintf(err, (size_t)size, "out of memory");
		return -1;
	}
	control_get_values(c, &now);
	int rc = read_values(st->scenes_fd, file, shown, c->setup, &now, &v, &n_dropped, err, size);
	setup_values_free(&now);
	if (rc < 0) {
		if (rc == -2)
			snprintf(err, (size_t)size, "no scene named '%s'", name);
		return -1;
	}
	if (n_dropped)
		log_warn("state: %s: %d entries or values had no place on this console", shown,
			 n_dropped);
	/* Everything validated: apply as ordinary, smoothed changes (or a fade). */
	rc = recall_apply(c, &st->fade, scope ? &parsed : NULL, &v, fade_s, now_ms());
	setup_values_free(&v);
	if (rc < 0) {
		snprintf(err, (size_t)size, "out of memory");
		return -1;
	}
	return 0;
}

int scene_delete(struct state *st, const char *name, char *err, int size)
{
	char file[SCENE_NAME_MAX + 8];
	if (scene_file(st, name, file, sizeof file, err, size) < 0)
		return -1;
	if (unlinkat(st->scenes_fd, file, 0) < 0) {
		snprintf(err, (size_t)size, errno == ENOENT ? "no scene named '%s'" : "cannot delete '%s'",
			 name);
		return -1;
	}
	fsync(st->scenes_fd);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

int scene_list(struct state *st, char (*names)[SCENE_NAME_MAX + 1], int max)
{
	if (st->scenes_fd < 0)
		return 0;
	int fd = openat(st->scenes_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0)
			continue;
		char name[SCENE_NAME_MAX + 8];
		snprintf(name, sizeof name, "%.*s", (int)(len - 4), e->d_name);
		if (scene_name_is_valid(name))   /* so at most SCENE_NAME_MAX characters */
			memcpy(names[n++], name, strlen(name) + 1);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], compare_names);
	return n;
}
