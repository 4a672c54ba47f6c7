/*
 * config.c - libconfig 1.5 into struct setup; see config.h.
 *
 * Strict on purpose: an unknown key is an error, not a silently ignored typo ("fadr = -10"
 * would otherwise leave a channel at 0 dB in front of an audience).
 */
#include "daemon/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <libconfig.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loader {
	const char *path;
	char *err;
	int err_size;
};

static int fail_at(struct loader *ld, const config_setting_t *where, const char *key,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail_at(struct loader *ld, const config_setting_t *where, const char *key,
		   const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	int line = where ? (int)config_setting_source_line(where) : 0;
	if (line > 0)
		snprintf(ld->err, (size_t)ld->err_size, "%s:%d: %s: %s", ld->path, line, key, reason);
	else
		snprintf(ld->err, (size_t)ld->err_size, "%s: %s: %s", ld->path, key, reason);
	return -1;
}

static bool is_number(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

static double number_value(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
							   : (double)config_setting_get_int64(s);
}

static int read_string(struct loader *ld, const config_setting_t *group, const char *member,
		       const char *key, char *dst, size_t size, bool is_required)
{
	const config_setting_t *s = config_setting_get_member(group, member);
	if (!s) {
		if (is_required)
			return fail_at(ld, group, key, "missing");
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail_at(ld, s, key, "must be a string");
	const char *v = config_setting_get_string(s);
	if (strlen(v) >= size)
		return fail_at(ld, s, key, "longer than %zu characters", size - 1);
	strcpy(dst, v);
	return 0;
}

/* A parameter value, checked against its row exactly as an OSC set would be. */
static int read_param(struct loader *ld, const config_setting_t *s, const char *key,
		      const struct param_desc *d, float *value)
{
	float v;
	int type = config_setting_type(s);

	if (d->type == PARAM_BOOL) {
		if (type == CONFIG_TYPE_BOOL)
			v = config_setting_get_bool(s) ? 1.0f : 0.0f;
		else
			return fail_at(ld, s, key, "must be true or false");
	} else if (d->type == PARAM_ENUM && type == CONFIG_TYPE_STRING) {
		const char *name = config_setting_get_string(s);
		int i = 0;
		while (d->choices[i] && strcmp(d->choices[i], name) != 0)
			i++;
		if (!d->choices[i])
			return fail_at(ld, s, key, "'%s' is not one of the choices", name);
		v = (float)i;
	} else if (is_number(s)) {
		v = (float)number_value(s);
	} else {
		return fail_at(ld, s, key, "must be a number");
	}

	const char *reason;
	if (!param_check(d, v, &reason))
		return fail_at(ld, s, key, "%s (%g; range %g .. %g%s%s)", reason, (double)v,
			       (double)d->min, (double)d->max, *d->unit ? " " : "", d->unit);
	*value = v;
	return 0;
}

/*
 * Walk every member of a scope's group: structural keys are handled by the caller (listed in
 * skip), everything else must be a parameter key; nested groups spell dotted keys.
 */
static int read_params(struct loader *ld, const config_setting_t *group, const char *where,
		       const char *prefix, enum param_scope scope, const char *const *skip,
		       float *values)
{
	int n = config_setting_length(group);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		char rel[256], key[512];
		bool is_skipped = false;

		snprintf(rel, sizeof rel, "%s%s", prefix, name);
		snprintf(key, sizeof key, "%s.%s", where, rel);
		for (const char *const *k = skip; !*prefix && k && *k; k++)
			is_skipped |= strcmp(*k, name) == 0;
		if (is_skipped)
			continue;
		if (config_setting_type(s) == CONFIG_TYPE_GROUP) {
			char sub[sizeof rel + 1];
			snprintf(sub, sizeof sub, "%s.", rel);
			if (read_params(ld, s, where, sub, scope, NULL, values) < 0)
				return -1;
			continue;
		}
		const struct param_desc *d = params_find_key(scope, rel);
		if (!d)
			return fail_at(ld, s, key, "unknown key");
		if (read_param(ld, s, key, d, &values[param_slot(d)]) < 0)
			return -1;
	}
	return 0;
}

static float *default_values(enum param_scope scope)
{
	int n = params_scope_count(scope);
	float *values = calloc((size_t)(n ? n : 1), sizeof *values);
	for (int i = 0; values && i < n; i++)
		values[i] = params_at(scope, i)->def;
	return values;
}

bool setup_name_is_valid(const char *name)
{
	size_t n = strlen(name);
	bool has_non_digit = false;
	if (n == 0 || n >= SETUP_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!isalnum(c) && c != '_' && c != '-')
			return false;
		has_non_digit |= !isdigit(c);
	}
	return has_non_digit;
}

static int load_jack(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const config_setting_t *jack = config_lookup(cfg, "jack");
	strcpy(setup->client_name, "jmixd");
	if (!jack)
		return 0;
	if (!config_setting_is_group(jack))
		return fail_at(ld, jack, "jack", "must be a group { ... }");
	for (int i = 0; i < config_setting_length(jack); i++) {
		const config_setting_t *s = config_setting_get_elem(jack, (unsigned)i);
		if (strcmp(config_setting_name(s), "client_name") != 0) {
			char key[96];
			snprintf(key, sizeof key, "jack.%s", config_setting_name(s));
			return fail_at(ld, s, key, "unknown key");
		}
	}
	if (read_string(ld, jack, "client_name", "jack.client_name", setup->client_name,
			sizeof setup->client_name, false) < 0)
		return -1;
	if (!*setup->client_name)
		return fail_at(ld, config_setting_get_member(jack, "client_name"), "jack.client_name",
			       "must not be empty");
	return 0;
}

/*
 * The default allowlist: this machine and the private address ranges a venue or studio LAN
 * uses (RFC 1918, link-local, IPv6 unique-local), all with the control role. A desk exposed
 * by a careless port-forward is then still deaf to the Internet, and a tablet on the band's
 * Wi-Fi works without configuration.
 */
static const char *const default_nets[] = {
	"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
	"::1/128", "fc00::/7", "fe80::/10",
};

static int parse_net(const char *text, struct setup_net *net)
{
	char host[64];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	if (len == 0 || len >= sizeof host)
		return -1;
	memcpy(host, text, len);
	host[len] = '\0';
	*net = (struct setup_net){ 0 };
	if (inet_pton(AF_INET, host, net->addr) == 1)
		net->family = AF_INET;
	else if (inet_pton(AF_INET6, host, net->addr) == 1)
		net->family = AF_INET6;
	else
		return -1;
	int max_bits = net->family == AF_INET ? 32 : 128;
	net->prefix_bits = max_bits;
	if (slash) {
		char *end;
		long bits = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || bits < 0 || bits > max_bits)
			return -1;
		net->prefix_bits = (int)bits;
	}
	return 0;
}

static int load_allow(struct loader *ld, const config_setting_t *allow, struct setup *setup)
{
	if (!config_setting_is_list(allow))
		return fail_at(ld, allow, "osc.allow", "must be a list ( { net = ...; role = ...; } )");
	int n = config_setting_length(allow);
	if (n > SETUP_MAX_NETS)
		return fail_at(ld, allow, "osc.allow", "at most %d entries", SETUP_MAX_NETS);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(allow, (unsigned)i);
		const char *net, *role = "control";
		char key[64];
		snprintf(key, sizeof key, "osc.allow.[%d]", i);
		if (!config_setting_is_group(e) || !config_setting_lookup_string(e, "net", &net))
			return fail_at(ld, e, key, "needs net = \"address/bits\"");
		const config_setting_t *r = config_setting_get_member(e, "role");
		if (r && config_setting_type(r) == CONFIG_TYPE_STRING)
			role = config_setting_get_string(r);
		else if (r)
			return fail_at(ld, r, key, "role must be \"control\" or \"monitor\"");
		struct setup_net *sn = &setup->nets[i];
		if (parse_net(net, sn) < 0)
			return fail_at(ld, config_setting_get_member(e, "net"), key,
				       "'%s' is not an address or address/bits", net);
		if (strcmp(role, "control") == 0)
			sn->role = ROLE_CONTROL;
		else if (strcmp(role, "monitor") == 0)
			sn->role = ROLE_MONITOR;
		else
			return fail_at(ld, r, key, "role must be \"control\" or \"monitor\"");
	}
	setup->n_nets = n;
	return 0;
}

static int load_clients(struct loader *ld, const config_setting_t *list, struct setup *setup)
{
	if (!config_setting_is_list(list))
		return fail_at(ld, list, "osc.clients", "must be a list ( { address = ...; port = ...; } )");
	int n = config_setting_length(list);
	if (n > SETUP_MAX_CLIENTS)
		return fail_at(ld, list, "osc.clients", "at most %d clients", SETUP_MAX_CLIENTS);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *address;
		int port;
		char key[64];
		struct setup_net net;
		snprintf(key, sizeof key, "osc.clients.[%d]", i);
		if (!config_setting_is_group(e) || !config_setting_lookup_string(e, "address", &address) ||
		    !config_setting_lookup_int(e, "port", &port))
			return fail_at(ld, e, key, "needs address = \"ip\"; port = n;");
		if (parse_net(address, &net) < 0 || strchr(address, '/'))
			return fail_at(ld, e, key, "'%s' is not an IP address", address);
		if (port < 1 || port > 65535)
			return fail_at(ld, e, key, "port %d is not a UDP port", port);
		setup->clients[i].family = net.family;
		memcpy(setup->clients[i].addr, net.addr, sizeof net.addr);
		setup->clients[i].port = port;
	}
	setup->n_clients = n;
	return 0;
}

static int load_osc(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const config_setting_t *osc = config_lookup(cfg, "osc");
	strcpy(setup->osc_bind, "0.0.0.0");
	setup->osc_port = 8000;
	setup->meter_rate_hz = 25;
	setup->rate_limit = 20000;
	setup->n_nets = (int)(sizeof default_nets / sizeof default_nets[0]);
	for (int i = 0; i < setup->n_nets; i++) {
		parse_net(default_nets[i], &setup->nets[i]);
		setup->nets[i].role = ROLE_CONTROL;
	}
	if (!osc)
		return 0;
	if (!config_setting_is_group(osc))
		return fail_at(ld, osc, "osc", "must be a group { ... }");
	for (int i = 0; i < config_setting_length(osc); i++) {
		const config_setting_t *s = config_setting_get_elem(osc, (unsigned)i);
		const char *name = config_setting_name(s);
		if (strcmp(name, "bind") != 0 && strcmp(name, "port") != 0 &&
		    strcmp(name, "meter_rate") != 0 && strcmp(name, "allow") != 0 &&
		    strcmp(name, "rate_limit") != 0 && strcmp(name, "clients") != 0) {
			char key[96];
			snprintf(key, sizeof key, "osc.%s", name);
			return fail_at(ld, s, key, "unknown key");
		}
	}
	if (read_string(ld, osc, "bind", "osc.bind", setup->osc_bind, sizeof setup->osc_bind,
			false) < 0)
		return -1;
	const config_setting_t *port = config_setting_get_member(osc, "port");
	if (port) {
		if (config_setting_type(port) != CONFIG_TYPE_INT)
			return fail_at(ld, port, "osc.port", "must be a whole number");
		int p = config_setting_get_int(port);
		if (p < 0 || p > 65535)
			return fail_at(ld, port, "osc.port", "%d is not a UDP port (0 .. 65535)", p);
		setup->osc_port = p;
	}
	const config_setting_t *rate = config_setting_get_member(osc, "meter_rate");
	if (rate) {
		if (config_setting_type(rate) != CONFIG_TYPE_INT)
			return fail_at(ld, rate, "osc.meter_rate", "must be a whole number of Hz");
		int r = config_setting_get_int(rate);
		if (r < 0 || r > 50)
			return fail_at(ld, rate, "osc.meter_rate", "%d Hz: must be 0 (off) .. 50", r);
		setup->meter_rate_hz = r;
	}
	const config_setting_t *limit = config_setting_get_member(osc, "rate_limit");
	if (limit) {
		if (config_setting_type(limit) != CONFIG_TYPE_INT || config_setting_get_int(limit) < 10)
			return fail_at(ld, limit, "osc.rate_limit",
				       "must be a whole number of messages per second, at least 10");
		setup->rate_limit = config_setting_get_int(limit);
	}
	const config_setting_t *allow = config_setting_get_member(osc, "allow");
	if (allow && load_allow(ld, allow, setup) < 0)
		return -1;
	const config_setting_t *clients = config_setting_get_member(osc, "clients");
	if (clients && load_clients(ld, clients, setup) < 0)
		return -1;
	return 0;
}

static int load_ports(struct loader *ld, const config_setting_t *s, const char *key,
		      char (*ports)[SETUP_PORT_MAX], int n_max)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (n_max < 1 || strlen(config_setting_get_string(s)) >= SETUP_PORT_MAX)
			return fail_at(ld, s, key, "port name too long");
		strcpy(ports[0], config_setting_get_string(s));
		return 0;
	}
	/* A group is an aggregate too, but its member names would be silently ignored. */
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fail_at(ld, s, key, "must be a port name or a list of %d port names", n_max);
	int n = config_setting_length(s);
	if (n > n_max)
		return fail_at(ld, s, key, "at most %d port names", n_max);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fail_at(ld, e, key, "port names must be strings");
		if (strlen(config_setting_get_string(e)) >= SETUP_PORT_MAX)
			return fail_at(ld, e, key, "port name too long");
		strcpy(ports[i], config_setting_get_string(e));
	}
	return 0;
}

static int load_master(struct loader *ld, config_t *cfg, struct setup *setup)
{
	static const char *const structural[] = { "outputs", "pan_law", "solo", "solo_outputs",
						  NULL };
	const config_setting_t *master = config_lookup(cfg, "master");

	setup->pan_law = PAN_LAW_3DB;
	setup->master_values = default_values(PARAM_MASTER);
	if (!setup->master_values)
		return fail_at(ld, NULL, "master", "out of memory");
	if (!master)
		return 0;
	if (!config_setting_is_group(master))
		return fail_at(ld, master, "master", "must be a group { ... }");

	const config_setting_t *outputs = config_setting_get_member(master, "outputs");
	if (outputs && load_ports(ld, outputs, "master.outputs", setup->master_output, 2) < 0)
		return -1;
	const config_setting_t *solo_out = config_setting_get_member(master, "solo_outputs");
	if (solo_out && load_ports(ld, solo_out, "master.solo_outputs", setup->solo_output, 2) < 0)
		return -1;
	const config_setting_t *solo = config_setting_get_member(master, "solo");
	if (solo) {
		const char *mode = config_setting_type(solo) == CONFIG_TYPE_STRING
					   ? config_setting_get_string(solo) : "";
		if (strcmp(mode, "pfl") == 0)
			setup->solo_mode = SOLO_PFL;
		else if (strcmp(mode, "sip") == 0)
			setup->solo_mode = SOLO_SIP;
		else
			return fail_at(ld, solo, "master.solo", "must be \"pfl\" or \"sip\"");
	}
	const config_setting_t *law = config_setting_get_member(master, "pan_law");
	if (law) {
		int l = is_number(law) ? pan_law_from_db((float)number_value(law)) : -1;
		if (l < 0)
			return fail_at(ld, law, "master.pan_law", "must be -3, -4.5 or -6 (dB at centre)");
		setup->pan_law = (enum pan_law)l;
	}
	return read_params(ld, master, "master", "", PARAM_MASTER, structural,
			   setup->master_values);
}

static int load_channel(struct loader *ld, const config_setting_t *s, int index,
			struct setup *setup)
{
	static const char *const structural[] = { "name", "input", "stereo", NULL };
	struct channel_setup *ch = &setup->channels[index];
	char where[64];

	snprintf(where, sizeof where, "channels.[%d]", index);
	if (!config_setting_is_group(s))
		return fail_at(ld, s, where, "each channel must be a group { name = ...; }");

	char key[96];
	snprintf(key, sizeof key, "%s.name", where);
	if (read_string(ld, s, "name", key, ch->name, sizeof ch->name, true) < 0)
		return -1;
	if (!setup_name_is_valid(ch->name))
		return fail_at(ld, config_setting_get_member(s, "name"), key,
			       "'%s' is not a valid name ([A-Za-z0-9_-], 1 to %d characters, not "
			       "only digits)", ch->name, SETUP_NAME_MAX - 1);
	for (int j = 0; j < index; j++)
		if (strcmp(setup->channels[j].name, ch->name) == 0)
			return fail_at(ld, config_setting_get_member(s, "name"), key,
				       "'%s' is already the name of channel %d", ch->name, j + 1);

	const config_setting_t *stereo = config_setting_get_member(s, "stereo");
	snprintf(key, sizeof key, "%s.stereo", where);
	if (stereo) {
		if (config_setting_type(stereo) != CONFIG_TYPE_BOOL)
			return fail_at(ld, stereo, key, "must be true or false");
		ch->is_stereo = config_setting_get_bool(stereo);
	}
	const config_setting_t *input = config_setting_get_member(s, "input");
	snprintf(key, sizeof key, "%s.input", where);
	if (input && load_ports(ld, input, key, ch->input, ch->is_stereo ? 2 : 1) < 0)
		return -1;

	ch->values = default_values(PARAM_CHANNEL);
	if (!ch->values)
		return fail_at(ld, s, where, "out of memory");
	return read_params(ld, s, where, "", PARAM_CHANNEL, structural, ch->values);
}

static int load_channels(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const config_setting_t *list = config_lookup(cfg, "channels");
	if (!list)
		return fail_at(ld, NULL, "channels", "missing: a console needs at least one channel");
	if (!config_setting_is_list(list))
		return fail_at(ld, list, "channels", "must be a list ( { ... }, { ... } )");
	int n = config_setting_length(list);
	if (n < 1)
		return fail_at(ld, list, "channels", "empty: a console needs at least one channel");
	if (n > SETUP_MAX_CHANNELS)
		return fail_at(ld, list, "channels", "%d channels, at most %d", n, SETUP_MAX_CHANNELS);
	setup->channels = calloc((size_t)n, sizeof *setup->channels);
	if (!setup->channels)
		return fail_at(ld, list, "channels", "out of memory");
	setup->n_channels = n;
	for (int i = 0; i < n; i++)
		if (load_channel(ld, config_setting_get_elem(list, (unsigned)i), i, setup) < 0)
			return -1;
	return 0;
}

static int load_state_group(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const char *env = getenv("STATE_DIRECTORY");   /* systemd's StateDirectory= */
	const config_setting_t *state = config_lookup(cfg, "state");
	char dir[sizeof setup->state_dir] = "state";

	if (env && *env && strlen(env) < sizeof dir)
		strcpy(dir, env);
	if (state) {
		if (!config_setting_is_group(state))
			return fail_at(ld, state, "state", "must be a group { ... }");
		for (int i = 0; i < config_setting_length(state); i++) {
			const config_setting_t *s = config_setting_get_elem(state, (unsigned)i);
			if (strcmp(config_setting_name(s), "dir") != 0 &&
			    strcmp(config_setting_name(s), "autosave") != 0) {
				char key[96];
				snprintf(key, sizeof key, "state.%s", config_setting_name(s));
				return fail_at(ld, s, key, "unknown key");
			}
		}
		if (read_string(ld, state, "dir", "state.dir", dir, sizeof dir, false) < 0)
			return -1;
		const config_setting_t *autosave = config_setting_get_member(state, "autosave");
		if (autosave && config_setting_type(autosave) != CONFIG_TYPE_BOOL)
			return fail_at(ld, autosave, "state.autosave", "must be true or false");
		if (autosave && !config_setting_get_bool(autosave)) {
			setup->state_dir[0] = '\0';
			return 0;
		}
	}
	/* A relative folder lives beside the config file, not wherever jmixd was started. */
	if (dir[0] == '/' || !strchr(setup->path, '/')) {
		snprintf(setup->state_dir, sizeof setup->state_dir, "%s", dir);
	} else {
		int dir_len = (int)(strrchr(setup->path, '/') - setup->path);
		if (snprintf(setup->state_dir, sizeof setup->state_dir, "%.*s/%s", dir_len,
			     setup->path, dir) >= (int)sizeof setup->state_dir)
			return fail_at(ld, state, "state.dir", "path too long");
	}
	return 0;
}

static int check_top_level(struct loader *ld, config_t *cfg)
{
	static const char *const known[] = { "jack", "osc", "state", "master", "channels", NULL };
	const config_setting_t *root = config_root_setting(cfg);
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		const char *const *k = known;
		while (*k && strcmp(*k, name) != 0)
			k++;
		if (!*k)
			return fail_at(ld, s, name,
				       "unknown section (known: jack, osc, state, master, channels)");
	}
	return 0;
}

int config_load(const char *path, struct setup *setup, char *err, int err_size)
{
	struct loader ld = { .path = path, .err = err, .err_size = err_size };
	config_t cfg;
	int rc = -1;

	*setup = (struct setup){ 0 };
	if (strlen(path) >= sizeof setup->path) {
		snprintf(err, (size_t)err_size, "%s: path too long", path);
		return -1;
	}
	strcpy(setup->path, path);

	config_init(&cfg);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			snprintf(err, (size_t)err_size, "%s: cannot read the file", path);
		else
			snprintf(err, (size_t)err_size, "%s:%d: syntax: %s",
				 config_error_file(&cfg) ? config_error_file(&cfg) : path,
				 config_error_line(&cfg), config_error_text(&cfg));
		goto out;
	}
	if (check_top_level(&ld, &cfg) < 0 || load_jack(&ld, &cfg, setup) < 0 ||
	    load_osc(&ld, &cfg, setup) < 0 || load_state_group(&ld, &cfg, setup) < 0 ||
	    load_master(&ld, &cfg, setup) < 0 || load_channels(&ld, &cfg, setup) < 0)
		goto out;
	rc = 0;
out:
	config_destroy(&cfg);
	if (rc < 0)
		config_free(setup);
	return rc;
}

void config_free(struct setup *setup)
{
	for (int i = 0; setup->channels && i < setup->n_channels; i++)
		free(setup->channels[i].values);
	free(setup->channels);
	free(setup->master_values);
	setup->channels = NULL;
	setup->master_values = NULL;
	setup->n_channels = 0;
}

int setup_find_channel(const struct setup *setup, const char *name_or_number)
{
	char *end;
	long n = strtol(name_or_number, &end, 10);
	if (*name_or_number && isdigit((unsigned char)*name_or_number) && *end == '\0')
		return n >= 1 && n <= setup->n_channels ? (int)n - 1 : -1;
	for (int i = 0; i < setup->n_channels; i++)
		if (strcmp(setup->channels[i].name, name_or_number) == 0)
			return i;
	return -1;
}

int config_load_values(FILE *f, const char *path, const struct setup *setup,
		       float *const *channel_values, float *master_values, char *err, int err_size)
{
	static const char *const master_skip[] = { "outputs", "pan_law", NULL };
	static const char *const channel_skip[] = { "name", "input", "stereo", NULL };
	struct loader ld = { .path = path, .err = err, .err_size = err_size };
	config_t cfg;
	int rc = -1;

	config_init(&cfg);
	if (config_read(&cfg, f) != CONFIG_TRUE) {
		snprintf(err, (size_t)err_size, "%s:%d: syntax: %s", path, config_error_line(&cfg),
			 config_error_text(&cfg));
		goto out;
	}
	const config_setting_t *master = config_lookup(&cfg, "master");
	if (master) {
		if (!config_setting_is_group(master)) {
			fail_at(&ld, master, "master", "must be a group { ... }");
			goto out;
		}
		if (read_params(&ld, master, "master", "", PARAM_MASTER, master_skip,
				master_values) < 0)
			goto out;
	}
	const config_setting_t *list = config_lookup(&cfg, "channels");
	if (list && !config_setting_is_list(list)) {
		fail_at(&ld, list, "channels", "must be a list ( { ... } )");
		goto out;
	}
	for (int i = 0; list && i < config_setting_length(list); i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned)i);
		char where[64], key[96];
		const char *name;
		snprintf(where, sizeof where, "channels.[%d]", i);
		snprintf(key, sizeof key, "%s.name", where);
		if (!config_setting_is_group(s) || !config_setting_lookup_string(s, "name", &name)) {
			fail_at(&ld, s, key, "each channel needs a name");
			goto out;
		}
		int ch = -1;
		for (int j = 0; j < setup->n_channels; j++)
			if (strcmp(setup->channels[j].name, name) == 0)
				ch = j;
		if (ch < 0) {
			fail_at(&ld, config_setting_get_member(s, "name"), key,
				"no channel named '%s' on this console", name);
			goto out;
		}
		if (read_params(&ld, s, where, "", PARAM_CHANNEL, channel_skip,
				channel_values[ch]) < 0)
			goto out;
	}
	rc = 0;
out:
	config_destroy(&cfg);
	return rc;
}

bool setup_same_topology(const struct setup *a, const struct setup *b, char *why, int why_size)
{
	if (strcmp(a->client_name, b->client_name) != 0) {
		snprintf(why, (size_t)why_size, "jack.client_name changed");
		return false;
	}
	if (a->solo_mode != b->solo_mode) {
		snprintf(why, (size_t)why_size, "master.solo changed (it adds or removes ports)");
		return false;
	}
	if (a->n_channels != b->n_channels) {
		snprintf(why, (size_t)why_size, "channel count changed (%d -> %d)", a->n_channels,
			 b->n_channels);
		return false;
	}
	for (int i = 0; i < a->n_channels; i++) {
		const struct channel_setup *x = &a->channels[i], *y = &b->channels[i];
		if (strcmp(x->name, y->name) != 0 || x->is_stereo != y->is_stereo) {
			snprintf(why, (size_t)why_size, "channel %d changed (name or stereo)", i + 1);
			return false;
		}
	}
	return true;
}
