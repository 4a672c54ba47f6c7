/*
 * access.c - see access.h.
 */
#include "osc/access.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

void osc_access_init(struct osc_access *a, const struct setup *setup)
{
	*a = (struct osc_access){ .nets = setup->nets, .n_nets = setup->n_nets,
				  .rate_limit = setup->rate_limit };
}

int osc_peer_addr(const struct osc_peer *p, unsigned char *addr)
{
	if (p->addr.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&p->addr;
		memcpy(addr, &in->sin_addr, 4);
		return AF_INET;
	}
	if (p->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&p->addr;
		/* An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d. */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			memcpy(addr, (const unsigned char *)&in6->sin6_addr + 12, 4);
			return AF_INET;
		}
		memcpy(addr, &in6->sin6_addr, 16);
		return AF_INET6;
	}
	return 0;
}

static bool prefix_matches(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

enum access_role osc_access_role(const struct osc_access *a, const struct osc_peer *from)
{
	unsigned char addr[16];
	int family = osc_peer_addr(from, addr);
	int best_bits = -1;
	enum access_role role = ROLE_NONE;
	for (int i = 0; i < a->n_nets; i++) {
		const struct setup_net *n = &a->nets[i];
		if (n->family == family && n->prefix_bits > best_bits &&
		    prefix_matches(addr, n->addr, n->prefix_bits)) {
			best_bits = n->prefix_bits;
			role = n->role;
		}
	}
	return role;
}

bool osc_access_take(struct osc_access *a, const struct osc_peer *from, int n_messages,
		     int64_t now_ms)
{
	unsigned char addr[16] = { 0 };
	int family = osc_peer_addr(from, addr);
	struct access_bucket *b = NULL, *oldest = &a->bucket[0];
	for (int i = 0; i < ACCESS_SOURCES; i++) {
		struct access_bucket *c = &a->bucket[i];
		if (c->family == family && memcmp(c->addr, addr, sizeof addr) == 0) {
			b = c;
			break;
		}
		if (c->last_ms < oldest->last_ms)
			oldest = c;
	}
	if (!b) {
		b = oldest;
		*b = (struct access_bucket){ .family = family, .tokens = a->rate_limit,
					     .last_ms = now_ms };
		memcpy(b->addr, addr, sizeof addr);
	}
	b->tokens += (double)(now_ms - b->last_ms) * a->rate_limit / 1000.0;
	if (b->tokens > a->rate_limit)
		b->tokens = a->rate_limit;   /* burst: one second's worth */
	b->last_ms = now_ms;
	if (b->tokens < n_messages) {
		b->n_dropped += (uint64_t)n_messages;
		a->n_limited += (uint64_t)n_messages;
		return false;
	}
	b->tokens -= n_messages;
	return true;
}
