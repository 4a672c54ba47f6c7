/*
 * x32_tree.h - the X32 console's node tree: every node address ("/ch/01/mix"), its fields in
 * order, and how each field travels as a leaf (tag, law) and as node text ("ON -oo ON +0").
 *
 * What it is for: "/node ,s ch/01/mix" answers one line with all of a node's fields, "/ ,s
 * <text>" sets them from the same text, and a get of any leaf of the tree (a Mixing Station
 * sync asks for every one) has an answer with the canonical tag. The shapes are the
 * console's, firmware 4.06 (the Unofficial X32/M32 OSC Remote Protocol, Maillot, p.20-88 and
 * its node pages p.81-88; research/x32.md 5.1 and 5.2), and match the npm x32-osc client's
 * definitions of the same firmware, which walks the whole tree and checks every node's field
 * count (tests/integration/x32_osc_ready.js).
 *
 * The table (x32_tree.c) gives nodes as patterns: "/ch/##/mix/##" with a number range per
 * "#" group (digits as written, zero-padded), an optional parity of the last number (a send
 * pair's odd node has pan and type, the even one does not), and a field list in a small
 * text form, "name:type=default". The patterns are expanded once into a hash index of
 * concrete node addresses, so a lookup is a hash probe, not a scan.
 *
 * FX parameters (/fx/N/par, 64 fields) travel as the raw wire float; their text form is that
 * float, not the per-effect unit the console prints. Routing blocks, sources and user routing
 * are ints in text as on the wire, not the console's block names.
 *
 * Control thread only (the index is built on first use).
 */
#ifndef JMIXD_OSC_X32_TREE_H
#define JMIXD_OSC_X32_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "osc/x32_law.h"

#define X32_TEXT_MAX 64   /* one field's text; names are at most 12 characters */

enum x32_ftype_kind {
	X32_FT_ENUM,     /* int 0..n-1; text: its name */
	X32_FT_STRING,   /* string; text: double-quoted */
	X32_FT_LAW,      /* float 0..1 by a law (level, linf, logf); text in user units */
	X32_FT_BITMAP,   /* int; text: '%' and the bits, most significant first */
	X32_FT_INT,      /* int 0..max; text: the number */
	X32_FT_RAW,      /* float 0..1; text: the float (FX parameters) */
};

struct x32_ftype {
	const char *name;              /* as the table's field lists spell it */
	enum x32_ftype_kind kind;
	struct x32_law law;            /* X32_FT_LAW */
	const char *const *names;      /* X32_FT_ENUM */
	int n;                         /* enum names, bitmap bits, int max */
	signed char decimals;          /* X32_FT_LAW text */
	signed char max_digits;        /* 0: no limit; else fewer decimals for large values */
	bool is_plus;                  /* "+0.0": signed ranges print the sign */
	bool is_freq;                  /* 1000 and up as "1k02" */
};

struct x32_node;

/* The node at an address ("/ch/01/mix"; the leading '/' is optional), or NULL. */
const struct x32_node *x32_tree_node(const char *address);

/* Field k (0-based) of a node: its name into name[], its type and default wire value (the
 * tree's strings are all empty by default). False past the last field. */
bool x32_tree_field(const struct x32_node *n, int k, char *name, size_t name_size,
		    const struct x32_ftype **type, float *def);

/* A leaf of the tree ("/ch/01/mix/mono"): its field type and default; false if none. */
bool x32_tree_leaf(const char *path, const struct x32_ftype **type, float *def);

/* The wire tag of a field type: 'f', 'i' or 's'. */
char x32_ftype_tag(const struct x32_ftype *t);

/* Node text of a wire value (f for 'f'/'i', s for 's'). */
void x32_ftype_format(const struct x32_ftype *t, float f, const char *s, char *out,
		      size_t size);

/* Wire value of node text; false when the text is not a value of the type. Strings go to s
 * (at most s_size - 1 characters). */
bool x32_ftype_parse(const struct x32_ftype *t, const char *text, float *f, char *s,
		     size_t s_size);

/* Every node address in table order, for tests and sweeps: calls fn for each. */
void x32_tree_each_node(void (*fn)(const char *address, void *ctx), void *ctx);

#endif
