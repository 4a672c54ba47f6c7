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
#include <unistd.h>

#include "daemon/log.h"

#define STATE_FILE "state.cfg"
#define BACKUP_FILE "state.cfg.bak"
#define SCENES_DIR "scenes"

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
	log_info("state: autosave to %s/" STATE_FILE, st->dir);
	return 0;
}

void state_close(struct state *st)
{
	if (st->scenes_fd >= 0)
		close(st->scenes_fd);
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	st->scenes_fd = st->dir_fd = -1;
}

/* ---- writing ---- */

static void add_value(config_setting_t *group, const struct param_desc *d, float v)
{
	/* Dotted keys ("eq.band1.freq") become nested groups. */
	char key[128];
	snprintf(key, sizeof key, "%s", d->key);
	char *name = key, *dot;
	while ((dot = strchr(name, '.'))) {
		*dot = '\0';
		config_setting_t *sub = config_setting_get_member(group, name);
		if (!sub)
			sub = config_setting_add(group, name, CONFIG_TYPE_GROUP);
		group = sub;
		name = dot + 1;
	}
	config_setting_t *s;
	switch (d->type) {
	case PARAM_BOOL:
		s = config_setting_add(group, name, CONFIG_TYPE_BOOL);
		config_setting_set_bool(s, v != 0.0f);
		break;
	case PARAM_ENUM:
		s = config_setting_add(group, name, CONFIG_TYPE_STRING);
		config_setting_set_string(s, d->choices[(int)v]);
		break;
	case PARAM_FLOAT:
	default:
		s = config_setting_add(group, name, CONFIG_TYPE_FLOAT);
		config_setting_set_float(s, (double)v);
		break;
	}
}

static void add_instance(config_setting_t *g, const struct control *c, enum param_scope scope,
			 int index)
{
	int first = control_value_index(c, (struct param_ref){ params_at(scope, 0), index });
	for (int i = first; i < first + params_scope_count(scope); i++)
		if (c->inst[i].is_present)
			add_value(g, c->inst[i].desc, c->values[i]);
}

/* Values only, in the config's syntax: master, aux buses and channels by name, sends inside. */
static void build_tree(config_t *cfg, const struct control *c)
{
	const struct setup *setup = c->setup;
	config_setting_t *root = config_root_setting(cfg);
	config_setting_t *master = config_setting_add(root, "master", CONFIG_TYPE_GROUP);
	add_instance(master, c, PARAM_MASTER, 0);

	if (setup->n_buses) {
		config_setting_t *aux = config_setting_add(root, "aux", CONFIG_TYPE_LIST);
		for (int b = 0; b < setup->n_buses; b++) {
			config_setting_t *g = config_setting_add(aux, NULL, CONFIG_TYPE_GROUP);
			config_setting_set_string(config_setting_add(g, "name", CONFIG_TYPE_STRING),
						  setup->buses[b].name);
			add_instance(g, c, PARAM_AUX, b);
		}
	}
	config_setting_t *list = config_setting_add(root, "channels", CONFIG_TYPE_LIST);
	for (int ch = 0; ch < c->n_channels; ch++) {
		config_setting_t *g = config_setting_add(list, NULL, CONFIG_TYPE_GROUP);
		config_setting_set_string(config_setting_add(g, "name", CONFIG_TYPE_STRING),
					  setup->channels[ch].name);
		add_instance(g, c, PARAM_CHANNEL, ch);
		if (!setup->n_buses)
			continue;
		config_setting_t *send = config_setting_add(g, "send", CONFIG_TYPE_GROUP);
		for (int b = 0; b < setup->n_buses; b++)
			add_instance(config_setting_add(send, setup->buses[b].name, CONFIG_TYPE_GROUP),
				     c, PARAM_SEND, setup_send_instance(setup, ch, b));
	}
}

int state_write_at(int dir_fd, const char *file, const struct control *c, bool keep_backup,
		   char *err, int size)
{
	char tmp[SCENE_NAME_MAX + 32];
	snprintf(tmp, sizeof tmp, "%s.tmp", file);

	int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, (size_t)size, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		snprintf(err, (size_t)size, "cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	config_t cfg;
	config_init(&cfg);
	build_tree(&cfg, c);
	fputs("# jmixd: mixer values (channels matched by name); topology comes from the config\n",
	      f);
	config_write(&cfg, f);
	config_destroy(&cfg);

	/* The data must be on disk before the name points at it. */
	int rc = (fflush(f) == 0 && fsync(fd) == 0) ? 0 : -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		unlinkat(dir_fd, tmp, 0);
		snprintf(err, (size_t)size, "cannot write %s: %s", tmp, strerror(-rc));
		return -1;
	}
	if (keep_backup) {
		/* Hard-link the current file to .bak (replacing the old one) so at every moment
		 * one complete file holds the previous state. */
		char bak_tmp[SCENE_NAME_MAX + 40], bak[SCENE_NAME_MAX + 32];
		snprintf(bak, sizeof bak, "%s.bak", file);
		snprintf(bak_tmp, sizeof bak_tmp, "%s.bak.tmp", file);
		unlinkat(dir_fd, bak_tmp, 0);
		if (linkat(dir_fd, file, dir_fd, bak_tmp, 0) == 0)
			renameat(dir_fd, bak_tmp, dir_fd, bak);
	}
	if (renameat(dir_fd, tmp, dir_fd, file) < 0) {
		snprintf(err, (size_t)size, "cannot rename %s: %s", tmp, strerror(errno));
		unlinkat(dir_fd, tmp, 0);
		return -1;
	}
	if (fsync(dir_fd) < 0) {
		snprintf(err, (size_t)size, "cannot sync the folder: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- reading ---- */

/*
 * Read file (relative to dir_fd) over v, a copy of base's values: 0, -2 when there is no
 * such file, or -1 with err filled. On failure v is released.
 */
static int read_values(int dir_fd, const char *file, const char *shown_as,
		       const struct setup *setup, const struct setup_values *base,
		       struct setup_values *v, char *err, int size)
{
	*v = (struct setup_values){ 0 };
	int fd = openat(dir_fd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, (size_t)size, "%s: %s", shown_as, strerror(errno));
		return errno == ENOENT ? -2 : -1;
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
	int rc = config_load_values(f, shown_as, setup, v, err, size);
	fclose(f);
	if (rc < 0)
		setup_values_free(v);
	return rc;
}

const char *state_restore(struct state *st, struct setup *setup)
{
	static const char *const files[] = { STATE_FILE, BACKUP_FILE };
	static const char *const sources[] = { "state", "backup" };
	char err[512], shown[4200];

	if (st->dir_fd < 0)
		return "config";
	for (int k = 0; k < 2; k++) {
		struct setup_values v;
		snprintf(shown, sizeof shown, "%s/%s", st->dir, files[k]);
		int rc = read_values(st->dir_fd, files[k], shown, setup, &setup->vals, &v, err,
				     sizeof err);
		if (rc == 0) {
			for (int sc = 0; sc < PARAM_N_SCOPES; sc++)
				memcpy(setup->vals.values[sc], v.values[sc],
				       sizeof(float) * (size_t)v.n_instances[sc] *
					       (size_t)params_scope_count(sc));
			setup_values_free(&v);
			log_info("state: restored the mix from %s", shown);
			return sources[k];
		}
		if (rc == -2)
			log_info("state: no %s", shown);
		else
			log_warn("state: %s is unusable: %s", shown, err);
	}
	log_info("state: starting from the config's values (%s)", setup->path);
	return "config";
}

void state_flush(struct state *st, struct control *c)
{
	char err[512];
	if (st->dir_fd < 0 || c->n_changes == st->saved_changes)
		return;
	if (state_write_at(st->dir_fd, STATE_FILE, c, true, err, sizeof err) < 0) {
		log_error("state: autosave failed: %s", err);
		return;
	}
	st->saved_changes = c->n_changes;
	st->n_saves++;
}

void state_tick(struct state *st, struct control *c, int64_t now)
{
	if (st->dir_fd < 0)
		return;
	if (c->n_changes != st->seen_changes) {
		if (st->seen_changes == st->saved_changes)
			st->first_unsaved_ms = now;
		st->seen_changes = c->n_changes;
		st->last_change_ms = now;
	}
	if (c->n_changes == st->saved_changes)
		return;
	if (now - st->last_change_ms >= STATE_SAVE_QUIET_MS ||
	    now - st->first_unsaved_ms >= STATE_SAVE_MAX_MS)
		state_flush(st, c);
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

int scene_save(struct state *st, const struct control *c, const char *name, char *err, int size)
{
	char file[SCENE_NAME_MAX + 8];
	if (scene_file(st, name, file, sizeof file, err, size) < 0)
		return -1;
	return state_write_at(st->scenes_fd, file, c, false, err, size);
}

int scene_load(struct state *st, struct control *c, const char *name, char *err, int size)
{
	char file[SCENE_NAME_MAX + 8], shown[SCENE_NAME_MAX + 16];
	struct setup_values now, v;
	if (scene_file(st, name, file, sizeof file, err, size) < 0)
		return -1;
	snprintf(shown, sizeof shown, "scene %s", name);

	/* Start from the current values, so a partial scene changes only what it names. */
	if (setup_values_copy(&c->setup->vals, &now) < 0) {
		snprintf(err, (size_t)size, "out of memory");
		return -1;
	}
	control_get_values(c, &now);
	int rc = read_values(st->scenes_fd, file, shown, c->setup, &now, &v, err, size);
	setup_values_free(&now);
	if (rc < 0) {
		if (rc == -2)
			snprintf(err, (size_t)size, "no scene named '%s'", name);
		return -1;
	}
	/* Everything validated: apply as ordinary, smoothed changes. */
	control_set_values(c, &v, ORIGIN_NONE);
	setup_values_free(&v);
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
