/*
 * nsm.h - jmixd as a client of a session manager (NSM: New Session Manager, RaySession).
 *
 * Protocol (NSM API 1.1, new-session-manager docs/src/api/index.adoc): the client sends
 * /nsm/server/announce to NSM_URL, waits for /nsm/client/open (path, display name, client
 * id), answers /nsm/client/save, reports /nsm/client/is_dirty and /nsm/client/is_clean, and
 * quits on SIGTERM. Everything goes out from the one socket that announced: the server tells
 * its clients apart by their return address.
 *
 * The socket is connect()ed to the server's address, so the kernel drops datagrams from
 * anyone else; each one still passes the same bounded pre-filter as the OSC port (packet.h)
 * before liblo parses it. This file speaks the protocol; what an open or a save means for the
 * console is main.c's business.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_NSM_H
#define JMIXD_OSC_NSM_H

#include <stdbool.h>

#define NSM_CAPABILITIES ":switch:dirty:"

/* Error codes of the protocol that jmixd sends. */
enum nsm_error {
	NSM_ERR_GENERAL = -1,
	NSM_ERR_BAD_PROJECT = -9,
	NSM_ERR_CREATE_FAILED = -10,
};

enum nsm_event {
	NSM_EVENT_NONE,
	NSM_EVENT_OPEN,            /* open holds the path, display name and client id */
	NSM_EVENT_SAVE,
	NSM_EVENT_REFUSED,         /* the server answered the announce with an error */
};

struct nsm_open {
	char path[4096];           /* <session>/<client id>: jmixd uses it as its folder */
	char display_name[256];
	char client_id[64];        /* becomes the JACK client name */
};

struct nsm;

/* Open a UDP socket towards url (osc.udp://host:port/). NULL with err filled on failure. */
struct nsm *nsm_new(const char *url, char *err, int err_size);
void nsm_free(struct nsm *n);
int nsm_fd(const struct nsm *n);

/* /nsm/server/announce: app_name (the JACK client name jmixd would use), argv[0], our pid. */
int nsm_announce(struct nsm *n, const char *app_name, const char *executable);

/* Read what has arrived (the fd polled readable) until one event or nothing is left. */
enum nsm_event nsm_receive(struct nsm *n, struct nsm_open *open);

/* Answer the pending open or save: /reply "<path>" msg, or /error "<path>" code msg. */
void nsm_reply(struct nsm *n, const char *path, const char *msg);
void nsm_error(struct nsm *n, const char *path, enum nsm_error code, const char *msg);

/* Report dirtiness; only a change of state is sent. */
void nsm_set_dirty(struct nsm *n, bool is_dirty);

#endif
