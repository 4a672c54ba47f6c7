/*
 * arrival.h - when a datagram reached this host, on osc_now_ms()'s clock.
 *
 * The rate limit charges a message at the time it arrived, not at the time the control
 * thread got round to it: on a busy machine the thread may read a second's worth of a burst
 * at once (too few tokens refilled: honest senders refused) or a burst spread over its own
 * late wakes (too many: the limit leaks). The kernel stamps each datagram as it is queued
 * (SO_TIMESTAMPNS); a socket without stamps falls back to the time of reading.
 */
#ifndef JMIXD_OSC_ARRIVAL_H
#define JMIXD_OSC_ARRIVAL_H

#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/* Room for the stamp in a recvmsg() control buffer. */
#define OSC_ARRIVAL_CMSG_SPACE CMSG_SPACE(sizeof(struct timespec))

/* Ask the kernel to stamp fd's datagrams; 0, or -1 with errno (the daemon runs on without). */
int osc_arrival_enable(int fd);

/* The arrival of the datagram recvmsg() just filled msg with, in osc_now_ms() time: the stamp
 * when there is one, never later than now_ms, else now_ms. */
int64_t osc_arrival_ms(const struct msghdr *msg, int64_t now_ms);

#endif
