/* arrival.c - kernel receive stamps turned into osc_now_ms() time. See arrival.h. */
#include "osc/arrival.h"

#include <string.h>

int osc_arrival_enable(int fd)
{
	int on = 1;
	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
}

int64_t osc_arrival_ms(const struct msghdr *msg, int64_t now_ms)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		struct timespec stamp, wall;
		memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
		/* The stamp is wall-clock time; what matters is how long ago it was, which the
		 * wall clock tells well enough unless it was just stepped (then: now). */
		clock_gettime(CLOCK_REALTIME, &wall);
		int64_t age_ms = ((int64_t)wall.tv_sec - stamp.tv_sec) * 1000 +
				 (wall.tv_nsec - stamp.tv_nsec) / 1000000;
		if (age_ms < 0 || age_ms > 60000)
			return now_ms;
		return now_ms - age_ms;
	}
	return now_ms;
}
