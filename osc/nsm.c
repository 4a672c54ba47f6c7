/*
 * nsm.c - the NSM client protocol; see nsm.h.
 */
#include "osc/nsm.h"

#include <errno.h>
#include <lo/lo.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/log.h"
#include "osc/packet.h"

struct nsm {
	int fd;
	bool is_dirty;               /* as last reported; a session opens clean */
};

struct nsm *nsm_new(const char *url, char *err, int err_size)
{
	char *proto = lo_url_get_protocol(url);
	char *host = lo_url_get_hostname(url);
	char *port = lo_url_get_port(url);
	struct nsm *n = NULL;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai = NULL;

	if (!proto || strcmp(proto, "udp") != 0 || !host || !port) {
		snprintf(err, err_size, "NSM_URL '%s' is not osc.udp://host:port/", url);
		goto out;
	}
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, err_size, "NSM_URL '%s': %s", url, gai_strerror(rc));
		goto out;
	}
	int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* connect(): the kernel now drops every datagram that is not from the server. */
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(err, err_size, "NSM_URL '%s': %s", url, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	n = calloc(1, sizeof *n);
	if (!n) {
		close(fd);
		snprintf(err, err_size, "out of memory");
		goto out;
	}
	n->fd = fd;
out:
	if (ai)
		freeaddrinfo(ai);
	free(proto);
	free(host);
	free(port);
	return n;
}

void nsm_free(struct nsm *n)
{
	if (!n)
		return;
	close(n->fd);
	free(n);
}

int nsm_fd(const struct nsm *n)
{
	return n->fd;
}

static int send_message(struct nsm *n, const char *path, lo_message m)
{
	uint8_t buf[OSC_MAX_PACKET];
	size_t size = sizeof buf;
	int rc = 0;
	if (!m)
		return -ENOMEM;
	if (!lo_message_serialise(m, path, buf, &size)) {
		rc = -EMSGSIZE;
	} else if (send(n->fd, buf, size, 0) < 0) {
		rc = -errno;
		log_warn("nsm: cannot send %s: %s", path, strerror(errno));
	}
	lo_message_free(m);
	return rc;
}

int nsm_announce(struct nsm *n, const char *app_name, const char *executable)
{
	lo_message m = lo_message_new();
	if (m) {
		lo_message_add_string(m, app_name);
		lo_message_add_string(m, NSM_CAPABILITIES);
		lo_message_add_string(m, executable);
		lo_message_add_int32(m, 1);          /* API version 1.1 */
		lo_message_add_int32(m, 1);
		lo_message_add_int32(m, (int32_t)getpid());
	}
	return send_message(n, "/nsm/server/announce", m);
}

void nsm_reply(struct nsm *n, const char *path, const char *msg)
{
	lo_message m = lo_message_new();
	if (m) {
		lo_message_add_string(m, path);
		lo_message_add_string(m, msg);
	}
	send_message(n, "/reply", m);
}

void nsm_error(struct nsm *n, const char *path, enum nsm_error code, const char *msg)
{
	lo_message m = lo_message_new();
	if (m) {
		lo_message_add_string(m, path);
		lo_message_add_int32(m, code);
		lo_message_add_string(m, msg);
	}
	send_message(n, "/error", m);
}

void nsm_set_dirty(struct nsm *n, bool is_dirty)
{
	if (n->is_dirty == is_dirty)
		return;
	n->is_dirty = is_dirty;
	send_message(n, is_dirty ? "/nsm/client/is_dirty" : "/nsm/client/is_clean",
		     lo_message_new());
}

static const char *arg_string(lo_message m, const char *types, int i)
{
	/* liblo keeps arguments only 4-byte aligned: a string is its bytes, not a union lo_arg. */
	return types[i] == 's' ? (const char *)lo_message_get_argv(m)[i] : NULL;
}

static bool copy_arg(char *dst, size_t size, lo_message m, const char *types, int i)
{
	const char *s = arg_string(m, types, i);
	if (!s || strlen(s) >= size)
		return false;
	memcpy(dst, s, strlen(s) + 1);
	return true;
}

/* One message from the server: what it means for the console, logged on the way. */
static enum nsm_event dispatch(const char *path, lo_message m, struct nsm_open *open)
{
	const char *types = lo_message_get_types(m);
	int argc = lo_message_get_argc(m);

	if (strcmp(path, "/nsm/client/open") == 0) {
		if (argc == 3 && copy_arg(open->path, sizeof open->path, m, types, 0) &&
		    copy_arg(open->display_name, sizeof open->display_name, m, types, 1) &&
		    copy_arg(open->client_id, sizeof open->client_id, m, types, 2) &&
		    open->path[0] == '/' && open->client_id[0])
			return NSM_EVENT_OPEN;
		log_warn("nsm: /nsm/client/open with bad arguments (%s), ignored", types);
		return NSM_EVENT_NONE;
	}
	if (strcmp(path, "/nsm/client/save") == 0)
		return NSM_EVENT_SAVE;
	if (strcmp(path, "/reply") == 0 && argc >= 1 && types[0] == 's') {
		const char *what = arg_string(m, types, 0);
		if (strcmp(what, "/nsm/server/announce") == 0)
			log_info("nsm: announced: %s (%s)",
				 argc > 1 && types[1] == 's' ? arg_string(m, types, 1) : "",
				 argc > 2 && types[2] == 's' ? arg_string(m, types, 2) : "");
		return NSM_EVENT_NONE;
	}
	if (strcmp(path, "/error") == 0 && argc >= 3 && types[0] == 's' && types[2] == 's') {
		const char *what = arg_string(m, types, 0);
		log_error("nsm: the server refused %s: %s", what, arg_string(m, types, 2));
		return strcmp(what, "/nsm/server/announce") == 0 ? NSM_EVENT_REFUSED
								  : NSM_EVENT_NONE;
	}
	if (strcmp(path, "/nsm/client/session_is_loaded") == 0) {
		log_info("nsm: session loaded");
		return NSM_EVENT_NONE;
	}
	log_debug("nsm: %s ignored", path);
	return NSM_EVENT_NONE;
}

enum nsm_event nsm_receive(struct nsm *n, struct nsm_open *open)
{
	uint8_t buf[OSC_MAX_PACKET + 1];
	ssize_t size;
	/* One datagram per event: the loop calls again while the fd stays readable. */
	while ((size = recv(n->fd, buf, sizeof buf, 0)) >= 0) {
		struct osc_message_span spans[OSC_MAX_MESSAGES];
		const char *reason;
		int n_msgs = osc_packet_check(buf, (size_t)size, spans, OSC_MAX_MESSAGES, &reason);
		if (n_msgs < 0) {
			log_warn("nsm: packet refused: %s", reason);
			continue;
		}
		enum nsm_event ev = NSM_EVENT_NONE;
		for (int i = 0; i < n_msgs && ev == NSM_EVENT_NONE; i++) {
			int result;
			lo_message m = lo_message_deserialise((void *)(uintptr_t)spans[i].data,
							      spans[i].size, &result);
			if (!m)
				continue;
			const char *path = (const char *)spans[i].data;
			ev = dispatch(path, m, open);
			lo_message_free(m);
		}
		if (ev != NSM_EVENT_NONE)
			return ev;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED)
		log_warn("nsm: receive: %s", strerror(errno));
	return NSM_EVENT_NONE;
}
