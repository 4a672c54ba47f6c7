/*
 * clients.c - see clients.h.
 */
#include "osc/clients.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

int64_t osc_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

bool osc_peer_same_host(const struct osc_peer *a, const struct osc_peer *b)
{
	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->addr)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&b->addr)->sin_addr.s_addr;
	if (a->addr.ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)&a->addr)->sin6_addr,
			      &((const struct sockaddr_in6 *)&b->addr)->sin6_addr,
			      sizeof(struct in6_addr)) == 0;
	return false;
}

static int port_of(const struct osc_peer *p)
{
	if (p->addr.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&p->addr)->sin_port);
	if (p->addr.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&p->addr)->sin6_port);
	return 0;
}

static void set_port(struct osc_peer *p, int port)
{
	if (p->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&p->addr)->sin_port = htons((uint16_t)port);
	else if (p->addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&p->addr)->sin6_port = htons((uint16_t)port);
}

bool osc_peer_same(const struct osc_peer *a, const struct osc_peer *b)
{
	return osc_peer_same_host(a, b) && port_of(a) == port_of(b);
}

struct osc_peer osc_peer_with_port(const struct osc_peer *p, int port)
{
	struct osc_peer q = *p;
	if (port > 0)
		set_port(&q, port);
	return q;
}

int osc_clients_subscribe(struct osc_clients *cs, const struct osc_peer *from, int port,
			  bool is_static, bool *is_new)
{
	struct osc_peer reply_to = osc_peer_with_port(from, port);

	int free_slot = -1, n_host = 0;
	for (int i = 0; i < CLIENTS_MAX; i++) {
		struct osc_client *c = &cs->client[i];
		if (c->is_used && osc_peer_same(&c->reply_to, &reply_to)) {
			c->expires_ms = osc_now_ms() + CLIENT_LEASE_MS;
			c->is_static |= is_static;
			if (!is_static) {
				c->source = *from;   /* a surface may send from a new port after a restart */
				c->has_source = true;
			}
			*is_new = false;
			return i;
		}
		if (!c->is_used && free_slot < 0)
			free_slot = i;
		if (c->is_used && !c->is_static && osc_peer_same_host(&c->reply_to, &reply_to))
			n_host++;
	}
	if (!is_static && cs->max_per_host > 0 && n_host >= cs->max_per_host)
		return -2;
	if (free_slot < 0)
		return -1;
	cs->client[free_slot] = (struct osc_client){
		.is_used = true,
		.is_static = is_static,
		.has_fixed_port = port > 0,
		.has_source = !is_static,
		.reply_to = reply_to,
		.source = *from,
		.expires_ms = osc_now_ms() + CLIENT_LEASE_MS,
	};
	cs->n_used++;
	*is_new = true;
	return free_slot;
}

int osc_clients_find(const struct osc_clients *cs, const struct osc_peer *from)
{
	int host_match = -1, n_host = 0;
	for (int i = 0; i < CLIENTS_MAX; i++) {
		const struct osc_client *c = &cs->client[i];
		if (!c->is_used)
			continue;
		if (osc_peer_same(&c->reply_to, from) || (c->has_source && osc_peer_same(&c->source, from)))
			return i;
		if (!c->has_source && c->has_fixed_port && osc_peer_same_host(&c->reply_to, from)) {
			host_match = i;
			n_host++;
		}
	}
	return n_host == 1 ? host_match : -1;
}

bool osc_clients_unsubscribe(struct osc_clients *cs, const struct osc_peer *from)
{
	int i = osc_clients_find(cs, from);
	if (i < 0 || cs->client[i].is_static)
		return false;
	cs->client[i].is_used = false;
	cs->n_used--;
	return true;
}

int osc_clients_expire(struct osc_clients *cs, int64_t now_ms)
{
	int n = 0;
	for (int i = 0; i < CLIENTS_MAX; i++) {
		struct osc_client *c = &cs->client[i];
		if (c->is_used && !c->is_static && now_ms >= c->expires_ms) {
			c->is_used = false;
			cs->n_used--;
			n++;
		}
	}
	return n;
}

/* Is host one of this machine's addresses (loopback, or any interface's)? */
static bool is_local_host(const struct osc_peer *p)
{
	if (p->addr.ss_family == AF_INET &&
	    (ntohl(((const struct sockaddr_in *)&p->addr)->sin_addr.s_addr) >> 24) == 127)
		return true;
	if (p->addr.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)&p->addr)->sin6_addr))
		return true;
	struct ifaddrs *list;
	bool is_local = false;
	if (getifaddrs(&list) < 0)
		return false;
	for (struct ifaddrs *i = list; i && !is_local; i = i->ifa_next) {
		struct osc_peer a = { 0 };
		if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET &&
				     i->ifa_addr->sa_family != AF_INET6))
			continue;
		a.len = i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
							   : sizeof(struct sockaddr_in6);
		memcpy(&a.addr, i->ifa_addr, a.len);
		is_local = osc_peer_same_host(&a, p);
	}
	freeifaddrs(list);
	return is_local;
}

bool osc_peer_is_self(const struct osc_peer *self, const struct osc_peer *p)
{
	if (!self->len || port_of(self) != port_of(p))
		return false;
	unsigned char any[16] = { 0 };
	bool is_wildcard = self->addr.ss_family == AF_INET
		? ((const struct sockaddr_in *)&self->addr)->sin_addr.s_addr == 0
		: memcmp(&((const struct sockaddr_in6 *)&self->addr)->sin6_addr, any, 16) == 0;
	if (!is_wildcard)
		return osc_peer_same_host(self, p);
	/* An IPv4 sender on a dual-stack socket arrives as ::ffff:a.b.c.d. */
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&p->addr;
	if (p->addr.ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
		struct osc_peer v4 = { .len = sizeof(struct sockaddr_in) };
		struct sockaddr_in *in = (struct sockaddr_in *)&v4.addr;
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, (const unsigned char *)&in6->sin6_addr + 12, 4);
		return is_local_host(&v4);
	}
	return is_local_host(p);
}
