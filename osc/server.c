/*
 * server.c - see server.h.
 */
#include "osc/server.h"

#include <errno.h>
#include <lo/lo.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/control.h"
#include "daemon/log.h"
#include "osc/arrival.h"
#include "osc/feedback.h"
#include "osc/midi_learn.h"
#include "osc/packet.h"
#include "osc/route.h"
#include "osc/x32.h"

/*
 * Work per wake-up, counted in messages (a bundle of 64 counts 64), not packets: one sender
 * cannot keep the loop from its timer, its signals and the other senders. What a message can
 * cost is bounded too: a dump is a paced job (dump.h), a reply at most PACE_PACKET_BYTES.
 */
#define MESSAGES_PER_RECEIVE 512

struct osc_server {
	int fd;
	int port;
	int poll_fd;                 /* fd itself, or an epoll set of it and the dialects' sockets */
	struct x32_listener *dialect[X32_N_PROFILES];   /* NULL when not enabled */
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
	if (osc_arrival_enable(fd) < 0)
		log_warn("osc: no kernel receive stamps (%s): rate limits count from reading time",
			 strerror(errno));

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
	/* A reload replaces them: the config's list is the truth. */
	for (int i = 0; i < CLIENTS_MAX; i++) {
		struct osc_client *c = &s->router.clients.client[i];
		if (c->is_used && c->is_static) {
			c->is_used = false;
			s->router.clients.n_used--;
		}
	}
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
		char text[80];
		struct osc_peer to = osc_peer_with_port(&peer, c->port);
		if (osc_peer_is_self(&s->router.self, &to)) {
			log_error("osc.clients: %s is jmixd's own socket (a loop); not a client",
				  osc_peer_str(&to, text, sizeof text));
			continue;
		}
		bool is_new;
		int id = osc_clients_subscribe(&s->router.clients, &peer, c->port, true, &is_new);
		if (id >= 0)
			s->router.clients.client[id].is_floats_only = c->is_floats_only;
	}
}

static void apply_limits(struct osc_server *s, const struct setup *setup)
{
	osc_access_apply(&s->router.access, setup);
	osc_pace_set(&s->router.pace, setup->reply_budget, setup->reply_budget_total);
	s->router.clients.max_per_host = setup->subscriptions_per_host;
}

void osc_server_apply_setup(struct osc_server *s, struct setup *old, const struct setup *fresh)
{
	bool is_same_allow = old->n_nets == fresh->n_nets &&
			     memcmp(old->nets, fresh->nets, sizeof old->nets[0] * (size_t)old->n_nets) == 0;
	bool is_same_clients = old->n_clients == fresh->n_clients &&
			       memcmp(old->clients, fresh->clients,
				      sizeof old->clients[0] * (size_t)old->n_clients) == 0;
	apply_limits(s, fresh);
	if (!is_same_clients)
		add_static_clients(s, fresh);
	if (!is_same_allow)
		log_info("reload: osc.allow applied (%d entries)", fresh->n_nets);
	if (!is_same_clients)
		log_info("reload: osc.clients applied (%d clients)", fresh->n_clients);
	if (old->rate_limit != fresh->rate_limit)
		log_info("reload: osc.rate_limit applied (%d messages a second)", fresh->rate_limit);
	if (old->reply_budget != fresh->reply_budget ||
	    old->reply_budget_total != fresh->reply_budget_total ||
	    old->subscriptions_per_host != fresh->subscriptions_per_host)
		log_info("reload: osc.reply_budget, reply_budget_total, subscriptions_per_host applied");
	if (old->has_zeroconf != fresh->has_zeroconf)
		log_warn("reload: osc.zeroconf takes effect at restart");
	/* The running setup now says what is in force, so the next reload compares with it. */
	old->n_nets = fresh->n_nets;
	memcpy(old->nets, fresh->nets, sizeof old->nets);
	old->n_clients = fresh->n_clients;
	memcpy(old->clients, fresh->clients, sizeof old->clients);
	old->rate_limit = fresh->rate_limit;
	old->reply_budget = fresh->reply_budget;
	old->reply_budget_total = fresh->reply_budget_total;
	old->subscriptions_per_host = fresh->subscriptions_per_host;
}

/*
 * The X32 and X Air listeners (x32.h), behind the same allowlist, rate limits and budgets.
 * The control loop polls one descriptor: with a dialect enabled it is an epoll set of every
 * socket, so daemon/ needs to know nothing about them.
 */
static int open_dialects(struct osc_server *s, const struct setup *setup, char *err,
			 size_t err_size)
{
	const struct setup_dialect *cfg[X32_N_PROFILES] = { &setup->x32, &setup->xair };
	for (int p = 0; p < X32_N_PROFILES; p++) {
		if (!cfg[p]->is_enabled)
			continue;
		s->dialect[p] = x32_listener_new((enum x32_profile)p, cfg[p], s->router.control,
						 &s->router.access, &s->router.pace,
						 &s->router.self, err, err_size);
		if (!s->dialect[p])
			return -1;
		x32_listener_set_state(s->dialect[p], s->router.state);
		if (s->poll_fd == s->fd) {
			s->poll_fd = epoll_create1(EPOLL_CLOEXEC);
			struct epoll_event ev = { .events = EPOLLIN, .data.fd = s->fd };
			if (s->poll_fd < 0 || epoll_ctl(s->poll_fd, EPOLL_CTL_ADD, s->fd, &ev) < 0)
				goto fail;
		}
		struct epoll_event ev = { .events = EPOLLIN,
					  .data.fd = x32_listener_fd(s->dialect[p]) };
		if (epoll_ctl(s->poll_fd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
			goto fail;
	}
	if (s->dialect[0] && s->dialect[1]) {
		x32_listener_add_self(s->dialect[0], s->dialect[1]);
		x32_listener_add_self(s->dialect[1], s->dialect[0]);
	}
	return 0;
fail:
	snprintf(err, err_size, "osc: epoll: %s", strerror(errno));
	return -1;
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
	s->router = (struct osc_router){ .control = control, .state = state,
					 .client_name = setup->client_name,
					 .started_ms = osc_now_ms() };
	s->router.out = (struct osc_out){ .fd = s->fd, .pace = &s->router.pace };
	s->router.self.len = sizeof s->router.self.addr;
	if (getsockname(s->fd, (struct sockaddr *)&s->router.self.addr, &s->router.self.len) < 0)
		s->router.self.len = 0;
	osc_access_init(&s->router.access, setup);
	osc_pace_init(&s->router.pace, setup->reply_budget, setup->reply_budget_total);
	apply_limits(s, setup);
	add_static_clients(s, setup);
	s->meter_interval_ms = meter_rate_hz > 0 ? 1000 / meter_rate_hz : 0;
	s->next_meter_ms = osc_now_ms();
	s->poll_fd = s->fd;
	if (open_dialects(s, setup, err, err_size) < 0) {
		osc_server_free(s);
		return NULL;
	}
	return s;
}

void osc_server_free(struct osc_server *s)
{
	if (!s)
		return;
	for (int p = 0; p < X32_N_PROFILES; p++)
		x32_listener_free(s->dialect[p]);
	if (s->poll_fd != s->fd && s->poll_fd >= 0)
		close(s->poll_fd);
	close(s->fd);
	free(s);
}

int osc_server_fd(const struct osc_server *s)
{
	return s->poll_fd;
}

int osc_server_dialect_port(const struct osc_server *s, int profile)
{
	return s->dialect[profile] ? x32_listener_port(s->dialect[profile]) : -1;
}

int osc_server_port(const struct osc_server *s)
{
	return s->port;
}

void osc_server_set_midi(struct osc_server *s, struct midi_map *midi)
{
	s->router.midi = midi;
}

void osc_server_tick(struct osc_server *s)
{
	int n = osc_clients_expire(&s->router.clients, osc_now_ms());
	if (n)
		log_info("osc: %d subscription%s expired (not renewed within %d s)", n, n > 1 ? "s" : "",
			 CLIENT_LEASE_MS / 1000);
	/* The dialects first: the native flush clears the dirty marks they read. */
	for (int p = 0; p < X32_N_PROFILES; p++)
		if (s->dialect[p])
			x32_listener_tick(s->dialect[p]);
	osc_feedback_flush(&s->router);
	osc_midi_tick(&s->router);
	osc_dump_tick(&s->router, osc_now_ms());
	osc_route_log_tick(&s->router);
	log_tick();

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

/* Returns the number of messages the packet held (the work it cost), at least 1. */
static int handle_packet(struct osc_server *s, const struct osc_peer *from, const uint8_t *data,
			 size_t size, int64_t arrival_ms)
{
	struct osc_message_span spans[OSC_MAX_MESSAGES];
	const char *reason;
	enum access_role role = osc_access_role(&s->router.access, from);
	if (role == ROLE_NONE) {
		s->router.access.n_denied++;
		log_dropped(s, from, "address not in osc.allow");
		return 1;
	}
	/* jmixd's own output (ours looped back, or another desk's): never answered. */
	if (osc_packet_is_reply(data, size)) {
		s->router.n_loops_dropped++;
		return 1;
	}
	int n = osc_packet_check(data, size, spans, OSC_MAX_MESSAGES, &reason);
	if (!osc_access_take(&s->router.access, from, n > 0 ? n : 1, arrival_ms)) {
		log_dropped(s, from, "over osc.rate_limit");
		return n > 0 ? n : 1;
	}
	osc_pace_packet_begin(&s->router.pace);
	if (n < 0) {
		char path[OSC_MAX_PATH + 1];
		osc_packet_path(data, size > OSC_MAX_PACKET ? OSC_MAX_PACKET : size, path,
				sizeof path);
		osc_route_reject(&s->router, from, path, reason);
	}
	for (int i = 0; i < n; i++)
		handle_message(s, from, role, &spans[i]);
	osc_pace_packet_end(&s->router.pace);
	return n > 0 ? n : 1;
}

void osc_server_handle_datagram(struct osc_server *s, const void *addr, unsigned addr_len,
				const uint8_t *data, size_t size)
{
	struct osc_peer from = { .len = addr_len };
	memcpy(&from.addr, addr, addr_len < sizeof from.addr ? addr_len : sizeof from.addr);
	handle_packet(s, &from, data, size, osc_now_ms());
}

void osc_server_handle_dialect_datagram(struct osc_server *s, int profile, const void *addr,
					unsigned addr_len, const uint8_t *data, size_t size)
{
	struct osc_peer from = { .len = addr_len };
	if (profile < 0 || profile >= X32_N_PROFILES || !s->dialect[profile])
		return;
	memcpy(&from.addr, addr, addr_len < sizeof from.addr ? addr_len : sizeof from.addr);
	x32_listener_handle(s->dialect[profile], &from, data, size, NULL, osc_now_ms());
}

void osc_server_receive(struct osc_server *s)
{
	/* uint32_t storage keeps the packet 4-byte aligned for liblo's argument access. */
	static uint32_t buf[OSC_MAX_PACKET / 4 + 1];

	for (int n_messages = 0; n_messages < MESSAGES_PER_RECEIVE;) {
		struct osc_peer from = { .len = sizeof from.addr };
		union {
			char buf[OSC_ARRIVAL_CMSG_SPACE];
			struct cmsghdr align;
		} control;
		struct iovec iov = { .iov_base = buf, .iov_len = OSC_MAX_PACKET };
		struct msghdr msg = { .msg_name = &from.addr, .msg_namelen = from.len,
				      .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = control.buf, .msg_controllen = sizeof control.buf };
		ssize_t n = recvmsg(s->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return;
		from.len = msg.msg_namelen;
		n_messages += handle_packet(s, &from, (const uint8_t *)buf, (size_t)n,
					    osc_arrival_ms(&msg, osc_now_ms()));
	}
}

void osc_server_receive_all(struct osc_server *s)
{
	osc_server_receive(s);
	for (int p = 0; p < X32_N_PROFILES; p++)
		if (s->dialect[p])
			x32_listener_receive(s->dialect[p]);
}
