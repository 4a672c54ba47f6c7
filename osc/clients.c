/*
 * clients.c - see clients.h.
 */
#include "osc/clients.h"

#include <netinet/in.h>
#include <string.h>
#include <time.h>

int64_t osc_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool same_host(const struct osc_peer *a, const struct osc_peer *b)
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

static bool same_peer(const struct osc_peer *a, const struct osc_peer *b)
{
	return same_host(a, b) && port_of(a) == port_of(b);
}

int osc_clients_subscribe(struct osc_clients *cs, const struct osc_peer *from, int port,
			  bool is_static, bool *is_new)
{
	struct osc_peer reply_to = *from;
	if (port > 0)
		set_port(&reply_to, port);

	int free_slot = -1;
	for (int i = 0; i < CLIENTS_MAX; i++) {
		struct osc_client *c = &cs->client[i];
		if (c->is_used && same_peer(&c->reply_to, &reply_to)) {
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
	}
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
		if (same_peer(&c->reply_to, from) || (c->has_source && same_peer(&c->source, from)))
			return i;
		if (!c->has_source && c->has_fixed_port && same_host(&c->reply_to, from)) {
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
