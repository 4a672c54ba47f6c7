/*
 * x32_priv.h - what the files of the X32 / X Air listener share (x32.c: the socket, the
 * front door, gets, sets and /xremote leases; x32_node.c: /node and "/"; x32_sub.c: the
 * /subscribe family and meters). Not for use outside them.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_X32_PRIV_H
#define JMIXD_OSC_X32_PRIV_H

#include <lo/lo.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/config.h"
#include "osc/access.h"
#include "osc/pace.h"
#include "osc/reply.h"
#include "osc/x32.h"
#include "osc/x32_sub.h"

#define SHADOW_SLOTS 4096          /* a power of two; the X32 tree has about 14,000 leaves, of
				    * which only those set are held here */
#define SHADOW_PATH_MAX 48
#define SHADOW_STRING_MAX 32       /* console names are at most 12 characters */
#define MAX_SELVES 3

struct shadow_value {
	char path[SHADOW_PATH_MAX];  /* "" = free slot */
	char tag;
	float f;                     /* 'f' and 'i' */
	char s[SHADOW_STRING_MAX];
};

struct x32_client {
	bool is_used;
	bool is_nfb;                 /* /xremotenfb: never its own changes back */
	struct osc_peer peer;
	int64_t expires_ms;
};

struct state;
struct state_writer;

/* x32_held.c: the held values' file. */
struct x32_held {
	int dir_fd;                  /* the state folder; -1: nothing is kept */
	struct state_writer *writer;
	bool is_dirty;
	int64_t changed_ms;
	uint64_t n_posts;
};

struct x32_listener {
	enum x32_profile profile;
	int fd;
	int port;
	struct setup_dialect cfg;
	struct control *control;
	struct osc_access *access;
	struct osc_pace *pace;
	struct osc_peer selves[MAX_SELVES];   /* jmixd's own sockets: never subscribers */
	int n_selves;
	struct x32_client client[X32_CLIENTS];
	struct x32_subs subs;                 /* /subscribe, /formatsubscribe, meters */
	struct shadow_value *shadow;          /* SHADOW_SLOTS, open addressing */
	int n_shadow;
	struct x32_held held;
	struct state *state;                  /* scenes, for /-snap; NULL: none */
	int64_t last_log_ms;
	int64_t last_unknown_ms;
	uint64_t n_dropped;
};

extern const char *const x32_profile_key[X32_N_PROFILES];

/* Send m to `to` as a plain message on path, charged to the reply budgets as kind. */
int x32_send_plain(struct x32_listener *l, const struct osc_peer *to, const char *path,
		   lo_message m, enum pace_kind kind);

/* The current wire value of a resolved leaf: its tag, the number ('f', 'i') or the string. */
void x32_leaf_value(struct x32_listener *l, const char *path, const struct x32_leaf *leaf,
		    char *tag, float *f, char *s, size_t s_size);

/* Set a resolved leaf from a wire value (type 'f', 'i' or 's' as it arrived); the change
 * reaches the leases (and, for jmixd's parameters, the native subscribers). */
void x32_set_value(struct x32_listener *l, int origin, const char *path,
		   const struct x32_leaf *leaf, char type, float f, const char *s);

/* The origin (control.h) that a set from `from` carries. */
int x32_origin_of(const struct x32_listener *l, const struct osc_peer *from);

/* Read an OSC argument by bytes (liblo leaves them only 4-byte aligned). */
int32_t x32_arg_i32(const lo_arg *a);
float x32_arg_f32(const lo_arg *a);

/* Hold a value (no push, no save); false when the store is full. */
bool x32_shadow_store(struct x32_listener *l, const char *path, char tag, float f,
		      const char *s);

/* x32_held.c: read the held values back (x32_listener_new), note a change, write the file
 * half a second after the last change (the tick), and write what is left (free). */
void x32_held_open(struct x32_listener *l);
void x32_held_changed(struct x32_listener *l);
void x32_held_tick(struct x32_listener *l, int64_t now);
void x32_held_close(struct x32_listener *l);

/* x32_snap.c: "/-snap/<what> ,i N", what is load, save or delete. */
void x32_snap_command(struct x32_listener *l, const struct osc_peer *from, const char *what,
		      int slot);

/* x32_node.c: "/node ,s <node>" and "/ ,s <node text>". */
void x32_node_get(struct x32_listener *l, const struct osc_peer *from, const char *address);
void x32_node_set(struct x32_listener *l, const struct osc_peer *from, const char *text);
/* A node address with its fields as arguments ("/ch/01/eq/1 ,ifff 2 0.265 0.5 0.4648": one
 * set per field, in order; a string on a number field is ignored, as the console ignores
 * ",s" on nodes). False when path is no node of the tree (then it is a leaf). */
bool x32_node_set_args(struct x32_listener *l, const struct osc_peer *from, const char *path,
		       const char *types, lo_arg **argv, int argc);

#endif
