/*
 * paramdoc.c - troff tables from params_table; see paramdoc.h.
 */
#include "daemon/paramdoc.h"

#include "daemon/params.h"

static const char *taper_name(enum param_taper t)
{
	switch (t) {
	case TAPER_FADER:
		return "fader";
	case TAPER_LOG:
		return "log";
	case TAPER_LINEAR:
	default:
		return "linear";
	}
}

static const char *type_name(const struct param_desc *d, enum paramdoc_kind kind)
{
	switch (d->type) {
	case PARAM_BOOL:
		return kind == PARAMDOC_OSC ? "f i T F" : "true|false";
	case PARAM_ENUM:
		return kind == PARAMDOC_OSC ? "i s" : "string|int";
	case PARAM_FLOAT:
	default:
		return kind == PARAMDOC_OSC ? "f i d" : "number";
	}
}

/* troff needs the minus sign spelled \- to print a real minus. */
static void put_number(FILE *f, float v)
{
	if (v < 0.0f)
		fprintf(f, "\\-%g", -(double)v);
	else
		fprintf(f, "%g", (double)v);
}

static void put_range(FILE *f, const struct param_desc *d)
{
	if (d->type == PARAM_BOOL) {
		fputs("0 | 1", f);
		return;
	}
	if (d->type == PARAM_ENUM) {
		for (int i = 0; d->choices && d->choices[i]; i++)
			fprintf(f, "%s%s", i ? " | " : "", d->choices[i]);
		return;
	}
	put_number(f, d->min);
	fputs(" .. ", f);
	put_number(f, d->max);
	if (*d->unit)
		fprintf(f, " %s", d->unit);
}

static void put_default(FILE *f, const struct param_desc *d)
{
	if (d->type == PARAM_BOOL)
		fputs(d->def != 0.0f ? "1" : "0", f);
	else if (d->type == PARAM_ENUM && d->choices)
		fputs(d->choices[(int)d->def], f);
	else
		put_number(f, d->def);
}

static const char *scope_prefix(enum param_scope scope, enum paramdoc_kind kind)
{
	bool is_osc = kind == PARAMDOC_OSC;
	switch (scope) {
	case PARAM_CHANNEL:
		return is_osc ? "/ch/N/" : "channels.[i].";
	case PARAM_SEND:
		return is_osc ? "/ch/N/send/K/" : "channels.[i].send.BUS.";
	case PARAM_AUX:
		return is_osc ? "/aux/K/" : "aux.[k].";
	case PARAM_DCA:
		return is_osc ? "/dca/K/" : "groups.dca.[k].";
	case PARAM_MGRP:
		return is_osc ? "/mgrp/K/" : "groups.mute.[k].";
	case PARAM_LINK:
		return is_osc ? "/link/K/" : "groups.link.[k].";
	case PARAM_SAFE:
		return is_osc ? "/safe/" : "safe.";
	case PARAM_MASTER:
	default:
		return is_osc ? "/master/" : "master.";
	}
}

static const char *scope_title(enum param_scope scope)
{
	static const char *const titles[PARAM_N_SCOPES] = {
		[PARAM_CHANNEL] = "Channel", [PARAM_MASTER] = "Master", [PARAM_SEND] = "Send",
		[PARAM_AUX] = "Aux bus", [PARAM_DCA] = "DCA group",
		[PARAM_MGRP] = "Mute group", [PARAM_LINK] = "Link group",
		[PARAM_SAFE] = "Section safe",
	};
	return titles[scope];
}

static void scope_table(FILE *f, enum param_scope scope, enum paramdoc_kind kind)
{
	const char *prefix = scope_prefix(scope, kind);
	fputs(".TS\ntab(;) allbox;\nlb lb lb lb lb\nl l l l lx.\n", f);
	fprintf(f, "%s;Type;Range;Default;%s\n", kind == PARAMDOC_OSC ? "Address" : "Key",
		kind == PARAMDOC_OSC ? "Taper / meaning" : "Meaning");
	for (int slot = 0; slot < params_scope_count(scope); slot++) {
		const struct param_desc *d = params_at(scope, slot);
		fprintf(f, "%s%s;%s;", prefix, kind == PARAMDOC_OSC ? d->path : d->key,
			type_name(d, kind));
		put_range(f, d);
		fputc(';', f);
		put_default(f, d);
		fputs(";T{\n", f);
		if (kind == PARAMDOC_OSC && d->type == PARAM_FLOAT)
			fprintf(f, "/norm: %s. ", taper_name(d->taper));
		fprintf(f, "%s\nT}\n", d->doc);
	}
	fputs(".TE\n", f);
}

void paramdoc_write(FILE *f, enum paramdoc_kind kind)
{
	for (int scope = 0; scope < PARAM_N_SCOPES; scope++) {
		fprintf(f, ".SS %s parameters\n", scope_title((enum param_scope)scope));
		scope_table(f, (enum param_scope)scope, kind);
	}
}
