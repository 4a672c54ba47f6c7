/*
 * x32.c - see x32.h.
 */
#include "osc/x32.h"
#include "osc/x32_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <lo/lo.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "osc/access.h"
#include "osc/arrival.h"
#include "osc/clients.h"
#include "osc/pace.h"
#include "osc/packet.h"
#include "osc/x32_tree.h"

#define DATAGRAMS_PER_RECEIVE 512

const char *const x32_profile_key[X32_N_PROFILES] = { "osc.x32", "osc.xair" };

/* ---- sending what a console sends: plain messages ---- */

int x32_send_plain(struct x32_listener *l, const struct osc_peer *to, const char *path,
		   lo_message m, enum pace_kind kind)
{
	static char buf[OSC_MAX_PACKET];
	size_t size = lo_message_length(m, path);
	if (size == 0 || size > sizeof buf)
		return -EMSGSIZE;
	lo_message_serialise(m, path, buf, &size);
	if (l->pace && !osc_pace_take(l->pace, to, size, kind, osc_now_ms()))
		return -ENOBUFS;
	if (sendto(l->fd, buf, size, MSG_DONTWAIT, (const struct sockaddr *)&to->addr, to->len) < 0)
		return -errno;
	return 0;
}

static void send_value(struct x32_listener *l, const struct osc_peer *to, const char *path,
		       char tag, float f, const char *s, enum pace_kind kind)
{
	lo_message m = lo_message_new();
	if (!m)
		return;
	if (tag == 's')
		lo_message_add_string(m, s ? s : "");
	else if (tag == 'i')
		lo_message_add_int32(m, (int32_t)lrintf(f));
	else
		lo_message_add_float(m, f);
	x32_send_plain(l, to, path, m, kind);
	lo_message_free(m);
}

/* ---- leaves held here ---- */

static uint32_t hash_path(const char *s)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The slot of path, or the free slot it would take; NULL when the store is full. */
static struct shadow_value *shadow_slot(struct x32_listener *l, const char *path)
{
	if (strlen(path) >= SHADOW_PATH_MAX)
		return NULL;
	uint32_t h = hash_path(path);
	for (int i = 0; i < SHADOW_SLOTS; i++) {
		struct shadow_value *v = &l->shadow[(h + (uint32_t)i) & (SHADOW_SLOTS - 1)];
		if (v->path[0] == '\0' || strcmp(v->path, path) == 0)
			return v;
	}
	return NULL;
}

static const struct shadow_value *shadow_find(struct x32_listener *l, const char *path)
{
	const struct shadow_value *v = shadow_slot(l, path);
	return v && v->path[0] ? v : NULL;
}

bool x32_shadow_store(struct x32_listener *l, const char *path, char tag, float f,
		      const char *s)
{
	struct shadow_value *v = shadow_slot(l, path);
	/* Keep a quarter free so that probes stay short. */
	if (!v || (v->path[0] == '\0' && l->n_shadow >= SHADOW_SLOTS * 3 / 4))
		return false;
	if (v->path[0] == '\0') {
		strcpy(v->path, path);
		l->n_shadow++;
	}
	v->tag = tag;
	v->f = f;
	snprintf(v->s, sizeof v->s, "%s", s ? s : "");
	return true;
}

/* ---- subscriptions ---- */

static int client_of(const struct x32_listener *l, const struct osc_peer *from)
{
	for (int i = 0; i < X32_CLIENTS; i++)
		if (l->client[i].is_used && osc_peer_same(&l->client[i].peer, from))
			return i;
	return -1;
}

int x32_origin_of(const struct x32_listener *l, const struct osc_peer *from)
{
	int id = client_of(l, from);
	return X32_ORIGIN_BASE + (int)l->profile * 100 + (id >= 0 ? id : 99);
}

static bool is_own_socket(const struct x32_listener *l, const struct osc_peer *from)
{
	for (int i = 0; i < l->n_selves; i++)
		if (osc_peer_is_self(&l->selves[i], from))
			return true;
	return false;
}

static void lease(struct x32_listener *l, const struct osc_peer *from, bool is_nfb)
{
	char text[80];
	if (is_own_socket(l, from)) {
		log_warn("%s: /xremote from %s, one of jmixd's own sockets (a loop): refused",
			 x32_profile_key[l->profile], osc_peer_str(from, text, sizeof text));
		return;
	}
	int id = client_of(l, from);
	for (int i = 0; i < X32_CLIENTS && id < 0; i++)
		if (!l->client[i].is_used)
			id = i;
	if (id < 0)
		return;   /* full, as a console is: silently, until a lease runs out */
	struct x32_client *c = &l->client[id];
	if (!c->is_used)
		log_info("%s: %s subscribed (%s)", x32_profile_key[l->profile],
			 osc_peer_str(from, text, sizeof text), is_nfb ? "/xremotenfb" : "/xremote");
	c->is_used = true;
	c->is_nfb = is_nfb;
	c->peer = *from;
	c->expires_ms = osc_now_ms() + X32_LEASE_MS;
}

/* Should client id hear a change made by origin? */
static bool hears(const struct x32_listener *l, int id, int origin)
{
	if (origin != X32_ORIGIN_BASE + (int)l->profile * 100 + id)
		return true;
	return l->profile == X32_PROFILE_XAIR && !l->client[id].is_nfb;
}

static void push(struct x32_listener *l, const char *path, char tag, float f, const char *s,
		 int origin)
{
	for (int id = 0; id < X32_CLIENTS; id++)
		if (l->client[id].is_used && hears(l, id, origin))
			send_value(l, &l->client[id].peer, path, tag, f, s, PACE_FEEDBACK);
}

/* ---- values ---- */

static float param_wire(const struct x32_leaf *leaf, float native)
{
	const struct x32_law *law = &leaf->row->law;
	return x32_law_wire(law, x32_law_index_of_native(law, native));
}

static const char *name_of(const struct x32_listener *l, const struct x32_leaf *leaf)
{
	const struct setup *s = l->control->setup;
	if (leaf->owner < 0)
		return "";
	if (leaf->scope == PARAM_CHANNEL)
		return s->channels[leaf->owner].name;
	if (leaf->scope == PARAM_AUX)
		return s->buses[leaf->owner].name;
	return "LR";
}

/* The instance of one bit row of a bitmap leaf. */
static struct param_ref bit_ref(const struct x32_leaf *leaf, const struct x32_row *r)
{
	return (struct param_ref){ .desc = params_find_path(leaf->scope, r->row),
				   .index = leaf->owner };
}

/* A bitmap leaf's value: bit k is its k-th row's switch. */
static int bitmap_value(struct x32_listener *l, const struct x32_leaf *leaf)
{
	const struct x32_row *rows[16];
	int n = x32_map_bits(l->profile, leaf->row, rows, 16), bits = 0;
	for (int k = 0; k < n; k++) {
		struct param_ref ref = bit_ref(leaf, rows[k]);
		if (ref.desc && control_has(l->control, ref) && control_get(l->control, ref) >= 0.5f)
			bits |= 1 << (int)rows[k]->law.lo;
	}
	return bits;
}

/* Set a bitmap leaf: each bit that differs is one change of jmixd's switch. */
static void set_bitmap(struct x32_listener *l, const struct x32_leaf *leaf, int bits, int origin)
{
	const struct x32_row *rows[16];
	int n = x32_map_bits(l->profile, leaf->row, rows, 16);
	if (bits < 0 || bits >= 1 << n)
		return;   /* out of range: ignored, as the console does */
	for (int k = 0; k < n; k++) {
		struct param_ref ref = bit_ref(leaf, rows[k]);
		float want = (float)((bits >> (int)rows[k]->law.lo) & 1);
		const char *reason;
		if (!ref.desc || !control_has(l->control, ref) || control_get(l->control, ref) == want)
			continue;
		if (control_set(l->control, ref, want, origin, &reason) < 0)
			log_warn("%s: set refused: %s", x32_profile_key[l->profile], reason);
	}
}

void x32_leaf_value(struct x32_listener *l, const char *path, const struct x32_leaf *leaf,
		    char *tag, float *f, char *s, size_t s_size)
{
	const struct shadow_value *v = NULL;
	*tag = leaf->tag;
	*f = 0.0f;
	s[0] = '\0';
	switch (leaf->kind) {
	case X32_LEAF_PARAM:
		*f = param_wire(leaf, control_get(l->control, leaf->ref));
		return;
	case X32_LEAF_NAME:
		snprintf(s, s_size, "%s", name_of(l, leaf));
		return;
	case X32_LEAF_BITMAP:
		*f = (float)bitmap_value(l, leaf);
		return;
	case X32_LEAF_STANDIN:
	case X32_LEAF_SHADOW:
		v = shadow_find(l, path);
		if (v) {
			*tag = v->tag;
			*f = v->f;
			snprintf(s, s_size, "%s", v->s);
		} else if (leaf->kind == X32_LEAF_STANDIN) {
			*f = param_wire(leaf, leaf->ref.desc->def);
		} else {
			*f = leaf->def;
		}
		return;
	case X32_LEAF_NONE:
		return;
	}
}

static void answer_get(struct x32_listener *l, const struct osc_peer *from, const char *path,
		       const struct x32_leaf *leaf)
{
	char tag, s[SHADOW_STRING_MAX];
	float f;
	x32_leaf_value(l, path, leaf, &tag, &f, s, sizeof s);
	send_value(l, from, path, tag, f, s, PACE_REPLY);
}

/* liblo leaves arguments only 4-byte aligned in its copy of a message: read them as bytes,
 * never through union lo_arg (8-byte aligned), which is undefined and UBSan refuses. */
int32_t x32_arg_i32(const lo_arg *a)
{
	int32_t v;
	memcpy(&v, a, sizeof v);
	return v;
}

float x32_arg_f32(const lo_arg *a)
{
	float v;
	memcpy(&v, a, sizeof v);
	return v;
}

/* The argument as a number, coercing i <-> f (layouts send floats for buttons). */
static bool arg_number(char type, const lo_arg *a, float *out)
{
	if (type == 'f')
		*out = x32_arg_f32(a);
	else if (type == 'i')
		*out = (float)x32_arg_i32(a);
	else
		return false;
	return isfinite(*out);
}

static void set_param(struct x32_listener *l, const struct x32_leaf *leaf, float wire, int origin)
{
	const struct x32_law *law = &leaf->row->law;
	const struct param_desc *d = leaf->ref.desc;
	if (law->kind == X32_TABLE && !(wire >= 0.0f && wire <= (float)(law->n - 1)))
		return;   /* no entry of the console's enum: ignored, as the console does */
	int k = x32_law_index(law, wire);
	/* Compare grid indexes, not floats: a native value that reads back as this index is
	 * already what the client asked for (no change, no push, no loop). */
	if (k == x32_law_index_of_native(law, control_get(l->control, leaf->ref)))
		return;
	float v = x32_law_native(law, k);
	if (!isfinite(v))
		return;   /* an entry jmixd lacks (a cut on a band that has none) */
	v = v < d->min ? d->min : v > d->max ? d->max : v;
	const char *reason;
	if (control_set(l->control, leaf->ref, v, origin, &reason) < 0)
		log_warn("%s: set refused: %s", x32_profile_key[l->profile], reason);
}

void x32_set_value(struct x32_listener *l, int origin, const char *path,
		   const struct x32_leaf *leaf, char type, float f, const char *s)
{
	if (leaf->tag == 's') {
		if (type != 's' || leaf->kind != X32_LEAF_SHADOW)
			return;   /* channel names are the config's (topology), not settable here */
		char text[SHADOW_STRING_MAX];
		snprintf(text, sizeof text, "%s", s);
		const struct shadow_value *old = shadow_find(l, path);
		if (old && strcmp(old->s, text) == 0)
			return;
		if (x32_shadow_store(l, path, 's', 0, text)) {
			x32_held_changed(l);
			push(l, path, 's', 0, text, origin);
		}
		return;
	}
	if (type == 's' || !isfinite(f))
		return;
	if (leaf->tag == 'i') {
		/* Out-of-range ints are ignored, as the console does; floats snap (0.5 and up is 1). */
		bool is_switch = (leaf->kind == X32_LEAF_PARAM || leaf->kind == X32_LEAF_STANDIN) &&
				 leaf->row->law.kind != X32_TABLE;
		if (type == 'i' && is_switch && f != 0.0f && f != 1.0f)
			return;
		if (type == 'f' && is_switch)
			f = f >= 0.5f ? 1.0f : 0.0f;
		f = roundf(f);
	} else {
		f = f < 0.0f ? 0.0f : f > 1.0f ? 1.0f : f;
	}
	if (leaf->kind == X32_LEAF_PARAM) {
		set_param(l, leaf, f, origin);
		return;
	}
	if (leaf->kind == X32_LEAF_BITMAP) {
		if (f >= 0.0f && f < 65536.0f)   /* else no bitmap (and no int to convert to) */
			set_bitmap(l, leaf, (int)f, origin);
		return;
	}
	if (leaf->kind == X32_LEAF_STANDIN)
		f = x32_law_wire(&leaf->row->law, x32_law_index(&leaf->row->law, f));
	const struct shadow_value *old = shadow_find(l, path);
	if (old && old->f == f)
		return;
	if (x32_shadow_store(l, path, leaf->tag, f, NULL)) {
		x32_held_changed(l);
		push(l, path, leaf->tag, f, NULL, origin);
	}
}

static void handle_set(struct x32_listener *l, const struct osc_peer *from, const char *path,
		       const struct x32_leaf *leaf, char type, const lo_arg *a)
{
	float f = 0.0f;
	const struct x32_ftype *t;
	char s[SHADOW_STRING_MAX];
	if (type == 's' && leaf->tag != 's') {
		/* A number leaf set with text in the console's units ("-5", "GATE", "1k02"), as
		 * the console takes it (Maillot p.12; the x32-osc client sets every leaf so). */
		if (x32_tree_leaf(path, &t, &f) && x32_ftype_parse(t, (const char *)a, &f, s, sizeof s))
			x32_set_value(l, x32_origin_of(l, from), path, leaf, x32_ftype_tag(t), f, NULL);
	} else if (type == 's') {
		x32_set_value(l, x32_origin_of(l, from), path, leaf, 's', 0.0f, (const char *)a);
	} else if (arg_number(type, a, &f))
		x32_set_value(l, x32_origin_of(l, from), path, leaf, type, f, NULL);
}

/* ---- the handshake ---- */

static void local_address(const struct x32_listener *l, const struct osc_peer *local, char *buf,
			  size_t size)
{
	snprintf(buf, size, "0.0.0.0");
	if (local && local->addr.ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)&local->addr)->sin_addr, buf,
			  (socklen_t)size);
	(void)l;
}

static void answer_handshake(struct x32_listener *l, const struct osc_peer *from,
			     const char *path, const struct osc_peer *local)
{
	bool is_x32 = l->profile == X32_PROFILE_X32;
	const char *fw = is_x32 ? "4.06" : "1.17";
	char ip[INET_ADDRSTRLEN];
	local_address(l, local, ip, sizeof ip);
	lo_message m = lo_message_new();
	if (!m)
		return;
	if (strcmp(path, "/status") == 0) {
		lo_message_add_string(m, "active");
		lo_message_add_string(m, ip);
		lo_message_add_string(m, l->cfg.name);
	} else if (strcmp(path, "/xinfo") == 0) {
		lo_message_add_string(m, ip);   /* clients connect to what this says */
		lo_message_add_string(m, l->cfg.name);
		lo_message_add_string(m, l->cfg.model);
		lo_message_add_string(m, fw);
	} else {
		lo_message_add_string(m, is_x32 ? "V2.07" : "V0.04");
		lo_message_add_string(m, l->cfg.name);
		lo_message_add_string(m, l->cfg.model);
		lo_message_add_string(m, fw);
	}
	x32_send_plain(l, from, path, m, PACE_REPLY);
	lo_message_free(m);
}

/* What a new app asks for that jmixd does not answer (when testing one, the first thing to
 * look at): at debug level, at most one line a second a listener. */
static void log_unknown(struct x32_listener *l, const struct osc_peer *from, const char *path)
{
	char text[80];
	int64_t now = osc_now_ms();
	if (now - l->last_unknown_ms < 1000)
		return;
	l->last_unknown_ms = now;
	log_debug("%s: %s asked for %s, which this console does not have (not answered)",
		  x32_profile_key[l->profile], osc_peer_str(from, text, sizeof text), path);
}

static void dispatch(struct x32_listener *l, const struct osc_peer *from, enum access_role role,
		     const char *path, const char *types, lo_arg **argv, int argc,
		     const struct osc_peer *local)
{
	if (strcmp(path, "/info") == 0 || strcmp(path, "/xinfo") == 0 ||
	    strcmp(path, "/status") == 0) {
		if (argc == 0)   /* with arguments it is a console's reply: never answered */
			answer_handshake(l, from, path, local);
		return;
	}
	if (strcmp(path, "/xremote") == 0 || strcmp(path, "/xremotenfb") == 0) {
		if (argc == 0)
			lease(l, from, path[8] == 'n');
		return;
	}
	if (strcmp(path, "/unsubscribe") == 0 && argc == 0) {
		int id = client_of(l, from);   /* and, below, every subscription of the sender */
		if (id >= 0)
			l->client[id].is_used = false;
	}
	if (x32_sub_request(l, from, path, types, argv, argc))
		return;
	if (strncmp(path, "/-snap/", 7) == 0 &&
	    (strcmp(path + 7, "load") == 0 || strcmp(path + 7, "save") == 0 ||
	     strcmp(path + 7, "delete") == 0)) {
		float slot;
		if (argc == 1 && role == ROLE_CONTROL && arg_number(types[0], argv[0], &slot) &&
		    slot >= 1.0f && slot <= 64.0f)
			x32_snap_command(l, from, path + 7, (int)slot);
		return;
	}
	if (strcmp(path, "/node") == 0) {
		if (argc == 1 && types[0] == 's')
			x32_node_get(l, from, (const char *)argv[0]);
		return;
	}
	if (strcmp(path, "/") == 0) {
		if (argc == 1 && types[0] == 's' && role == ROLE_CONTROL)
			x32_node_set(l, from, (const char *)argv[0]);
		return;
	}
	if (strcmp(path, "/-local/updrate") == 0)
		return;   /* Companion X-Air sends it with every renewal; undocumented, ignored */
	if (argc >= 1 && role == ROLE_CONTROL && x32_node_set_args(l, from, path, types, argv, argc))
		return;
	struct x32_leaf leaf = x32_map_resolve(l->control, l->profile, path);
	if (leaf.kind == X32_LEAF_NONE) {
		log_unknown(l, from, path);
		return;   /* unknown: silence, as the console (clients time out and go on) */
	}
	if (argc == 0)
		answer_get(l, from, path, &leaf);
	else if (argc == 1 && role == ROLE_CONTROL)
		handle_set(l, from, path, &leaf, types[0], argv[0]);
}

/* ---- the front door ---- */

static void log_drop(struct x32_listener *l, const struct osc_peer *from, const char *why)
{
	char text[80];
	int64_t now = osc_now_ms();
	l->n_dropped++;
	if (now - l->last_log_ms < 1000)
		return;
	l->last_log_ms = now;
	log_warn("%s: dropping packets from %s: %s (%llu dropped so far)", x32_profile_key[l->profile],
		 osc_peer_str(from, text, sizeof text), why, (unsigned long long)l->n_dropped);
}

void x32_listener_handle(struct x32_listener *l, const struct osc_peer *from,
			 const uint8_t *data, size_t size, const struct osc_peer *local,
			 int64_t arrival_ms)
{
	/* uint32_t storage keeps the message 4-byte aligned for liblo's argument access. */
	static uint32_t buf[OSC_MAX_PACKET / 4 + 2];
	struct osc_message_span span;
	const char *reason;
	enum access_role role = osc_access_role(l->access, from);
	if (role == ROLE_NONE) {
		l->access->n_denied++;
		log_drop(l, from, "address not in osc.allow");
		return;
	}
	if (size == 0 || size > OSC_MAX_PACKET || data[0] != '/') {
		/* Bundles (jmixd's marked output among them) and non-messages: X32 clients send
		 * neither, and a console ignores them. */
		log_drop(l, from, "not a plain OSC message");
		return;
	}
	memcpy(buf, data, size);
	size_t path_len = strnlen((const char *)data, size);
	size_t padded = (path_len + 4) & ~(size_t)3;
	bool is_tagless = padded <= size;
	for (size_t k = path_len; k < size && is_tagless; k++)
		is_tagless = data[k] == 0;
	if (is_tagless) {
		size = padded;
		/* No type tag string (OSC 1.0 allows it; X32_Command and Mixing Station send
		 * gets so): an empty one, so the pre-filter and liblo see a zero-argument message. */
		memcpy((uint8_t *)buf + size, ",\0\0\0", 4);
		size += 4;
	}
	if (osc_packet_check((const uint8_t *)buf, size, &span, 1, &reason) != 1) {
		log_drop(l, from, reason);
		return;
	}
	if (!osc_access_take(l->access, from, 1, arrival_ms)) {
		log_drop(l, from, "over osc.rate_limit");
		return;
	}
	int result = 0;
	lo_message m = lo_message_deserialise(buf, size, &result);
	if (!m) {
		log_drop(l, from, "malformed message");
		return;
	}
	if (l->pace)
		osc_pace_packet_begin(l->pace);
	dispatch(l, from, role, (const char *)buf, lo_message_get_types(m), lo_message_get_argv(m),
		 lo_message_get_argc(m), local);
	if (l->pace)
		osc_pace_packet_end(l->pace);
	lo_message_free(m);
}

void x32_listener_receive(struct x32_listener *l)
{
	static uint8_t data[OSC_MAX_PACKET];
	for (int n = 0; n < DATAGRAMS_PER_RECEIVE; n++) {
		struct osc_peer from = { .len = sizeof from.addr };
		union {
			char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) + OSC_ARRIVAL_CMSG_SPACE];
			struct cmsghdr align;
		} control;
		struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
		struct msghdr msg = { .msg_name = &from.addr, .msg_namelen = from.len,
				      .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = control.buf, .msg_controllen = sizeof control.buf };
		ssize_t got = recvmsg(l->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
		if (got < 0)
			return;
		from.len = msg.msg_namelen;
		/* The address the datagram arrived at: what /xinfo tells the client to use, even
		 * for a broadcast to a socket bound to 0.0.0.0. */
		struct osc_peer local = { .len = sizeof(struct sockaddr_in) };
		struct sockaddr_in *in = (struct sockaddr_in *)&local.addr;
		in->sin_family = AF_INET;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
				in->sin_addr = ((struct in_pktinfo *)(void *)CMSG_DATA(c))->ipi_spec_dst;
		x32_listener_handle(l, &from, data, got > (ssize_t)sizeof data ? sizeof data + 1
									: (size_t)got, &local,
				    osc_arrival_ms(&msg, osc_now_ms()));
	}
}

/* ---- feedback ---- */

void x32_listener_tick(struct x32_listener *l)
{
	int64_t now = osc_now_ms();
	bool is_any = false;
	for (int id = 0; id < X32_CLIENTS; id++) {
		struct x32_client *c = &l->client[id];
		if (c->is_used && now >= c->expires_ms) {
			char text[80];
			c->is_used = false;
			log_info("%s: %s's lease ran out (not renewed within %d s)",
				 x32_profile_key[l->profile], osc_peer_str(&c->peer, text, sizeof text),
				 X32_LEASE_MS / 1000);
		}
		is_any |= c->is_used;
	}
	x32_sub_tick(l, now);
	x32_held_tick(l, now);
	struct control *ctl = l->control;
	if (!is_any || ctl->n_dirty == 0)
		return;
	for (int i = 0; i < ctl->n_values; i++) {
		if (!ctl->is_dirty[i] || !ctl->inst[i].is_present)
			continue;
		char path[64];
		const struct x32_row *row;
		if (!x32_map_print(l->profile, &ctl->inst[i], path, sizeof path, &row))
			continue;
		const struct x32_law *law = &row->law;
		if (law->kind == X32_BIT) {
			/* One switch of a bitmap: the whole bitmap, as the console sends it. */
			struct x32_leaf leaf = x32_map_resolve(ctl, l->profile, path);
			if (leaf.kind == X32_LEAF_BITMAP)
				push(l, path, 'i', (float)bitmap_value(l, &leaf), NULL, ctl->origin[i]);
			continue;
		}
		push(l, path, x32_law_is_int(law) ? 'i' : 'f',
		     x32_law_wire(law, x32_law_index_of_native(law, ctl->values[i])), NULL,
		     ctl->origin[i]);
	}
}

/* ---- life ---- */

static int open_socket(struct x32_listener *l, char *err, size_t err_size)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	char service[16];
	const char *key = x32_profile_key[l->profile];
	snprintf(service, sizeof service, "%d", l->cfg.port);
	int rc = getaddrinfo(l->cfg.bind, service, &hints, &ai);
	if (rc != 0) {
		snprintf(err, err_size, "%s.bind: '%s' is not an IPv4 address: %s", key, l->cfg.bind,
			 gai_strerror(rc));
		return -1;
	}
	int one = 1;
	l->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || setsockopt(l->fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) < 0 ||
	    bind(l->fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(err, err_size, "%s: cannot bind UDP %s port %d: %s", key, l->cfg.bind,
			 l->cfg.port, strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	if (osc_arrival_enable(l->fd) < 0)
		log_warn("%s: no kernel receive stamps (%s): rate limits count from reading time", key,
			 strerror(errno));
	freeaddrinfo(ai);
	struct osc_peer *self = &l->selves[l->n_selves++];
	self->len = sizeof self->addr;
	if (getsockname(l->fd, (struct sockaddr *)&self->addr, &self->len) < 0)
		return -1;
	l->port = ntohs(((struct sockaddr_in *)&self->addr)->sin_port);
	return 0;
}

struct x32_listener *x32_listener_new(enum x32_profile profile, const struct setup_dialect *cfg,
				      struct control *control, struct osc_access *access,
				      struct osc_pace *pace, const struct osc_peer *self,
				      char *err, size_t err_size)
{
	struct x32_listener *l = calloc(1, sizeof *l);
	if (!l || !(l->shadow = calloc(SHADOW_SLOTS, sizeof *l->shadow))) {
		snprintf(err, err_size, "%s: out of memory", x32_profile_key[profile]);
		free(l);
		return NULL;
	}
	*l = (struct x32_listener){ .profile = profile, .fd = -1, .cfg = *cfg, .control = control,
				    .access = access, .pace = pace, .shadow = l->shadow,
				    .held = { .dir_fd = -1 } };
	if (self && self->len)
		l->selves[l->n_selves++] = *self;
	if (open_socket(l, err, err_size) < 0) {
		x32_listener_free(l);
		return NULL;
	}
	log_info("%s: %s dialect on UDP %s:%d as %s \"%s\"", x32_profile_key[profile],
		 profile == X32_PROFILE_X32 ? "X32" : "X Air", cfg->bind, l->port, cfg->model,
		 cfg->name);
	x32_held_open(l);
	return l;
}

void x32_listener_free(struct x32_listener *l)
{
	if (!l)
		return;
	x32_held_close(l);
	if (l->fd >= 0)
		close(l->fd);
	free(l->shadow);
	free(l);
}

int x32_listener_fd(const struct x32_listener *l)
{
	return l->fd;
}

int x32_listener_port(const struct x32_listener *l)
{
	return l->port;
}

void x32_listener_set_state(struct x32_listener *l, struct state *state)
{
	l->state = state;
}

void x32_listener_add_self(struct x32_listener *l, const struct x32_listener *other)
{
	if (l->n_selves < MAX_SELVES && other->n_selves > 0)
		l->selves[l->n_selves++] = other->selves[other->n_selves - 1];
}
