/*
 * test_touchosc.c - the TouchOSC layouts (daemon/touchosc.c, touchosc_mk1.c, archive.c),
 * checked against the format documents with independent readers: zlib inflates the .tosc
 * and computes the reference Adler-32 and CRC-32, libxml2 parses both XML documents (test
 * references only, like libebur128 for the loudness meter: only this test links them).
 *
 *   .tosc  (py2tosc docs/guide/format.md, research/next-features.md 1.3): zlib header, one
 *          lexml version 6 with exactly one root GROUP holding <includes>; unique UUID IDs;
 *          children only under GROUP and PAGER, the PAGER not the root; every property of
 *          the type the editor writes for its key, on a node type that has it, sorted by
 *          key; values 0/1 for b, whole for i, 0..1 for colours; x and touch on FADER,
 *          RADIAL, BUTTON, text on LABEL; defaults of touch spelled true/false; labels and
 *          groups not interactive; each OSC message with a 10-character connections, one
 *          CONSTANT path and one VALUE argument; the root script renews /subscribe/floats.
 *   .touchosc (research 1.2, perl-TouchOSC): a zip with exactly one stored entry index.xml
 *          whose CRC-32 matches, layout version 17 mode 3, base64 names and osc_cs, every
 *          toggle with local_off="false", scalef and scalet numbers.
 *
 * Every address in every layout must parse as the daemon parses it (osc/address.h). Golden
 * files pin the bytes for a small config, and the layouts of configs/default.cfg in
 * configs/touchosc/ must be what the generator writes today (`make layouts` rewrites them).
 * Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "daemon/archive.h"
#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/layout.h"
#include "osc/address.h"
#include "tests/unit/unit_util.h"

#define DEFAULT_CFG "configs/default.cfg"
#define SMALL_CFG "tests/fixtures/good-aux.cfg"   /* vox, gtr; rev, dly, iem1, wedge */

/* ---- generating ---- */

struct blob {
	unsigned char *data;
	size_t n;
};

static struct blob generate(const struct setup *setup, enum layout_kind kind,
			    enum surface_size size, int bus)
{
	struct blob b = { 0 };
	FILE *mem = open_memstream((char **)&b.data, &b.n);
	assert_non_null(mem);
	struct layout_options o = { .size = size, .monitor_bus = bus };
	assert_int_equal(layout_write(mem, kind, setup, &o), 0);
	fclose(mem);
	return b;
}

static struct blob read_file(const char *path)
{
	struct blob b = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return b;
	FILE *mem = open_memstream((char **)&b.data, &b.n);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, mem);
	fclose(f);
	fclose(mem);
	return b;
}

static void load(const char *path, struct setup *setup, struct control *control)
{
	char err[1024];
	if (config_load(path, setup, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(control_init(control, setup), 0);
}

static void unload(struct setup *setup, struct control *control)
{
	control_free(control);
	config_free(setup);
}

/* ---- the containers ---- */

static void test_checksums_match_zlib(void **state)
{
	(void)state;
	static unsigned char buf[70000];
	static const size_t sizes[] = { 0, 1, 3, 5551, 5552, 5553, 65536, 70000 };
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof buf; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k];
		assert_int_equal(archive_adler32(buf, n), (uint32_t)adler32(1L, buf, (uInt)n));
		assert_int_equal(archive_crc32(buf, n), (uint32_t)crc32(0L, buf, (uInt)n));
	}
	memset(buf, 0xff, sizeof buf);   /* the sums' worst case for overflow */
	assert_int_equal(archive_adler32(buf, sizeof buf), (uint32_t)adler32(1L, buf, sizeof buf));
}

/* zlib inflates what archive_write_zlib_stored wrote, checking the Adler-32 as it goes. */
static unsigned char *inflate_all(const struct blob *z, size_t *n_out)
{
	size_t cap = z->n + 16;   /* stored blocks: the data is never larger than the stream */
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	uLongf n = (uLongf)cap;
	int rc = uncompress(out, &n, z->data, (uLong)z->n);
	if (rc != Z_OK)
		fail_msg("zlib cannot inflate the layout: %d", rc);
	*n_out = n;
	return out;
}

static void test_zlib_stored_round_trips(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 65535, 65536, 200001 };
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k];
		unsigned char *data = malloc(n + 1);
		for (size_t i = 0; i < n; i++)
			data[i] = (unsigned char)(i * 7 + i / 251);
		struct blob z = { 0 };
		FILE *mem = open_memstream((char **)&z.data, &z.n);
		assert_int_equal(archive_write_zlib_stored(mem, data, n), 0);
		fclose(mem);
		assert_int_equal(z.data[0], 0x78);
		assert_int_equal((z.data[0] << 8 | z.data[1]) % 31, 0);   /* RFC 1950 FCHECK */
		size_t got;
		unsigned char *back = inflate_all(&z, &got);
		assert_int_equal(got, n);
		assert_memory_equal(back, data, n);
		free(back);
		free(z.data);
		free(data);
	}
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/*
 * The one entry of a zip (PKWARE APPNOTE 4.3): the end of central directory names one
 * entry, the central header points at the local one, both say stored, the sizes agree and
 * zlib's CRC-32 of the data is the recorded one. Returns the entry's data.
 */
static const unsigned char *zip_entry(const struct blob *zip, const char *name, size_t *n)
{
	assert_true(zip->n >= 22);
	const unsigned char *eocd = zip->data + zip->n - 22;
	assert_int_equal(le32(eocd), 0x06054b50);
	assert_int_equal(le16(eocd + 8), 1);
	assert_int_equal(le16(eocd + 10), 1);
	uint32_t cd_size = le32(eocd + 12), cd_at = le32(eocd + 16);
	assert_int_equal(cd_at + cd_size, zip->n - 22);
	const unsigned char *cd = zip->data + cd_at;
	assert_int_equal(le32(cd), 0x02014b50);
	assert_int_equal(le16(cd + 10), 0);   /* stored */
	uint32_t crc = le32(cd + 16), size = le32(cd + 20);
	assert_int_equal(le32(cd + 24), size);
	size_t name_len = le16(cd + 28);
	assert_int_equal(name_len, strlen(name));
	assert_memory_equal(cd + 46, name, name_len);
	const unsigned char *local = zip->data + le32(cd + 42);
	assert_int_equal(le32(local), 0x04034b50);
	assert_int_equal(le16(local + 8), 0);
	assert_int_equal(le32(local + 14), crc);
	assert_int_equal(le32(local + 18), size);
	assert_int_equal(le16(local + 26), name_len);
	assert_memory_equal(local + 30, name, name_len);
	const unsigned char *data = local + 30 + name_len + le16(local + 28);
	assert_true(data + size <= cd);
	assert_int_equal((uint32_t)crc32(0L, data, size), crc);
	*n = size;
	return data;
}

/* ---- the .tosc tree ---- */

/* The type the editor writes for each property key (py2tosc defaults.py, format.md). */
static const struct {
	const char *key;
	char type;
} prop_types[] = {
	{ "background", 'b' }, { "bar", 'b' }, { "barDisplay", 'i' }, { "buttonType", 'i' },
	{ "centered", 'b' }, { "color", 'c' }, { "cornerRadius", 'f' }, { "cursor", 'b' },
	{ "cursorDisplay", 'i' }, { "font", 'i' }, { "frame", 'r' }, { "grabFocus", 'b' },
	{ "grid", 'b' }, { "gridColor", 'c' }, { "gridSteps", 'i' }, { "interactive", 'b' },
	{ "inverted", 'b' }, { "locked", 'b' }, { "name", 's' }, { "orientation", 'i' },
	{ "outline", 'b' }, { "outlineStyle", 'i' }, { "pointerPriority", 'i' },
	{ "press", 'b' }, { "release", 'b' }, { "response", 'i' }, { "responseFactor", 'i' },
	{ "script", 's' }, { "shape", 'i' }, { "tabColorOff", 'c' }, { "tabColorOn", 'c' },
	{ "tabLabel", 's' }, { "tabLabels", 'b' }, { "tabbar", 'b' }, { "tabbarDoubleTap", 'b' },
	{ "tabbarSize", 'i' }, { "textAlignH", 'i' }, { "textAlignV", 'i' }, { "textClip", 'b' },
	{ "textColor", 'c' }, { "textColorOff", 'c' }, { "textColorOn", 'c' },
	{ "textLength", 'i' }, { "textSize", 'i' }, { "textSizeOff", 'i' },
	{ "textSizeOn", 'i' }, { "valuePosition", 'b' }, { "visible", 'b' },
};

/* Keys every node carries (the common set), and those only some types may carry. */
static const char *const common_keys[] = { "background", "color", "cornerRadius", "frame",
					   "grabFocus", "interactive", "locked", "orientation",
					   "outline", "outlineStyle", "pointerPriority", "shape",
					   "visible", NULL };
static const struct {
	const char *type;
	const char *keys;   /* space-separated, each with spaces around it */
} type_keys[] = {
	{ "FADER", " bar barDisplay centered cursor cursorDisplay grid gridColor gridSteps "
		   "response responseFactor " },
	{ "RADIAL", " centered cursor cursorDisplay grid gridColor gridSteps inverted response "
		    "responseFactor " },
	{ "BUTTON", " buttonType press release valuePosition " },
	{ "LABEL", " font textAlignH textAlignV textClip textColor textLength textSize " },
	{ "GROUP", " tabColorOff tabColorOn tabLabel textColorOff textColorOn " },
	{ "PAGER", " tabLabels tabbar tabbarDoubleTap tabbarSize textSizeOff textSizeOn " },
};

static char prop_type_of(const char *key)
{
	for (size_t i = 0; i < sizeof prop_types / sizeof prop_types[0]; i++)
		if (strcmp(prop_types[i].key, key) == 0)
			return prop_types[i].type;
	return 0;
}

static bool key_allowed(const char *type, const char *key)
{
	char spaced[64];
	for (int i = 0; common_keys[i]; i++)
		if (strcmp(common_keys[i], key) == 0)
			return true;
	if (strcmp(key, "name") == 0 || strcmp(key, "script") == 0)
		return true;
	snprintf(spaced, sizeof spaced, " %s ", key);
	for (size_t i = 0; i < sizeof type_keys / sizeof type_keys[0]; i++)
		if (strcmp(type_keys[i].type, type) == 0)
			return strstr(type_keys[i].keys, spaced) != NULL;
	return false;
}

static xmlNode *child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static int n_children(const xmlNode *n, const char *name)
{
	int count = 0;
	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (!name || strcmp((const char *)c->name, name) == 0))
			count++;
	return count;
}

/* The text of an element (CDATA included); the caller frees it. */
static char *text_of(const xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = strdup(t ? (const char *)t : "");
	xmlFree(t);
	return s;
}

static bool is_number(const char *s, bool is_whole)
{
	char *end;
	if (is_whole) {
		long v = strtol(s, &end, 10);
		(void)v;
	} else {
		double v = strtod(s, &end);
		(void)v;
	}
	return end != s && *end == '\0';
}

struct tosc_stats {
	int n_nodes, n_messages, n_sending, n_pages;
	char ids[4096][40];
	bool has_script;
};

/* An address that must parse as jmixd parses it. */
static void address_resolves(const struct control *c, const char *address, const char *where)
{
	struct osc_address a;
	const char *reason = "";
	if (osc_address_parse(c, address, &a, &reason) < 0)
		fail_msg("%s: address %s: %s", where, address, reason);
}

static void check_property(const xmlNode *p, const char *node_type, const char **last_key)
{
	xmlChar *type = xmlGetProp(p, (const xmlChar *)"type");
	char *key = text_of(child(p, "key"));
	xmlNode *value = child(p, "value");
	assert_non_null(type);
	assert_non_null(value);
	if (prop_type_of(key) != type[0] || type[1])
		fail_msg("%s: property %s has type %s, the editor writes %c", node_type, key, type,
			 prop_type_of(key));
	if (!key_allowed(node_type, key))
		fail_msg("%s: property %s does not belong on this type", node_type, key);
	if (*last_key && strcmp(*last_key, key) >= 0)
		fail_msg("%s: properties not sorted: %s after %s", node_type, key, *last_key);
	char *v = text_of(value);
	switch (type[0]) {
	case 'b':
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			fail_msg("%s.%s: boolean %s", node_type, key, v);
		break;
	case 'i':
		if (!is_number(v, true))
			fail_msg("%s.%s: integer %s", node_type, key, v);
		break;
	case 'f':
		if (!is_number(v, false))
			fail_msg("%s.%s: float %s", node_type, key, v);
		break;
	case 'r':
	case 'c': {
		const char *const *parts = type[0] == 'r' ? (const char *const[]){ "x", "y", "w", "h" }
							   : (const char *const[]){ "r", "g", "b", "a" };
		assert_int_equal(n_children(value, NULL), 4);
		for (int k = 0; k < 4; k++) {
			xmlNode *e = child(value, parts[k]);
			if (!e)
				fail_msg("%s.%s: no <%s>", node_type, key, parts[k]);
			char *num = text_of(e);
			double d = strtod(num, NULL);
			if (!is_number(num, false) || (type[0] == 'c' && (d < 0.0 || d > 1.0)) ||
			    (type[0] == 'r' && k >= 2 && d <= 0.0))
				fail_msg("%s.%s.%s = %s", node_type, key, parts[k], num);
			free(num);
		}
		break;
	}
	default:
		break;
	}
	free(v);
	free((char *)*last_key);
	*last_key = key;
	xmlFree(type);
}

static const char *prop_value(const xmlNode *node, const char *key, char *buf, size_t size)
{
	xmlNode *props = child(node, "properties");
	for (xmlNode *p = props ? props->children : NULL; p; p = p->next) {
		if (p->type != XML_ELEMENT_NODE)
			continue;
		char *k = text_of(child(p, "key"));
		bool is_it = strcmp(k, key) == 0;
		free(k);
		if (is_it) {
			char *v = text_of(child(p, "value"));
			snprintf(buf, size, "%s", v);
			free(v);
			return buf;
		}
	}
	return NULL;
}

static void check_values(const xmlNode *node, const char *type)
{
	xmlNode *values = child(node, "values");
	bool has_x = false, has_touch = false, has_text = false;
	assert_non_null(values);
	for (xmlNode *v = values->children; v; v = v->next) {
		if (v->type != XML_ELEMENT_NODE)
			continue;
		static const char *const parts[] = { "key", "locked", "lockedDefaultCurrent",
						     "default", "defaultPull" };
		for (int k = 0; k < 5; k++)
			if (!child(v, parts[k]))
				fail_msg("%s: a value without <%s>", type, parts[k]);
		char *key = text_of(child(v, "key"));
		char *def = text_of(child(v, "default"));
		has_x |= strcmp(key, "x") == 0;
		has_text |= strcmp(key, "text") == 0;
		if (strcmp(key, "touch") == 0) {
			has_touch = true;
			if (strcmp(def, "true") != 0 && strcmp(def, "false") != 0)
				fail_msg("%s: touch default %s (booleans are true/false here)", type, def);
		}
		if (strcmp(key, "x") == 0 && (!is_number(def, false) || atof(def) < 0 || atof(def) > 1))
			fail_msg("%s: x default %s outside 0..1", type, def);
		free(key);
		free(def);
	}
	assert_true(has_touch);
	if (strcmp(type, "FADER") == 0 || strcmp(type, "RADIAL") == 0 || strcmp(type, "BUTTON") == 0)
		assert_true(has_x);
	if (strcmp(type, "LABEL") == 0)
		assert_true(has_text);
}

/* One OSC message: flags, 10 connection slots, a CONSTANT path, a VALUE argument. */
static void check_osc(const xmlNode *osc, const char *type, const struct control *c,
		      struct tosc_stats *st)
{
	static const char *const flags[] = { "enabled", "send", "receive", "feedback",
					     "noDuplicates", "connections", "path", "arguments" };
	for (int k = 0; k < 8; k++)
		if (!child(osc, flags[k]))
			fail_msg("%s: OSC message without <%s>", type, flags[k]);
	char *conn = text_of(child(osc, "connections"));
	assert_int_equal(strlen(conn), 10);
	assert_int_equal(strspn(conn, "01"), 10);
	free(conn);
	char *send = text_of(child(osc, "send"));
	char *feedback = text_of(child(osc, "feedback"));
	assert_string_equal(feedback, "0");   /* never send back what was received */
	bool is_send = strcmp(send, "1") == 0;
	free(send);
	free(feedback);
	if (is_send && !child(osc, "triggers"))
		fail_msg("%s: a sending message without a trigger", type);
	xmlNode *path = child(osc, "path");
	assert_int_equal(n_children(path, "partial"), 1);
	xmlNode *part = child(path, "partial");
	char *ptype = text_of(child(part, "type")), *address = text_of(child(part, "value"));
	assert_string_equal(ptype, "CONSTANT");
	address_resolves(c, address, type);
	xmlNode *args = child(osc, "arguments");
	assert_int_equal(n_children(args, "partial"), 1);
	char *atype = text_of(child(child(args, "partial"), "type"));
	assert_string_equal(atype, "VALUE");
	if (strcmp(type, "LABEL") == 0 && is_send)
		fail_msg("a LABEL sends %s", address);
	free(ptype);
	free(address);
	free(atype);
	st->n_messages++;
	st->n_sending += is_send;
}

static void check_node(const xmlNode *node, bool is_root, const struct control *c,
		       struct tosc_stats *st)
{
	xmlChar *type = xmlGetProp(node, (const xmlChar *)"type");
	xmlChar *id = xmlGetProp(node, (const xmlChar *)"ID");
	assert_non_null(type);
	assert_non_null(id);
	char buf[4096];
	unsigned a, b, cc, d;
	unsigned long long e;
	if (strlen((const char *)id) != 36 ||
	    sscanf((const char *)id, "%8x-%4x-%4x-%4x-%12llx", &a, &b, &cc, &d, &e) != 5)
		fail_msg("node ID %s is not a UUID", id);
	for (int i = 0; i < st->n_nodes && i < 4096; i++)
		if (strcmp(st->ids[i], (const char *)id) == 0)
			fail_msg("node ID %s twice", id);
	if (st->n_nodes < 4096)
		snprintf(st->ids[st->n_nodes], sizeof st->ids[0], "%s", id);
	st->n_nodes++;

	assert_int_equal(!!child(node, "includes"), is_root);
	if (is_root && strcmp((const char *)type, "GROUP") != 0)
		fail_msg("the root node is a %s, not a GROUP", type);
	xmlNode *props = child(node, "properties");
	assert_non_null(props);
	const char *last = NULL;
	for (xmlNode *p = props->children; p; p = p->next)
		if (p->type == XML_ELEMENT_NODE)
			check_property(p, (const char *)type, &last);
	free((char *)last);
	for (int k = 0; common_keys[k]; k++)
		if (!prop_value(node, common_keys[k], buf, sizeof buf))
			fail_msg("%s: no %s", type, common_keys[k]);
	if (strcmp((const char *)type, "LABEL") == 0 || strcmp((const char *)type, "GROUP") == 0)
		assert_string_equal(prop_value(node, "interactive", buf, sizeof buf), "0");
	if (is_root && prop_value(node, "script", buf, sizeof buf)) {
		ut_assert_contains(buf, "sendOSC('/subscribe/floats', 9000)");
		ut_assert_contains(buf, "getMillis()");
		st->has_script = true;
	}
	check_values(node, (const char *)type);

	xmlNode *messages = child(node, "messages");
	if (messages) {
		assert_true(n_children(messages, NULL) > 0);   /* omitted when empty */
		for (xmlNode *m = messages->children; m; m = m->next)
			if (m->type == XML_ELEMENT_NODE && strcmp((const char *)m->name, "osc") == 0)
				check_osc(m, (const char *)type, c, st);
	}
	xmlNode *children = child(node, "children");
	if (children) {
		if (strcmp((const char *)type, "GROUP") != 0 && strcmp((const char *)type, "PAGER") != 0)
			fail_msg("a %s has children", type);
		assert_true(n_children(children, NULL) > 0);
		if (strcmp((const char *)type, "PAGER") == 0)
			st->n_pages += n_children(children, "node");
		for (xmlNode *k = children->children; k; k = k->next)
			if (k->type == XML_ELEMENT_NODE)
				check_node(k, false, c, st);
	}
	if (is_root && strcmp((const char *)type, "PAGER") == 0)
		fail_msg("a PAGER must not be the root");
	xmlFree(type);
	xmlFree(id);
}

/* Check a .tosc from the format document's rules; returns its number of pages. */
static int check_tosc(const struct blob *file, const struct control *c)
{
	static struct tosc_stats st;
	memset(&st, 0, sizeof st);
	assert_int_equal(file->data[0], 0x78);
	size_t n;
	unsigned char *xml = inflate_all(file, &n);
	assert_memory_equal(xml, "<?xml version='1.0' encoding='UTF-8'?><lexml version='6'>", 57);
	assert_null(memchr(xml, '\n', 57));
	xmlDoc *doc = xmlReadMemory((const char *)xml, (int)n, "layout.xml", NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("libxml2 cannot parse the layout");
	xmlNode *root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "lexml");
	xmlChar *version = xmlGetProp(root, (const xmlChar *)"version");
	assert_string_equal((const char *)version, "6");
	xmlFree(version);
	assert_int_equal(n_children(root, NULL), 1);
	assert_int_equal(n_children(root, "node"), 1);
	check_node(child(root, "node"), true, c, &st);
	assert_true(st.has_script);
	assert_true(st.n_sending > 0);
	xmlFreeDoc(doc);
	free(xml);
	return st.n_pages;
}

static void test_tosc_structure(void **state)
{
	(void)state;
	struct setup setup;
	struct control control;
	load(DEFAULT_CFG, &setup, &control);
	struct blob b = generate(&setup, LAYOUT_TOUCHOSC, SURFACE_TABLET, -1);
	/* mixer, 8 channels, buses, the two monitor mixes, groups, safes & links, master */
	assert_int_equal(check_tosc(&b, &control), 1 + 8 + 1 + 2 + 1 + 1 + 1);
	free(b.data);
	b = generate(&setup, LAYOUT_TOUCHOSC, SURFACE_PHONE, -1);
	assert_int_equal(check_tosc(&b, &control), 1 + 8 + 1 + 2 + 1 + 1 + 1);
	free(b.data);
	b = generate(&setup, LAYOUT_TOUCHOSC_MONITOR, SURFACE_PHONE, setup_find_bus(&setup, "iem"));
	assert_int_equal(check_tosc(&b, &control), 1);
	free(b.data);
	unload(&setup, &control);
}

/* ---- Mk1 ---- */

/* Strict base64 (RFC 4648, padded); NULL when s is not. */
static char *unbase64(const char *s)
{
	size_t n = strlen(s);
	if (n % 4)
		return NULL;
	char *out = malloc(n / 4 * 3 + 1), *o = out;
	for (size_t i = 0; i < n; i += 4) {
		unsigned v = 0;
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			char ch = s[i + k];
			const char *digits =
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
			const char *at = ch ? strchr(digits, ch) : NULL;
			if (ch == '=' && i + 4 == n && k >= 2) {
				pad++;
				v <<= 6;
				continue;
			}
			if (!at || pad) {
				free(out);
				return NULL;
			}
			v = v << 6 | (unsigned)(at - digits);
		}
		*o++ = (char)(v >> 16);
		if (pad < 2)
			*o++ = (char)(v >> 8 & 0xff);
		if (pad < 1)
			*o++ = (char)(v & 0xff);
	}
	*o = '\0';
	return out;
}

static char *attr_b64(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		fail_msg("Mk1 %s without %s", n->name, name);
	char *plain = unbase64((const char *)v);
	if (!plain)
		fail_msg("Mk1 %s=\"%s\" is not base64", name, v);
	xmlFree(v);
	return plain;
}

static bool attr_is(const xmlNode *n, const char *name, const char *value)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	bool is = v && strcmp((const char *)v, value) == 0;
	xmlFree(v);
	return is;
}

static void check_mk1_control(const xmlNode *k, const struct control *c, int *n_sending)
{
	static const char *const types[] = { "faderv", "rotaryv", "toggle", "labelh", NULL };
	xmlChar *type = xmlGetProp(k, (const xmlChar *)"type");
	int t = 0;
	while (types[t] && strcmp(types[t], (const char *)type) != 0)
		t++;
	if (!types[t])
		fail_msg("Mk1 control type %s", type);
	char *name = attr_b64(k, "name"), *address = attr_b64(k, "osc_cs");
	assert_true(*name);
	static const char *const ints[] = { "x", "y", "w", "h", NULL };
	for (int i = 0; ints[i]; i++) {
		xmlChar *v = xmlGetProp(k, (const xmlChar *)ints[i]);
		if (!v || !is_number((const char *)v, true))
			fail_msg("Mk1 %s: %s", name, ints[i]);
		xmlFree(v);
	}
	if (strcmp((const char *)type, "labelh") == 0) {
		free(attr_b64(k, "text"));
		if (*address)
			address_resolves(c, address, name);
	} else {
		if (*address != '/')
			fail_msg("Mk1 %s: osc_cs \"%s\" (auto addresses would be /page/name)", name,
				 address);
		address_resolves(c, address, name);
		(*n_sending)++;
		for (int i = 0; i < 2; i++) {
			xmlChar *v = xmlGetProp(k, (const xmlChar *)(i ? "scalet" : "scalef"));
			if (!v || !is_number((const char *)v, false))
				fail_msg("Mk1 %s: scalef/scalet", name);
			xmlFree(v);
		}
	}
	if (strcmp((const char *)type, "toggle") == 0 && !attr_is(k, "local_off", "false"))
		fail_msg("Mk1 toggle %s: local_off must be \"false\" (jmixd does not echo to the "
			 "sender)", name);
	free(name);
	free(address);
	xmlFree(type);
}

/* Check a .touchosc; returns its number of pages. */
static int check_mk1(const struct blob *file, const struct control *c)
{
	size_t n;
	const unsigned char *xml = zip_entry(file, "index.xml", &n);
	xmlDoc *doc = xmlReadMemory((const char *)xml, (int)n, "index.xml", NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("libxml2 cannot parse index.xml");
	xmlNode *root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "layout");
	assert_true(attr_is(root, "version", "17"));
	assert_true(attr_is(root, "mode", "3"));
	int n_pages = 0, n_sending = 0;
	for (xmlNode *page = root->children; page; page = page->next) {
		if (page->type != XML_ELEMENT_NODE)
			continue;
		assert_string_equal((const char *)page->name, "tabpage");
		char *name = attr_b64(page, "name");
		assert_true(*name);
		free(name);
		n_pages++;
		for (xmlNode *k = page->children; k; k = k->next)
			if (k->type == XML_ELEMENT_NODE)
				check_mk1_control(k, c, &n_sending);
	}
	assert_true(n_sending > 0);
	xmlFreeDoc(doc);
	return n_pages;
}

static void test_mk1_structure(void **state)
{
	(void)state;
	struct setup setup;
	struct control control;
	load(DEFAULT_CFG, &setup, &control);
	struct blob b = generate(&setup, LAYOUT_TOUCHOSC_MK1, SURFACE_TABLET, -1);
	assert_int_equal(check_mk1(&b, &control), 1 + 8 + 1 + 2 + 1 + 1 + 1);
	free(b.data);
	unload(&setup, &control);
	/* The base64 reader is strict: an unpadded field is refused. */
	assert_null(unbase64("L2NoLzEvbXV0ZQ"));
	char *plain = unbase64("L2NoLzEvbXV0ZQ==");
	assert_string_equal(plain, "/ch/1/mute");
	free(plain);
}

/* A performer's layout holds only what the monitor-mix role may set: that bus's sends and
 * fader (names and meters only receive). */
static void test_monitor_layout_sets_only_its_bus(void **state)
{
	(void)state;
	struct setup setup;
	struct control control;
	load(SMALL_CFG, &setup, &control);
	int bus = setup_find_bus(&setup, "wedge");
	struct blob b = generate(&setup, LAYOUT_TOUCHOSC_MONITOR, SURFACE_PHONE, bus);
	size_t n;
	unsigned char *xml = inflate_all(&b, &n);
	xml = realloc(xml, n + 1);
	xml[n] = '\0';
	static const char marker[] = "<path><partial><type>CONSTANT</type><conversion>STRING"
				     "</conversion><value><![CDATA[";
	int n_sends = 0;
	for (char *p = (char *)xml; (p = strstr(p, "<send>1</send>")); p++) {
		char *at = strstr(p, marker), address[OSC_ADDRESS_MAX];
		int ch, end = 0;
		assert_non_null(at);
		at += strlen(marker);
		snprintf(address, sizeof address, "%.*s", (int)(strstr(at, "]]>") - at), at);
		bool is_send = sscanf(address, "/ch/%d/send/4/%n", &ch, &end) == 1 && end > 0;
		if (!is_send && strcmp(address, "/aux/4/fader/norm") != 0)
			fail_msg("a monitor layout for bus 4 sets %s", address);
		n_sends++;
	}
	assert_int_equal(n_sends, 2 * 2 + 1);   /* level and on of 2 channels, the fader */
	free(xml);
	free(b.data);
	unload(&setup, &control);
}

/* ---- golden and committed files ---- */

static void expect_same(const struct blob *fresh, const char *path, const char *regenerate)
{
	struct blob old = read_file(path);
	if (!old.data)
		fail_msg("%s is missing: %s", path, regenerate);
	if (old.n != fresh->n || memcmp(old.data, fresh->data, old.n) != 0)
		fail_msg("%s differs from what the generator writes now; if the change is meant, "
			 "%s", path, regenerate);
	free(old.data);
}

static void test_golden_small_config(void **state)
{
	(void)state;
	static const struct {
		enum layout_kind kind;
		enum surface_size size;
		const char *bus;
		const char *path;
	} golden[] = {
		{ LAYOUT_TOUCHOSC, SURFACE_TABLET, NULL, "tests/golden/good-aux.tosc" },
		{ LAYOUT_TOUCHOSC_MK1, SURFACE_PHONE, NULL, "tests/golden/good-aux-phone.touchosc" },
		{ LAYOUT_TOUCHOSC_MONITOR, SURFACE_PHONE, "wedge", "tests/golden/good-aux-wedge.tosc" },
	};
	struct setup setup;
	struct control control;
	load(SMALL_CFG, &setup, &control);
	for (size_t i = 0; i < sizeof golden / sizeof golden[0]; i++) {
		struct blob b = generate(&setup, golden[i].kind, golden[i].size,
					 golden[i].bus ? setup_find_bus(&setup, golden[i].bus) : -1);
		if (golden[i].kind == LAYOUT_TOUCHOSC_MK1)
			check_mk1(&b, &control);
		else
			check_tosc(&b, &control);
		expect_same(&b, golden[i].path, "make golden-layouts");
		free(b.data);
	}
	unload(&setup, &control);
}

static void test_committed_layouts_current(void **state)
{
	(void)state;
	static const struct {
		enum layout_kind kind;
		enum surface_size size;
		const char *bus;
		const char *path;
	} files[] = {
		{ LAYOUT_TOUCHOSC, SURFACE_TABLET, NULL, "configs/touchosc/jmixd.tosc" },
		{ LAYOUT_TOUCHOSC_MK1, SURFACE_TABLET, NULL, "configs/touchosc/jmixd.touchosc" },
		{ LAYOUT_TOUCHOSC_MONITOR, SURFACE_PHONE, "wedge", "configs/touchosc/monitor-wedge.tosc" },
		{ LAYOUT_TOUCHOSC_MONITOR, SURFACE_PHONE, "iem", "configs/touchosc/monitor-iem.tosc" },
	};
	struct setup setup;
	char err[1024];
	if (config_load(DEFAULT_CFG, &setup, err, sizeof err) < 0)
		fail_msg("%s", err);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct blob b = generate(&setup, files[i].kind, files[i].size,
					 files[i].bus ? setup_find_bus(&setup, files[i].bus) : -1);
		expect_same(&b, files[i].path, "make layouts");
		free(b.data);
	}
	config_free(&setup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksums_match_zlib),
		cmocka_unit_test(test_zlib_stored_round_trips),
		cmocka_unit_test(test_tosc_structure),
		cmocka_unit_test(test_mk1_structure),
		cmocka_unit_test(test_monitor_layout_sets_only_its_bus),
		cmocka_unit_test(test_golden_small_config),
		cmocka_unit_test(test_committed_layouts_current),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return failed;
}
