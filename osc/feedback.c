/*
 * feedback.c - see feedback.h.
 */
#include "osc/feedback.h"

#include <stdio.h>

#include "osc/pace.h"

/* One parameter's messages (natural, and the /norm twin for continuous ones). */
static void add_value(struct osc_router *r, struct osc_batch *b, int i)
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
	if (pi->desc->type == PARAM_FLOAT)
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
				add_value(r, &b, i);
		osc_batch_end(&b);
		r->n_feedback_packets += (uint64_t)b.n_packets;
	}
	control_clear_dirty(c);
}

/* One value's two messages, with the longest path, fit in this much of a batch. */
#define VALUE_MAX_BYTES 400

int osc_feedback_dump_from(struct osc_router *r, const struct osc_peer *to, int from,
			   size_t max_bytes)
{
	struct osc_batch b;
	int i = from;
	osc_batch_begin(&b, &r->out, to, PACE_STREAM);
	while (i < r->control->n_values &&
	       b.n_bytes + osc_batch_pending(&b) + VALUE_MAX_BYTES <= max_bytes)
		add_value(r, &b, i++);
	osc_batch_end(&b);
	if (b.n_refused)
		return from;   /* the budget changed under us: send this part again later */
	return i < r->control->n_values ? i : -1;
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

void osc_meters_send(struct osc_router *r)
{
	for (int id = 0; id < CLIENTS_MAX; id++) {
		const struct osc_client *client = &r->clients.client[id];
		if (!client->is_used)
			continue;
		struct osc_batch b;
		osc_batch_begin(&b, &r->out, &client->reply_to, PACE_STREAM);
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
