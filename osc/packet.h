/*
 * packet.h - the bounded pre-filter every UDP packet passes before liblo parses it.
 *
 * liblo 0.31 has over-reads in its bundle and blob parsing, exponential pattern matching,
 * and unbounded bundle recursion (research/reliability.md, section 2), so nothing reaches it
 * that we have not walked ourselves first: a size cap, a literal address of printable
 * characters without pattern characters, only the argument types we use, every length
 * inside the packet, bundles flattened with a depth and a message-count limit. A packet is
 * accepted or refused whole, so a bundle is applied all or nothing.
 */
#ifndef JMIXD_OSC_PACKET_H
#define JMIXD_OSC_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define OSC_MAX_PACKET 4096        /* our largest legitimate packet is a few hundred bytes */
#define OSC_MAX_REPLY 16384        /* /info of 128 channels with long names is about 5 kB */
#define OSC_MAX_PATH 128
#define OSC_MAX_ARGS 8
#define OSC_MAX_BUNDLE_DEPTH 4
#define OSC_MAX_MESSAGES 64
#define OSC_ARG_TYPES "ifdhsTF"     /* what any jmixd address accepts */

/* The time tag of everything jmixd sends (reply.h): 1900-01-01 plus 0x6a6d7864 ("jmxd")
 * fractions of a second, long past, so any receiver applies it at once. */
#define OSC_REPLY_TIMETAG_SEC 0u
#define OSC_REPLY_TIMETAG_FRAC 0x6a6d7864u

struct osc_message_span {
	const uint8_t *data;
	size_t size;
};

/*
 * Validate a whole packet. On success returns the number of messages (at least 1) and
 * fills spans with each message's bytes, in order; on refusal returns -1 with *reason set.
 * Pure function over the bytes: no allocation, bounded by the size of the packet.
 */
int osc_packet_check(const uint8_t *data, size_t size, struct osc_message_span *spans,
		     int max_spans, const char **reason);

/*
 * Is this packet jmixd's own output: a bundle with the time tag OSC_REPLY_TIMETAG ?
 * Such a packet is never answered, which is what keeps desks from looping.
 */
int osc_packet_is_reply(const uint8_t *data, size_t size);

/*
 * Best effort at naming a refused packet in the error reply: its address if it starts with
 * a printable one, else "". Always NUL-terminates path.
 */
void osc_packet_path(const uint8_t *data, size_t size, char *path, size_t path_size);

#endif
