/*
 * state_writer.c - see state_writer.h.
 */
#include "daemon/state_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FILE_NAME_MAX 96

struct state_writer {
	int dir_fd;
	char file[FILE_NAME_MAX];
	pthread_t thread;
	bool is_started;
	pthread_mutex_t lock;
	pthread_cond_t posted;          /* a post, or the stop */
	pthread_cond_t written;         /* a write finished */
	/* The slot, under lock: */
	char *buf;                      /* NULL: nothing waiting */
	size_t len;
	bool keep_backup;
	uint64_t tag;
	int64_t n_posted;               /* tickets handed out */
	int64_t ticket;                 /* of the post in the slot */
	bool is_stopping;
	/* The results, under lock: */
	int64_t n_written;              /* ticket of the newest finished write */
	bool has_result;
	struct state_write_result result;
};

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int state_write_file(int dir_fd, const char *file, const char *buf, size_t len,
		     bool keep_backup, char *err, int size)
{
	char tmp[FILE_NAME_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		snprintf(err, (size_t)size, "cannot create %s: %s", tmp, strerror(e));
		return -e;
	}
	/* The data must be on disk before the name points at it. */
	int rc = write_all(fd, buf, len);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = errno == EINTR ? 0 : -errno;   /* after EINTR the fd is closed on Linux */
	if (rc < 0) {
		unlinkat(dir_fd, tmp, 0);
		snprintf(err, (size_t)size, "cannot write %s: %s", tmp, strerror(-rc));
		return rc;
	}
	if (keep_backup) {
		/* Hard-link the current file to .bak (replacing the old one) so at every moment
		 * one complete file holds the previous state. */
		char bak_tmp[FILE_NAME_MAX + 16], bak[FILE_NAME_MAX + 8];
		snprintf(bak, sizeof bak, "%s.bak", file);
		snprintf(bak_tmp, sizeof bak_tmp, "%s.bak.tmp", file);
		unlinkat(dir_fd, bak_tmp, 0);
		if (linkat(dir_fd, file, dir_fd, bak_tmp, 0) == 0)
			renameat(dir_fd, bak_tmp, dir_fd, bak);
	}
	if (renameat(dir_fd, tmp, dir_fd, file) < 0) {
		int e = errno;
		snprintf(err, (size_t)size, "cannot rename %s: %s", tmp, strerror(e));
		unlinkat(dir_fd, tmp, 0);
		return -e;
	}
	if (fsync(dir_fd) < 0) {
		int e = errno;
		snprintf(err, (size_t)size, "cannot sync the folder: %s", strerror(e));
		return -e;
	}
	return 0;
}

static void *writer_main(void *arg)
{
	struct state_writer *w = arg;
	char err[STATE_WRITER_ERR_MAX];
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->buf && !w->is_stopping)
			pthread_cond_wait(&w->posted, &w->lock);
		if (!w->buf)
			break;   /* stopping, and the last post is written */
		char *buf = w->buf;
		size_t len = w->len;
		bool keep_backup = w->keep_backup;
		uint64_t tag = w->tag;
		int64_t ticket = w->ticket;
		w->buf = NULL;
		pthread_mutex_unlock(&w->lock);

		err[0] = '\0';
		int rc = state_write_file(w->dir_fd, w->file, buf, len, keep_backup, err,
					  sizeof err);
		free(buf);

		pthread_mutex_lock(&w->lock);
		if (!w->has_result)
			w->result.n_failed = 0;
		w->result.tag = tag;
		w->result.rc = rc;
		memcpy(w->result.err, err, sizeof err);
		w->result.n_failed += rc < 0;
		w->has_result = true;
		w->n_written = ticket;
		pthread_cond_broadcast(&w->written);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct state_writer *state_writer_new(int dir_fd, const char *file)
{
	struct state_writer *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->dir_fd = dir_fd;
	snprintf(w->file, sizeof w->file, "%s", file);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);   /* waits ignore clock steps */
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->posted, NULL);
	pthread_cond_init(&w->written, &attr);
	pthread_condattr_destroy(&attr);
	return w;
}

void state_writer_free(struct state_writer *w)
{
	if (!w)
		return;
	if (w->is_started) {
		pthread_mutex_lock(&w->lock);
		w->is_stopping = true;
		pthread_cond_signal(&w->posted);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
	}
	free(w->buf);
	pthread_cond_destroy(&w->posted);
	pthread_cond_destroy(&w->written);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* Signals stay with the main thread's signalfd: the writer blocks them all. */
static int start(struct state_writer *w)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -rc;
	w->is_started = true;
	return 0;
}

int64_t state_writer_post(struct state_writer *w, char *buf, size_t len, bool keep_backup,
			  uint64_t tag)
{
	if (!w->is_started) {
		int rc = start(w);
		if (rc < 0)
			return rc;
	}
	pthread_mutex_lock(&w->lock);
	char *replaced = w->buf;        /* latest wins: an older state not yet taken goes */
	w->buf = buf;
	w->len = len;
	w->keep_backup = keep_backup;
	w->tag = tag;
	int64_t ticket = w->ticket = ++w->n_posted;
	pthread_cond_signal(&w->posted);
	pthread_mutex_unlock(&w->lock);
	free(replaced);
	return ticket;
}

int state_writer_wait(struct state_writer *w, int64_t ticket, int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	int rc = 0;
	pthread_mutex_lock(&w->lock);
	while (w->n_written < ticket && rc == 0)
		rc = pthread_cond_timedwait(&w->written, &w->lock, &until);
	bool is_done = w->n_written >= ticket;
	pthread_mutex_unlock(&w->lock);
	return is_done ? 0 : -ETIMEDOUT;
}

bool state_writer_take(struct state_writer *w, struct state_write_result *out)
{
	if (!w->is_started)
		return false;
	pthread_mutex_lock(&w->lock);
	bool has = w->has_result;
	if (has)
		*out = w->result;
	w->has_result = false;
	pthread_mutex_unlock(&w->lock);
	return has;
}
