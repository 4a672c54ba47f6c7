/*
 * config.c - libconfig 1.5 into struct setup; see config.h.
 *
 * Strict on purpose: an unknown key is an error, not a silently ignored typo ("fadr = -10"
 * would otherwise leave a channel at 0 dB in front of an audience).
 */
#include "daemon/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/mixer.h"
#include "dsp/pan.h"

_Static_assert(SETUP_MAX_BUSES == BUS_MAX, "config.h repeats the DSP's bus limit");
#include "daemon/config_error.h"
#include "daemon/config_midi.h"
#include "daemon/log.h"
#include "daemon/match.h"
#include "daemon/schema.h"
_Static_assert(SETUP_DCA_COUNT == DCA_MAX, "config.h repeats the DSP's DCA count");
_Static_assert(SETUP_MUTE_GROUPS == MUTE_GROUP_MAX, "config.h repeats the mute group count");

struct loader {
	const char *path;
	char *err;
	int err_size;
	/*
	 * Reading a state or scene file: a value that does not fit this console (an unknown
	 * key, out of range, a row of another bus type) is dropped with a log line and
	 * counted, and the rest is kept. A config file is strict: the first error fails it.
	 */
	bool is_lenient;
	int n_dropped;
	const int *bus_map;                /* lenient: saved bus (by the file's aux order) ... */
	const char *const *bus_names;      /* ... named so, to this console's bus; may be NULL */
	int n_saved_buses;
};

static int fail_at(struct loader *ld, const config_setting_t *where, const char *key,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail_at(struct loader *ld, const config_setting_t *where, const char *key,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	config_verror(ld->err, (size_t)ld->err_size, ld->path, where, key, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * A dropped entry or value: counted, and logged up to DROPS_LOGGED per file (a hostile or
 * mangled file must not flood the log; the restore's summary line gives the total).
 */
#define DROPS_LOGGED 20

static void note_drop(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_drop(struct loader *ld, const char *fmt, ...)
{
	char line[768];
	va_list ap;
	if (ld->n_dropped++ >= DROPS_LOGGED)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_warn("state: %s%s", line, ld->n_dropped == DROPS_LOGGED ? " (further drops are only "
		 "counted)" : "");
}

/* After fail_at: a lenient loader logs the error, counts it and goes on (0); else -1. */
static int drop_or_fail(struct loader *ld)
{
	if (!ld->is_lenient)
		return -1;
	note_drop(ld, "%s: dropped", ld->err);
	return 0;
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
 * Walk every member of a scope's group: the section's structural keys (schema.h) are handled
 * by the caller, everything else must be a parameter key; nested groups spell dotted keys.
 */
#define PARAM_KEY_NEST_MAX 64   /* characters of a dotted key: far above the longest row */

static int read_params(struct loader *ld, const config_setting_t *group, const char *where,
		       const char *prefix, enum param_scope scope, int section, float *values)
{
	int n = config_setting_length(group);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		char rel[256], key[512];

		snprintf(rel, sizeof rel, "%s%s", prefix, name);
		snprintf(key, sizeof key, "%s.%s", where, rel);
		if (!*prefix && section >= 0 && schema_is_structural(section, name))
			continue;
		/* Parameter keys are a few levels deep: deeper nesting is not descended (the
		 * recursion stays shallow however deep a file nests) and fails as unknown. */
		if (config_setting_type(s) == CONFIG_TYPE_GROUP && strlen(rel) < PARAM_KEY_NEST_MAX) {
			char sub[sizeof rel + 1];
			snprintf(sub, sizeof sub, "%s.", rel);
			if (read_params(ld, s, where, sub, scope, -1, values) < 0)
				return -1;
			continue;
		}
		const struct param_desc *d = params_find_key(scope, rel);
		if (!d) {
			fail_at(ld, s, key, "unknown key");
			if (drop_or_fail(ld) < 0)
				return -1;
			continue;
		}
		if (read_param(ld, s, key, d, &values[param_slot(d)]) < 0 && drop_or_fail(ld) < 0)
			return -1;
	}
	return 0;
}

float *setup_values_at(const struct setup_values *v, enum param_scope scope, int instance)
{
	return v->values[scope] + (size_t)instance * (size_t)params_scope_count(scope);
}

static size_t scope_size(const struct setup_values *v, enum param_scope scope)
{
	size_t n = (size_t)v->n_instances[scope] * (size_t)params_scope_count(scope);
	return n ? n : 1;
}

int setup_values_copy(const struct setup_values *from, struct setup_values *to)
{
	*to = (struct setup_values){ 0 };
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++) {
		to->n_instances[sc] = from->n_instances[sc];
		to->values[sc] = malloc(sizeof(float) * scope_size(from, sc));
		if (!to->values[sc]) {
			setup_values_free(to);
			return -ENOMEM;
		}
		memcpy(to->values[sc], from->values[sc], sizeof(float) * scope_size(from, sc));
	}
	return 0;
}

void setup_values_free(struct setup_values *v)
{
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++) {
		free(v->values[sc]);
		v->values[sc] = NULL;
	}
}

/* Every instance of every scope at its row's default; sends to monitor mixes start pre-fader. */
static int alloc_values(struct setup *setup, int n_channels)
{
	struct setup_values *v = &setup->vals;
	v->n_instances[PARAM_CHANNEL] = n_channels;
	v->n_instances[PARAM_MASTER] = 1;
	v->n_instances[PARAM_SEND] = n_channels * setup->n_buses;
	v->n_instances[PARAM_AUX] = setup->n_buses;
	v->n_instances[PARAM_DCA] = SETUP_DCA_COUNT;
	v->n_instances[PARAM_MGRP] = SETUP_MUTE_GROUPS;
	v->n_instances[PARAM_LINK] = SETUP_LINK_GROUPS;
	v->n_instances[PARAM_SAFE] = 1;
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++) {
		v->values[sc] = malloc(sizeof(float) * scope_size(v, sc));
		if (!v->values[sc])
			return -ENOMEM;
		int n_slots = params_scope_count(sc);
		for (int i = 0; i < v->n_instances[sc]; i++)
			for (int slot = 0; slot < n_slots; slot++)
				setup_values_at(v, sc, i)[slot] = params_at(sc, slot)->def;
	}
	const struct param_desc *pre = params_find_path(PARAM_SEND, "pre");
	for (int ch = 0; ch < n_channels; ch++)
		for (int b = 0; b < setup->n_buses; b++)
			setup_values_at(v, PARAM_SEND,
					setup_send_instance(setup, ch, b))[param_slot(pre)] =
				setup->buses[b].type == BUS_MONITOR ? 1.0f : 0.0f;
	setup->master_values = v->values[PARAM_MASTER];
	return 0;
}

int setup_send_instance(const struct setup *setup, int ch, int bus)
{
	return ch * setup->n_buses + bus;
}

int setup_find_bus(const struct setup *setup, const char *name_or_number)
{
	char *end;
	long n = strtol(name_or_number, &end, 10);
	if (*name_or_number && isdigit((unsigned char)*name_or_number) && *end == '\0')
		return n >= 1 && n <= setup->n_buses ? (int)n - 1 : -1;
	for (int i = 0; i < setup->n_buses; i++)
		if (strcmp(setup->buses[i].name, name_or_number) == 0)
			return i;
	return -1;
}

/* The bus a send names: through the saved file's own bus list when reading one (a renamed
 * bus), else this console's bus of that name; -1 when it has none. */
static int send_bus(const struct loader *ld, const struct setup *setup, const char *name)
{
	for (int i = 0; ld->bus_names && i < ld->n_saved_buses; i++)
		if (ld->bus_names[i] && strcmp(ld->bus_names[i], name) == 0)
			return ld->bus_map[i];
	return setup_find_bus(setup, name);
}

static int read_send(struct loader *ld, const config_setting_t *s, const char *sub,
		     const char *bus_name, const struct setup *setup, int ch, struct setup_values *v)
{
	int bus = send_bus(ld, setup, bus_name);
	if (bus < 0) {
		fail_at(ld, s, sub, "no aux bus named '%s'", bus_name);
		return drop_or_fail(ld);
	}
	return read_params(ld, s, sub, "", PARAM_SEND, SCHEMA_SEND,
			   setup_values_at(v, PARAM_SEND, setup_send_instance(setup, ch, bus)));
}

/*
 * A channel's sends, as a list of groups naming their bus (any valid bus name works):
 *   send = ( { name = "2nd"; level = -10.0; }, { name = "iem1"; pre = true; } );
 * or as a group keyed by bus name, for names that libconfig takes as keys (a letter first):
 *   send = { rev = { level = -10.0; }; iem1 = { level = 0.0; pre = true; }; };
 */
static int read_sends(struct loader *ld, const config_setting_t *send, const char *where,
		      const struct setup *setup, int ch, struct setup_values *v)
{
	char key[128];
	snprintf(key, sizeof key, "%s.send", where);
	bool is_list = config_setting_is_list(send);
	if (!is_list && !config_setting_is_group(send))
		return fail_at(ld, send, key, "must be a list of sends: send = ( { name = \"bus\"; "
			       "level = ...; } )");
	for (int i = 0; i < config_setting_length(send); i++) {
		const config_setting_t *s = config_setting_get_elem(send, (unsigned)i);
		const char *bus_name = config_setting_name(s);
		char sub[192];
		if (is_list) {
			snprintf(sub, sizeof sub, "%s.[%d]", key, i);
			if (!config_setting_is_group(s) ||
			    !config_setting_lookup_string(s, "name", &bus_name)) {
				fail_at(ld, s, sub, "each send must be a group { name = \"bus\"; ... }");
				if (drop_or_fail(ld) < 0)
					return -1;
				continue;
			}
		} else {
			snprintf(sub, sizeof sub, "%s.%s", key, bus_name);
			if (!config_setting_is_group(s)) {
				fail_at(ld, s, sub, "must be a group { level = ...; on = ...; pre = ...; }");
				if (drop_or_fail(ld) < 0)
					return -1;
				continue;
			}
		}
		if (read_send(ld, s, sub, bus_name, setup, ch, v) < 0)
			return -1;
	}
	return 0;
}

static int read_bus_rows(struct loader *ld, const config_setting_t *g, const char *where,
			 const struct setup *setup, int bus, float *values);

/* A bus's parameters: rows of PARAM_AUX that exist on its type. */
static int read_bus_params(struct loader *ld, const config_setting_t *g, const char *where,
			   const struct setup *setup, int bus, struct setup_values *v)
{
	float *values = setup_values_at(v, PARAM_AUX, bus);
	size_t n_slots = (size_t)params_scope_count(PARAM_AUX);
	/* Lenient: what is read into rows this bus type lacks goes back to these values. */
	float *before = ld->is_lenient ? malloc(sizeof(float) * (n_slots ? n_slots : 1)) : NULL;
	if (ld->is_lenient && !before)
		return fail_at(ld, g, where, "out of memory");
	if (before)
		memcpy(before, values, sizeof(float) * n_slots);
	int rc = read_bus_rows(ld, g, where, setup, bus, values);
	for (size_t slot = 0; rc == 0 && before && slot < n_slots; slot++)
		if (!param_on_bus_type(params_at(PARAM_AUX, (int)slot), setup->buses[bus].type))
			values[slot] = before[slot];
	free(before);
	return rc;
}

static int read_bus_rows(struct loader *ld, const config_setting_t *g, const char *where,
			 const struct setup *setup, int bus, float *values)
{
	if (read_params(ld, g, where, "", PARAM_AUX, SCHEMA_AUX, values) < 0)
		return -1;
	/* A row of another bus type (a delay time on a reverb) is a mistake, not a no-op. */
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		for (int slot = 0; slot < params_scope_count(PARAM_AUX); slot++) {
			const struct param_desc *d = params_at(PARAM_AUX, slot);
			size_t len = strlen(name);
			if (strncmp(d->key, name, len) == 0 && (d->key[len] == '.' || !d->key[len]) &&
			    !param_on_bus_type(d, setup->buses[bus].type)) {
				char key[128];
				snprintf(key, sizeof key, "%s.%s", where, name);
				fail_at(ld, s, key, "not a setting of this bus type");
				if (drop_or_fail(ld) < 0)
					return -1;
				break;
			}
		}
	}
	return 0;
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
		if (!schema_is_structural(SCHEMA_JACK, config_setting_name(s))) {
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

#define ROLE_CHOICES "role must be \"control\", \"monitor\" or \"monitor-mix:<bus>\""

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
			return fail_at(ld, r, key, ROLE_CHOICES);
		struct setup_net *sn = &setup->nets[i];
		if (parse_net(net, sn) < 0)
			return fail_at(ld, config_setting_get_member(e, "net"), key,
				       "'%s' is not an address or address/bits", net);
		/* IPv4 senders are compared as IPv4 even on a dual-stack socket: the mapped form
		 * would never match anything. */
		if (sn->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED((struct in6_addr *)sn->addr))
			return fail_at(ld, config_setting_get_member(e, "net"), key,
				       "'%s' is an IPv4-mapped address: write it as a.b.c.d/n", net);
		sn->mix_bus = -1;
		if (strcmp(role, "control") == 0) {
			sn->role = ROLE_CONTROL;
		} else if (strcmp(role, "monitor") == 0) {
			sn->role = ROLE_MONITOR;
		} else if (strncmp(role, "monitor-mix:", 12) == 0 && role[12] &&
			   strlen(role + 12) < sizeof sn->mix_bus_name) {
			/* The bus is found once the buses are loaded (resolve_mix_buses). */
			sn->role = ROLE_MONITOR_MIX;
			strcpy(sn->mix_bus_name, role + 12);
		} else {
			return fail_at(ld, r, key, ROLE_CHOICES);
		}
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
		for (int k = 0; k < config_setting_length(e); k++) {
			const char *member = config_setting_name(config_setting_get_elem(e, (unsigned)k));
			if (strcmp(member, "address") != 0 && strcmp(member, "port") != 0 &&
			    strcmp(member, "floats") != 0)
				return fail_at(ld, config_setting_get_elem(e, (unsigned)k), key,
					       "unknown key '%s' (address, port, floats)", member);
		}
		const config_setting_t *floats = config_setting_get_member(e, "floats");
		if (floats && config_setting_type(floats) != CONFIG_TYPE_BOOL)
			return fail_at(ld, floats, key, "floats must be true or false");
		setup->clients[i].is_floats_only = floats && config_setting_get_bool(floats);
		setup->clients[i].family = net.family;
		memcpy(setup->clients[i].addr, net.addr, sizeof net.addr);
		setup->clients[i].port = port;
	}
	setup->n_clients = n;
	return 0;
}

/* One whole number in [min, max] (a key of the osc group), left as it is when absent. */
static int read_osc_int(struct loader *ld, const config_setting_t *osc, const char *name,
			long min, long max, const char *unit, long *out)
{
	const config_setting_t *s = config_setting_get_member(osc, name);
	char key[64];
	snprintf(key, sizeof key, "osc.%s", name);
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return fail_at(ld, s, key, "must be a whole number of %s", unit);
	long long v = config_setting_get_int64(s);
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		v = config_setting_get_int(s);
	if (v < min || v > max)
		return fail_at(ld, s, key, "%lld %s: must be %ld .. %ld", v, unit, min, max);
	*out = (long)v;
	return 0;
}

/* The reply budgets and the subscriptions per host (osc/pace.h, osc/clients.h). */
static int load_osc_budgets(struct loader *ld, const config_setting_t *osc, struct setup *setup)
{
	long per_host = setup->subscriptions_per_host;
	if (read_osc_int(ld, osc, "reply_budget", 16384, 1L << 30, "bytes a second",
			 &setup->reply_budget) < 0 ||
	    read_osc_int(ld, osc, "reply_budget_total", 16384, 1L << 30, "bytes a second",
			 &setup->reply_budget_total) < 0 ||
	    read_osc_int(ld, osc, "subscriptions_per_host", 1, 32, "subscriptions",
			 &per_host) < 0)
		return -1;
	setup->subscriptions_per_host = (int)per_host;
	return 0;
}

/* The models each dialect's clients know (research/x32.md 2.2): anything else is refused. */
static const char *const x32_models[] = { "X32", "X32RACK", "X32C", "X32P", "X32CORE", "M32",
					  "M32C", "M32R", NULL };
static const char *const xair_models[] = { "XR18", "XR16", "XR12", "X18", "MR18", "MR12", NULL };

/* osc.x32 / osc.xair { enable, bind, port, model, name }: off unless enable = true. */
static int load_dialect(struct loader *ld, const config_setting_t *osc, const char *group,
			struct setup_dialect *d)
{
	bool is_x32 = strcmp(group, "x32") == 0;
	const char *const *models = is_x32 ? x32_models : xair_models;
	char key[64];
	*d = (struct setup_dialect){ .port = is_x32 ? 10023 : 10024 };
	strcpy(d->bind, "0.0.0.0");
	strcpy(d->model, models[0]);
	strcpy(d->name, "jmixd");
	const config_setting_t *g = osc ? config_setting_get_member(osc, group) : NULL;
	if (!g)
		return 0;
	snprintf(key, sizeof key, "osc.%s", group);
	if (!config_setting_is_group(g))
		return fail_at(ld, g, key, "must be a group { enable = true; ... }");
	for (int i = 0; i < config_setting_length(g); i++) {
		const char *name = config_setting_name(config_setting_get_elem(g, (unsigned)i));
		if (strcmp(name, "enable") && strcmp(name, "bind") && strcmp(name, "port") &&
		    strcmp(name, "model") && strcmp(name, "name")) {
			snprintf(key, sizeof key, "osc.%s.%s", group, name);
			return fail_at(ld, g, key, "unknown key (enable, bind, port, model, name)");
		}
	}
	const config_setting_t *s = config_setting_get_member(g, "enable");
	if (s) {
		snprintf(key, sizeof key, "osc.%s.enable", group);
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return fail_at(ld, s, key, "must be true or false");
		d->is_enabled = config_setting_get_bool(s);
	}
	s = config_setting_get_member(g, "port");
	if (s) {
		snprintf(key, sizeof key, "osc.%s.port", group);
		if (config_setting_type(s) != CONFIG_TYPE_INT || config_setting_get_int(s) < 0 ||
		    config_setting_get_int(s) > 65535)
			return fail_at(ld, s, key, "must be a UDP port (0 .. 65535)");
		d->port = config_setting_get_int(s);
	}
	snprintf(key, sizeof key, "osc.%s.bind", group);
	if (read_string(ld, g, "bind", key, d->bind, sizeof d->bind, false) < 0)
		return -1;
	snprintf(key, sizeof key, "osc.%s.name", group);
	if (read_string(ld, g, "name", key, d->name, sizeof d->name, false) < 0)
		return -1;
	snprintf(key, sizeof key, "osc.%s.model", group);
	if (read_string(ld, g, "model", key, d->model, sizeof d->model, false) < 0)
		return -1;
	for (int i = 0; models[i]; i++)
		if (strcmp(models[i], d->model) == 0)
			return 0;
	return fail_at(ld, config_setting_get_member(g, "model"), key,
		       is_x32 ? "'%s' is not a model X32 clients know (X32 X32RACK X32C X32P X32CORE M32 M32C M32R)"
			      : "'%s' is not a model X Air clients know (XR18 XR16 XR12 X18 MR18 MR12)",
		       d->model);
}

/*
 * The osc group: every key read and checked where it is stored, in the order jmixd.conf(5)
 * lists them; it runs past a screen only because the group has that many keys.
 */
static int load_osc(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const config_setting_t *osc = config_lookup(cfg, "osc");
	strcpy(setup->osc_bind, "0.0.0.0");
	setup->osc_port = 8000;
	setup->meter_rate_hz = 25;
	setup->rate_limit = 20000;
	setup->reply_budget = 262144;
	setup->reply_budget_total = 2097152;
	setup->subscriptions_per_host = 4;
	setup->has_zeroconf = true;
	if (load_dialect(ld, NULL, "x32", &setup->x32) < 0 ||
	    load_dialect(ld, NULL, "xair", &setup->xair) < 0)
		return -1;
	setup->n_nets = (int)(sizeof default_nets / sizeof default_nets[0]);
	for (int i = 0; i < setup->n_nets; i++) {
		parse_net(default_nets[i], &setup->nets[i]);
		setup->nets[i].role = ROLE_CONTROL;
		setup->nets[i].mix_bus = -1;
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
		    strcmp(name, "rate_limit") != 0 && strcmp(name, "clients") != 0 &&
		    strcmp(name, "zeroconf") != 0 && strcmp(name, "reply_budget") != 0 &&
		    strcmp(name, "reply_budget_total") != 0 &&
		    strcmp(name, "subscriptions_per_host") != 0 && strcmp(name, "x32") != 0 &&
		    strcmp(name, "xair") != 0) {
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
	const config_setting_t *zeroconf = config_setting_get_member(osc, "zeroconf");
	if (zeroconf) {
		if (config_setting_type(zeroconf) != CONFIG_TYPE_BOOL)
			return fail_at(ld, zeroconf, "osc.zeroconf", "must be true or false");
		setup->has_zeroconf = config_setting_get_bool(zeroconf);
	}
	const config_setting_t *limit = config_setting_get_member(osc, "rate_limit");
	if (limit) {
		if (config_setting_type(limit) != CONFIG_TYPE_INT || config_setting_get_int(limit) < 10)
			return fail_at(ld, limit, "osc.rate_limit",
				       "must be a whole number of messages per second, at least 10");
		setup->rate_limit = config_setting_get_int(limit);
	}
	if (load_osc_budgets(ld, osc, setup) < 0)
		return -1;
	if (load_dialect(ld, osc, "x32", &setup->x32) < 0 ||
	    load_dialect(ld, osc, "xair", &setup->xair) < 0)
		return -1;
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

static int load_buses(struct loader *ld, config_t *cfg, struct setup *setup)
{
	static const char *const types[BUS_N_TYPES] = { "monitor", "reverb", "delay" };
	const config_setting_t *list = config_lookup(cfg, "aux");
	if (!list)
		return 0;
	if (!config_setting_is_list(list))
		return fail_at(ld, list, "aux", "must be a list ( { name = ...; type = ...; }, ... )");
	int n = config_setting_length(list);
	if (n > BUS_MAX)
		return fail_at(ld, list, "aux", "%d buses, at most %d", n, BUS_MAX);
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct bus_setup *b = &setup->buses[i];
		char where[32], key[64];
		const char *type;
		snprintf(where, sizeof where, "aux.[%d]", i);
		if (!config_setting_is_group(g))
			return fail_at(ld, g, where, "each bus must be a group { name = ...; type = ...; }");
		snprintf(key, sizeof key, "%s.name", where);
		if (read_string(ld, g, "name", key, b->name, sizeof b->name, true) < 0)
			return -1;
		if (!setup_name_is_valid(b->name))
			return fail_at(ld, config_setting_get_member(g, "name"), key,
				       "'%s' is not a valid name ([A-Za-z0-9_-], not only digits)", b->name);
		for (int j = 0; j < i; j++)
			if (strcmp(setup->buses[j].name, b->name) == 0)
				return fail_at(ld, config_setting_get_member(g, "name"), key,
					       "'%s' is already the name of bus %d", b->name, j + 1);
		snprintf(key, sizeof key, "%s.type", where);
		if (!config_setting_lookup_string(g, "type", &type))
			return fail_at(ld, g, key, "missing: monitor, reverb or delay");
		int t = 0;
		while (t < BUS_N_TYPES && strcmp(types[t], type) != 0)
			t++;
		if (t == BUS_N_TYPES)
			return fail_at(ld, config_setting_get_member(g, "type"), key,
				       "'%s': must be monitor, reverb or delay", type);
		b->type = (enum bus_type)t;
		/* Effects return in stereo; a monitor mix is mono (a wedge) unless it says so. */
		b->is_stereo = b->type != BUS_MONITOR;
		const config_setting_t *st = config_setting_get_member(g, "stereo");
		if (st) {
			snprintf(key, sizeof key, "%s.stereo", where);
			if (config_setting_type(st) != CONFIG_TYPE_BOOL)
				return fail_at(ld, st, key, "must be true or false");
			b->is_stereo = config_setting_get_bool(st);
		}
		const config_setting_t *out = config_setting_get_member(g, "outputs");
		if (out) {
			snprintf(key, sizeof key, "%s.outputs", where);
			if (b->type != BUS_MONITOR)
				return fail_at(ld, out, key, "only monitor buses have outputs; "
					       "effects return into the master");
			if (load_ports(ld, out, key, b->output, b->is_stereo ? 2 : 1) < 0)
				return -1;
		}
	}
	setup->n_buses = n;
	return 0;
}

/* A monitor-mix:<bus> role names a monitor bus, by name or number. */
static int resolve_mix_buses(struct loader *ld, config_t *cfg, struct setup *setup)
{
	for (int i = 0; i < setup->n_nets; i++) {
		struct setup_net *sn = &setup->nets[i];
		if (sn->role != ROLE_MONITOR_MIX)
			continue;
		char key[64];
		snprintf(key, sizeof key, "osc.allow.[%d]", i);
		const config_setting_t *e = config_setting_get_elem(config_lookup(cfg, "osc.allow"),
								    (unsigned)i);
		const config_setting_t *r = e ? config_setting_get_member(e, "role") : NULL;
		sn->mix_bus = setup_find_bus(setup, sn->mix_bus_name);
		if (sn->mix_bus < 0)
			return fail_at(ld, r, key, "monitor-mix:%s: no such aux bus", sn->mix_bus_name);
		if (setup->buses[sn->mix_bus].type != BUS_MONITOR)
			return fail_at(ld, r, key, "monitor-mix:%s: an effect bus, not a monitor mix",
				       sn->mix_bus_name);
	}
	return 0;
}

static int load_bus_params(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const config_setting_t *list = config_lookup(cfg, "aux");
	for (int i = 0; list && i < setup->n_buses; i++) {
		char where[32];
		snprintf(where, sizeof where, "aux.[%d]", i);
		if (read_bus_params(ld, config_setting_get_elem(list, (unsigned)i), where, setup, i,
				    &setup->vals) < 0)
			return -1;
	}
	return 0;
}

/*
 * One list of groups.<list> (dca, mute): entries by position, at most n_max; those not listed
 * keep their defaults. names (DCAs only) is NULL for mute groups and when reading a state file
 * or scene (a DCA's name is setup, not a value).
 */
static int load_group_list(struct loader *ld, const config_setting_t *groups, const char *list_name,
			   enum param_scope scope, int section, int n_max,
			   char (*names)[SETUP_NAME_MAX], struct setup_values *v)
{
	const config_setting_t *list = config_setting_get_member(groups, list_name);
	char what[32];
	snprintf(what, sizeof what, "groups.%s", list_name);
	if (!list)
		return 0;
	if (!config_setting_is_list(list))
		return fail_at(ld, list, what, "must be a list ( { ... }, ... )");
	int n = config_setting_length(list);
	if (n > n_max)
		return fail_at(ld, list, what, "%d entries, at most %d", n, n_max);
	for (int k = 0; k < n; k++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)k);
		char where[48], key[64];
		snprintf(where, sizeof where, "%s.[%d]", what, k);
		if (!config_setting_is_group(g))
			return fail_at(ld, g, where, "each entry must be a group { ... }");
		snprintf(key, sizeof key, "%s.name", where);
		if (names && config_setting_get_member(g, "name")) {
			memset(names[k], 0, SETUP_NAME_MAX);   /* compared whole on a reload */
			if (read_string(ld, g, "name", key, names[k], SETUP_NAME_MAX, true) < 0)
				return -1;
			if (!setup_name_is_valid(names[k]))
				return fail_at(ld, config_setting_get_member(g, "name"), key,
					       "'%s' is not a valid name ([A-Za-z0-9_-], not only digits)",
					       names[k]);
		}
		if (read_params(ld, g, where, "", scope, section, setup_values_at(v, scope, k)) < 0)
			return -1;
	}
	return 0;
}

/*
 * groups = { dca = ( { name = "drums"; fader = -10.0; mute = false; }, ... );
 *            mute = ( { on = false; }, ... ); }
 */
static int load_groups(struct loader *ld, config_t *cfg, char (*names)[SETUP_NAME_MAX],
		       struct setup_values *v)
{
	const config_setting_t *groups = config_lookup(cfg, "groups");
	if (!groups)
		return 0;
	if (!config_setting_is_group(groups))
		return fail_at(ld, groups, "groups", "must be a group { dca = ( ... ); mute = ( ... ); }");
	for (int i = 0; i < config_setting_length(groups); i++) {
		const config_setting_t *s = config_setting_get_elem(groups, (unsigned)i);
		if (!schema_is_structural(SCHEMA_GROUPS, config_setting_name(s)))
			return fail_at(ld, s, "groups", "unknown key '%s' (known: dca, mute, link)",
				       config_setting_name(s));
	}
	if (load_group_list(ld, groups, "dca", PARAM_DCA, SCHEMA_DCA, SETUP_DCA_COUNT, names, v) < 0)
		return -1;
	if (load_group_list(ld, groups, "mute", PARAM_MGRP, SCHEMA_MGRP, SETUP_MUTE_GROUPS, NULL,
			    v) < 0)
		return -1;
	return load_group_list(ld, groups, "link", PARAM_LINK, SCHEMA_LINK, SETUP_LINK_GROUPS, NULL,
			       v);
}

/* safe = { eq = true; master = true; ... }: the section safes (the state keeps them). */
static int load_safe(struct loader *ld, config_t *cfg, struct setup_values *v)
{
	const config_setting_t *safe = config_lookup(cfg, "safe");
	if (!safe)
		return 0;
	if (!config_setting_is_group(safe))
		return fail_at(ld, safe, "safe", "must be a group { eq = true; ... }");
	return read_params(ld, safe, "safe", "", PARAM_SAFE, SCHEMA_SAFE,
			   setup_values_at(v, PARAM_SAFE, 0));
}

static int load_master(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const config_setting_t *master = config_lookup(cfg, "master");

	setup->pan_law = PAN_LAW_3DB;
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
	return read_params(ld, master, "master", "", PARAM_MASTER, SCHEMA_MASTER,
			   setup->master_values);
}

static int load_channel(struct loader *ld, const config_setting_t *s, int index,
			struct setup *setup)
{
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

	ch->values = setup_values_at(&setup->vals, PARAM_CHANNEL, index);
	const config_setting_t *send = config_setting_get_member(s, "send");
	if (send && read_sends(ld, send, where, setup, index, &setup->vals) < 0)
		return -1;
	return read_params(ld, s, where, "", PARAM_CHANNEL, SCHEMA_CHANNELS, ch->values);
}

/* The channel list's shape and size, and the value arrays of every scope (they need it). */
static int alloc_channels(struct loader *ld, config_t *cfg, struct setup *setup)
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
	if (!setup->channels || alloc_values(setup, n) < 0)
		return fail_at(ld, list, "channels", "out of memory");
	setup->n_channels = n;
	for (int k = 0; k < SETUP_DCA_COUNT; k++)   /* setup starts zeroed: names compare whole */
		snprintf(setup->dca_name[k], sizeof setup->dca_name[k], "dca%d", k + 1);
	return 0;
}

static int load_channels(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const config_setting_t *list = config_lookup(cfg, "channels");
	for (int i = 0; i < setup->n_channels; i++)
		if (load_channel(ld, config_setting_get_elem(list, (unsigned)i), i, setup) < 0)
			return -1;
	return 0;
}

/* An optional whole number in [min, max]; *dst keeps its default when the key is absent. */
static int read_int(struct loader *ld, const config_setting_t *group, const char *member,
		    const char *key, int min, int max, int *dst)
{
	const config_setting_t *s = config_setting_get_member(group, member);
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT || config_setting_get_int(s) < min ||
	    config_setting_get_int(s) > max)
		return fail_at(ld, s, key, "must be a whole number, %d .. %d", min, max);
	*dst = config_setting_get_int(s);
	return 0;
}

static int load_state_group(struct loader *ld, config_t *cfg, struct setup *setup)
{
	const char *env = getenv("STATE_DIRECTORY");   /* systemd's StateDirectory= */
	const config_setting_t *state = config_lookup(cfg, "state");
	char dir[sizeof setup->state_dir] = "state";

	if (env && *env && strlen(env) < sizeof dir)
		strcpy(dir, env);
	setup->max_scenes = SETUP_SCENES_MAX;
	setup->max_scenes_mb = SETUP_SCENES_MB;
	if (state) {
		if (!config_setting_is_group(state))
			return fail_at(ld, state, "state", "must be a group { ... }");
		for (int i = 0; i < config_setting_length(state); i++) {
			const config_setting_t *s = config_setting_get_elem(state, (unsigned)i);
			if (!schema_is_structural(SCHEMA_STATE, config_setting_name(s))) {
				char key[96];
				snprintf(key, sizeof key, "state.%s", config_setting_name(s));
				return fail_at(ld, s, key, "unknown key");
			}
		}
		if (read_string(ld, state, "dir", "state.dir", dir, sizeof dir, false) < 0 ||
		    read_int(ld, state, "max_scenes", "state.max_scenes", 1, SETUP_SCENES_MAX,
			     &setup->max_scenes) < 0 ||
		    read_int(ld, state, "max_scenes_mb", "state.max_scenes_mb", 1, 1 << 20,
			     &setup->max_scenes_mb) < 0)
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
	const config_setting_t *root = config_root_setting(cfg);
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		int sc = SCHEMA_JACK;
		if (strcmp(name, "midi") == 0)   /* config_midi.c checks its own keys */
			continue;
		while (sc <= SCHEMA_CHANNELS && strcmp(schema_section_name(sc), name) != 0)
			sc++;
		if (sc > SCHEMA_CHANNELS)
			return fail_at(ld, s, name,
				       "unknown section (known: jack, osc, state, aux, master, channels, "
				       "groups, safe, midi)");
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
	    load_buses(&ld, &cfg, setup) < 0 || resolve_mix_buses(&ld, &cfg, setup) < 0 ||
	    alloc_channels(&ld, &cfg, setup) < 0 ||
	    load_bus_params(&ld, &cfg, setup) < 0 || load_master(&ld, &cfg, setup) < 0 ||
	    load_groups(&ld, &cfg, setup->dca_name, &setup->vals) < 0 ||
	    load_safe(&ld, &cfg, &setup->vals) < 0 || load_channels(&ld, &cfg, setup) < 0 ||
	    config_midi_load(config_lookup(&cfg, "midi"), path, &setup->midi, err, err_size) < 0)
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
	free(setup->channels);
	setup_values_free(&setup->vals);
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

/* The name of each entry of a saved list (NULL for an entry that is not a group with one). */
static const char **entry_names(const config_setting_t *list, int n)
{
	const char **names = calloc((size_t)(n ? n : 1), sizeof *names);
	for (int i = 0; names && i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned)i);
		const char *name = NULL;
		if (config_setting_is_group(s) && config_setting_lookup_string(s, "name", &name))
			names[i] = name;
	}
	return names;
}

/*
 * Log every match decision other than a plain match by name, and count the drops. A strict
 * loader (no renames, nothing dropped) fails on the first entry that has no match instead.
 */
static int report_matches(struct loader *ld, const config_setting_t *list, const char *what,
			  const char *const *current, int n_current, const char **names,
			  const int *to, const enum match_how *how)
{
	int n = list ? config_setting_length(list) : 0, n_by_name = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i];
		if (!ld->is_lenient && how[i] == MATCH_NONE) {
			const config_setting_t *s = config_setting_get_elem(list, (unsigned)i);
			char key[64];
			snprintf(key, sizeof key, "%s.[%d].name", config_setting_name(list), i);
			if (!name)
				return fail_at(ld, s, key, "each %s needs a name", what);
			return fail_at(ld, config_setting_get_member(s, "name"), key,
				       "no %s named '%s' on this console", what, name);
		}
		if (!name)
			note_drop(ld, "%s: %s entry %d has no name: dropped", ld->path, what, i + 1);
		else if (how[i] == MATCH_NONE)
			note_drop(ld, "%s: saved %s '%s' has no place on this console: its values "
				  "are dropped", ld->path, what, name);
		else if (how[i] == MATCH_POSITION)
			log_warn("state: %s: saved %s '%s' restored to %s %d '%s' (the name changed; "
				 "matched by position)", ld->path, what, name, what, to[i] + 1,
				 current[to[i]]);
		else
			n_by_name++;
	}
	for (int j = 0; ld->is_lenient && j < n_current; j++) {
		bool is_matched = false;
		for (int i = 0; i < n; i++)
			is_matched |= to[i] == j;
		if (!is_matched)
			log_info("state: %s: %s '%s' is not in the file: it keeps its values", ld->path,
				 what, current[j]);
	}
	if (n_by_name)
		log_debug("state: %s: %d %s entries matched by name", ld->path, n_by_name, what);
	return 0;
}

/*
 * Match the entries of a saved list (aux or channels) to this console's (match.h; by name
 * only for a strict loader). Fills *to (malloc'd, one per entry) and *names; 0, or -1 with
 * err filled.
 */
static int match_section(struct loader *ld, const config_setting_t *list, const char *what,
			 const char *const *current, int n_current, const char ***names, int **to)
{
	int n = list ? config_setting_length(list) : 0;
	enum match_how *how = calloc((size_t)(n ? n : 1), sizeof *how);
	*names = entry_names(list, n);
	*to = calloc((size_t)(n ? n : 1), sizeof **to);
	if (!how || !*names || !*to ||
	    match_names(*names, n, current, n_current, ld->is_lenient, *to, how) < 0) {
		free(how);
		snprintf(ld->err, (size_t)ld->err_size, "%s: out of memory", ld->path);
		return -1;
	}
	int rc = report_matches(ld, list, what, current, n_current, *names, *to, how);
	free(how);
	return rc;
}

/* Buses, then channels (whose sends name buses), each entry to its matched instance. */
static int load_matched_values(struct loader *ld, config_t *cfg, const struct setup *setup,
			       struct setup_values *vals)
{
	const char *bus_names[BUS_MAX], *channel_names[SETUP_MAX_CHANNELS];
	const char **saved_buses = NULL, **saved_channels = NULL;
	int *bus_to = NULL, *channel_to = NULL, rc = -1;

	for (int b = 0; b < setup->n_buses; b++)
		bus_names[b] = setup->buses[b].name;
	for (int ch = 0; ch < setup->n_channels; ch++)
		channel_names[ch] = setup->channels[ch].name;
	const config_setting_t *aux = config_lookup(cfg, "aux");
	const config_setting_t *list = config_lookup(cfg, "channels");
	if (aux && !config_setting_is_list(aux)) {
		fail_at(ld, aux, "aux", "must be a list ( { ... } )");
		goto out;
	}
	if (list && !config_setting_is_list(list)) {
		fail_at(ld, list, "channels", "must be a list ( { ... } )");
		goto out;
	}
	if (match_section(ld, aux, "bus", bus_names, setup->n_buses, &saved_buses, &bus_to) < 0 ||
	    match_section(ld, list, "channel", channel_names, setup->n_channels, &saved_channels,
			  &channel_to) < 0)
		goto out;
	ld->bus_map = bus_to;
	ld->bus_names = saved_buses;
	ld->n_saved_buses = aux ? config_setting_length(aux) : 0;
	for (int i = 0; i < ld->n_saved_buses; i++) {
		char where[32];
		snprintf(where, sizeof where, "aux.[%d]", i);
		if (bus_to[i] >= 0 && read_bus_params(ld, config_setting_get_elem(aux, (unsigned)i),
						      where, setup, bus_to[i], vals) < 0)
			goto out;
	}
	for (int i = 0; list && i < config_setting_length(list); i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned)i);
		int ch = channel_to[i];
		char where[64];
		snprintf(where, sizeof where, "channels.[%d]", i);
		if (ch < 0)
			continue;
		const config_setting_t *send = config_setting_get_member(s, "send");
		if (send && read_sends(ld, send, where, setup, ch, vals) < 0)
			goto out;
		if (read_params(ld, s, where, "", PARAM_CHANNEL, SCHEMA_CHANNELS,
				setup_values_at(vals, PARAM_CHANNEL, ch)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(saved_buses);
	free(saved_channels);
	free(bus_to);
	free(channel_to);
	return rc;
}

int config_load_values(FILE *f, const char *path, const struct setup *setup,
		       struct setup_values *vals, int *n_dropped, char *err, int err_size)
{
	struct loader ld = { .path = path, .err = err, .err_size = err_size,
			     .is_lenient = n_dropped != NULL };
	config_t cfg;
	int rc = -1;

	if (n_dropped)
		*n_dropped = 0;
	config_init(&cfg);
	if (config_read(&cfg, f) != CONFIG_TRUE) {
		snprintf(err, (size_t)err_size, "%s:%d: syntax: %s", path, config_error_line(&cfg),
			 config_error_text(&cfg));
		goto out;
	}
	const config_setting_t *master = config_lookup(&cfg, "master");
	if (master && !config_setting_is_group(master)) {
		fail_at(&ld, master, "master", "must be a group { ... }");
		goto out;
	}
	if (master && read_params(&ld, master, "master", "", PARAM_MASTER, SCHEMA_MASTER,
				  setup_values_at(vals, PARAM_MASTER, 0)) < 0)
		goto out;
	if (load_groups(&ld, &cfg, NULL, vals) < 0 || load_safe(&ld, &cfg, vals) < 0)
		goto out;
	if (load_matched_values(&ld, &cfg, setup, vals) < 0)
		goto out;
	if (n_dropped)
		*n_dropped = ld.n_dropped;
	rc = 0;
out:
	config_destroy(&cfg);
	return rc;
}
