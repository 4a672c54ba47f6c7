/*
 * reply.c - see reply.h.
 */
#include "osc/reply.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>

#include "osc/packet.h"

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

int osc_send_message(int fd, const struct osc_peer *peer, const char *path, lo_message m)
{
	static char buf[OSC_MAX_REPLY];
	size_t size = lo_message_length(m, path);
	if (size == 0 || size > sizeof buf)
		return -EMSGSIZE;
	lo_message_serialise(m, path, buf, &size);
	if (sendto(fd, buf, size, MSG_DONTWAIT, (const struct sockaddr *)&peer->addr, peer->len) < 0)
		return -errno;
	return 0;
}

int osc_send_float(int fd, const struct osc_peer *peer, const char *path, float value)
{
	lo_message m = lo_message_new();
	if (!m)
		return -ENOMEM;
	lo_message_add_float(m, value);
	int rc = osc_send_message(fd, peer, path, m);
	lo_message_free(m);
	return rc;
}

int osc_send_int(int fd, const struct osc_peer *peer, const char *path, int value)
{
	lo_message m = lo_message_new();
	if (!m)
		return -ENOMEM;
	lo_message_add_int32(m, value);
	int rc = osc_send_message(fd, peer, path, m);
	lo_message_free(m);
	return rc;
}

int osc_send_message_s(int fd, const struct osc_peer *peer, const char *path, const char *value)
{
	lo_message m = lo_message_new();
	if (!m)
		return -ENOMEM;
	lo_message_add_string(m, value);
	int rc = osc_send_message(fd, peer, path, m);
	lo_message_free(m);
	return rc;
}

int osc_send_error(int fd, const struct osc_peer *peer, const char *path, const char *reason)
{
	lo_message m = lo_message_new();
	if (!m)
		return -ENOMEM;
	lo_message_add_string(m, path);
	lo_message_add_string(m, reason);
	int rc = osc_send_message(fd, peer, "/error", m);
	lo_message_free(m);
	return rc;
}

void osc_batch_begin(struct osc_batch *b, int fd, const struct osc_peer *to)
{
	*b = (struct osc_batch){ .fd = fd, .to = to };
}

static void batch_send(struct osc_batch *b)
{
	char buf[OSC_MAX_PACKET];
	size_t size = sizeof buf;
	if (!b->bundle)
		return;
	/* lo_bundle_serialise writes without a bound: measure first. */
	if (lo_bundle_length(b->bundle) <= sizeof buf && lo_bundle_serialise(b->bundle, buf, &size) &&
	    sendto(b->fd, buf, size, MSG_DONTWAIT, (const struct sockaddr *)&b->to->addr,
		   b->to->len) >= 0)
		b->n_packets++;
	lo_bundle_free_recursive(b->bundle);
	b->bundle = NULL;
	b->size = 0;
}

void osc_batch_add(struct osc_batch *b, const char *path, lo_message m)
{
	/* Bundle header 16 bytes; each element a 4-byte size and the message. */
	size_t size = 4 + lo_message_length(m, path);
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

void osc_batch_end(struct osc_batch *b)
{
	batch_send(b);
}
