/*
 * server.c - see server.h.
 */
#include "osc/server.h"

#include <errno.h>
#include <lo/lo.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/control.h"
#include "daemon/log.h"
#include "osc/feedback.h"
#include "osc/packet.h"
#include "osc/route.h"

/* Packets handled per wake-up: keeps one sender from starving the rest of the loop. */
#define PACKETS_PER_RECEIVE 256

struct osc_server {
	int fd;
	int port;
	int meter_interval_ms;       /* 0: meters are not pushed */
	int64_t last_drop_log_ms;
	int64_t next_meter_ms;
	struct osc_router router;
};

static int open_socket(const char *bind_addr, int port, int *bound_port, char *err,
		       size_t err_size)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	char service[16];

	snprintf(service, sizeof service, "%d", port);
	int rc = getaddrinfo(bind_addr, service, &hints, &ai);
	if (rc != 0) {
		snprintf(err, err_size, "osc.bind: '%s' is not an IP address: %s", bind_addr,
			 gai_strerror(rc));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(err, err_size, "osc: cannot bind UDP %s port %d: %s", bind_addr, port,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);

	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	*bound_port = port;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		*bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							     : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static void add_static_clients(struct osc_server *s, const struct setup *setup)
{
	for (int i = 0; i < setup->n_clients; i++) {
		const struct setup_client *c = &setup->clients[i];
		struct osc_peer peer = { 0 };
		if (c->family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)&peer.addr;
			in->sin_family = AF_INET;
			memcpy(&in->sin_addr, c->addr, 4);
			peer.len = sizeof *in;
		} else {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&peer.addr;
			in6->sin6_family = AF_INET6;
			memcpy(&in6->sin6_addr, c->addr, 16);
			peer.len = sizeof *in6;
		}
		bool is_new;
		osc_clients_subscribe(&s->router.clients, &peer, c->port, true, &is_new);
	}
}

struct osc_server *osc_server_new(struct control *control, struct state *state,
				  const struct setup *setup, char *err, size_t err_size)
{
	const char *bind_addr = setup->osc_bind;
	int port = setup->osc_port, meter_rate_hz = setup->meter_rate_hz;
	struct osc_server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, err_size, "osc: out of memory");
		return NULL;
	}
	s->fd = open_socket(bind_addr, port, &s->port, err, err_size);
	if (s->fd < 0) {
		free(s);
		return NULL;
	}
	s->router = (struct osc_router){ .fd = s->fd, .control = control, .state = state,
					 .client_name = setup->client_name,
					 .started_ms = osc_now_ms() };
	osc_access_init(&s->router.access, setup);
	add_static_clients(s, setup);
	s->meter_interval_ms = meter_rate_hz > 0 ? 1000 / meter_rate_hz : 0;
	s->next_meter_ms = osc_now_ms();
	return s;
}

void osc_server_free(struct osc_server *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s);
}

int osc_server_fd(const struct osc_server *s)
{
	return s->fd;
}

int osc_server_port(const struct osc_server *s)
{
	return s->port;
}

void osc_server_tick(struct osc_server *s)
{
	int n = osc_clients_expire(&s->router.clients, osc_now_ms());
	if (n)
		log_info("osc: %d subscription%s expired (not renewed within %d s)", n, n > 1 ? "s" : "",
			 CLIENT_LEASE_MS / 1000);
	osc_feedback_flush(&s->router);
	osc_route_log_tick(&s->router);

	/* Meters keep their own cadence: a late tick sends once and catches up, never bursts. */
	int64_t now = osc_now_ms();
	if (s->meter_interval_ms > 0 && now >= s->next_meter_ms) {
		if (s->router.clients.n_used > 0)
			osc_meters_send(&s->router);
		s->next_meter_ms += s->meter_interval_ms;
		if (s->next_meter_ms < now)
			s->next_meter_ms = now + s->meter_interval_ms;
	}
}

static void handle_message(struct osc_server *s, const struct osc_peer *from,
			   enum access_role role, const struct osc_message_span *span)
{
	int result = 0;
	/* liblo copies the bytes before it touches them; the cast only satisfies its API. */
	lo_message m = lo_message_deserialise((void *)(uintptr_t)span->data, span->size, &result);
	const char *path = (const char *)span->data;
	if (!m) {
		osc_route_reject(&s->router, from, path, "malformed message");
		return;
	}
	osc_route_message(&s->router, from, role, path, lo_message_get_types(m),
			  lo_message_get_argv(m), lo_message_get_argc(m));
	lo_message_free(m);
}

/* Dropped without a reply (unknown source, over its rate): log a few, count all. */
static void log_dropped(struct osc_server *s, const struct osc_peer *from, const char *why)
{
	char peer[80];
	int64_t now = osc_now_ms();
	if (now - s->last_drop_log_ms < 1000)
		return;
	s->last_drop_log_ms = now;
	log_warn("osc: dropping packets from %s: %s (denied %llu, over rate %llu so far)",
		 osc_peer_str(from, peer, sizeof peer), why,
		 (unsigned long long)s->router.access.n_denied,
		 (unsigned long long)s->router.access.n_limited);
}

static void handle_packet(struct osc_server *s, const struct osc_peer *from, const uint8_t *data,
			  size_t size)
{
	struct osc_message_span spans[OSC_MAX_MESSAGES];
	const char *reason;
	enum access_role role = osc_access_role(&s->router.access, from);
	if (role == ROLE_NONE) {
		s->router.access.n_denied++;
		log_dropped(s, from, "address not in osc.allow");
		return;
	}
	int n = osc_packet_check(data, size, spans, OSC_MAX_MESSAGES, &reason);
	if (!osc_access_take(&s->router.access, from, n > 0 ? n : 1, osc_now_ms())) {
		log_dropped(s, from, "over osc.rate_limit");
		return;
	}
	if (n < 0) {
		char path[OSC_MAX_PATH + 1];
		osc_packet_path(data, size > OSC_MAX_PACKET ? OSC_MAX_PACKET : size, path,
				sizeof path);
		osc_route_reject(&s->router, from, path, reason);
		return;
	}
	for (int i = 0; i < n; i++)
		handle_message(s, from, role, &spans[i]);
}

void osc_server_handle_datagram(struct osc_server *s, const void *addr, unsigned addr_len,
				const uint8_t *data, size_t size)
{
	struct osc_peer from = { .len = addr_len };
	memcpy(&from.addr, addr, addr_len < sizeof from.addr ? addr_len : sizeof from.addr);
	handle_packet(s, &from, data, size);
}

void osc_server_receive(struct osc_server *s)
{
	/* uint32_t storage keeps the packet 4-byte aligned for liblo's argument access. */
	static uint32_t buf[OSC_MAX_PACKET / 4 + 1];

	for (int i = 0; i < PACKETS_PER_RECEIVE; i++) {
		struct osc_peer from = { .len = sizeof from.addr };
		ssize_t n = recvfrom(s->fd, buf, OSC_MAX_PACKET, MSG_DONTWAIT | MSG_TRUNC,
				     (struct sockaddr *)&from.addr, &from.len);
		if (n < 0)
			return;
		handle_packet(s, &from, (const uint8_t *)buf, (size_t)n);
	}
}
