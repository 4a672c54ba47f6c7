/*
 * test_osc_packet.c - osc_packet_check and osc_packet_path on real bytes: packets liblo
 * serialises (messages, bundles, nested bundles) must pass with the right spans; hand-made
 * malformed packets must be refused with the right reason; a deterministic mutation loop must
 * never crash or read outside the packet (run it under `make unit SAN=asan`), and whatever it
 * accepts, liblo must be able to parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <lo/lo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osc/packet.h"
#include "tests/unit/unit_util.h"

/* ---- building packets ---- */

struct pkt {
	uint8_t b[2 * OSC_MAX_PACKET + 64];
	size_t n;
};

static void put_bytes(struct pkt *p, const void *data, size_t n)
{
	assert_true(p->n + n <= sizeof p->b);
	memcpy(p->b + p->n, data, n);
	p->n += n;
}

/* An OSC string: the bytes, a NUL, zero padding to a multiple of 4. */
static void put_str(struct pkt *p, const char *s)
{
	static const uint8_t zeros[4];
	size_t len = strlen(s) + 1;
	put_bytes(p, s, len - 1);
	put_bytes(p, zeros, ((len + 3) & ~(size_t)3) - (len - 1));
}

static void put_be32(struct pkt *p, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	put_bytes(p, b, 4);
}

static void put_zeros(struct pkt *p, size_t n)
{
	assert_true(p->n + n <= sizeof p->b);
	memset(p->b + p->n, 0, n);
	p->n += n;
}

static void put_bundle_head(struct pkt *p)
{
	put_bytes(p, "#bundle", 8);
	put_be32(p, 0);
	put_be32(p, 1);   /* "immediately" */
}

/* A bundle element: size, then the bytes of another packet. */
static void put_element(struct pkt *p, const struct pkt *e)
{
	put_be32(p, (uint32_t)e->n);
	put_bytes(p, e->b, e->n);
}

/* liblo serialises m at path into p. */
static void put_lo_message(struct pkt *p, const char *path, lo_message m)
{
	size_t n = lo_message_length(m, path);
	assert_true(n > 0 && p->n + n <= sizeof p->b);
	size_t size = n;
	assert_non_null(lo_message_serialise(m, path, p->b + p->n, &size));
	assert_int_equal(size, n);
	p->n += n;
}

static void put_lo_bundle(struct pkt *p, lo_bundle b)
{
	size_t n = lo_bundle_length(b);
	assert_true(n > 0 && p->n + n <= sizeof p->b);
	size_t size = n;
	assert_non_null(lo_bundle_serialise(b, p->b + p->n, &size));
	assert_int_equal(size, n);
	p->n += n;
}

/* A message with no arguments or with one int, built by hand. */
static void put_msg(struct pkt *p, const char *path, const char *types)
{
	put_str(p, path);
	put_str(p, types);
	for (const char *t = types + 1; *t; t++) {
		switch (*t) {
		case 'i':
		case 'f':
			put_be32(p, 42);
			break;
		case 'd':
		case 'h':
			put_zeros(p, 8);
			break;
		case 's':
			put_str(p, "str");
			break;
		default:
			break;
		}
	}
}

/* ---- checking ---- */

static struct osc_message_span spans[OSC_MAX_MESSAGES + 8];

static int check(const struct pkt *p, const char **reason)
{
	*reason = NULL;
	return osc_packet_check(p->b, p->n, spans, OSC_MAX_MESSAGES, reason);
}

static void expect_refused(const struct pkt *p, const char *why)
{
	const char *reason = NULL;
	int n = check(p, &reason);
	if (n != -1)
		fail_msg("accepted (%d messages), expected refusal \"%s\"", n, why);
	assert_non_null(reason);
	ut_assert_contains(reason, why);
}

/* Accepted as one message spanning the whole packet, and liblo agrees. */
static void expect_one(const struct pkt *p)
{
	const char *reason = "";
	int n = check(p, &reason);
	if (n != 1)
		fail_msg("refused or split (%d): %s", n, n < 0 ? reason : "");
	assert_ptr_equal(spans[0].data, p->b);
	assert_int_equal(spans[0].size, p->n);
	int result = 0;
	lo_message m = lo_message_deserialise((void *)(uintptr_t)p->b, p->n, &result);
	assert_non_null(m);
	lo_message_free(m);
}

/* ---- accepted ---- */

static void test_accept_each_type(void **state)
{
	static const char *const types[] = { "i", "f", "d", "h", "s", "T", "F", "" };
	(void)state;

	for (int k = 0; k < UT_ARRAY_SIZE(types); k++) {
		struct pkt p = { .n = 0 };
		lo_message m = lo_message_new();
		switch (types[k][0]) {
		case 'i':
			lo_message_add_int32(m, -7);
			break;
		case 'f':
			lo_message_add_float(m, 0.5f);
			break;
		case 'd':
			lo_message_add_double(m, -6.0);
			break;
		case 'h':
			lo_message_add_int64(m, 1LL << 40);
			break;
		case 's':
			lo_message_add_string(m, "kick");
			break;
		case 'T':
			lo_message_add_true(m);
			break;
		case 'F':
			lo_message_add_false(m);
			break;
		default:
			break;
		}
		put_lo_message(&p, "/ch/1/fader", m);
		lo_message_free(m);
		expect_one(&p);
	}
}

static void test_accept_all_types_together(void **state)
{
	struct pkt p = { .n = 0 };
	lo_message m = lo_message_new();
	(void)state;

	lo_message_add_int32(m, 1);
	lo_message_add_float(m, 2.0f);
	lo_message_add_double(m, 3.0);
	lo_message_add_int64(m, 4);
	lo_message_add_string(m, "five55");   /* 7 bytes with NUL: one pad byte */
	lo_message_add_true(m);
	lo_message_add_false(m);
	lo_message_add_string(m, "");
	put_lo_message(&p, "/a", m);
	lo_message_free(m);
	expect_one(&p);
}

/* The limits themselves are inside: 128-character address, 8 arguments, 4096 bytes. */
static void test_accept_at_limits(void **state)
{
	char path[OSC_MAX_PATH + 1];
	(void)state;

	path[0] = '/';
	memset(path + 1, 'x', OSC_MAX_PATH - 1);
	path[OSC_MAX_PATH] = '\0';
	struct pkt p = { .n = 0 };
	put_msg(&p, path, ",");
	expect_one(&p);

	p.n = 0;
	put_msg(&p, "/a", ",ifdhsTF");   /* 7 */
	expect_one(&p);
	p.n = 0;
	put_msg(&p, "/a", ",iiiiiiii");  /* 8 */
	expect_one(&p);

	/* Exactly OSC_MAX_PACKET bytes: "/a" ",s" and a string that fills the rest. */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",s");
	size_t left = OSC_MAX_PACKET - p.n;
	char *s = malloc(left);
	memset(s, 'z', left - 4);
	s[left - 4] = '\0';   /* strlen left-4, one NUL, padded to left */
	put_str(&p, s);
	free(s);
	assert_int_equal(p.n, OSC_MAX_PACKET);
	expect_one(&p);
}

static void test_accept_bundle_of_three(void **state)
{
	struct pkt single[3], p = { .n = 0 };
	lo_bundle b = lo_bundle_new(LO_TT_IMMEDIATE);
	static const char *const paths[] = { "/ch/1/fader", "/ch/kick/mute", "/master/fader" };
	(void)state;

	for (int i = 0; i < 3; i++) {
		lo_message m = lo_message_new();
		lo_message_add_float(m, (float)i);
		single[i].n = 0;
		put_lo_message(&single[i], paths[i], m);
		lo_bundle_add_message(b, paths[i], m);
	}
	put_lo_bundle(&p, b);
	lo_bundle_free_recursive(b);

	const char *reason = "";
	int n = check(&p, &reason);
	if (n != 3)
		fail_msg("expected 3 messages, got %d (%s)", n, n < 0 ? reason : "");
	const uint8_t *prev_end = p.b + 16;
	for (int i = 0; i < 3; i++) {
		/* In order, each right after its 4-byte size, byte-identical to the message alone. */
		assert_ptr_equal(spans[i].data, prev_end + 4);
		assert_int_equal(spans[i].size, single[i].n);
		assert_memory_equal(spans[i].data, single[i].b, single[i].n);
		prev_end = spans[i].data + spans[i].size;
	}
	assert_ptr_equal(prev_end, p.b + p.n);
}

/* bundle { /a, bundle { /b, /c }, /d } as liblo builds it: spans depth-first, in order. */
static void test_accept_nested_bundle(void **state)
{
	lo_bundle outer = lo_bundle_new(LO_TT_IMMEDIATE);
	lo_bundle inner = lo_bundle_new(LO_TT_IMMEDIATE);
	struct pkt p = { .n = 0 };
	(void)state;

	lo_message ma = lo_message_new(), mb = lo_message_new(), mc = lo_message_new(),
		   md = lo_message_new();
	lo_message_add_int32(ma, 1);
	lo_message_add_float(mb, 2.0f);
	lo_message_add_string(mc, "three");
	lo_bundle_add_message(outer, "/a", ma);
	lo_bundle_add_message(inner, "/b", mb);
	lo_bundle_add_message(inner, "/c", mc);
	lo_bundle_add_bundle(outer, inner);
	lo_bundle_add_message(outer, "/d", md);
	put_lo_bundle(&p, outer);
	lo_bundle_free_recursive(outer);

	const char *reason = "";
	int n = check(&p, &reason);
	if (n != 4)
		fail_msg("expected 4 messages, got %d (%s)", n, n < 0 ? reason : "");
	static const char *const order[] = { "/a", "/b", "/c", "/d" };
	for (int i = 0; i < 4; i++) {
		assert_string_equal((const char *)spans[i].data, order[i]);
		assert_true(spans[i].data >= p.b && spans[i].data + spans[i].size <= p.b + p.n);
	}
}

/* Bundles nest OSC_MAX_BUNDLE_DEPTH deep and no deeper. */
static void nested(struct pkt *p, int n_bundles)
{
	struct pkt inner = { .n = 0 };
	put_msg(&inner, "/x", ",i");
	for (int d = 0; d < n_bundles; d++) {
		struct pkt outer = { .n = 0 };
		put_bundle_head(&outer);
		put_element(&outer, &inner);
		inner = outer;
	}
	*p = inner;
}

static void test_bundle_depth(void **state)
{
	static struct pkt p;
	const char *reason;
	(void)state;

	nested(&p, 2);
	assert_int_equal(check(&p, &reason), 1);
	nested(&p, OSC_MAX_BUNDLE_DEPTH);
	assert_int_equal(check(&p, &reason), 1);
	assert_string_equal((const char *)spans[0].data, "/x");
	nested(&p, OSC_MAX_BUNDLE_DEPTH + 1);
	expect_refused(&p, "nested too deep");
	nested(&p, 40);
	expect_refused(&p, "nested too deep");
}

static void test_message_count(void **state)
{
	static struct pkt p;
	const char *reason;
	(void)state;

	for (int count = OSC_MAX_MESSAGES; count <= OSC_MAX_MESSAGES + 1; count++) {
		p.n = 0;
		put_bundle_head(&p);
		for (int i = 0; i < count; i++) {
			struct pkt m = { .n = 0 };
			put_msg(&m, "/m", ",");
			put_element(&p, &m);
		}
		if (count == OSC_MAX_MESSAGES) {
			assert_int_equal(check(&p, &reason), OSC_MAX_MESSAGES);
			/* A smaller span array is a limit too, never overrun. */
			struct osc_message_span few[3];
			assert_int_equal(osc_packet_check(p.b, p.n, few, 3, &reason), -1);
			ut_assert_contains(reason, "too many messages");
		} else {
			expect_refused(&p, "too many messages");
		}
	}
}

/* ---- refused ---- */

static void test_refuse_size(void **state)
{
	static struct pkt p;
	const char *reason = NULL;
	(void)state;

	assert_int_equal(osc_packet_check(p.b, 0, spans, OSC_MAX_MESSAGES, &reason), -1);
	ut_assert_contains(reason, "empty packet");

	/* One word more than the limit: refused before anything is read. */
	put_str(&p, "/a");
	put_str(&p, ",s");
	char *s = malloc(OSC_MAX_PACKET);
	memset(s, 'z', OSC_MAX_PACKET - 1);
	s[OSC_MAX_PACKET - 5] = '\0';   /* 8 + 4092 bytes */
	put_str(&p, s);
	free(s);
	assert_int_equal(p.n, OSC_MAX_PACKET + 4);
	expect_refused(&p, "packet too large");
	p.n = OSC_MAX_PACKET + 1;
	expect_refused(&p, "packet too large");

	/* Size not a multiple of 4. */
	for (size_t extra = 1; extra < 4; extra++) {
		p.n = 0;
		put_msg(&p, "/a", ",");
		put_zeros(&p, extra);
		expect_refused(&p, "not a multiple of 4");
	}
	p.n = 0;
	put_bytes(&p, "/a\0\0,", 5);
	expect_refused(&p, "not a multiple of 4");
}

static void test_refuse_address(void **state)
{
	struct pkt p = { .n = 0 };
	(void)state;

	put_msg(&p, "ch/1", ",");
	expect_refused(&p, "must start with '/'");

	p.n = 0;
	put_bytes(&p, "\0\0\0\0,\0\0\0", 8);
	expect_refused(&p, "must start with '/'");

	/* No NUL anywhere in the packet. */
	p.n = 0;
	put_bytes(&p, "/abcdefg", 8);
	expect_refused(&p, "malformed address");

	/* Non-zero padding after the NUL. */
	p.n = 0;
	put_bytes(&p, "/a\0x,\0\0\0", 8);
	expect_refused(&p, "malformed address");

	/* A good address and nothing after it. */
	p.n = 0;
	put_bytes(&p, "/abc/de\0", 8);
	expect_refused(&p, "missing type tag");
}

static void test_refuse_pattern_characters(void **state)
{
	static const char bad[] = { '*', '?', '[', ']', '{', '}', '#', ',', ' ',
				    0x01, 0x1f, 0x7f, (char)0x80, (char)0xff };
	(void)state;

	for (size_t i = 0; i < sizeof bad; i++) {
		char path[] = "/ch/1/fXder";
		path[7] = bad[i];
		struct pkt p = { .n = 0 };
		put_msg(&p, path, ",f");
		const char *reason = NULL;
		if (check(&p, &reason) != -1)
			fail_msg("address with character 0x%02x accepted", (unsigned char)bad[i]);
		ut_assert_contains(reason, "pattern or non-printable");
	}
}

static void test_refuse_long_address(void **state)
{
	char path[OSC_MAX_PATH + 2];
	struct pkt p = { .n = 0 };
	(void)state;

	path[0] = '/';
	memset(path + 1, 'x', OSC_MAX_PATH);
	path[OSC_MAX_PATH + 1] = '\0';   /* 129 characters */
	put_msg(&p, path, ",");
	expect_refused(&p, "address too long");
}

static void test_refuse_type_tags(void **state)
{
	struct pkt p = { .n = 0 };
	(void)state;

	/* Address only: old-style message without type tags. */
	put_str(&p, "/a");
	expect_refused(&p, "missing type tag");
	/* Something else where the type tags should be. */
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, "i");
	put_be32(&p, 1);
	expect_refused(&p, "missing type tag");
	/* Unterminated type tags. */
	p.n = 0;
	put_str(&p, "/a");
	put_bytes(&p, ",iii", 4);
	expect_refused(&p, "malformed type tag");
	/* Non-zero padding in the type tags. */
	p.n = 0;
	put_str(&p, "/a");
	put_bytes(&p, ",i\0\x01", 4);
	put_be32(&p, 1);
	expect_refused(&p, "malformed type tag");
	/* More than OSC_MAX_ARGS. */
	p.n = 0;
	put_msg(&p, "/a", ",iiiiiiiii");
	expect_refused(&p, "too many arguments");
}

static void test_refuse_forbidden_types(void **state)
{
	static const char forbidden[] = "bmcStNI[]rRuv";
	(void)state;

	for (const char *t = forbidden; *t; t++) {
		char types[3] = { ',', *t, '\0' };
		struct pkt p = { .n = 0 };
		put_str(&p, "/a");
		put_str(&p, types);
		put_be32(&p, 4);   /* plausible data for any of them */
		put_be32(&p, 0);
		const char *reason = NULL;
		if (check(&p, &reason) != -1)
			fail_msg("type '%c' accepted", *t);
		ut_assert_contains(reason, "argument type not accepted");
	}
}

static void test_refuse_truncated_arguments(void **state)
{
	static const char *const types[] = { ",i", ",f", ",d", ",h", ",ii", ",dd" };
	(void)state;

	for (int k = 0; k < UT_ARRAY_SIZE(types); k++) {
		struct pkt p = { .n = 0 };
		put_msg(&p, "/a", types[k]);
		p.n -= 4;   /* drop the last word */
		expect_refused(&p, "past the end");
	}
	/* A string without its NUL, one whose padding is not zero, one missing entirely. */
	struct pkt p = { .n = 0 };
	put_str(&p, "/a");
	put_str(&p, ",s");
	put_bytes(&p, "abcd", 4);
	expect_refused(&p, "malformed string");
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",s");
	put_bytes(&p, "ab\0\x01", 4);
	expect_refused(&p, "malformed string");
	p.n = 0;
	put_str(&p, "/a");
	put_str(&p, ",is");
	put_be32(&p, 1);
	expect_refused(&p, "malformed string");
}

static void test_refuse_trailing_bytes(void **state)
{
	struct pkt p = { .n = 0 };
	(void)state;

	put_msg(&p, "/a", ",");
	put_zeros(&p, 4);
	expect_refused(&p, "left over");
	p.n = 0;
	put_msg(&p, "/a", ",fT");
	put_be32(&p, 7);
	expect_refused(&p, "left over");
}

static void test_refuse_bundle_structure(void **state)
{
	static struct pkt p, m;
	(void)state;

	m.n = 0;
	put_msg(&m, "/m", ",i");

	/* "#bundle" and part of a time tag. */
	p.n = 0;
	put_bytes(&p, "#bundle", 8);
	expect_refused(&p, "without a time tag");
	put_be32(&p, 0);
	expect_refused(&p, "without a time tag");

	/* Empty: a time tag and nothing after it; likewise only empty bundles inside. */
	p.n = 0;
	put_bundle_head(&p);
	expect_refused(&p, "empty bundle");
	struct pkt inner = p;
	put_element(&p, &inner);
	expect_refused(&p, "empty bundle");

	/* Element sizes: 0, not a multiple of 4, beyond the end, huge. */
	static const uint32_t sizes[] = { 0, 2, 6, 13, 1000, 0x7ffffffc, 0xfffffffc, 0xffffffff };
	for (int i = 0; i < UT_ARRAY_SIZE(sizes); i++) {
		p.n = 0;
		put_bundle_head(&p);
		put_be32(&p, sizes[i]);
		put_bytes(&p, m.b, m.n);
		const char *reason = NULL;
		if (check(&p, &reason) != -1)
			fail_msg("element size %u accepted", sizes[i]);
		ut_assert_contains(reason, "bad bundle element size");
	}
	/* One element claiming one word more than there is. */
	p.n = 0;
	put_bundle_head(&p);
	put_be32(&p, (uint32_t)m.n + 4);
	put_bytes(&p, m.b, m.n);
	expect_refused(&p, "bad bundle element size");

	/* A good element followed by half an element size. */
	p.n = 0;
	put_bundle_head(&p);
	put_element(&p, &m);
	put_bytes(&p, "\0\0", 2);
	expect_refused(&p, "truncated bundle element size");

	/* All or nothing: one bad message spoils the bundle. */
	p.n = 0;
	put_bundle_head(&p);
	put_element(&p, &m);
	struct pkt bad = { .n = 0 };
	put_msg(&bad, "/ch/*/fader", ",f");
	put_element(&p, &bad);
	put_element(&p, &m);
	expect_refused(&p, "pattern");

	/* "#bundle" without its NUL is no bundle: it is a message without a '/'. */
	p.n = 0;
	put_bytes(&p, "#bundleX", 8);
	put_be32(&p, 0);
	put_be32(&p, 1);
	put_element(&p, &m);
	expect_refused(&p, "must start with '/'");
}

/* ---- osc_packet_path ---- */

static void test_packet_path(void **state)
{
	char path[OSC_MAX_PATH + 1];
	struct pkt p = { .n = 0 };
	(void)state;

	put_msg(&p, "/ch/1/fader", ",f");
	osc_packet_path(p.b, p.n, path, sizeof path);
	assert_string_equal(path, "/ch/1/fader");

	/* Truncated to the buffer, always terminated. */
	char small[6];
	osc_packet_path(p.b, p.n, small, sizeof small);
	assert_string_equal(small, "/ch/1");
	char one[1] = { 'x' };
	osc_packet_path(p.b, p.n, one, sizeof one);
	assert_string_equal(one, "");

	/* Bounded by the packet size even without a NUL. */
	osc_packet_path(p.b, 3, path, sizeof path);
	assert_string_equal(path, "/ch");

	/* Stops at the first character that is not printable. */
	p.n = 0;
	put_bytes(&p, "/ab\x01xyz\0", 8);
	osc_packet_path(p.b, p.n, path, sizeof path);
	assert_string_equal(path, "/ab");

	/* Nothing that does not look like an address. */
	p.n = 0;
	put_bundle_head(&p);
	osc_packet_path(p.b, p.n, path, sizeof path);
	assert_string_equal(path, "");
	osc_packet_path(p.b, 0, path, sizeof path);
	assert_string_equal(path, "");
	p.n = 0;
	put_msg(&p, "x/a", ",");
	osc_packet_path(p.b, p.n, path, sizeof path);
	assert_string_equal(path, "");

	/* A 4096-byte run of printable bytes: the path stops at the buffer. */
	static uint8_t big[OSC_MAX_PACKET];
	memset(big, 'a', sizeof big);
	big[0] = '/';
	osc_packet_path(big, sizeof big, path, sizeof path);
	assert_int_equal(strlen(path), OSC_MAX_PATH);
}

/* ---- mutation loop ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	/* xorshift64*: deterministic, good enough to pick bytes. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

#define N_SEEDS 8

static void make_seeds(struct pkt *seeds)
{
	lo_message m;

	put_msg(&seeds[0], "/ch/1/fader", ",f");
	put_msg(&seeds[1], "/ch/kick/mute", ",T");
	put_msg(&seeds[2], "/info", ",");
	put_msg(&seeds[3], "/a", ",ifdhsTF");

	m = lo_message_new();
	lo_message_add_string(m, "hello");
	lo_message_add_double(m, 1.5);
	lo_message_add_int64(m, -3);
	put_lo_message(&seeds[4], "/master/fader/norm", m);
	lo_message_free(m);

	lo_bundle b = lo_bundle_new(LO_TT_IMMEDIATE);
	for (int i = 0; i < 3; i++) {
		m = lo_message_new();
		lo_message_add_float(m, (float)i);
		lo_bundle_add_message(b, "/ch/2/pan", m);
	}
	put_lo_bundle(&seeds[5], b);
	lo_bundle_free_recursive(b);

	nested(&seeds[6], 3);

	put_bundle_head(&seeds[7]);
	put_element(&seeds[7], &seeds[3]);
	put_element(&seeds[7], &seeds[6]);
	put_element(&seeds[7], &seeds[1]);
}

static void test_mutations(void **state)
{
	static struct pkt seeds[N_SEEDS];
	static uint8_t work[OSC_MAX_PACKET + 64];
	static const uint8_t interesting[] = { 0, 1, 3, 4, 0x7f, 0x80, 0xff, '/', ',', '#',
					       's', 'i', 'd', 'h', 'b', 'T', '*', ' ' };
	const char *env = getenv("JMIXD_FUZZ_N");
	long n_iter = env ? atol(env) : 200000;
	long n_accepted = 0, n_refused = 0;
	(void)state;

	memset(seeds, 0, sizeof seeds);
	make_seeds(seeds);
	for (int i = 0; i < N_SEEDS; i++) {
		const char *reason = "";
		if (check(&seeds[i], &reason) < 1)
			fail_msg("seed %d refused: %s", i, reason);
	}

	for (long it = 0; it < n_iter; it++) {
		const struct pkt *s = &seeds[rng() % N_SEEDS];
		size_t n = s->n;
		memcpy(work, s->b, n);
		int n_mut = 1 + (int)(rng() % 4);
		for (int k = 0; k < n_mut; k++) {
			uint32_t r = rng();
			size_t at = n ? rng() % n : 0;
			switch (r % 6) {
			case 0:   /* flip a bit */
				if (n)
					work[at] ^= (uint8_t)(1u << (rng() % 8));
				break;
			case 1:   /* an interesting byte */
				if (n)
					work[at] = interesting[rng() % sizeof interesting];
				break;
			case 2:   /* a random byte */
				if (n)
					work[at] = (uint8_t)rng();
				break;
			case 3:   /* shorten */
				n -= n ? rng() % (n < 9 ? n + 1 : 9) : 0;
				break;
			case 4:   /* lengthen with random bytes */
				for (size_t e = 1 + rng() % 8; e && n < sizeof work; e--)
					work[n++] = (uint8_t)rng();
				break;
			case 5:   /* an interesting 32-bit word (sizes, counts) */
				if (n >= 4) {
					static const uint32_t words[] = { 0, 4, 8, 12, 16, 0x7ffffffc,
									  0xfffffffc, 0xffffffff };
					uint32_t w = words[rng() % 8];
					at &= ~(size_t)3;
					if (at + 4 <= n) {
						work[at] = (uint8_t)(w >> 24);
						work[at + 1] = (uint8_t)(w >> 16);
						work[at + 2] = (uint8_t)(w >> 8);
						work[at + 3] = (uint8_t)w;
					}
				}
				break;
			}
		}
		/* A heap block of exactly n bytes, so AddressSanitizer sees any over-read. */
		uint8_t *pkt = malloc(n ? n : 1);
		assert_non_null(pkt);
		memcpy(pkt, work, n);
		const char *reason = NULL;
		int got = osc_packet_check(pkt, n, spans, OSC_MAX_MESSAGES, &reason);
		if (got < 0) {
			if (got != -1 || !reason || !*reason)
				fail_msg("iteration %ld: refusal %d without a reason", it, got);
			n_refused++;
		} else {
			if (got < 1 || got > OSC_MAX_MESSAGES)
				fail_msg("iteration %ld: %d messages", it, got);
			n_accepted++;
			for (int i = 0; i < got; i++) {
				const struct osc_message_span *sp = &spans[i];
				if (sp->data < pkt || sp->size > n ||
				    (size_t)(sp->data - pkt) > n - sp->size || sp->size % 4 ||
				    sp->data[0] != '/')
					fail_msg("iteration %ld: span %d out of the packet", it, i);
				int result = 0;
				lo_message m = lo_message_deserialise((void *)(uintptr_t)sp->data,
								      sp->size, &result);
				if (!m)
					fail_msg("iteration %ld: accepted span %d, liblo refuses it "
						 "(error %d)", it, i, result);
				lo_message_free(m);
			}
		}
		char path[OSC_MAX_PATH + 1];
		osc_packet_path(pkt, n, path, sizeof path);
		assert_true(strlen(path) <= OSC_MAX_PATH);
		free(pkt);
	}
	/* Both sides of the filter were exercised. */
	print_message("%ld mutations: %ld accepted, %ld refused\n", n_iter, n_accepted,
		      n_refused);
	assert_true(n_accepted > n_iter / 100);
	assert_true(n_refused > n_iter / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_each_type),
		cmocka_unit_test(test_accept_all_types_together),
		cmocka_unit_test(test_accept_at_limits),
		cmocka_unit_test(test_accept_bundle_of_three),
		cmocka_unit_test(test_accept_nested_bundle),
		cmocka_unit_test(test_bundle_depth),
		cmocka_unit_test(test_message_count),
		cmocka_unit_test(test_refuse_size),
		cmocka_unit_test(test_refuse_address),
		cmocka_unit_test(test_refuse_pattern_characters),
		cmocka_unit_test(test_refuse_long_address),
		cmocka_unit_test(test_refuse_type_tags),
		cmocka_unit_test(test_refuse_forbidden_types),
		cmocka_unit_test(test_refuse_truncated_arguments),
		cmocka_unit_test(test_refuse_trailing_bytes),
		cmocka_unit_test(test_refuse_bundle_structure),
		cmocka_unit_test(test_packet_path),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests_name("osc packet", tests, NULL, NULL) ? 1 : 0;
}
