/*
 * x32_doc.c - see x32_doc.h.
 */
#include "osc/x32_doc.h"

#include "osc/x32_map.h"

static const char *const prefix[PARAM_N_SCOPES][X32_N_PROFILES] = {
	[PARAM_CHANNEL] = { "/ch/NN/", "/ch/NN/" },
	[PARAM_MASTER] = { "/main/st/", "/lr/" },
	[PARAM_SEND] = { "/ch/NN/mix/MM/", "/ch/NN/mix/MM/" },
	[PARAM_AUX] = { "/bus/NN/", "/bus/N/" },
	[PARAM_DCA] = { "/dca/N/", "/dca/N/" },
	[PARAM_MGRP] = { "/config/", "/config/" },   /* then mute/N */
};

static const char *const native_prefix[PARAM_N_SCOPES] = {
	[PARAM_CHANNEL] = "/ch/N/", [PARAM_MASTER] = "/master/",
	[PARAM_SEND] = "/ch/N/send/M/", [PARAM_AUX] = "/aux/N/",
	[PARAM_DCA] = "/dca/N/", [PARAM_MGRP] = "/mgrp/N/",
};

static void write_law(FILE *f, const struct x32_law *l)
{
	switch (l->kind) {
	case X32_LEVEL:
		fprintf(f, "fader law, %d steps", l->n);
		break;
	case X32_LINF:
		fprintf(f, "linear %g .. %g, %d steps", (double)l->lo, (double)l->hi, l->n);
		break;
	case X32_LOGF:
		fprintf(f, "log %g .. %g, %d steps", (double)l->lo, (double)l->hi, l->n);
		break;
	case X32_BOOL:
		fprintf(f, "int 0 | 1");
		break;
	case X32_BOOL_NOT:
		fprintf(f, "int 1 = on (not muted)");
		break;
	case X32_BIT:
		fprintf(f, "bit %d of the int bitmap", (int)l->lo);
		break;
	case X32_TABLE:
		fprintf(f, "int 0..%d: the console's enum, nearest entry", l->n - 1);
		break;
	}
}

static void write_leaf(FILE *f, const struct x32_row *r, enum x32_profile p)
{
	if (r->leaf[p] && x32_row_is_stat(r))
		fprintf(f, "/%s/NN", r->leaf[p]);
	else if (r->leaf[p] && r->scope == PARAM_MGRP)
		fprintf(f, "%s%s/N", prefix[r->scope][p], r->leaf[p]);
	else if (r->leaf[p])
		fprintf(f, "%s%s", prefix[r->scope][p], r->leaf[p]);
	else
		fprintf(f, "\\(em");
}

void x32_doc_write(FILE *f)
{
	fprintf(f, ".TS\ntab(;) allbox;\nlb lb lb lb\nl l l l.\n");
	fprintf(f, "X32 address;X Air address;jmixd address;Wire law\n");
	for (int i = 0; i < x32_n_rows; i++) {
		const struct x32_row *r = &x32_rows[i];
		write_leaf(f, r, X32_PROFILE_X32);
		fputc(';', f);
		write_leaf(f, r, X32_PROFILE_XAIR);
		fprintf(f, ";%s%s;", native_prefix[r->scope], r->row);
		write_law(f, &r->law);
		fputc('\n', f);
	}
	fprintf(f, ".TE\n");
}
