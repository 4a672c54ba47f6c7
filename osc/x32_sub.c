/*
 * x32_sub.c - see x32_sub.h.
 */
#include "osc/x32_sub.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/control.h"
#include "osc/clients.h"
#include "osc/x32_priv.h"

#define METER_VALUES_MAX 100      /* the largest bank (X Air 4, the RTA) */
#define BLOB_MAX 1024

/* ---- what a subscription sends ---- */

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		p[k] = (uint8_t)(v >> (8 * k));
}

static void send_blob(struct x32_listener *l, const struct x32_sub *sub, const uint8_t *data,
		      size_t size)
{
	lo_blob b = lo_blob_new((int32_t)size, data);
	lo_message m = lo_message_new();
	if (b && m) {
		lo_message_add_blob(m, b);
		x32_send_plain(l, &sub->peer, sub->alias, m, PACE_STREAM);
	}
	if (m)
		lo_message_free(m);
	if (b)
		lo_blob_free(b);
}

/* Sizes of the banks (Maillot p.16-19; the X Air document). */
static const int x32_bank_size[] = { 70, 96, 49, 22, 82, 27, 4, 16, 6, 32, 32, 5, 4, 48, 80, 50, 48 };
static const int xair_bank_size[] = { 8, 40, 36, 56, 100, 44, 39, 16, 4, 4 };

static int bank_size(enum x32_profile p, int bank)
{
	if (p == X32_PROFILE_X32)
		return bank >= 0 && bank < (int)(sizeof x32_bank_size / sizeof x32_bank_size[0])
			       ? x32_bank_size[bank] : 0;
	return bank >= 0 && bank < (int)(sizeof xair_bank_size / sizeof xair_bank_size[0])
		       ? xair_bank_size[bank] : 0;
}

/* The X32's meter value of a level in dBFS: linear, 1.0 is 0 dBFS. */
static float lin(float db)
{
	return db > -128.0f ? powf(10.0f, db / 20.0f) : 0.0f;
}

/* What jmixd measures, by console strip: NAN where it has nothing. */
static float ch_db(const struct control *c, int ch)
{
	return ch >= 0 && ch < c->n_channels ? c->meter_peak_db[ch] : NAN;
}

static float ch_gr_db(const struct control *c, int ch)
{
	return ch >= 0 && ch < c->n_channels ? c->meter_gr_db[ch] : 0.0f;
}

static float bus_db(const struct control *c, int bus)
{
	return bus >= 0 && bus < c->n_buses ? c->bus_peak_db[bus] : NAN;
}

/*
 * X32 banks (Maillot p.16-19), filled where jmixd has a meter. v[] holds levels as linear
 * values and gain reductions as the gain applied; it starts as silence (0) with the gain
 * reduction slots at 1.0 (none).
 */
static void x32_bank(const struct control *c, const struct x32_sub *sub, float *v, int n)
{
	int p1 = sub->param[0], p2 = sub->param[1];
	for (int i = 0; i < n; i++)
		v[i] = 0.0f;
	switch (sub->bank) {
	case 0:   /* 32 ch, 8 aux in, 8 fx returns, 16 buses, 6 matrices */
	case 13:  /* 32 ch, 8 aux in, 8 fx returns */
		for (int ch = 0; ch < 32; ch++)
			v[ch] = lin(ch_db(c, ch));
		if (sub->bank == 0)
			for (int b = 0; b < 16; b++)
				v[48 + b] = lin(bus_db(c, b));
		break;
	case 1:   /* 32 ch, 32 gate GR, 32 dyn GR */
		for (int ch = 0; ch < 32; ch++) {
			v[ch] = lin(ch_db(c, ch));
			v[32 + ch] = 1.0f;
			v[64 + ch] = lin(-ch_gr_db(c, ch));
		}
		break;
	case 2:   /* 16 buses, 6 matrices, main L R, M/C, then their 16 + 6 + 1 + 1 dyn GR */
		for (int b = 0; b < 16; b++)
			v[b] = lin(bus_db(c, b));
		v[22] = lin(c->master_peak_db[0]);
		v[23] = lin(c->master_peak_db[1]);
		for (int i = 25; i < 49; i++)
			v[i] = 1.0f;
		break;
	case 5:   /* 16 strips by p1 (0 ch 1-16, 1 ch 17-32, 3 buses), 8 groups, L R, M/C */
		for (int i = 0; i < 16; i++)
			v[i] = p1 == 0 || p1 == 1 ? lin(ch_db(c, 16 * p1 + i))
			       : p1 == 3 ? lin(bus_db(c, i)) : 0.0f;
		for (int i = 0; i < 8; i++)
			v[16 + i] = p2 == 1 || p2 == 2 ? lin(bus_db(c, 8 * (p2 - 1) + i)) : 0.0f;
		v[24] = lin(c->master_peak_db[0]);
		v[25] = lin(c->master_peak_db[1]);
		break;
	case 6:   /* one strip p1 (0..31 the channels): trim, gate GR, dyn GR, post-fader */
		v[0] = p1 < 32 ? lin(ch_db(c, p1)) : 0.0f;
		v[1] = 1.0f;
		v[2] = p1 < 32 ? lin(-ch_gr_db(c, p1)) : 1.0f;
		v[3] = v[0];
		break;
	default:
		break;
	}
	for (int i = 0; i < n; i++)
		if (!isfinite(v[i]))
			v[i] = 0.0f;
}

/* X Air banks (the X Air document; research/x32.md 5.4): levels and gains in dB. */
static void xair_bank(const struct control *c, const struct x32_sub *sub, float *db, int n)
{
	for (int i = 0; i < n; i++)
		db[i] = NAN;
	switch (sub->bank) {
	case 0:   /* one channel: pre L R, gate GR, comp GR, post L R, gate key, comp key */
		db[0] = db[1] = db[4] = db[5] = ch_db(c, sub->param[0]);
		db[2] = 0.0f;
		db[3] = -ch_gr_db(c, sub->param[0]);
		break;
	case 1:   /* 16 ch, aux L R, fx 1-4 L R, buses 1-6, fx sends 1-4, main L R, monitor L R */
		for (int ch = 0; ch < 16; ch++)
			db[ch] = ch_db(c, ch);
		for (int b = 0; b < 6; b++)
			db[26 + b] = bus_db(c, b);
		db[36] = c->master_peak_db[0];
		db[37] = c->master_peak_db[1];
		break;
	case 6:   /* 16 ch gate GR, 16 ch comp GR, 6 bus comp GR, main comp GR */
		for (int i = 0; i < 39; i++)
			db[i] = 0.0f;
		for (int ch = 0; ch < 16; ch++)
			db[16 + ch] = -ch_gr_db(c, ch);
		break;
	default:
		break;
	}
}

/* dB as the X Air sends it: int16 of dB x 256, -32768 for silence (or nothing there). */
static int16_t xair_db(float db)
{
	if (!(db > -128.0f))
		return INT16_MIN;
	return (int16_t)lrintf((db > 127.0f ? 127.0f : db) * 256.0f);
}

static void send_meters(struct x32_listener *l, const struct x32_sub *sub)
{
	float v[METER_VALUES_MAX];
	uint8_t blob[4 + 4 * METER_VALUES_MAX];
	int n = bank_size(l->profile, sub->bank);
	size_t size = 4;
	put_le32(blob, (uint32_t)n);
	if (l->profile == X32_PROFILE_X32) {
		x32_bank(l->control, sub, v, n);
		for (int i = 0; i < n; i++, size += 4) {
			uint32_t bits;
			memcpy(&bits, &v[i], 4);
			put_le32(blob + size, bits);
		}
	} else {
		xair_bank(l->control, sub, v, n);
		for (int i = 0; i < n; i++, size += 2) {
			uint16_t bits = (uint16_t)xair_db(v[i]);
			blob[size] = (uint8_t)(bits & 0xff);
			blob[size + 1] = (uint8_t)(bits >> 8);
		}
	}
	send_blob(l, sub, blob, size);
}

static void send_leaf(struct x32_listener *l, const struct x32_sub *sub)
{
	struct x32_leaf leaf = x32_map_resolve(l->control, l->profile, sub->alias);
	char tag, s[SHADOW_STRING_MAX];
	float f;
	if (leaf.kind == X32_LEAF_NONE)
		return;
	x32_leaf_value(l, sub->alias, &leaf, &tag, &f, s, sizeof s);
	lo_message m = lo_message_new();
	if (!m)
		return;
	if (tag == 's')
		lo_message_add_string(m, s);
	else if (tag == 'i')
		lo_message_add_int32(m, (int32_t)lrintf(f));
	else
		lo_message_add_float(m, f);
	x32_send_plain(l, &sub->peer, sub->alias, m, PACE_STREAM);
	lo_message_free(m);
}

/* pattern with its "*" run replaced by index, zero-padded to the run's width. */
static bool expand(const char *pattern, int index, char *out, size_t size)
{
	const char *star = strchr(pattern, '*');
	if (!star)
		return snprintf(out, size, "%s", pattern) < (int)size;
	int width = (int)strspn(star, "*");
	int w = snprintf(out, size, "%.*s%0*d%s", (int)(star - pattern), pattern, width, index,
			 star + width);
	return w >= 0 && (size_t)w < size;
}

static void send_format(struct x32_listener *l, const struct x32_sub *sub)
{
	uint8_t blob[BLOB_MAX];
	size_t size = 4;
	for (int p = 0; p < sub->n_patterns; p++) {
		for (int i = sub->first; i <= sub->last; i++) {
			char path[X32_SUB_NAME_MAX + 8], tag, s[SHADOW_STRING_MAX];
			float f = 0.0f;
			struct x32_leaf leaf = { .kind = X32_LEAF_NONE, .tag = 'i' };
			if (expand(sub->pattern[p], i, path, sizeof path))
				leaf = x32_map_resolve(l->control, l->profile, path);
			tag = leaf.tag;
			s[0] = '\0';
			if (leaf.kind != X32_LEAF_NONE)
				x32_leaf_value(l, path, &leaf, &tag, &f, s, sizeof s);
			if (size + 32 > sizeof blob)
				return;
			if (tag == 's') {
				memset(blob + size, 0, 32);
				memcpy(blob + size, s, strnlen(s, 31));
				size += 32;
			} else {
				uint32_t bits;
				if (tag == 'i')
					bits = (uint32_t)(int32_t)lrintf(f);
				else
					memcpy(&bits, &f, 4);
				put_le32(blob + size, bits);
				size += 4;
			}
		}
	}
	put_le32(blob, (uint32_t)size);
	send_blob(l, sub, blob, size);
}

/* ---- requests ---- */

/* Names match with or without the leading slash ("meters/1" renews "/meters/1"). */
static bool same_name(const char *a, const char *b)
{
	return strcmp(a + (a[0] == '/'), b + (b[0] == '/')) == 0;
}

/* The sender's subscription named alias, or a free slot for it; NULL when over a limit. */
static struct x32_sub *slot_for(struct x32_listener *l, const struct osc_peer *from,
				const char *alias)
{
	struct x32_sub *free_slot = NULL;
	int n_peer = 0;
	for (int i = 0; i < X32_SUBS; i++) {
		struct x32_sub *s = &l->subs.sub[i];
		if (!s->is_used) {
			free_slot = free_slot ? free_slot : s;
			continue;
		}
		if (!osc_peer_same(&s->peer, from))
			continue;
		if (strcmp(s->alias, alias) == 0)
			return s;
		n_peer++;
	}
	return n_peer < X32_SUBS_PER_PEER ? free_slot : NULL;
}

static int interval_of(int tf)
{
	return 50 * (tf >= 1 && tf <= 99 ? tf : 1);
}

/* Start (or restart) sub for 10 s: the first frame goes at the next tick. */
static void start(struct x32_sub *sub, const struct osc_peer *from, enum x32_sub_kind kind,
		  const char *alias, int tf)
{
	int64_t now = osc_now_ms();
	if (!sub->is_used || sub->kind != kind)
		sub->next_ms = now;
	sub->is_used = true;
	sub->kind = kind;
	sub->peer = *from;
	snprintf(sub->alias, sizeof sub->alias, "%s", alias);
	sub->interval_ms = interval_of(tf);
	sub->expires_ms = now + X32_LEASE_MS;
}

/* "/meters/N" -> N, or -1. */
static int bank_of(const char *meter_path)
{
	const char *p = meter_path + (meter_path[0] == '/');
	if (strncmp(p, "meters/", 7) != 0 || p[7] < '0' || p[7] > '9')
		return -1;
	char *end;
	long n = strtol(p + 7, &end, 10);
	return *end == '\0' && n >= 0 && n <= 99 ? (int)n : -1;
}

/* How many parameters a bank takes before tf (research/x32.md 3.5). */
static int bank_params(enum x32_profile p, int bank)
{
	if (p == X32_PROFILE_X32)
		return bank == 5 ? 2 : bank == 6 ? 1 : 0;
	return bank == 0 ? 1 : 0;
}

/* /meters and /batchsubscribe: ints after the strings are the bank's parameters, then tf. */
static void request_meters(struct x32_listener *l, const struct osc_peer *from,
			   const char *alias, const char *meter_path, const char *types,
			   lo_arg **argv, int first_int, int argc)
{
	int bank = bank_of(meter_path);
	if (bank < 0 || bank_size(l->profile, bank) == 0)
		return;
	int ints[3] = { 0, 0, 0 }, n_ints = 0;
	for (int i = first_int; i < argc && n_ints < 3; i++)
		if (types[i] == 'i')
			ints[n_ints++] = x32_arg_i32(argv[i]);
	int k = bank_params(l->profile, bank);
	int tf = n_ints > k ? ints[n_ints - 1] : 0;
	if (strcmp(alias, meter_path) == 0 && alias[0] != '/')
		return;   /* "/meters meters/1": no address to answer on */
	struct x32_sub *sub = slot_for(l, from, alias);
	if (!sub)
		return;
	start(sub, from, X32_SUB_METERS, alias, tf);
	sub->bank = bank;
	sub->param[0] = k > 0 ? ints[0] : 0;
	sub->param[1] = k > 1 ? ints[1] : 0;
}

static void request_format(struct x32_listener *l, const struct osc_peer *from,
			   const char *types, lo_arg **argv, int argc)
{
	int n_strings = (int)strspn(types, "s");
	if (n_strings < 2 || argc != n_strings + 3 || strcmp(types + n_strings, "iii") != 0)
		return;
	int first = x32_arg_i32(argv[n_strings]), last = x32_arg_i32(argv[n_strings + 1]);
	int n_patterns = n_strings - 1;
	if (n_patterns > X32_SUB_PATTERNS || first < 0 || last < first || last > 999 ||
	    n_patterns * (last - first + 1) > X32_SUB_VALUES)
		return;
	struct x32_sub *sub = slot_for(l, from, (const char *)argv[0]);
	if (!sub)
		return;
	start(sub, from, X32_SUB_FORMAT, (const char *)argv[0], x32_arg_i32(argv[n_strings + 2]));
	sub->n_patterns = n_patterns;
	for (int p = 0; p < n_patterns; p++)
		snprintf(sub->pattern[p], sizeof sub->pattern[p], "%s", (const char *)argv[1 + p]);
	sub->first = first;
	sub->last = last;
}

/* /renew and /unsubscribe: the sender's subscriptions of those names, or all of them. */
static void renew_or_end(struct x32_listener *l, const struct osc_peer *from, bool is_end,
			 const char *types, lo_arg **argv, int argc)
{
	int64_t now = osc_now_ms();
	for (int i = 0; i < X32_SUBS; i++) {
		struct x32_sub *s = &l->subs.sub[i];
		if (!s->is_used || !osc_peer_same(&s->peer, from))
			continue;
		bool is_named = argc == 0;
		for (int a = 0; a < argc && !is_named; a++)
			is_named = types[a] == 's' && same_name(s->alias, (const char *)argv[a]);
		if (!is_named)
			continue;
		if (is_end)
			s->is_used = false;
		else if (now < s->expires_ms)
			s->expires_ms = now + X32_LEASE_MS;
	}
}

bool x32_sub_request(struct x32_listener *l, const struct osc_peer *from, const char *path,
		     const char *types, lo_arg **argv, int argc)
{
	if (strcmp(path, "/meters") == 0) {
		if (argc >= 1 && types[0] == 's')
			request_meters(l, from, (const char *)argv[0], (const char *)argv[0], types,
				       argv, 1, argc);
	} else if (strcmp(path, "/batchsubscribe") == 0) {
		if (argc >= 2 && types[0] == 's' && types[1] == 's')
			request_meters(l, from, (const char *)argv[0], (const char *)argv[1], types,
				       argv, 2, argc);
	} else if (strcmp(path, "/subscribe") == 0) {
		if (argc >= 1 && types[0] == 's' && x32_map_resolve(l->control, l->profile,
								    (const char *)argv[0]).kind !=
							    X32_LEAF_NONE) {
			struct x32_sub *sub = slot_for(l, from, (const char *)argv[0]);
			if (sub)
				start(sub, from, X32_SUB_LEAF, (const char *)argv[0],
				      argc >= 2 && types[1] == 'i' ? x32_arg_i32(argv[1]) : 0);
		}
	} else if (strcmp(path, "/formatsubscribe") == 0) {
		request_format(l, from, types, argv, argc);
	} else if (strcmp(path, "/renew") == 0 || strcmp(path, "/unsubscribe") == 0) {
		renew_or_end(l, from, path[1] == 'u', types, argv, argc);
	} else {
		return false;
	}
	return true;
}

void x32_sub_tick(struct x32_listener *l, int64_t now)
{
	for (int i = 0; i < X32_SUBS; i++) {
		struct x32_sub *sub = &l->subs.sub[i];
		if (!sub->is_used)
			continue;
		if (now >= sub->expires_ms) {
			sub->is_used = false;
			continue;
		}
		if (now < sub->next_ms)
			continue;
		if (sub->kind == X32_SUB_METERS)
			send_meters(l, sub);
		else if (sub->kind == X32_SUB_LEAF)
			send_leaf(l, sub);
		else
			send_format(l, sub);
		/* A late tick sends once and catches up, never bursts. */
		sub->next_ms += sub->interval_ms;
		if (sub->next_ms < now)
			sub->next_ms = now + sub->interval_ms;
	}
}
