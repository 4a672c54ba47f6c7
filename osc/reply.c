/*
 * reply.c - see reply.h.
 */
#include "osc/reply.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "osc/clients.h"
#include "osc/packet.h"
#include "osc/pace.h"

const char *osc_peer_str(const struct osc_peer *peer, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (peer->addr.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&peer->addr;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
	} else if (peer->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&peer->addr;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
	}
	snprintf(buf, size, "%s:%d", host, port);
	return buf;
}

/* The bundle header with jmixd's marker time tag (reply.h). */
static size_t put_header(char *buf)
{
	static const char tag[8] = "#bundle";
	const uint32_t tt[2] = { htonl(OSC_REPLY_TIMETAG_SEC), htonl(OSC_REPLY_TIMETAG_FRAC) };
	memcpy(buf, tag, 8);
	memcpy(buf + 8, tt, 8);
	return 16;
}

static int send_charged(struct osc_out *out, const struct osc_peer *peer, const char *buf,
			size_t size, enum pace_kind kind)
{
	if (out->pace && !osc_pace_take(out->pace, peer, size, kind, osc_now_ms()))
		return -ENOBUFS;
	if (sendto(out->fd, buf, size, MSG_DONTWAIT, (const struct sockaddr *)&peer->addr,
		   peer->len) < 0)
		return -errno;
	return 0;
}

int osc_send_message(struct osc_out *out, const struct osc_peer *peer, const char *path,
		     lo_message m)
{
	static char buf[OSC_MAX_REPLY];
	size_t size = lo_message_length(m, path);
	if (size == 0 || size > sizeof buf - 20)
		return -EMSGSIZE;
	size_t at = put_header(buf);
	uint32_t element = htonl((uint32_t)size);
	memcpy(buf + at, &element, 4);
	lo_message_serialise(m, path, buf + at + 4, &size);
	return send_charged(out, peer, buf, at + 4 + size, PACE_REPLY);
}

int osc_send_float(struct osc_out *out, const struct osc_peer *peer, const char *path, float value)
{
	lo_message m = lo_message_new();
	if (!m)
		return -ENOMEM;
	lo_message_add_float(m, value);
	int rc = osc_send_message(out, peer, path, m);
	lo_message_free(m);
	return rc;
}

int osc_send_int(struct osc_out *out, const struct osc_peer *peer, const char *path, int value)
{
	lo_message m = lo_message_new();
	if (!m)
		return -ENOMEM;
	lo_message_add_int32(m, value);
	int rc = osc_send_message(out, peer, path, m);
	lo_message_free(m);
	return rc;
}

int osc_send_message_s(struct osc_out *out, const struct osc_peer *peer, const char *path, const char *value)
{
	lo_message m = lo_message_new();
	if (!m)
		return -ENOMEM;
	lo_message_add_string(m, value);
	int rc = osc_send_message(out, peer, path, m);
	lo_message_free(m);
	return rc;
}

int osc_send_error(struct osc_out *out, const struct osc_peer *peer, const char *path, const char *reason)
{
	lo_message m = lo_message_new();
	if (!m)
		return -ENOMEM;
	lo_message_add_string(m, path);
	lo_message_add_string(m, reason);
	int rc = osc_send_message(out, peer, "/error", m);
	lo_message_free(m);
	return rc;
}

void osc_batch_begin(struct osc_batch *b, struct osc_out *out, const struct osc_peer *to,
		     int kind)
{
	*b = (struct osc_batch){ .out = out, .to = to, .kind = kind };
}

static void batch_send(struct osc_batch *b)
{
	char buf[OSC_MAX_PACKET];
	size_t size = sizeof buf;
	if (!b->bundle)
		return;
	/* lo_bundle_serialise writes without a bound: measure first. Then our own time tag. */
	if (lo_bundle_length(b->bundle) <= sizeof buf && lo_bundle_serialise(b->bundle, buf, &size)) {
		put_header(buf);
		int rc = send_charged(b->out, b->to, buf, size, (enum pace_kind)b->kind);
		if (rc == 0) {
			b->n_packets++;
			b->n_bytes += size;
		} else if (rc == -ENOBUFS) {
			b->n_refused++;
		}
	}
	lo_bundle_free_recursive(b->bundle);
	b->bundle = NULL;
	b->size = 0;
}

/* What m adds to a batch: a 4-byte element size and the message. */
size_t osc_batch_cost(const char *path, lo_message m)
{
	return 4 + lo_message_length(m, path);
}

void osc_batch_add(struct osc_batch *b, const char *path, lo_message m)
{
	size_t size = osc_batch_cost(path, m);
	if (b->bundle && b->size + size > OSC_BATCH_BYTES)
		batch_send(b);
	if (!b->bundle) {
		b->bundle = lo_bundle_new(LO_TT_IMMEDIATE);
		b->size = 16;
		if (!b->bundle) {
			lo_message_free(m);
			return;
		}
	}
	if (lo_bundle_add_message(b->bundle, path, m) != 0) {
		lo_message_free(m);
		return;
	}
	b->size += size;
}

size_t osc_batch_pending(const struct osc_batch *b)
{
	return b->bundle ? b->size : 0;
}

void osc_batch_end(struct osc_batch *b)
{
	batch_send(b);
}
