/*
 * pace.c - see pace.h.
 */
#include "osc/pace.h"

#include <string.h>
#include <sys/socket.h>

#include "osc/access.h"

/* Half a second of budget may go at once: a whole 8-channel dump (25 kB) fits in one go. */
static double burst_of(long bytes_per_s)
{
	double burst = (double)bytes_per_s / 2.0;
	return burst < PACE_PACKET_BYTES ? PACE_PACKET_BYTES : burst;
}

void osc_pace_init(struct osc_pace *p, long dest_bytes_per_s, long total_bytes_per_s)
{
	*p = (struct osc_pace){ 0 };
	osc_pace_set(p, dest_bytes_per_s, total_bytes_per_s);
	p->total.family = AF_UNSPEC;
	p->total.tokens = burst_of(total_bytes_per_s);
}

void osc_pace_set(struct osc_pace *p, long dest_bytes_per_s, long total_bytes_per_s)
{
	p->dest_bytes_per_s = dest_bytes_per_s;
	p->total_bytes_per_s = total_bytes_per_s;
	if (p->total.tokens > burst_of(total_bytes_per_s))
		p->total.tokens = burst_of(total_bytes_per_s);
	for (int i = 0; i < PACE_DESTS; i++)
		if (p->dest[i].tokens > burst_of(dest_bytes_per_s))
			p->dest[i].tokens = burst_of(dest_bytes_per_s);
}

void osc_pace_packet_begin(struct osc_pace *p)
{
	p->is_in_packet = true;
	p->packet_bytes = 0;
}

void osc_pace_packet_end(struct osc_pace *p)
{
	p->is_in_packet = false;
}

static void refill(struct pace_bucket *b, long bytes_per_s, int64_t now_ms)
{
	if (now_ms > b->last_ms)
		b->tokens += (double)(now_ms - b->last_ms) * (double)bytes_per_s / 1000.0;
	if (b->tokens > burst_of(bytes_per_s))
		b->tokens = burst_of(bytes_per_s);
	b->last_ms = now_ms;
}

/*
 * The destination's bucket. A destination new to the table takes the least recently used
 * entry with a full burst: unlike the request limiter, a fresh bucket here only lets answers
 * go to an allowed address, and the total bucket bounds what many of them receive together.
 */
static struct pace_bucket *dest_bucket(struct osc_pace *p, const struct osc_peer *to,
				       int64_t now_ms)
{
	unsigned char key[16];
	int family = osc_access_source_key(to, key);
	struct pace_bucket *victim = NULL;
	for (int i = 0; i < PACE_DESTS; i++) {
		struct pace_bucket *b = &p->dest[i];
		if (b->family == family && memcmp(b->key, key, sizeof key) == 0) {
			refill(b, p->dest_bytes_per_s, now_ms);
			return b;
		}
		if (!victim || (victim->family && (!b->family || b->last_ms < victim->last_ms)))
			victim = b;
	}
	*victim = (struct pace_bucket){ .family = family, .last_ms = now_ms,
				       .tokens = burst_of(p->dest_bytes_per_s) };
	memcpy(victim->key, key, sizeof key);
	return victim;
}

bool osc_pace_take(struct osc_pace *p, const struct osc_peer *to, size_t bytes,
		   enum pace_kind kind, int64_t now_ms)
{
	if (p->dest_bytes_per_s <= 0) {
		p->n_bytes_sent += bytes;
		p->n_datagrams_sent++;
		return true;
	}
	struct pace_bucket *d = dest_bucket(p, to, now_ms);
	refill(&p->total, p->total_bytes_per_s, now_ms);
	if (kind != PACE_FEEDBACK) {
		bool is_over_packet = kind == PACE_REPLY && p->is_in_packet &&
				      p->packet_bytes + bytes > PACE_PACKET_BYTES;
		double need = (double)bytes + (kind == PACE_STREAM ? PACE_REPLY_RESERVE : 0);
		if (is_over_packet || d->tokens < need || p->total.tokens < need) {
			p->n_dropped++;
			return false;
		}
	}
	d->tokens -= (double)bytes;
	p->total.tokens -= (double)bytes;
	/* Feedback may run into debt, but never beyond one burst: the debt is repaid in time. */
	if (d->tokens < -burst_of(p->dest_bytes_per_s))
		d->tokens = -burst_of(p->dest_bytes_per_s);
	if (p->total.tokens < -burst_of(p->total_bytes_per_s))
		p->total.tokens = -burst_of(p->total_bytes_per_s);
	if (p->is_in_packet)
		p->packet_bytes += bytes;
	p->n_bytes_sent += bytes;
	p->n_datagrams_sent++;
	return true;
}

size_t osc_pace_available(struct osc_pace *p, const struct osc_peer *to, int64_t now_ms)
{
	if (p->dest_bytes_per_s <= 0)
		return (size_t)PACE_PACKET_BYTES;
	struct pace_bucket *d = dest_bucket(p, to, now_ms);
	refill(&p->total, p->total_bytes_per_s, now_ms);
	double room = (d->tokens < p->total.tokens ? d->tokens : p->total.tokens) - PACE_REPLY_RESERVE;
	if (p->is_in_packet && room > (double)(PACE_PACKET_BYTES - p->packet_bytes))
		room = (double)(PACE_PACKET_BYTES - p->packet_bytes);
	return room > 0 ? (size_t)room : 0;
}
