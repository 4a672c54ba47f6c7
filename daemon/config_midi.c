/*
 * config_midi.c - see config_midi.h.
 */
#include "daemon/config_midi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config_error.h"

static const char *const kind_keys[MIDI_N_KINDS] = { "cc", "cc14", "note", "pitchbend", "program" };
static const char *const mode_names[MIDI_N_MODES] = { "direct", "toggle", "momentary" };
static const char *const takeover_names[MIDI_N_TAKEOVERS] = { "pickup", "jump" };

struct midi_loader {
	const char *file;
	char *err;
	int err_size;
};

static int fail(struct midi_loader *ld, const config_setting_t *where, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct midi_loader *ld, const config_setting_t *where, const char *key,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	config_verror(ld->err, (size_t)ld->err_size, ld->file, where, key, fmt, ap);
	va_end(ap);
	return -1;
}

static int name_index(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/*
 * Addresses and scene names are printed back between quotes into files: only the characters
 * the OSC grammar and scene names use, so no quote or backslash can break out.
 */
static bool is_plain_text(const char *s)
{
	if (!*s || strlen(s) >= MIDI_PATH_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("/_-.", *s)))
			return false;
	return true;
}

static int read_choice(struct midi_loader *ld, const config_setting_t *g, const char *member,
		       const char *key, const char *const *names, int n, int *dst)
{
	const config_setting_t *s = config_setting_get_member(g, member);
	if (!s)
		return 0;
	const char *text = config_setting_get_string(s);
	int i = text ? name_index(names, n, text) : -1;
	if (i < 0)
		return fail(ld, s, key, n == MIDI_N_MODES
					? "must be \"direct\", \"toggle\" or \"momentary\""
					: "must be \"pickup\" or \"jump\"");
	*dst = i;
	return 0;
}

static int read_whole(struct midi_loader *ld, const config_setting_t *s, const char *key,
		      int min, int max, int *dst)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT || config_setting_get_int(s) < min ||
	    config_setting_get_int(s) > max)
		return fail(ld, s, key, "must be a whole number, %d .. %d", min, max);
	*dst = config_setting_get_int(s);
	return 0;
}

/* The control of a rule: exactly one of cc, cc14, note, pitchbend, program. */
static int read_control(struct midi_loader *ld, const config_setting_t *g, const char *key,
			struct midi_rule *r)
{
	int found = -1, number = 0;
	for (int k = 0; k < MIDI_N_KINDS; k++) {
		const config_setting_t *s = config_setting_get_member(g, kind_keys[k]);
		if (!s)
			continue;
		if (found >= 0)
			return fail(ld, s, key, "one control per rule (%s and %s)", kind_keys[found],
				    kind_keys[k]);
		found = k;
		if (k == MIDI_KIND_PITCHBEND) {
			if (config_setting_type(s) != CONFIG_TYPE_BOOL || !config_setting_get_bool(s))
				return fail(ld, s, key, "pitchbend = true;");
		} else if (read_whole(ld, s, key, 0, k == MIDI_KIND_CC14 ? 31 : 127, &number) < 0) {
			return -1;
		}
	}
	if (found < 0)
		return fail(ld, g, key, "needs a control: cc, cc14, note, pitchbend or program");
	r->kind = (uint8_t)found;
	r->number = (uint8_t)number;
	return 0;
}

static int read_rule(struct midi_loader *ld, const config_setting_t *g, const char *key,
		     struct midi_rule *r)
{
	static const char *const known[] = { "cc", "cc14", "note", "pitchbend", "program",
					     "channel", "path", "scene", "mode", "takeover" };
	if (!config_setting_is_group(g))
		return fail(ld, g, key, "must be a group { ... }");
	for (int i = 0; i < config_setting_length(g); i++) {
		const char *name = config_setting_name(config_setting_get_elem(g, (unsigned)i));
		if (name_index(known, (int)(sizeof known / sizeof known[0]), name) < 0)
			return fail(ld, config_setting_get_elem(g, (unsigned)i), key,
				    "unknown key '%s'", name);
	}
	*r = (struct midi_rule){ .takeover = -1 };
	if (read_control(ld, g, key, r) < 0)
		return -1;
	int channel = 1, mode = r->kind == MIDI_KIND_NOTE ? MIDI_MODE_TOGGLE : MIDI_MODE_DIRECT;
	int takeover = -1;
	const config_setting_t *s = config_setting_get_member(g, "channel");
	if (s && read_whole(ld, s, key, 1, 16, &channel) < 0)
		return -1;
	if (read_choice(ld, g, "mode", key, mode_names, MIDI_N_MODES, &mode) < 0 ||
	    read_choice(ld, g, "takeover", key, takeover_names, MIDI_N_TAKEOVERS, &takeover) < 0)
		return -1;
	const char *target = r->kind == MIDI_KIND_PROGRAM ? "scene" : "path";
	const config_setting_t *t = config_setting_get_member(g, target);
	const char *text = t ? config_setting_get_string(t) : NULL;
	if (!text || !is_plain_text(text))
		return fail(ld, t ? t : g, key,
			    "needs %s = \"...\" (letters, digits, / _ - ., at most %d)", target,
			    MIDI_PATH_MAX - 1);
	if (config_setting_get_member(g, r->kind == MIDI_KIND_PROGRAM ? "path" : "scene"))
		return fail(ld, g, key,
			    "a program change takes scene = \"...\", a control path = \"...\"");
	r->channel = (uint8_t)(channel - 1);
	r->mode = (uint8_t)mode;
	r->takeover = (int8_t)takeover;
	strcpy(r->path, text);
	return 0;
}

static int read_rules(struct midi_loader *ld, const config_setting_t *list, const char *key,
		      struct midi_rule *rules, int *n)
{
	if (!config_setting_is_list(list))
		return fail(ld, list, key, "must be a list ( { ... }, ... )");
	int count = config_setting_length(list);
	if (count > MIDI_RULES_MAX)
		return fail(ld, list, key, "at most %d rules", MIDI_RULES_MAX);
	for (int i = 0; i < count; i++) {
		char where[64];
		snprintf(where, sizeof where, "%s.[%d]", key, i);
		if (read_rule(ld, config_setting_get_elem(list, (unsigned)i), where, &rules[i]) < 0)
			return -1;
	}
	*n = count;
	return 0;
}

static int read_ports(struct midi_loader *ld, const config_setting_t *s, const char *key,
		      char (*ports)[MIDI_PORT_NAME_MAX])
{
	int n = 1;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		if (!config_setting_is_array(s) && !config_setting_is_list(s))
			return fail(ld, s, key, "must be a port name or a list of port names");
		n = config_setting_length(s);
		if (n > MIDI_CONNECT_MAX)
			return fail(ld, s, key, "at most %d port names", MIDI_CONNECT_MAX);
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_type(s) == CONFIG_TYPE_STRING
						    ? s : config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_get_string(e);
		if (!name || strlen(name) >= MIDI_PORT_NAME_MAX)
			return fail(ld, e, key, "port names are strings of at most %d characters",
				    MIDI_PORT_NAME_MAX - 1);
		strcpy(ports[i], name);
	}
	return 0;
}

/* midi.mcu = { input = ...; output = ...; }: a Mackie Control surface on its own ports. */
static int read_mcu(struct midi_loader *ld, const config_setting_t *g, struct setup_midi *m)
{
	if (!config_setting_is_group(g))
		return fail(ld, g, "midi.mcu", "must be a group { input = ...; output = ...; }");
	for (int i = 0; i < config_setting_length(g); i++) {
		const char *name = config_setting_name(config_setting_get_elem(g, (unsigned)i));
		if (strcmp(name, "input") != 0 && strcmp(name, "output") != 0)
			return fail(ld, config_setting_get_elem(g, (unsigned)i), "midi.mcu",
				    "unknown key '%s'", name);
	}
	const config_setting_t *s;
	if ((s = config_setting_get_member(g, "input")) &&
	    read_ports(ld, s, "midi.mcu.input", m->mcu_input) < 0)
		return -1;
	if ((s = config_setting_get_member(g, "output")) &&
	    read_ports(ld, s, "midi.mcu.output", m->mcu_output) < 0)
		return -1;
	m->has_mcu = true;
	return 0;
}

int config_midi_load(const config_setting_t *midi, const char *file, struct setup_midi *m,
		     char *err, int err_size)
{
	static const char *const known[] = { "enabled", "input", "output", "takeover",
					     "feedback_hold_ms", "map", "mcu" };
	struct midi_loader ld = { .file = file, .err = err, .err_size = err_size };
	*m = (struct setup_midi){ .takeover = MIDI_TAKEOVER_PICKUP, .hold_ms = MIDI_HOLD_MS_DEFAULT };
	if (!midi)
		return 0;
	if (!config_setting_is_group(midi))
		return fail(&ld, midi, "midi", "must be a group { ... }");
	for (int i = 0; i < config_setting_length(midi); i++) {
		const config_setting_t *s = config_setting_get_elem(midi, (unsigned)i);
		int n_known = (int)(sizeof known / sizeof known[0]);
		if (name_index(known, n_known, config_setting_name(s)) < 0) {
			char key[96];
			snprintf(key, sizeof key, "midi.%s", config_setting_name(s));
			return fail(&ld, s, key, "unknown key");
		}
	}
	m->is_enabled = true;
	const config_setting_t *s = config_setting_get_member(midi, "enabled");
	if (s) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return fail(&ld, s, "midi.enabled", "must be true or false");
		m->is_enabled = config_setting_get_bool(s);
	}
	if ((s = config_setting_get_member(midi, "input")) &&
	    read_ports(&ld, s, "midi.input", m->input) < 0)
		return -1;
	if ((s = config_setting_get_member(midi, "output")) &&
	    read_ports(&ld, s, "midi.output", m->output) < 0)
		return -1;
	if (read_choice(&ld, midi, "takeover", "midi.takeover", takeover_names, MIDI_N_TAKEOVERS,
			&m->takeover) < 0)
		return -1;
	if ((s = config_setting_get_member(midi, "feedback_hold_ms")) &&
	    read_whole(&ld, s, "midi.feedback_hold_ms", 0, 5000, &m->hold_ms) < 0)
		return -1;
	if ((s = config_setting_get_member(midi, "map")) &&
	    read_rules(&ld, s, "midi.map", m->rules, &m->n_rules) < 0)
		return -1;
	if ((s = config_setting_get_member(midi, "mcu")))
		return read_mcu(&ld, s, m);
	return 0;
}

void config_midi_print_rule(const struct midi_rule *r, char *buf, size_t size)
{
	char control[32];
	if (r->kind == MIDI_KIND_PITCHBEND)
		snprintf(control, sizeof control, "pitchbend = true");
	else
		snprintf(control, sizeof control, "%s = %u", kind_keys[r->kind], r->number);
	char takeover[40] = "";
	if (r->takeover >= 0)
		snprintf(takeover, sizeof takeover, " takeover = \"%s\";", takeover_names[r->takeover]);
	snprintf(buf, size, "{ %s; channel = %u; %s = \"%s\"; mode = \"%s\";%s }", control,
		 r->channel + 1u, r->kind == MIDI_KIND_PROGRAM ? "scene" : "path", r->path,
		 mode_names[r->mode], takeover);
}

void config_midi_describe(const struct midi_rule *r, char *buf, size_t size)
{
	if (r->kind == MIDI_KIND_PITCHBEND)
		snprintf(buf, size, "pitchbend %u", r->channel + 1u);
	else
		snprintf(buf, size, "%s %u %u", kind_keys[r->kind], r->channel + 1u, r->number);
}

int config_midi_read_learned(int dir_fd, const char *file, struct midi_learned *l, char *err,
			     int err_size)
{
	struct midi_loader ld = { .file = file, .err = err, .err_size = err_size };
	*l = (struct midi_learned){ 0 };
	int fd = openat(dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : fail(&ld, NULL, "open", "%s", strerror(errno));
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return fail(&ld, NULL, "open", "%s", strerror(errno));
	}
	config_t cfg;
	config_init(&cfg);
	int rc = -1;
	if (config_read(&cfg, f) != CONFIG_TRUE) {
		snprintf(err, (size_t)err_size, "%s:%d: syntax: %s", file, config_error_line(&cfg),
			 config_error_text(&cfg));
		goto out;
	}
	const config_setting_t *s = config_lookup(&cfg, "learned");
	if (s && read_rules(&ld, s, "learned", l->rules, &l->n_rules) < 0)
		goto out;
	s = config_lookup(&cfg, "unlearned");
	if (s) {
		if (!config_setting_is_list(s) && !config_setting_is_array(s)) {
			fail(&ld, s, "unlearned", "must be a list of addresses");
			goto out;
		}
		int n = config_setting_length(s);
		for (int i = 0; i < n && i < MIDI_RULES_MAX; i++) {
			const char *text = config_setting_get_string_elem(s, (unsigned)i);
			if (!text || !is_plain_text(text)) {
				fail(&ld, s, "unlearned", "addresses are plain strings");
				goto out;
			}
			strcpy(l->unlearned[l->n_unlearned++], text);
		}
	}
	rc = 0;
out:
	config_destroy(&cfg);
	fclose(f);
	return rc;
}

char *config_midi_print_learned(const struct midi_learned *l, size_t *len)
{
	/* A rule prints in well under 256 characters (a path is at most 95). */
	size_t cap = 128 + (size_t)(l->n_rules + l->n_unlearned) * (256 + MIDI_PATH_MAX);
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	size_t n = (size_t)snprintf(buf, cap, "# MIDI bindings learned over OSC (/midi/learn); "
				    "jmixd rewrites this file.\nlearned = (\n");
	for (int i = 0; i < l->n_rules; i++) {
		char rule[256];
		config_midi_print_rule(&l->rules[i], rule, sizeof rule);
		n += (size_t)snprintf(buf + n, cap - n, "  %s%s\n", rule, i + 1 < l->n_rules ? "," : "");
	}
	n += (size_t)snprintf(buf + n, cap - n, ");\nunlearned = (");
	for (int i = 0; i < l->n_unlearned; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s\"%s\"", i ? ", " : " ", l->unlearned[i]);
	n += (size_t)snprintf(buf + n, cap - n, " );\n");
	*len = n;
	return buf;
}
