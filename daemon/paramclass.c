/*
 * paramclass.c - see paramclass.h.
 */
#include "daemon/paramclass.h"

#include <string.h>

/* Indexed like params_table; filled by classify_all when the program loads. */
static unsigned char class_of_row[256];

static const char *const words[PCLASS_N] = {
	[PCLASS_FADER] = "faders", [PCLASS_MUTE] = "mutes", [PCLASS_SOLO] = "solo",
	[PCLASS_PAN] = "pan", [PCLASS_INPUT] = "input", [PCLASS_HPF] = "hpf",
	[PCLASS_GATE] = "gate", [PCLASS_EQ] = "eq", [PCLASS_DYN] = "dyn",
	[PCLASS_SENDS] = "sends", [PCLASS_FX] = "fx", [PCLASS_ASSIGN] = "assign",
	[PCLASS_SAFE] = NULL,
};

static bool starts(const char *path, const char *prefix)
{
	return strncmp(path, prefix, strlen(prefix)) == 0;
}

/* By scope first, then by the row's path: the table's own naming is the classification. */
static enum param_class classify(const struct param_desc *d)
{
	const char *p = d->path;
	if (d->is_state_only)
		return PCLASS_SAFE;
	if (d->scope == PARAM_SEND)
		return PCLASS_SENDS;
	if (d->scope == PARAM_LINK || starts(p, "dca/") || starts(p, "mgrp/") ||
	    strcmp(p, "link") == 0)
		return PCLASS_ASSIGN;
	if (strcmp(p, "fader") == 0)
		return PCLASS_FADER;
	if (strcmp(p, "mute") == 0 || d->scope == PARAM_MGRP)
		return PCLASS_MUTE;
	if (strcmp(p, "solo") == 0)
		return PCLASS_SOLO;
	if (strcmp(p, "pan") == 0)
		return PCLASS_PAN;
	if (d->scope == PARAM_AUX)
		return PCLASS_FX;   /* what is left of a bus: its reverb or delay */
	if (strcmp(p, "trim") == 0 || strcmp(p, "polarity") == 0 || starts(p, "delay/"))
		return PCLASS_INPUT;
	if (starts(p, "hpf/"))
		return PCLASS_HPF;
	if (starts(p, "gate/"))
		return PCLASS_GATE;
	if (starts(p, "eq/"))
		return PCLASS_EQ;
	return PCLASS_DYN;   /* comp/..., limiter/... */
}

_Static_assert(PCLASS_N < 256, "a class fits a byte");

__attribute__((constructor)) static void classify_all(void)
{
	for (int i = 0; i < params_count && i < (int)sizeof class_of_row; i++)
		class_of_row[i] = (unsigned char)classify(&params_table[i]);
}

enum param_class param_class_of(const struct param_desc *d)
{
	return (enum param_class)class_of_row[d - params_table];
}

const char *param_class_word(enum param_class cls)
{
	return cls >= 0 && cls < PCLASS_N ? words[cls] : NULL;
}

int param_class_find(const char *word)
{
	for (int i = 0; i < PCLASS_N; i++)
		if (words[i] && strcmp(words[i], word) == 0)
			return i;
	return -1;
}
