/*
 * access.c - see access.h.
 */
#include "osc/access.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

void osc_access_init(struct osc_access *a, const struct setup *setup)
{
	*a = (struct osc_access){ 0 };
	osc_access_apply(a, setup);
	a->newcomers.tokens = a->rate_limit;
}

void osc_access_apply(struct osc_access *a, const struct setup *setup)
{
	a->n_nets = setup->n_nets;
	memcpy(a->nets, setup->nets, sizeof a->nets);
	a->rate_limit = setup->rate_limit;
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

/* The most specific network of the allowlist that from belongs to, or NULL. */
static const struct setup_net *best_net(const struct osc_access *a, const struct osc_peer *from)
{
	unsigned char addr[16];
	int family = osc_peer_addr(from, addr);
	int best_bits = -1;
	const struct setup_net *best = NULL;
	for (int i = 0; i < a->n_nets; i++) {
		const struct setup_net *n = &a->nets[i];
		if (n->family == family && n->prefix_bits > best_bits &&
		    prefix_matches(addr, n->addr, n->prefix_bits)) {
			best_bits = n->prefix_bits;
			best = n;
		}
	}
	return best;
}

enum access_role osc_access_role(const struct osc_access *a, const struct osc_peer *from)
{
	const struct setup_net *n = best_net(a, from);
	return n ? n->role : ROLE_NONE;
}

int osc_access_mix_bus(const struct osc_access *a, const struct osc_peer *from)
{
	const struct setup_net *n = best_net(a, from);
	return n && n->role == ROLE_MONITOR_MIX ? n->mix_bus : -1;
}

int osc_access_source_key(const struct osc_peer *p, unsigned char *key)
{
	memset(key, 0, 16);
	int family = osc_peer_addr(p, key);
	if (family == AF_INET6)
		memset(key + 8, 0, 8);
	return family;
}

/* Evict a source seen once before one seen again; the least recently seen first. */
static bool is_better_victim(const struct access_bucket *c, const struct access_bucket *victim)
{
	if ((c->n_seen < 2) != (victim->n_seen < 2))
		return c->n_seen < 2;
	return c->last_ms < victim->last_ms;
}

/* now_ms may run backwards (an arrival stamp dated early): such a message refills nothing
 * and leaves the bucket's clock where it is, or the next one would refill that time again. */
static void refill(struct access_bucket *b, double per_s, int64_t now_ms)
{
	if (now_ms <= b->last_ms)
		return;
	b->tokens += (double)(now_ms - b->last_ms) * per_s / 1000.0;
	if (b->tokens > per_s)
		b->tokens = per_s;   /* burst: one second's worth */
	b->last_ms = now_ms;
}

/*
 * The source's bucket. A source new to the table takes a free entry with a full burst; once
 * the table is full it replaces the least recently seen entry, preferring one seen only once
 * (a flood of forged addresses churns among those, and a tablet that talks now and then keeps
 * its place), and its first tokens come from the bucket shared by all newcomers: being
 * forgotten, or rotating over more addresses than the table holds, buys nothing.
 */
static struct access_bucket *source_bucket(struct osc_access *a, const struct osc_peer *from,
					   int64_t now_ms)
{
	unsigned char key[16];
	int family = osc_access_source_key(from, key);
	struct access_bucket *victim = NULL;
	for (int i = 0; i < ACCESS_SOURCES; i++) {
		struct access_bucket *c = &a->bucket[i];
		if (c->family == family && memcmp(c->addr, key, sizeof key) == 0) {
			c->n_seen += c->n_seen < 2;
			return c;
		}
		if (!victim || (victim->family && (!c->family || is_better_victim(c, victim))))
			victim = c;
	}
	double tokens = a->rate_limit;
	if (victim->family) {
		refill(&a->newcomers, a->rate_limit, now_ms);
		tokens = a->newcomers.tokens > 0 ? a->newcomers.tokens : 0;
		if (tokens > a->rate_limit / 10.0)
			tokens = a->rate_limit / 10.0;
		a->newcomers.tokens -= tokens;
	}
	*victim = (struct access_bucket){ .family = family, .last_ms = now_ms, .tokens = tokens,
					  .n_seen = 1 };
	memcpy(victim->addr, key, sizeof key);
	return victim;
}

bool osc_access_take(struct osc_access *a, const struct osc_peer *from, int n_messages,
		     int64_t now_ms)
{
	struct access_bucket *b = source_bucket(a, from, now_ms);
	refill(b, a->rate_limit, now_ms);
	if (b->tokens < n_messages) {
		b->n_dropped += (uint64_t)n_messages;
		a->n_limited += (uint64_t)n_messages;
		return false;
	}
	b->tokens -= n_messages;
	return true;
}
