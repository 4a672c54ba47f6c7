/*
 * packet.c - see packet.h. OSC 1.0: strings are NUL-terminated and padded to 4 bytes;
 * a bundle is "#bundle\0", an 8-byte time tag, then elements each led by a big-endian int32
 * size. Time tags are ignored: every message applies on arrival (a control surface sends
 * "now"; a queue of future events would be unbounded state an attacker could fill).
 */
#include "osc/packet.h"

#include <stdbool.h>
#include <string.h>

static const char bundle_tag[8] = "#bundle";

/* Padded length of the OSC string at p (at most n bytes), or 0 when it is not one. */
static size_t padded_string(const uint8_t *p, size_t n)
{
	const uint8_t *nul = memchr(p, 0, n);
	if (!nul)
		return 0;
	size_t len = (size_t)(nul - p) + 1;
	size_t padded = (len + 3) & ~(size_t)3;
	if (padded > n)
		return 0;
	for (size_t i = len; i < padded; i++)
		if (p[i] != 0)
			return 0;
	return padded;
}

static bool path_char_ok(uint8_t c)
{
	return c > 0x20 && c < 0x7f && !strchr("*?[]{}#, ", c);
}

static int check_message(const uint8_t *p, size_t n, const char **reason)
{
	if (n == 0 || p[0] != '/') {
		*reason = "not an OSC message (address must start with '/')";
		return -1;
	}
	size_t path_size = padded_string(p, n);
	if (!path_size) {
		*reason = "malformed address string";
		return -1;
	}
	size_t path_len = strlen((const char *)p);
	if (path_len > OSC_MAX_PATH) {
		*reason = "address too long";
		return -1;
	}
	for (size_t i = 0; i < path_len; i++)
		if (!path_char_ok(p[i])) {
			*reason = "address has a pattern or non-printable character";
			return -1;
		}

	const uint8_t *t = p + path_size;
	size_t left = n - path_size;
	if (left == 0 || t[0] != ',') {
		*reason = "missing type tag string";
		return -1;
	}
	size_t tags_size = padded_string(t, left);
	if (!tags_size) {
		*reason = "malformed type tag string";
		return -1;
	}
	const char *types = (const char *)t + 1;
	size_t n_args = strlen(types);
	if (n_args > OSC_MAX_ARGS) {
		*reason = "too many arguments";
		return -1;
	}
	const uint8_t *arg = t + tags_size;
	left -= tags_size;
	for (size_t i = 0; i < n_args; i++) {
		size_t need;
		switch (types[i]) {
		case 'i':
		case 'f':
			need = 4;
			break;
		case 'd':
		case 'h':
			need = 8;
			break;
		case 'T':
		case 'F':
			need = 0;
			break;
		case 's':
			need = padded_string(arg, left);
			if (!need) {
				*reason = "malformed string argument";
				return -1;
			}
			break;
		default:
			*reason = "argument type not accepted (only i f d h s T F)";
			return -1;
		}
		if (need > left) {
			*reason = "arguments run past the end of the packet";
			return -1;
		}
		arg += need;
		left -= need;
	}
	if (left != 0) {
		*reason = "bytes left over after the arguments";
		return -1;
	}
	return 0;
}

static uint32_t read_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int walk(const uint8_t *p, size_t n, int depth, struct osc_message_span *spans,
		int max_spans, int *n_spans, const char **reason)
{
	if (n >= 8 && memcmp(p, bundle_tag, 8) == 0) {
		if (depth >= OSC_MAX_BUNDLE_DEPTH) {
			*reason = "bundles nested too deep";
			return -1;
		}
		if (n < 16) {
			*reason = "bundle without a time tag";
			return -1;
		}
		size_t pos = 16;
		while (pos < n) {
			if (n - pos < 4) {
				*reason = "truncated bundle element size";
				return -1;
			}
			uint32_t size = read_be32(p + pos);
			pos += 4;
			if (size == 0 || (size & 3) || size > n - pos) {
				*reason = "bad bundle element size";
				return -1;
			}
			if (walk(p + pos, size, depth + 1, spans, max_spans, n_spans, reason) < 0)
				return -1;
			pos += size;
		}
		return 0;
	}
	if (n & 3) {
		*reason = "packet size is not a multiple of 4";
		return -1;
	}
	if (check_message(p, n, reason) < 0)
		return -1;
	if (*n_spans >= max_spans || *n_spans >= OSC_MAX_MESSAGES) {
		*reason = "too many messages in one packet";
		return -1;
	}
	spans[*n_spans].data = p;
	spans[*n_spans].size = n;
	(*n_spans)++;
	return 0;
}

int osc_packet_check(const uint8_t *data, size_t size, struct osc_message_span *spans,
		     int max_spans, const char **reason)
{
	int n_spans = 0;
	if (size > OSC_MAX_PACKET) {
		*reason = "packet too large";
		return -1;
	}
	if (size == 0) {
		*reason = "empty packet";
		return -1;
	}
	if (walk(data, size, 0, spans, max_spans, &n_spans, reason) < 0)
		return -1;
	if (n_spans == 0) {
		*reason = "empty bundle";
		return -1;
	}
	return n_spans;
}

void osc_packet_path(const uint8_t *data, size_t size, char *path, size_t path_size)
{
	size_t i = 0;
	if (path_size == 0)
		return;
	if (size > 0 && data[0] == '/')
		for (; i < size && i + 1 < path_size && data[i] > 0x20 && data[i] < 0x7f; i++)
			path[i] = (char)data[i];
	path[i] = '\0';
}

int osc_packet_is_reply(const uint8_t *data, size_t size)
{
	static const uint8_t marker[16] = {
		'#', 'b', 'u', 'n', 'd', 'l', 'e', 0,
		(OSC_REPLY_TIMETAG_SEC >> 24) & 0xff, (OSC_REPLY_TIMETAG_SEC >> 16) & 0xff,
		(OSC_REPLY_TIMETAG_SEC >> 8) & 0xff, OSC_REPLY_TIMETAG_SEC & 0xff,
		(OSC_REPLY_TIMETAG_FRAC >> 24) & 0xff, (OSC_REPLY_TIMETAG_FRAC >> 16) & 0xff,
		(OSC_REPLY_TIMETAG_FRAC >> 8) & 0xff, OSC_REPLY_TIMETAG_FRAC & 0xff,
	};
	return size >= sizeof marker && memcmp(data, marker, sizeof marker) == 0;
}
