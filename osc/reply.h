/*
 * reply.h - OSC messages out of our own UDP socket.
 *
 * liblo builds the bytes (lo_message_serialise); we send them with sendto() from the socket
 * we own, so replies leave from the port clients talk to and only ever go to addresses the
 * front door accepted. Control thread only (liblo allocates).
 *
 * Every datagram jmixd sends is an OSC bundle whose time tag is OSC_REPLY_TIMETAG (packet.h):
 * a time long past, which any OSC receiver applies at once, and which marks the packet as
 * jmixd's own output. jmixd drops such packets unanswered (packet.h), so two desks pointed at each other,
 * or a desk subscribed to itself, never answer each other's replies, errors, feedback or
 * meters, and one desk's feedback cannot drive another.
 *
 * Every datagram is also charged to the byte budgets of pace.h before it leaves.
 */
#ifndef JMIXD_OSC_REPLY_H
#define JMIXD_OSC_REPLY_H

#include <lo/lo.h>
#include <sys/socket.h>

struct osc_peer {
	struct sockaddr_storage addr;
	socklen_t len;
};

struct osc_pace;
enum pace_kind;

/* Where replies leave from, and what they are charged to (pace NULL: nothing). */
struct osc_out {
	int fd;
	struct osc_pace *pace;
};

/* "127.0.0.1:9000" for logs. */
const char *osc_peer_str(const struct osc_peer *peer, char *buf, size_t size);

/* Serialise m at path and send it to peer (PACE_REPLY). 0 or -errno (-ENOBUFS: over budget). */
int osc_send_message(struct osc_out *out, const struct osc_peer *peer, const char *path,
		     lo_message m);

/* One float, one int, or the error reply "/error ss <path> <reason>". */
int osc_send_float(struct osc_out *out, const struct osc_peer *peer, const char *path, float value);
int osc_send_int(struct osc_out *out, const struct osc_peer *peer, const char *path, int value);
int osc_send_message_s(struct osc_out *out, const struct osc_peer *peer, const char *path,
		       const char *value);
int osc_send_error(struct osc_out *out, const struct osc_peer *peer, const char *path,
		   const char *reason);

/*
 * Many messages to one peer, packed into bundles that fit one UDP datagram on Ethernet or
 * Wi-Fi without IP fragmentation (a lost fragment loses the whole datagram). A state dump
 * is then tens of packets, not hundreds that would overflow a tablet's receive buffer.
 */
#define OSC_BATCH_BYTES 1400

struct osc_batch {
	struct osc_out *out;
	const struct osc_peer *to;
	int kind;                    /* enum pace_kind the datagrams are charged as */
	lo_bundle bundle;
	size_t size;
	size_t n_bytes;              /* bytes sent */
	int n_packets;
	int n_refused;               /* datagrams the budget held back */
};

/* kind: an enum pace_kind (PACE_REPLY for answers, PACE_STREAM, PACE_FEEDBACK). */
void osc_batch_begin(struct osc_batch *b, struct osc_out *out, const struct osc_peer *to,
		     int kind);
/* Takes ownership of m. */
void osc_batch_add(struct osc_batch *b, const char *path, lo_message m);
void osc_batch_end(struct osc_batch *b);

/* Bytes m would add to a batch, and bytes of the datagram being filled (not yet sent). */
size_t osc_batch_cost(const char *path, lo_message m);
size_t osc_batch_pending(const struct osc_batch *b);

#endif
