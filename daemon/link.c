/*
 * link.c - see link.h.
 */
#include "daemon/link.h"

#include "daemon/paramclass.h"

/* The /link/K row that carries each class (NULL: a link never carries it, e.g. pan). */
static const char *const carry_path[PCLASS_N] = {
	[PCLASS_FADER] = "fader", [PCLASS_MUTE] = "mute", [PCLASS_SOLO] = "solo",
	[PCLASS_INPUT] = "input", [PCLASS_HPF] = "hpf", [PCLASS_GATE] = "gate",
	[PCLASS_EQ] = "eq", [PCLASS_DYN] = "dyn", [PCLASS_SENDS] = "sends",
};

static const struct param_desc *carry_row[PCLASS_N];
static const struct param_desc *link_row;   /* the channel's /ch/N/link */

/*
 * Found on first use, not in a constructor: the table's index (params.c) is built by one, and
 * constructors of different files run in no promised order (UBSan caught the NULL).
 */
static void find_rows(void)
{
	if (link_row)
		return;
	for (int k = 0; k < PCLASS_N; k++)
		carry_row[k] = carry_path[k] ? params_find_path(PARAM_LINK, carry_path[k]) : NULL;
	link_row = params_find_path(PARAM_CHANNEL, "link");
}

/* The link group (0-based) of channel ch, -1 when it is in none. */
static int group_of(const struct control *c, int ch)
{
	find_rows();
	return (int)control_get(c, (struct param_ref){ link_row, ch }) - 1;
}

/* The channel a value belongs to (a channel's row or one of its sends), or -1. */
static int channel_of(const struct control *c, int i)
{
	enum param_scope sc = c->inst[i].desc->scope;
	return sc == PARAM_CHANNEL || sc == PARAM_SEND ? c->inst[i].owner : -1;
}

bool link_is_carried(const struct control *c, int i)
{
	int ch = channel_of(c, i);
	if (ch < 0)
		return false;
	int group = group_of(c, ch);   /* finds the rows */
	const struct param_desc *carry = carry_row[param_class_of(c->inst[i].desc)];
	return group >= 0 && carry && control_get(c, (struct param_ref){ carry, group }) >= 0.5f;
}

float link_relative(float value, float *excess, float delta, float min, float max)
{
	float wanted = value + *excess + delta;
	float v = wanted < min ? min : (wanted > max ? max : wanted);
	*excess = wanted - v;
	return v;
}

int link_follow(struct control *c, int i, float old, float new_value)
{
	if (!link_is_carried(c, i))
		return 0;
	const struct param_inst *pi = &c->inst[i];
	const struct param_desc *d = pi->desc;
	int ch = channel_of(c, i), group = group_of(c, ch), n = 0;
	/* Faders and send levels (the rows on the fader law) move by dB; the rest is copied. */
	bool is_relative = d->taper == TAPER_FADER;
	for (int p = 0; p < c->n_channels; p++) {
		if (p == ch || group_of(c, p) != group)
			continue;
		struct param_ref ref = d->scope == PARAM_SEND ? control_send_ref(c, d, p, pi->bus)
							      : (struct param_ref){ d, p };
		int j = control_value_index(c, ref);
		float v = new_value;
		if (is_relative)
			v = link_relative(c->values[j], &c->link_excess[j], new_value - old, d->min,
					  d->max);
		c->is_fading[j] = 0;   /* moved with its partner, it leaves any recall fade */
		if (control_store(c, j, v, ORIGIN_NONE)) {
			publish_write(&c->publish, c->inst[j].block, c->inst[j].slot, v);
			n++;
		}
	}
	return n;
}
