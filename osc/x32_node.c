/*
 * x32_node.c - the console's node text (research/x32.md 5.1, 5.2):
 *   "/node ,s ch/01/mix"  ->  "node ,s /ch/01/mix ON -oo ON +0 OFF -oo\n"
 *   "/ ,s ch/01/mix OFF -5"       sets the first fields of the node, in order;
 *   "/ ,s ch/01/mix/fader -5"     sets one leaf;
 *   "/ch/01/eq/1 ,ifff 2 0.265 0.5 0.4648"   sets a node's fields from wire values.
 * Each field is the leaf "<node>/<field>", read and set exactly as a get or a set of that
 * leaf would (x32.c), so a node and its leaves never disagree; the text is the field's type
 * (x32_tree.h).
 *
 * The reply address is "node", without the slash: a console quirk every client expects. An
 * unknown node gets no answer, like an unknown leaf. A "/" set is not echoed to its sender
 * (the console does echo it): an echo is a message that two consoles pointed at each other
 * would bounce forever; the changes reach the leases as usual.
 *
 * Control thread only.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "daemon/log.h"
#include "osc/x32_priv.h"
#include "osc/x32_tree.h"

#define NODE_TEXT_MAX 1024   /* the longest node, /fx/N/par, is about 450 bytes */
#define NODE_PATH_MAX 64

/* "/<node>/<field>"; false when it does not fit (then it is no address of the tree). */
static bool field_path(const char *node, const char *field, char *out, size_t size)
{
	int w = snprintf(out, size, "%s%s/%s", node[0] == '/' ? "" : "/", node, field);
	return w >= 0 && (size_t)w < size;
}

void x32_node_get(struct x32_listener *l, const struct osc_peer *from, const char *address)
{
	const struct x32_node *n = x32_tree_node(address);
	if (!n || l->profile != X32_PROFILE_X32)
		return;
	char text[NODE_TEXT_MAX];
	size_t o = (size_t)snprintf(text, sizeof text, "%s%s", address[0] == '/' ? "" : "/",
				    address);
	char name[16];
	const struct x32_ftype *type;
	float def;
	for (int k = 0; x32_tree_field(n, k, name, sizeof name, &type, &def); k++) {
		char path[NODE_PATH_MAX], s[SHADOW_STRING_MAX], field[X32_TEXT_MAX], tag;
		float f = def;
		if (!field_path(address, name, path, sizeof path))
			return;
		struct x32_leaf leaf = x32_map_resolve(l->control, l->profile, path);
		s[0] = '\0';
		if (leaf.kind != X32_LEAF_NONE)
			x32_leaf_value(l, path, &leaf, &tag, &f, s, sizeof s);
		x32_ftype_format(type, f, s, field, sizeof field);
		int w = snprintf(text + o, sizeof text - o, " %s", field);
		if (w < 0 || (size_t)w >= sizeof text - o)
			return;
		o += (size_t)w;
	}
	if (o + 2 > sizeof text)
		return;
	text[o++] = '\n';
	text[o] = '\0';
	lo_message m = lo_message_new();
	if (!m)
		return;
	lo_message_add_string(m, text);
	x32_send_plain(l, from, "node", m, PACE_REPLY);
	lo_message_free(m);
}

/* The next token of node text: a quoted string (quotes kept) or a run of non-spaces. */
static const char *next_token(const char *p, char *out, size_t size)
{
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	const char *start = p;
	if (*p == '"') {
		p++;
		while (*p && *p != '"')
			p++;
		if (*p == '"')
			p++;
	} else {
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	snprintf(out, size, "%.*s", (int)(p - start), start);
	return p;
}

static void set_field(struct x32_listener *l, int origin, const char *path,
		      const struct x32_ftype *type, const char *token)
{
	float f;
	char s[SHADOW_STRING_MAX];
	if (!x32_ftype_parse(type, token, &f, s, sizeof s)) {
		log_debug("%s: \"/\": %s: '%s' is not a value of it", x32_profile_key[l->profile],
			  path, token);
		return;
	}
	struct x32_leaf leaf = x32_map_resolve(l->control, l->profile, path);
	if (leaf.kind != X32_LEAF_NONE)
		x32_set_value(l, origin, path, &leaf, x32_ftype_tag(type), f, s);
}

void x32_node_set(struct x32_listener *l, const struct osc_peer *from, const char *text)
{
	char address[NODE_PATH_MAX], token[X32_TEXT_MAX], path[NODE_PATH_MAX + 2];
	const char *p = next_token(text, address, sizeof address);
	if (!p || l->profile != X32_PROFILE_X32)
		return;
	int origin = x32_origin_of(l, from);
	const struct x32_node *n = x32_tree_node(address);
	if (!n) {
		/* One leaf: "ch/01/mix/fader -5". */
		const struct x32_ftype *type;
		float def;
		snprintf(path, sizeof path, "%s%s", address[0] == '/' ? "" : "/", address);
		if (x32_tree_leaf(path, &type, &def) && next_token(p, token, sizeof token))
			set_field(l, origin, path, type, token);
		return;
	}
	/* A node: its first fields, in order, as many as the text has. */
	char name[16];
	const struct x32_ftype *type;
	float def;
	for (int k = 0; x32_tree_field(n, k, name, sizeof name, &type, &def); k++) {
		p = next_token(p, token, sizeof token);
		if (!p)
			return;
		if (!field_path(address, name, path, sizeof path))
			return;
		set_field(l, origin, path, type, token);
	}
}

bool x32_node_set_args(struct x32_listener *l, const struct osc_peer *from, const char *path,
		       const char *types, lo_arg **argv, int argc)
{
	const struct x32_node *n = l->profile == X32_PROFILE_X32 ? x32_tree_node(path) : NULL;
	if (!n)
		return false;
	int origin = x32_origin_of(l, from);
	char name[16], leaf_path[NODE_PATH_MAX];
	const struct x32_ftype *type;
	float def;
	for (int k = 0; k < argc && x32_tree_field(n, k, name, sizeof name, &type, &def); k++) {
		float f;
		if (types[k] == 'i')
			f = (float)x32_arg_i32(argv[k]);
		else if (types[k] == 'f')
			f = x32_arg_f32(argv[k]);
		else
			continue;
		if (!field_path(path, name, leaf_path, sizeof leaf_path))
			return true;
		struct x32_leaf leaf = x32_map_resolve(l->control, l->profile, leaf_path);
		if (leaf.kind != X32_LEAF_NONE && leaf.tag != 's')
			x32_set_value(l, origin, leaf_path, &leaf, types[k], f, NULL);
	}
	return true;
}
