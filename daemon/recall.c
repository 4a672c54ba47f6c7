/*
 * recall.c - see recall.h.
 */
#include "daemon/recall.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const section_words[RECALL_N_SECTIONS] = {
	[RECALL_CHANNELS] = "channels", [RECALL_AUX] = "aux", [RECALL_GROUPS] = "groups",
	[RECALL_MASTER] = "master",
};

/* The section of a scope; -1 for the safes, which no recall touches. */
static int section_of(enum param_scope scope)
{
	switch (scope) {
	case PARAM_CHANNEL:
	case PARAM_SEND:
		return RECALL_CHANNELS;
	case PARAM_AUX:
		return RECALL_AUX;
	case PARAM_DCA:
	case PARAM_MGRP:
	case PARAM_LINK:
		return RECALL_GROUPS;
	case PARAM_MASTER:
		return RECALL_MASTER;
	default:
		return -1;
	}
}

/* "3" or "1-8" (1-based, inclusive): channels; false when the word is not of that form. */
static bool parse_range(const struct control *c, const char *word, int *lo, int *hi)
{
	char *end;
	if (*word < '0' || *word > '9')
		return false;
	long a = strtol(word, &end, 10), b = a;
	if (*end == '-') {
		const char *second = end + 1;
		if (*second < '0' || *second > '9')
			return false;
		b = strtol(second, &end, 10);
	}
	if (*end != '\0' || a < 1 || b < a || b > c->n_channels)
		return false;
	*lo = (int)a - 1;
	*hi = (int)b - 1;
	return true;
}

static int scope_word(const struct control *c, const char *word, struct recall_scope *s)
{
	int cls = param_class_find(word);
	if (cls >= 0) {
		s->has_classes = s->is_class[cls] = true;
		return 0;
	}
	for (int k = 0; k < RECALL_N_SECTIONS; k++)
		if (strcmp(section_words[k], word) == 0) {
			s->has_owners = s->is_section[k] = true;
			return 0;
		}
	int lo, hi;
	if (!parse_range(c, word, &lo, &hi)) {
		lo = hi = control_find_channel(c, word);
		if (lo < 0)
			return -1;
	}
	for (int ch = lo; ch <= hi; ch++)
		s->is_channel[ch] = true;
	s->has_owners = true;
	return 0;
}

int recall_scope_parse(const struct control *c, const char *text, struct recall_scope *s,
		       char *err, int size)
{
	char buf[512];
	*s = (struct recall_scope){ 0 };
	if (strlen(text) >= sizeof buf) {
		snprintf(err, (size_t)size, "scope too long");
		return -1;
	}
	strcpy(buf, text);
	int n_words = 0;
	for (char *save, *w = strtok_r(buf, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		if (scope_word(c, w, s) < 0) {
			snprintf(err, (size_t)size, "scope: '%s' is no class (faders, mutes, solo, pan, "
				 "input, hpf, gate, eq, dyn, sends, fx, assign), section (channels, aux, "
				 "groups, master) or channel (3, 1-8, a name)", w);
			return -1;
		}
		n_words++;
	}
	if (n_words == 0) {
		snprintf(err, (size_t)size, "scope is empty");
		return -1;
	}
	return 0;
}

/* The safe rows, found on first use (link.c says why not in a constructor). */
static const struct param_desc *class_safe[PCLASS_N], *section_safe[RECALL_N_SECTIONS];
static const struct param_desc *channel_safe, *bus_safe;

static void find_safes(void)
{
	if (channel_safe)
		return;
	for (int k = 0; k < PCLASS_N; k++)
		class_safe[k] = param_class_word(k) ? params_find_path(PARAM_SAFE, param_class_word(k))
						    : NULL;
	for (int k = 0; k < RECALL_N_SECTIONS; k++)
		section_safe[k] = params_find_path(PARAM_SAFE, section_words[k]);
	channel_safe = params_find_path(PARAM_CHANNEL, "safe");
	bus_safe = params_find_path(PARAM_AUX, "safe");
}

static bool safe_on(const struct control *c, const struct param_desc *d)
{
	return d && control_get(c, (struct param_ref){ d, 0 }) >= 0.5f;
}

/* The value of an owner's own safe row (channel or bus), when it has one. */
static bool owner_safe(const struct control *c, enum param_scope scope, int owner)
{
	if (scope == PARAM_CHANNEL || scope == PARAM_SEND)
		return control_get(c, (struct param_ref){ channel_safe, owner }) >= 0.5f;
	if (scope == PARAM_AUX)
		return control_get(c, (struct param_ref){ bus_safe, owner }) >= 0.5f;
	return false;
}

bool recall_touches(const struct control *c, const struct recall_scope *s, int i)
{
	const struct param_inst *pi = &c->inst[i];
	find_safes();
	enum param_class cls = param_class_of(pi->desc);
	int section = section_of(pi->desc->scope);
	if (cls == PCLASS_SAFE || section < 0)
		return false;
	bool is_channel_owned = section == RECALL_CHANNELS;
	if (s && s->has_classes && !s->is_class[cls])
		return false;
	if (s && s->has_owners && !s->is_section[section] &&
	    !(is_channel_owned && s->is_channel[pi->owner]))
		return false;
	return !safe_on(c, class_safe[cls]) && !safe_on(c, section_safe[section]) &&
	       !owner_safe(c, pi->desc->scope, pi->owner);
}

/* Levels glide in a fade; everything else changes at its start. */
static bool is_fading_row(const struct param_desc *d)
{
	return d->type == PARAM_FLOAT && (strcmp(d->unit, "dB") == 0 || strcmp(d->path, "pan") == 0);
}

float recall_fade_at(float from, float to, double t)
{
	if (t >= 1.0)
		return to;
	if (t <= 0.0)
		return from;
	return (float)((double)from + ((double)to - (double)from) * t);
}

static void fade_stop(struct recall_fade *f, struct control *c)
{
	for (int k = 0; k < f->n; k++)
		c->is_fading[f->index[k]] = 0;
	f->n = 0;
}

static int fade_reserve(struct recall_fade *f, int n)
{
	if (f->cap >= n)
		return 0;
	int *index = realloc(f->index, sizeof(int) * (size_t)n);
	if (index)
		f->index = index;
	float *from = realloc(f->from, sizeof(float) * (size_t)n);
	if (from)
		f->from = from;
	float *to = realloc(f->to, sizeof(float) * (size_t)n);
	if (to)
		f->to = to;
	if (!index || !from || !to)
		return -ENOMEM;
	f->cap = n;
	return 0;
}

/* The value of v at value index i of c (the two share the scope-by-scope layout). */
static float *scene_value(const struct control *c, struct setup_values *v, int i)
{
	enum param_scope sc = c->inst[i].desc->scope;
	return &v->values[sc][i - c->first_value[sc]];
}

int recall_apply(struct control *c, struct recall_fade *f, const struct recall_scope *s,
		 struct setup_values *v, float fade_s, int64_t now_ms)
{
	bool is_fade = fade_s > 0.0f;
	if (is_fade && fade_reserve(f, c->n_values) < 0)
		return -ENOMEM;
	fade_stop(f, c);   /* a fade under way stays where it is: the new one starts from there */
	for (int i = 0; i < c->n_values; i++) {
		float *to = scene_value(c, v, i);
		if (!recall_touches(c, s, i)) {
			*to = c->values[i];
			continue;
		}
		if (is_fade && *to != c->values[i] && is_fading_row(c->inst[i].desc)) {
			f->index[f->n] = i;
			f->from[f->n] = c->values[i];
			f->to[f->n] = *to;
			f->n++;
			*to = c->values[i];   /* it glides from here instead of jumping */
		}
	}
	int n = control_set_values(c, v, ORIGIN_NONE);
	for (int k = 0; k < f->n; k++)
		c->is_fading[f->index[k]] = 1;
	f->start_ms = now_ms;
	/* At least 1 ms: a fade of 0.0001 s lands on the first tick, never divides by 0. */
	f->duration_ms = (int64_t)llround((double)fade_s * 1000.0);
	if (f->duration_ms < 1)
		f->duration_ms = 1;
	return n;
}

void recall_fade_tick(struct recall_fade *f, struct control *c, int64_t now_ms)
{
	if (f->n == 0)
		return;
	double t = (double)(now_ms - f->start_ms) / (double)f->duration_ms;
	publish_batch_begin(&c->publish);
	for (int k = 0; k < f->n; k++) {
		int i = f->index[k];
		float value = recall_fade_at(f->from[k], f->to[k], t);
		if (c->is_fading[i] && control_store(c, i, value, ORIGIN_NONE))
			publish_write(&c->publish, c->inst[i].block, c->inst[i].slot, value);
	}
	publish_batch_end(&c->publish);
	if (t >= 1.0)
		fade_stop(f, c);
}

void recall_fade_free(struct recall_fade *f)
{
	free(f->index);
	free(f->from);
	free(f->to);
	*f = (struct recall_fade){ 0 };
}
