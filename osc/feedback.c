/*
 * feedback.c - see feedback.h.
 */
#include "osc/feedback.h"

#include <stdio.h>

#include "osc/meter_field.h"
#include "osc/pace.h"

/*
 * One parameter's messages (natural, and the /norm twin for continuous ones). A switch or a
 * choice goes out as an int, or as a float to a client that takes floats only.
 */
static void add_value(struct osc_router *r, struct osc_batch *b, int i, bool is_floats_only)
{
	const struct param_inst *pi = &r->control->inst[i];
	float v = r->control->values[i];
	char path[OSC_ADDRESS_MAX];
	if (!pi->is_present)
		return;
	lo_message m = lo_message_new();
	if (!m)
		return;
	osc_address_print(pi, false, path, sizeof path);
	if (pi->desc->type == PARAM_FLOAT || is_floats_only)
		lo_message_add_float(m, v);
	else
		lo_message_add_int32(m, (int32_t)v);
	osc_batch_add(b, path, m);

	if (pi->desc->type != PARAM_FLOAT)
		return;
	m = lo_message_new();
	if (!m)
		return;
	osc_address_print(pi, true, path, sizeof path);
	lo_message_add_float(m, param_to_norm(pi->desc, v));
	osc_batch_add(b, path, m);
}

void osc_feedback_flush(struct osc_router *r)
{
	struct control *c = r->control;
	if (c->n_dirty == 0)
		return;
	for (int id = 0; id < CLIENTS_MAX; id++) {
		const struct osc_client *client = &r->clients.client[id];
		if (!client->is_used)
			continue;
		struct osc_batch b;
		osc_batch_begin(&b, &r->out, &client->reply_to, PACE_FEEDBACK);
		for (int i = 0; i < c->n_values; i++)
			if (c->is_dirty[i] && c->origin[i] != id)
				add_value(r, &b, i, client->is_floats_only);
		osc_batch_end(&b);
		r->n_feedback_packets += (uint64_t)b.n_packets;
	}
	control_clear_dirty(c);
}

/* One value's two messages, with the longest path, fit in this much of a batch. */
#define VALUE_MAX_BYTES 400

/* The names a dump ends with: every channel's, every bus's, every DCA's, the master's. */
static int n_names(const struct control *c)
{
	return c->n_channels + c->n_buses + SETUP_DCA_COUNT + 1;
}

/* Name k (0 .. n_names - 1) as "/ch/3/name s <name>". */
static void add_name(struct osc_router *r, struct osc_batch *b, int k)
{
	const struct control *c = r->control;
	enum param_scope scope = PARAM_MASTER;
	int owner = 0;
	if (k < c->n_channels) {
		scope = PARAM_CHANNEL;
		owner = k;
	} else if (k < c->n_channels + c->n_buses) {
		scope = PARAM_AUX;
		owner = k - c->n_channels;
	} else if (k < c->n_channels + c->n_buses + SETUP_DCA_COUNT) {
		scope = PARAM_DCA;
		owner = k - c->n_channels - c->n_buses;
	}
	char path[OSC_ADDRESS_MAX];
	lo_message m = lo_message_new();
	if (!m)
		return;
	osc_address_print_name(scope, owner, path, sizeof path);
	lo_message_add_string(m, osc_address_name_of(c, scope, owner));
	osc_batch_add(b, path, m);
}

/* Does the subscriber that replies go to at `to` take floats only (osc.clients)? */
static bool is_floats_only_peer(const struct osc_router *r, const struct osc_peer *to)
{
	for (int id = 0; id < CLIENTS_MAX; id++) {
		const struct osc_client *client = &r->clients.client[id];
		if (client->is_used && osc_peer_same(&client->reply_to, to))
			return client->is_floats_only;
	}
	return false;
}

/* The cursor runs over the values, then over the names (n_values + k is name k). */
int osc_feedback_dump_from(struct osc_router *r, const struct osc_peer *to, int from,
			   size_t max_bytes)
{
	struct osc_batch b;
	int i = from;
	int n_values = r->control->n_values, end = n_values + n_names(r->control);
	bool is_floats_only = is_floats_only_peer(r, to);
	osc_batch_begin(&b, &r->out, to, PACE_STREAM);
	while (i < end && b.n_bytes + osc_batch_pending(&b) + VALUE_MAX_BYTES <= max_bytes) {
		if (i < n_values)
			add_value(r, &b, i, is_floats_only);
		else
			add_name(r, &b, i - n_values);
		i++;
	}
	osc_batch_end(&b);
	if (b.n_refused)
		return from;   /* the budget changed under us: send this part again later */
	return i < end ? i : -1;
}

static void add_channel_meter(const struct control *c, struct osc_batch *b, int ch)
{
	char path[48];
	lo_message m = lo_message_new();
	if (!m)
		return;
	snprintf(path, sizeof path, "/ch/%d/meter", ch + 1);
	lo_message_add_float(m, c->meter_peak_db[ch]);
	lo_message_add_float(m, c->meter_rms_db[ch]);
	lo_message_add_float(m, c->meter_gr_db[ch]);
	osc_batch_add(b, path, m);
}

static void add_master_meter(const struct control *c, struct osc_batch *b)
{
	lo_message m = lo_message_new();
	if (!m)
		return;
	lo_message_add_float(m, c->master_peak_db[0]);
	lo_message_add_float(m, c->master_peak_db[1]);
	lo_message_add_float(m, c->master_rms_db[0]);
	lo_message_add_float(m, c->master_rms_db[1]);
	osc_batch_add(b, "/master/meter", m);
}

static void add_bus_meter(const struct control *c, struct osc_batch *b, int bus)
{
	char path[48];
	lo_message m = lo_message_new();
	if (!m)
		return;
	snprintf(path, sizeof path, "/aux/%d/meter", bus + 1);
	lo_message_add_float(m, c->bus_peak_db[bus]);
	lo_message_add_float(m, c->bus_rms_db[bus]);
	osc_batch_add(b, path, m);
}

/* A surface shows -120, not -inf: some OSC stacks choke on infinities. */
static float shown(float v)
{
	return v > -120.0f ? v : -120.0f;
}

static void add_master_loudness(const struct control *c, struct osc_batch *b)
{
	lo_message m = lo_message_new();
	if (!m)
		return;
	lo_message_add_float(m, shown(c->loudness_m));
	lo_message_add_float(m, shown(c->loudness_s));
	lo_message_add_float(m, shown(c->loudness_i));
	lo_message_add_float(m, c->loudness_lra);
	osc_batch_add(b, "/master/loudness", m);
}

static void add_master_truepeak(const struct control *c, struct osc_batch *b)
{
	lo_message m = lo_message_new();
	if (!m)
		return;
	lo_message_add_float(m, shown(c->master_tp_db[0]));
	lo_message_add_float(m, shown(c->master_tp_db[1]));
	lo_message_add_float(m, c->limiter_gr_db);
	osc_batch_add(b, "/master/truepeak", m);
}

/* Every single-float meter field of every owner (meter_field.h), for floats-only clients. */
static void add_meter_fields(const struct control *c, struct osc_batch *b)
{
	for (int id = 1; id <= meter_field_count(); id++) {
		enum param_scope scope = meter_field_scope(id);
		int n = scope == PARAM_CHANNEL ? c->n_channels : scope == PARAM_AUX ? c->n_buses : 1;
		for (int owner = 0; owner < n; owner++) {
			char path[OSC_ADDRESS_MAX];
			lo_message m = lo_message_new();
			if (!m)
				return;
			meter_field_print(id, owner, path, sizeof path);
			lo_message_add_float(m, meter_field_value(c, id, owner));
			osc_batch_add(b, path, m);
		}
	}
}

void osc_meters_send(struct osc_router *r)
{
	for (int id = 0; id < CLIENTS_MAX; id++) {
		const struct osc_client *client = &r->clients.client[id];
		if (!client->is_used)
			continue;
		struct osc_batch b;
		osc_batch_begin(&b, &r->out, &client->reply_to, PACE_STREAM);
		if (client->is_floats_only) {
			add_meter_fields(r->control, &b);
			osc_batch_end(&b);
			r->n_meter_packets += (uint64_t)b.n_packets;
			continue;
		}
		for (int ch = 0; ch < r->control->n_channels; ch++)
			add_channel_meter(r->control, &b, ch);
		for (int bus = 0; bus < r->control->n_buses; bus++)
			add_bus_meter(r->control, &b, bus);
		add_master_meter(r->control, &b);
		add_master_loudness(r->control, &b);
		add_master_truepeak(r->control, &b);
		osc_batch_end(&b);
		r->n_meter_packets += (uint64_t)b.n_packets;
	}
}

void osc_meter_reply(struct osc_router *r, const struct osc_peer *to, enum param_scope scope,
		     int index)
{
	struct osc_batch b;
	osc_batch_begin(&b, &r->out, to, PACE_REPLY);
	if (scope == PARAM_CHANNEL)
		add_channel_meter(r->control, &b, index);
	else if (scope == PARAM_AUX)
		add_bus_meter(r->control, &b, index);
	else if (index == METER_LOUDNESS)
		add_master_loudness(r->control, &b);
	else if (index == METER_TRUEPEAK)
		add_master_truepeak(r->control, &b);
	else
		add_master_meter(r->control, &b);
	osc_batch_end(&b);
}
