/*
 * x32_held.c - the values a dialect holds for jmixd (colours, icons, DCA names, leaves of
 * strips jmixd lacks, the rest of the console tree), kept across restarts.
 *
 * One text file per dialect in the state folder ("x32-held.txt", "xair-held.txt"), a line a
 * value: "<path> <tag> <value>", the value to the end of the line for strings. It is written
 * whole, half a second after the last change (a fader ride on a held leaf writes once), by
 * a state writer of its own (daemon/state_writer.h: temp file, fsync, rename, off the
 * control thread). Read back at start, each line is checked like a set from a client: a
 * path that is no held leaf of the dialect, or a tag that is not its tag, is skipped and
 * logged. With autosave off (no state folder) nothing is kept, as for the mix itself.
 *
 * Control thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/state_writer.h"
#include "osc/clients.h"
#include "osc/x32_priv.h"

#define HELD_DELAY_MS 500
#define HELD_FILE_MAX (1 << 20)
#define LINE_MAX_BYTES (SHADOW_PATH_MAX + SHADOW_STRING_MAX + 16)

static const char *const file_name[X32_N_PROFILES] = { "x32-held.txt", "xair-held.txt" };

/* One line: false when it is not a held leaf of this dialect with its tag. */
static bool load_line(struct x32_listener *l, char *line)
{
	char *path = line, *tag = strchr(line, ' ');
	if (!tag || tag[1] == '\0' || (tag[2] != ' ' && tag[2] != '\0'))
		return false;
	*tag++ = '\0';
	const char *value = tag[1] ? tag + 2 : "";
	struct x32_leaf leaf = x32_map_resolve(l->control, l->profile, path);
	if ((leaf.kind != X32_LEAF_SHADOW && leaf.kind != X32_LEAF_STANDIN) || leaf.tag != *tag)
		return false;
	if (*tag == 's')
		return x32_shadow_store(l, path, 's', 0.0f, value);
	char *end;
	float f = strtof(value, &end);
	if (end == value || *end != '\0' || !isfinite(f))
		return false;
	return x32_shadow_store(l, path, *tag, f, NULL);
}

static void load(struct x32_listener *l)
{
	const char *key = x32_profile_key[l->profile];
	int fd = openat(l->held.dir_fd, file_name[l->profile], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			log_warn("%s: cannot read %s: %s", key, file_name[l->profile], strerror(errno));
		return;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return;
	}
	char line[LINE_MAX_BYTES];
	int n = 0, n_bad = 0, lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (load_line(l, line))
			n++;
		else if (n_bad++ < 5)
			log_warn("%s: %s:%d: not a held value of this console: skipped", key,
				 file_name[l->profile], lineno);
	}
	fclose(f);
	log_info("%s: %d held value%s restored from %s", key, n, n == 1 ? "" : "s",
		 file_name[l->profile]);
}

void x32_held_open(struct x32_listener *l)
{
	const char *dir = l->control->setup->state_dir;
	l->held.dir_fd = -1;
	if (!dir[0])
		return;   /* autosave off: nothing is kept */
	l->held.dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->held.dir_fd < 0) {
		log_warn("%s: cannot open the state folder %s (%s): held values are not kept",
			 x32_profile_key[l->profile], dir, strerror(errno));
		return;
	}
	load(l);
	l->held.writer = state_writer_new(l->held.dir_fd, file_name[l->profile]);
}

void x32_held_changed(struct x32_listener *l)
{
	l->held.is_dirty = true;
	l->held.changed_ms = osc_now_ms();
}

/* Every held value as lines; NULL when out of memory. */
static char *serialise(const struct x32_listener *l, size_t *len)
{
	size_t cap = 64 + (size_t)l->n_shadow * LINE_MAX_BYTES;
	char *buf = malloc(cap > HELD_FILE_MAX ? HELD_FILE_MAX : cap);
	if (!buf)
		return NULL;
	cap = cap > HELD_FILE_MAX ? HELD_FILE_MAX : cap;
	size_t o = (size_t)snprintf(buf, cap, "# jmixd: values %s holds (path tag value)\n",
				    x32_profile_key[l->profile]);
	for (int i = 0; i < SHADOW_SLOTS; i++) {
		const struct shadow_value *v = &l->shadow[i];
		char s[SHADOW_STRING_MAX];
		if (!v->path[0])
			continue;
		/* A name is one line: control characters would end it. */
		snprintf(s, sizeof s, "%s", v->s);
		for (char *c = s; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = '?';
		int w = v->tag == 's' ? snprintf(buf + o, cap - o, "%s s %s\n", v->path, s)
				      : snprintf(buf + o, cap - o, "%s %c %.9g\n", v->path, v->tag,
						 (double)v->f);
		if (w < 0 || (size_t)w >= cap - o)
			break;
		o += (size_t)w;
	}
	*len = o;
	return buf;
}

static void post(struct x32_listener *l)
{
	size_t len;
	char *buf = serialise(l, &len);
	if (!buf)
		return;
	if (state_writer_post(l->held.writer, buf, len, false, ++l->held.n_posts) < 0)
		free(buf);
	l->held.is_dirty = false;
}

void x32_held_tick(struct x32_listener *l, int64_t now)
{
	struct state_write_result r;
	if (!l->held.writer)
		return;
	if (state_writer_take(l->held.writer, &r) && r.rc < 0)
		log_error("%s: cannot save held values: %s", x32_profile_key[l->profile], r.err);
	if (l->held.is_dirty && now - l->held.changed_ms >= HELD_DELAY_MS)
		post(l);
}

void x32_held_close(struct x32_listener *l)
{
	if (l->held.writer && l->held.is_dirty)
		post(l);
	state_writer_free(l->held.writer);   /* after the last post is on disk */
	l->held.writer = NULL;
	if (l->held.dir_fd >= 0)
		close(l->held.dir_fd);
	l->held.dir_fd = -1;
}
