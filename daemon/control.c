/*
 * control.c - see control.h.
 *
 * Layout: values (and inst) hold the scopes back to back in enum order, each scope instance
 * by instance and each instance row by row, which is also struct setup_values' layout, and
 * each instance is one publish block. So every coordinate is arithmetic: the value of
 * (scope, instance, slot) is first_value[scope] + instance * rows(scope) + slot, its block is
 * first_block[scope] + instance.
 */
#include "daemon/control.h"

#include "daemon/link.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The setup the name index is being sorted for (qsort has no context argument). */
static const struct setup *sorting;

static int cmp_channel_name(const void *a, const void *b)
{
	return strcmp(sorting->channels[*(const int *)a].name,
		      sorting->channels[*(const int *)b].name);
}

static int cmp_bus_name(const void *a, const void *b)
{
	return strcmp(sorting->buses[*(const int *)a].name, sorting->buses[*(const int *)b].name);
}

static void build_name_index(struct control *c)
{
	for (int i = 0; i < c->n_channels; i++)
		c->channel_by_name[i] = i;
	for (int i = 0; i < c->n_buses; i++)
		c->bus_by_name[i] = i;
	sorting = c->setup;
	qsort(c->channel_by_name, (size_t)c->n_channels, sizeof(int), cmp_channel_name);
	qsort(c->bus_by_name, (size_t)c->n_buses, sizeof(int), cmp_bus_name);
	sorting = NULL;
}

/*
 * "3" is the third, a name is looked up in the sorted index; name_at(k) is the name of the
 * k-th entry of the index. Names are never all digits (setup_name_is_valid).
 */
static int find_by_name(const char *text, int n, const int *sorted,
			const char *(*name_at)(const struct control *, int), const struct control *c)
{
	char *end;
	long number = strtol(text, &end, 10);
	if (*text && isdigit((unsigned char)*text) && *end == '\0')
		return number >= 1 && number <= n ? (int)number - 1 : -1;
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int cmp = strcmp(name_at(c, sorted[mid]), text);
		if (cmp == 0)
			return sorted[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static const char *channel_name(const struct control *c, int i)
{
	return c->setup->channels[i].name;
}

static const char *bus_name(const struct control *c, int i)
{
	return c->setup->buses[i].name;
}

int control_find_channel(const struct control *c, const char *name_or_number)
{
	return find_by_name(name_or_number, c->n_channels, c->channel_by_name, channel_name, c);
}

int control_find_bus(const struct control *c, const char *name_or_number)
{
	return find_by_name(name_or_number, c->n_buses, c->bus_by_name, bus_name, c);
}

/* The rows of instance `index` of a scope, at their place in the values' layout. */
static void fill_rows(struct control *c, enum param_scope sc, int index, int owner, int bus)
{
	const struct setup *setup = c->setup;
	int i = c->first_value[sc] + index * params_scope_count(sc);
	for (int slot = 0; slot < params_scope_count(sc); slot++, i++) {
		const struct param_desc *d = params_at(sc, slot);
		c->inst[i] = (struct param_inst){
			.desc = d, .owner = (uint16_t)owner, .bus = (uint16_t)bus,
			.index = (uint16_t)index, .block = (uint16_t)(c->first_block[sc] + index),
			.slot = (uint16_t)slot,
			.is_present = sc != PARAM_AUX || param_on_bus_type(d, setup->buses[owner].type),
		};
	}
}

/* Every instance: what each value is, with a send's channel and bus decoded by nobody. */
static void fill_instances(struct control *c)
{
	for (int ch = 0; ch < c->n_channels; ch++)
		fill_rows(c, PARAM_CHANNEL, ch, ch, 0);
	fill_rows(c, PARAM_MASTER, 0, 0, 0);
	for (int ch = 0; ch < c->n_channels; ch++)
		for (int bus = 0; bus < c->n_buses; bus++)
			fill_rows(c, PARAM_SEND, setup_send_instance(c->setup, ch, bus), ch, bus);
	for (int bus = 0; bus < c->n_buses; bus++)
		fill_rows(c, PARAM_AUX, bus, bus, 0);
	for (int dca = 0; dca < c->setup->vals.n_instances[PARAM_DCA]; dca++)
		fill_rows(c, PARAM_DCA, dca, dca, 0);
	for (int group = 0; group < c->setup->vals.n_instances[PARAM_MGRP]; group++)
		fill_rows(c, PARAM_MGRP, group, group, 0);
	for (int group = 0; group < c->setup->vals.n_instances[PARAM_LINK]; group++)
		fill_rows(c, PARAM_LINK, group, group, 0);
	fill_rows(c, PARAM_SAFE, 0, 0, 0);
}

/* "3" is the third instance of a numbered scope (mute groups, links); -1 when there is none. */
static int find_numbered(const struct control *c, enum param_scope scope, const char *number)
{
	char *end;
	long n = strtol(number, &end, 10);
	bool is_number = *number >= '0' && *number <= '9' && *end == '\0';
	return is_number && n >= 1 && n <= c->setup->vals.n_instances[scope] ? (int)n - 1 : -1;
}

int control_find_mute_group(const struct control *c, const char *number)
{
	return find_numbered(c, PARAM_MGRP, number);
}

int control_find_link(const struct control *c, const char *number)
{
	return find_numbered(c, PARAM_LINK, number);
}

int control_find_dca(const struct control *c, const char *name_or_number)
{
	char *end;
	long n = strtol(name_or_number, &end, 10);
	int n_dca = c->setup->vals.n_instances[PARAM_DCA];
	if (*name_or_number >= '0' && *name_or_number <= '9' && *end == '\0')
		return n >= 1 && n <= n_dca ? (int)n - 1 : -1;
	for (int k = 0; k < n_dca; k++)   /* eight names: a search is not worth an index */
		if (strcmp(c->setup->dca_name[k], name_or_number) == 0)
			return k;
	return -1;
}

int control_init(struct control *c, const struct setup *setup)
{
	const struct setup_values *sv = &setup->vals;
	int n_blocks = 0, n_values = 0;

	*c = (struct control){ .setup = setup, .n_channels = setup->n_channels,
			       .n_buses = setup->n_buses };
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++) {
		c->first_block[sc] = n_blocks;
		c->first_value[sc] = n_values;
		n_blocks += sv->n_instances[sc];
		n_values += sv->n_instances[sc] * params_scope_count(sc);
	}
	c->n_blocks = n_blocks;
	c->n_values = n_values;
	int *n_slots = calloc((size_t)(n_blocks ? n_blocks : 1), sizeof *n_slots);
	c->block_offset = calloc((size_t)(n_blocks ? n_blocks : 1), sizeof *c->block_offset);
	if (!n_slots || !c->block_offset)
		goto fail;
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++)
		for (int i = 0; i < sv->n_instances[sc]; i++) {
			int b = c->first_block[sc] + i;
			n_slots[b] = params_scope_count(sc);
			c->block_offset[b] = c->first_value[sc] + i * n_slots[b];
		}
	int n_ch = setup->n_channels;
	size_t n = (size_t)(n_values ? n_values : 1);
	c->values = calloc(n, sizeof *c->values);
	c->inst = calloc(n, sizeof *c->inst);
	c->is_dirty = calloc(n, sizeof *c->is_dirty);
	c->origin = calloc(n, sizeof *c->origin);
	c->link_excess = calloc(n, sizeof *c->link_excess);
	c->is_fading = calloc(n, sizeof *c->is_fading);
	c->channel_by_name = calloc((size_t)(n_ch ? n_ch : 1), sizeof(int));
	c->meter_peak_db = calloc((size_t)n_ch, sizeof(float));
	c->meter_rms_db = calloc((size_t)n_ch, sizeof(float));
	c->meter_gr_db = calloc((size_t)n_ch, sizeof(float));
	c->publish_mem = malloc(publish_mem_size(n_blocks, n_slots));
	if (!c->values || !c->inst || !c->channel_by_name || !c->is_dirty || !c->origin ||
	    !c->link_excess || !c->is_fading || !c->publish_mem ||
	    !c->meter_peak_db || !c->meter_rms_db || !c->meter_gr_db)
		goto fail;
	publish_init(&c->publish, c->publish_mem, n_blocks, n_slots);
	fill_instances(c);
	build_name_index(c);
	c->master_tp_db[0] = c->master_tp_db[1] = -120.0f;
	c->loudness_m = c->loudness_s = c->loudness_i = -INFINITY;
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++)
		memcpy(c->values + c->first_value[sc], sv->values[sc],
		       sizeof(float) * (size_t)sv->n_instances[sc] * (size_t)params_scope_count(sc));
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
	free(c->inst);
	free(c->channel_by_name);
	free(c->is_dirty);
	free(c->origin);
	free(c->link_excess);
	free(c->is_fading);
	c->link_excess = NULL;
	c->is_fading = NULL;
	free(c->publish_mem);
	free(c->meter_peak_db);
	free(c->meter_rms_db);
	free(c->meter_gr_db);
	c->meter_peak_db = c->meter_rms_db = c->meter_gr_db = NULL;
	c->block_offset = NULL;
	c->values = NULL;
	c->inst = NULL;
	c->channel_by_name = NULL;
	c->is_dirty = NULL;
	c->origin = NULL;
	c->publish_mem = NULL;
}

int control_block(const struct control *c, struct param_ref ref)
{
	return c->first_block[ref.desc->scope] + ref.index;
}

int control_value_index(const struct control *c, struct param_ref ref)
{
	enum param_scope sc = ref.desc->scope;
	return c->first_value[sc] + ref.index * params_scope_count(sc) + param_slot(ref.desc);
}

const struct param_inst *control_inst(const struct control *c, struct param_ref ref)
{
	return &c->inst[control_value_index(c, ref)];
}

struct param_ref control_send_ref(const struct control *c, const struct param_desc *d, int ch,
				  int bus)
{
	return (struct param_ref){ .desc = d, .index = setup_send_instance(c->setup, ch, bus) };
}

bool control_has(const struct control *c, struct param_ref ref)
{
	return control_inst(c, ref)->is_present;
}

bool control_store(struct control *c, int i, float value, int origin)
{
	if (c->values[i] == value)
		return false;
	c->values[i] = value;
	c->n_changes++;
	/* Two clients moving one control in one tick: the last mover is spared, not the first. */
	if (!c->is_dirty[i])
		c->n_dirty++;
	c->is_dirty[i] = 1;
	c->origin[i] = (int16_t)origin;
	return true;
}

int control_set_values(struct control *c, const struct setup_values *v, int origin)
{
	const char *reason;
	uint64_t before = c->n_changes;
	/* Each member is where the scene puts it: gang offsets start again from here. */
	memset(c->link_excess, 0, sizeof(float) * (size_t)c->n_values);
	publish_batch_begin(&c->publish);
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++) {
		int n_rows = params_scope_count(sc);
		for (int index = 0; index < v->n_instances[sc]; index++) {
			int first = c->first_value[sc] + index * n_rows;
			const float *from = setup_values_at(v, sc, index);
			bool is_touched = false;
			for (int slot = 0; slot < n_rows; slot++)
				if (param_check(c->inst[first + slot].desc, from[slot], &reason) &&
				    control_store(c, first + slot, from[slot], origin)) {
					c->is_fading[first + slot] = 0;
					is_touched = true;
				}
			if (is_touched)
				publish_write_block(&c->publish, c->first_block[sc] + index,
						    c->values + first);
		}
	}
	publish_batch_end(&c->publish);
	return (int)(c->n_changes - before);
}

void control_get_values(const struct control *c, struct setup_values *v)
{
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++)
		memcpy(v->values[sc], c->values + c->first_value[sc],
		       sizeof(float) * (size_t)v->n_instances[sc] * (size_t)params_scope_count(sc));
}

float control_get(const struct control *c, struct param_ref ref)
{
	return c->values[control_value_index(c, ref)];
}

int control_set(struct control *c, struct param_ref ref, float value, int origin,
		const char **reason)
{
	if (!param_check(ref.desc, value, reason))
		return -1;
	int i = control_value_index(c, ref);
	float old = c->values[i];
	c->link_excess[i] = 0.0f;   /* put here by hand: no hidden offset ... */
	c->is_fading[i] = 0;        /* ... and out of any recall fade */
	if (!control_store(c, i, value, origin))
		return 0;
	if (!link_is_carried(c, i)) {
		publish_write(&c->publish, c->inst[i].block, c->inst[i].slot, value);
		return 0;
	}
	/* One batch: the member and its partners start moving in the same period. */
	publish_batch_begin(&c->publish);
	publish_write(&c->publish, c->inst[i].block, c->inst[i].slot, value);
	link_follow(c, i, old, value);
	publish_batch_end(&c->publish);
	return 0;
}

void control_publish_all(struct control *c)
{
	publish_batch_begin(&c->publish);
	for (int b = 0; b < c->n_blocks; b++)
		publish_write_block(&c->publish, b, c->values + c->block_offset[b]);
	publish_batch_end(&c->publish);
}

struct param_ref control_ref_at(const struct control *c, int i)
{
	return (struct param_ref){ .desc = c->inst[i].desc, .index = c->inst[i].index };
}

void control_clear_dirty(struct control *c)
{
	if (c->n_dirty)
		memset(c->is_dirty, 0, (size_t)c->n_values);
	c->n_dirty = 0;
}
