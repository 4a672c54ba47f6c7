/*
 * address.c - see address.h.
 */
#include "osc/address.h"

#include <stdio.h>
#include <string.h>

#include "osc/meter_field.h"
#include "daemon/config.h"

#define DCA_MASK_BITS SETUP_DCA_COUNT
#define MGRP_MASK_BITS SETUP_MUTE_GROUPS

void osc_address_prefix(enum param_scope scope, int owner, char *buf, size_t size)
{
	if (scope == PARAM_MASTER || scope == PARAM_SAFE)
		snprintf(buf, size, "/%s/", param_scope_name(scope));
	else
		snprintf(buf, size, "/%s/%d/", param_scope_name(scope == PARAM_SEND ? PARAM_CHANNEL
											: scope),
			 owner + 1);
}

void osc_address_print(const struct param_inst *pi, bool is_norm, char *buf, size_t size)
{
	const char *norm = is_norm ? "/norm" : "";
	char prefix[64];
	osc_address_prefix(pi->desc->scope, pi->owner, prefix, sizeof prefix);
	if (pi->desc->scope == PARAM_SEND)
		snprintf(buf, size, "%ssend/%d/%s%s", prefix, pi->bus + 1, pi->desc->path, norm);
	else
		snprintf(buf, size, "%s%s%s", prefix, pi->desc->path, norm);
}

void osc_address_print_name(enum param_scope scope, int owner, char *buf, size_t size)
{
	char prefix[64];
	osc_address_prefix(scope, owner, prefix, sizeof prefix);
	snprintf(buf, size, "%sname", prefix);
}

const char *osc_address_name_of(const struct control *c, enum param_scope scope, int owner)
{
	switch (scope) {
	case PARAM_CHANNEL:
		return c->setup->channels[owner].name;
	case PARAM_AUX:
		return c->setup->buses[owner].name;
	case PARAM_DCA:
		return c->setup->dca_name[owner];
	default:
		return param_scope_name(PARAM_MASTER);
	}
}

/* One "<id>/" segment of an address: how its id is found, and what a refusal says. */
struct segment {
	int (*find)(const struct control *c, const char *name_or_number);
	const char *incomplete;      /* no slash after the id */
	const char *unknown;         /* nothing has that id */
};

static const struct segment channel_segment = {
	control_find_channel, "incomplete channel address (/ch/<n|name>/<parameter>)",
	"no such channel (use 1..N or a channel name)"
};
static const struct segment send_segment = {
	control_find_bus, "incomplete send address (/ch/<n>/send/<bus>/<parameter>)",
	"no such aux bus (use 1..N or a bus name)"
};
static const struct segment dca_segment = {
	control_find_dca, "incomplete DCA address (/dca/<n|name>/<parameter>)",
	"no such DCA group (use 1..8 or a DCA name)"
};
static const struct segment mgrp_segment = {
	control_find_mute_group, "incomplete mute group address (/mgrp/<n>/on)",
	"no such mute group (use 1..6)"
};
static const struct segment link_segment = {
	control_find_link, "incomplete link address (/link/<n>/<parameter>)",
	"no such link group (use 1..8)"
};
static const struct segment bus_segment = {
	control_find_bus, "incomplete bus address (/aux/<n|name>/<parameter>)",
	"no such aux bus (use 1..N or a bus name)"
};

/* Take one segment off *rest: the index it names, or -1 with *reason set. */
static int take_segment(const struct control *c, char **rest, const struct segment *seg,
			const char **reason)
{
	char *slash = strchr(*rest, '/');
	if (!slash) {
		*reason = seg->incomplete;
		return -1;
	}
	*slash = '\0';
	int index = seg->find(c, *rest);
	if (index < 0)
		*reason = seg->unknown;
	*rest = slash + 1;
	return index;
}

/* What follows prefix in s, or NULL when s does not start with it. */
static char *after(char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* What follows the owner: a meter, or a row with its optional /norm. */
static int parse_leaf(const struct control *c, enum param_scope scope, int owner, char *rest,
		      struct osc_address *a, const char **reason)
{
	static const char *const master_meters[] = { "meter", "loudness", "truepeak" };
	for (int k = 0; k < 3; k++)
		if (strcmp(rest, master_meters[k]) == 0 && (scope == PARAM_MASTER || k == 0) &&
		    (scope == PARAM_CHANNEL || scope == PARAM_AUX || scope == PARAM_MASTER)) {
			a->is_meter = true;
			a->meter_scope = scope;
			a->meter_index = scope == PARAM_MASTER ? k : owner;
			return 0;
		}
	int field = meter_field_find(scope, rest);
	if (field) {
		a->is_meter = true;
		a->meter_scope = scope;
		a->meter_index = owner;
		a->meter_field = field;
		return 0;
	}
	if (strcmp(rest, "name") == 0 && scope != PARAM_MGRP && scope != PARAM_SEND) {
		a->is_name = true;
		a->meter_scope = scope;
		a->meter_index = owner;
		return 0;
	}
	size_t len = strlen(rest);
	if (len > strlen("/norm") && strcmp(rest + len - strlen("/norm"), "/norm") == 0) {
		rest[len - strlen("/norm")] = '\0';
		a->is_norm = true;
	}
	/* "dca" and "mgrp" alone: a membership mask over the numbered rows below them. */
	static const struct {
		const char *family;
		int n;
	} masks[] = { { "dca", DCA_MASK_BITS }, { "mgrp", MGRP_MASK_BITS } };
	for (int k = 0; k < 2 && !a->is_norm; k++) {
		char first[16];
		snprintf(first, sizeof first, "%s/1", masks[k].family);
		if (strcmp(rest, masks[k].family) == 0 && (a->ref.desc = params_find_path(scope, first))) {
			a->n_mask_bits = masks[k].n;
			a->mask_family = masks[k].family;
			return 0;
		}
	}
	a->ref.desc = params_find_path(scope, rest);
	if (!a->ref.desc) {
		*reason = "unknown parameter";
		return -1;
	}
	if (!control_has(c, a->ref)) {
		*reason = "not a parameter of this bus type";
		return -1;
	}
	return 0;
}

const struct param_desc *osc_address_mask_row(const struct osc_address *a, int k)
{
	char path[16];
	snprintf(path, sizeof path, "%s/%d", a->mask_family, k + 1);
	return params_find_path(a->ref.desc->scope, path);
}

int osc_address_parse(const struct control *c, const char *path, struct osc_address *a,
		      const char **reason)
{
	char buf[OSC_ADDRESS_MAX];
	char *rest;
	*a = (struct osc_address){ 0 };
	if (strlen(path) >= sizeof buf) {
		*reason = "address too long";
		return -1;
	}
	strcpy(buf, path);

	if ((rest = after(buf, "/ch/"))) {
		int ch = take_segment(c, &rest, &channel_segment, reason);
		char *send = ch < 0 ? NULL : after(rest, "send/");
		if (!send) {
			a->ref.index = ch;
			return ch < 0 ? -1 : parse_leaf(c, PARAM_CHANNEL, ch, rest, a, reason);
		}
		rest = send;
		int bus = take_segment(c, &rest, &send_segment, reason);
		if (bus < 0)
			return -1;
		a->ref = control_send_ref(c, NULL, ch, bus);
		return parse_leaf(c, PARAM_SEND, ch, rest, a, reason);
	}
	if ((rest = after(buf, "/aux/"))) {
		int bus = take_segment(c, &rest, &bus_segment, reason);
		a->ref.index = bus;
		return bus < 0 ? -1 : parse_leaf(c, PARAM_AUX, bus, rest, a, reason);
	}
	if ((rest = after(buf, "/dca/"))) {
		int dca = take_segment(c, &rest, &dca_segment, reason);
		a->ref.index = dca;
		return dca < 0 ? -1 : parse_leaf(c, PARAM_DCA, dca, rest, a, reason);
	}
	if ((rest = after(buf, "/mgrp/"))) {
		int group = take_segment(c, &rest, &mgrp_segment, reason);
		a->ref.index = group;
		return group < 0 ? -1 : parse_leaf(c, PARAM_MGRP, group, rest, a, reason);
	}
	if ((rest = after(buf, "/link/"))) {
		int group = take_segment(c, &rest, &link_segment, reason);
		a->ref.index = group;
		return group < 0 ? -1 : parse_leaf(c, PARAM_LINK, group, rest, a, reason);
	}
	if ((rest = after(buf, "/safe/")))
		return parse_leaf(c, PARAM_SAFE, 0, rest, a, reason);
	if ((rest = after(buf, "/master/")))
		return parse_leaf(c, PARAM_MASTER, 0, rest, a, reason);
	*reason = "unknown address";
	return -1;
}
