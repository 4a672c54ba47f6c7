/*
 * reply.h - OSC messages out of our own UDP socket.
 *
 * liblo builds the bytes (lo_message_serialise); we send them with sendto() from the socket
 * we own, so replies leave from the port clients talk to and only ever go to addresses the
 * front door accepted. Control thread only (liblo allocates).
 */
#ifndef JMIXD_OSC_REPLY_H
#define JMIXD_OSC_REPLY_H

#include <lo/lo.h>
#include <sys/socket.h>

struct osc_peer {
	struct sockaddr_storage addr;
	socklen_t len;
};

/* "127.0.0.1:9000" for logs. */
const char *osc_peer_str(const struct osc_peer *peer, char *buf, size_t size);

/* Serialise m at path and send it to peer. 0 or -errno. */
int osc_send_message(int fd, const struct osc_peer *peer, const char *path, lo_message m);

/* One float, one int, or the error reply "/error ss <path> <reason>". */
int osc_send_float(int fd, const struct osc_peer *peer, const char *path, float value);
int osc_send_int(int fd, const struct osc_peer *peer, const char *path, int value);
int osc_send_message_s(int fd, const struct osc_peer *peer, const char *path, const char *value);
int osc_send_error(int fd, const struct osc_peer *peer, const char *path, const char *reason);

/*
 * Many messages to one peer, packed into bundles that fit one UDP datagram on Ethernet or
 * Wi-Fi without IP fragmentation (a lost fragment loses the whole datagram). A state dump
 * is then tens of packets, not hundreds that would overflow a tablet's receive buffer.
 */
#define OSC_BATCH_BYTES 1400

struct osc_batch {
	int fd;
	const struct osc_peer *to;
	lo_bundle bundle;
	size_t size;
	int n_packets;
};

void osc_batch_begin(struct osc_batch *b, int fd, const struct osc_peer *to);
/* Takes ownership of m. */
void osc_batch_add(struct osc_batch *b, const char *path, lo_message m);
void osc_batch_end(struct osc_batch *b);

#endif
