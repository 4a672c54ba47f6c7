/*
 * x32_sub.c - see x32_sub.h.
 */
#include "osc/x32_sub.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "daemon/control.h"
#include "osc/clients.h"
#include "osc/x32_priv.h"

#define XAIR_BANK1_VALUES 40

/* ---- meters (X Air bank 1: research/x32.md 5.4) ---- */

/*
 * "/meters ,s[i] /meters/1 [tf]": bank 1 every 50 ms x tf (tf 0 or out of 1..99: 50 ms) for
 * 10 s, renewed by asking again. Only the X Air's bank 1 (what Companion's X-Air module
 * shows) is served; other banks and the X32's are not answered.
 */
static void meters_request(struct x32_listener *l, const struct osc_peer *from, const char *bank,
			   const char *types, lo_arg **argv, int argc)
{
	if (l->profile != X32_PROFILE_XAIR || strcmp(bank, "/meters/1") != 0)
		return;
	int tf = argc >= 2 && types[argc - 1] == 'i' ? x32_arg_i32(argv[argc - 1]) : 0;
	if (tf < 1 || tf > 99)
		tf = 1;
	struct x32_sub *sub = NULL;
	int64_t now = osc_now_ms();
	for (int i = 0; i < X32_SUBS && !sub; i++)
		if (l->subs.sub[i].is_used && osc_peer_same(&l->subs.sub[i].peer, from))
			sub = &l->subs.sub[i];
	for (int i = 0; i < X32_SUBS && !sub; i++)
		if (!l->subs.sub[i].is_used)
			sub = &l->subs.sub[i];
	if (!sub)
		return;
	if (!sub->is_used)
		sub->next_ms = now;
	sub->is_used = true;
	sub->peer = *from;
	sub->interval_ms = 50 * tf;
	sub->expires_ms = now + X32_LEASE_MS;
}

/* dB as the X Air sends meters: int16 of dB x 256, -32768 for silence (or nothing there). */
static int16_t xair_db(float db)
{
	if (!(db > -128.0f))
		return INT16_MIN;
	return (int16_t)lrintf((db > 127.0f ? 127.0f : db) * 256.0f);
}

static void meters_send(struct x32_listener *l, struct x32_sub *sub)
{
	/* 16 channels (peak), aux L/R, FX 1-4 L/R, buses 1-6, FX sends 1-4, main L/R, monitor
	 * L/R; what jmixd has no meter for is silence. */
	const struct control *c = l->control;
	uint8_t blob[4 + 2 * XAIR_BANK1_VALUES];
	int16_t v[XAIR_BANK1_VALUES];
	for (int i = 0; i < XAIR_BANK1_VALUES; i++)
		v[i] = INT16_MIN;
	for (int ch = 0; ch < 16 && ch < c->n_channels; ch++)
		v[ch] = xair_db(c->meter_peak_db[ch]);
	for (int b = 0; b < 6 && b < c->n_buses; b++)
		v[26 + b] = xair_db(c->bus_peak_db[b]);
	v[36] = xair_db(c->master_peak_db[0]);
	v[37] = xair_db(c->master_peak_db[1]);
	uint32_t n = XAIR_BANK1_VALUES;   /* little-endian inside the blob, as the console */
	for (int k = 0; k < 4; k++)
		blob[k] = (uint8_t)(n >> (8 * k));
	for (int i = 0; i < XAIR_BANK1_VALUES; i++) {
		blob[4 + 2 * i] = (uint8_t)((uint16_t)v[i] & 0xff);
		blob[5 + 2 * i] = (uint8_t)((uint16_t)v[i] >> 8);
	}
	lo_blob b = lo_blob_new((int32_t)sizeof blob, blob);
	lo_message m = lo_message_new();
	if (b && m) {
		lo_message_add_blob(m, b);
		x32_send_plain(l, &sub->peer, "/meters/1", m, PACE_STREAM);
	}
	if (m)
		lo_message_free(m);
	if (b)
		lo_blob_free(b);
}

static void meters_tick(struct x32_listener *l, int64_t now)
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
		meters_send(l, sub);
		/* A late tick sends once and catches up, never bursts. */
		sub->next_ms += sub->interval_ms;
		if (sub->next_ms < now)
			sub->next_ms = now + sub->interval_ms;
	}
}


bool x32_sub_request(struct x32_listener *l, const struct osc_peer *from, const char *path,
		     const char *types, lo_arg **argv, int argc)
{
	if (strcmp(path, "/meters") != 0)
		return false;
	if (argc >= 1 && types[0] == 's')
		meters_request(l, from, (const char *)argv[0], types, argv, argc);
	return true;
}

void x32_sub_tick(struct x32_listener *l, int64_t now)
{
	meters_tick(l, now);
}
