/*
 * paramclass.h - what kind of control a parameter row is: a fader, a mute, an EQ setting, a
 * send, ... The one classification that channel links (what a link carries), recall safes
 * (what a section safe protects) and recall scopes (what a scoped recall touches) share, so
 * that "eq" means the same rows in /link/K/eq, /safe/eq and /snapshot/load ss NAME eq.
 *
 * Built once from the table when the program loads (an array read, no string compare).
 */
#ifndef JMIXD_PARAMCLASS_H
#define JMIXD_PARAMCLASS_H

#include "daemon/params.h"

enum param_class {
	PCLASS_FADER,    /* fader of a channel, bus, DCA or the master */
	PCLASS_MUTE,     /* mute switches, a mute group's switch */
	PCLASS_SOLO,
	PCLASS_PAN,
	PCLASS_INPUT,    /* trim, polarity, input delay */
	PCLASS_HPF,
	PCLASS_GATE,
	PCLASS_EQ,       /* channel and master EQ */
	PCLASS_DYN,      /* compressors and the limiter */
	PCLASS_SENDS,    /* every row of a send */
	PCLASS_FX,       /* an effect bus's reverb or delay settings */
	PCLASS_ASSIGN,   /* DCA, mute group and link membership; what a link carries */
	PCLASS_SAFE,     /* the safes themselves */
	PCLASS_N,
};

enum param_class param_class_of(const struct param_desc *d);

/* Its word in recall scopes and /safe/<word> ("faders", "eq", ...); NULL for PCLASS_SAFE. */
const char *param_class_word(enum param_class cls);

/* The class a scope word names, or -1. */
int param_class_find(const char *word);

#endif
