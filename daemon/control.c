/*
 * control.c - see control.h.
 */
#include "daemon/control.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int control_init(struct control *c, const struct setup *setup)
{
	const struct setup_values *sv = &setup->vals;
	int n_blocks = 0, n_values = 0;

	*c = (struct control){ .setup = setup, .n_channels = setup->n_channels,
			       .n_buses = setup->n_buses };
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++) {
		c->first_block[sc] = n_blocks;
		n_blocks += sv->n_instances[sc];
	}
	c->n_blocks = n_blocks;
	int *n_slots = calloc((size_t)n_blocks, sizeof *n_slots);
	c->block_offset = calloc((size_t)n_blocks, sizeof *c->block_offset);
	if (!n_slots || !c->block_offset)
		goto fail;
	for (int b = 0; b < n_blocks; b++) {
		int index;
		n_slots[b] = params_scope_count(control_block_scope(c, b, &index));
		c->block_offset[b] = n_values;
		n_values += n_slots[b];
	}
	int n_ch = setup->n_channels;
	c->n_values = n_values;
	c->values = calloc((size_t)(n_values ? n_values : 1), sizeof *c->values);
	c->is_dirty = calloc((size_t)(n_values ? n_values : 1), sizeof *c->is_dirty);
	c->origin = calloc((size_t)(n_values ? n_values : 1), sizeof *c->origin);
	c->meter_peak_db = calloc((size_t)n_ch, sizeof(float));
	c->meter_rms_db = calloc((size_t)n_ch, sizeof(float));
	c->meter_gr_db = calloc((size_t)n_ch, sizeof(float));
	c->publish_mem = malloc(publish_mem_size(n_blocks, n_slots));
	if (!c->values || !c->is_dirty || !c->origin || !c->publish_mem || !c->meter_peak_db ||
	    !c->meter_rms_db || !c->meter_gr_db)
		goto fail;
	publish_init(&c->publish, c->publish_mem, n_blocks, n_slots);
	c->master_tp_db[0] = c->master_tp_db[1] = -120.0f;
	c->loudness_m = c->loudness_s = c->loudness_i = -INFINITY;
	for (int b = 0; b < n_blocks; b++) {
		int index;
		enum param_scope sc = control_block_scope(c, b, &index);
		memcpy(c->values + c->block_offset[b], setup_values_at(sv, sc, index),
		       sizeof(float) * (size_t)n_slots[b]);
	}
	free(n_slots);
	control_publish_all(c);
	return 0;
fail:
	free(n_slots);
	control_free(c);
	return -ENOMEM;
}

void control_free(struct control *c)
{
	free(c->block_offset);
	free(c->values);
	free(c->is_dirty);
	free(c->origin);
	free(c->publish_mem);
	free(c->meter_peak_db);
	free(c->meter_rms_db);
	free(c->meter_gr_db);
	c->meter_peak_db = c->meter_rms_db = c->meter_gr_db = NULL;
	c->block_offset = NULL;
	c->values = NULL;
	c->is_dirty = NULL;
	c->origin = NULL;
	c->publish_mem = NULL;
}

int control_block(const struct control *c, struct param_ref ref)
{
	return c->first_block[ref.desc->scope] + ref.index;
}

/* The last scope that starts at or before block (an empty scope starts where the next does). */
enum param_scope control_block_scope(const struct control *c, int block, int *index)
{
	int sc = PARAM_N_SCOPES - 1;
	while (sc > 0 && c->first_block[sc] > block)
		sc--;
	*index = block - c->first_block[sc];
	return (enum param_scope)sc;
}

bool control_has(const struct control *c, struct param_ref ref)
{
	if (ref.desc->scope != PARAM_AUX)
		return true;
	return param_on_bus_type(ref.desc, c->setup->buses[ref.index].type);
}

int control_set_values(struct control *c, const struct setup_values *v, int origin)
{
	const char *reason;
	uint64_t before = c->n_changes;
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++)
		for (int i = 0; i < v->n_instances[sc]; i++)
			for (int slot = 0; slot < params_scope_count(sc); slot++) {
				struct param_ref ref = { params_at(sc, slot), i };
				control_set(c, ref, setup_values_at(v, sc, i)[slot], origin, &reason);
			}
	return (int)(c->n_changes - before);
}

void control_get_values(const struct control *c, struct setup_values *v)
{
	for (int b = 0; b < c->n_blocks; b++) {
		int index;
		enum param_scope sc = control_block_scope(c, b, &index);
		memcpy(setup_values_at(v, sc, index), c->values + c->block_offset[b],
		       sizeof(float) * (size_t)params_scope_count(sc));
	}
}

static float *value_ptr(const struct control *c, struct param_ref ref)
{
	return c->values + c->block_offset[control_block(c, ref)] + param_slot(ref.desc);
}

float control_get(const struct control *c, struct param_ref ref)
{
	return *value_ptr(c, ref);
}

int control_set(struct control *c, struct param_ref ref, float value, int origin,
		const char **reason)
{
	if (!param_check(ref.desc, value, reason))
		return -1;
	float *v = value_ptr(c, ref);
	if (*v == value)
		return 0;
	*v = value;
	c->n_changes++;
	int i = (int)(v - c->values);
	/* Two clients moving one control in one tick: the last mover is spared, not the first. */
	if (!c->is_dirty[i])
		c->n_dirty++;
	c->is_dirty[i] = 1;
	c->origin[i] = (int16_t)origin;
	publish_write(&c->publish, control_block(c, ref), param_slot(ref.desc), value);
	return 0;
}

void control_publish_all(struct control *c)
{
	for (int b = 0; b < c->n_blocks; b++)
		publish_write_block(&c->publish, b, c->values + c->block_offset[b]);
}

struct param_ref control_ref_at(const struct control *c, int i)
{
	int b = c->n_blocks - 1;
	while (b > 0 && c->block_offset[b] > i)
		b--;
	int index;
	enum param_scope scope = control_block_scope(c, b, &index);
	return (struct param_ref){ .desc = params_at(scope, i - c->block_offset[b]), .index = index };
}

void control_clear_dirty(struct control *c)
{
	if (c->n_dirty)
		memset(c->is_dirty, 0, (size_t)c->n_values);
	c->n_dirty = 0;
}
