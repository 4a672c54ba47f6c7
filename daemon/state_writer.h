/*
 * state_writer.h - the autosave's disk work, off the control thread.
 *
 * The control thread must answer OSC within milliseconds, and an fsync on a busy disk or an
 * SD card takes hundreds. So the control thread only serialises the values into a buffer
 * (it owns them) and hands the buffer here; one writer thread does the atomic write
 * (state_write_file). The handoff is a single slot, "latest wins": a newer state replaces
 * one still waiting, so nothing queues up behind a slow disk. The mutex is held only to
 * swap pointers and copy a result, never across disk work; the audio thread never sees it.
 *
 * The thread starts with the first post, with every signal blocked (main takes them through
 * a signalfd), and is joined by state_writer_free after the last post is on disk.
 */
#ifndef JMIXD_STATE_WRITER_H
#define JMIXD_STATE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_WRITER_ERR_MAX 512

struct state_writer;

/* What the writer did since the last state_writer_take: the newest finished write. */
struct state_write_result {
	uint64_t tag;                   /* the caller's tag of that write (its change count) */
	int rc;                         /* 0, or -errno */
	char err[STATE_WRITER_ERR_MAX]; /* the reason, when rc < 0 */
	uint64_t n_failed;              /* failed writes since the last take (rc's included) */
};

/* A writer of file in dir_fd (the fd stays the caller's; it must outlive the writer). NULL
 * when out of memory. */
struct state_writer *state_writer_new(int dir_fd, const char *file);
/* Wait for the last post to be written, stop and join the thread, free. NULL is fine. */
void state_writer_free(struct state_writer *w);

/* Hand buf (malloc'd, len bytes; the writer frees it) over, replacing a post not yet taken.
 * Returns a ticket (> 0) for state_writer_wait, or -errno when the thread cannot start
 * (then buf is still the caller's). */
int64_t state_writer_post(struct state_writer *w, char *buf, size_t len, bool keep_backup,
			  uint64_t tag);
/* Wait up to timeout_ms until the post with this ticket (or a newer one) is written.
 * 0 or -ETIMEDOUT. */
int state_writer_wait(struct state_writer *w, int64_t ticket, int timeout_ms);
/* The newest finished write not taken yet: true and *out filled, or false. Never blocks on
 * the disk. */
bool state_writer_take(struct state_writer *w, struct state_write_result *out);

/* The atomic write itself (any thread): buf to file.tmp in dir_fd, every write checked,
 * fsync, optionally the current file hard-linked to file.bak, rename over file, fsync of the
 * folder. 0, or -errno with err filled. */
int state_write_file(int dir_fd, const char *file, const char *buf, size_t len,
		     bool keep_backup, char *err, int size);

#endif
