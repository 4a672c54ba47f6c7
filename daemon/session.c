/*
 * session.c - see session.h.
 */
#include "daemon/session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/log.h"

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
		*p = '/';
		if (rc < 0)
			return rc;
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* Copy from to to through to.tmp, fsync, rename: never a half config under the real name. */
static int copy_atomically(const char *from, const char *to, char *err, int err_size)
{
	char tmp[4200], buf[8192];
	snprintf(tmp, sizeof tmp, "%s.tmp", to);
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		snprintf(err, (size_t)err_size, "%s: %s", from, strerror(errno));
		return -1;
	}
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		snprintf(err, (size_t)err_size, "%s: %s", tmp, strerror(errno));
		close(in);
		return -1;
	}
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -(errno ? errno : EIO);
			break;
		}
	if (n < 0)
		rc = -errno;
	if (rc == 0 && fsync(out) < 0)
		rc = -errno;
	if (close(out) < 0 && rc == 0)
		rc = -errno;
	close(in);
	if (rc == 0 && rename(tmp, to) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		snprintf(err, (size_t)err_size, "%s: %s", to, strerror(-rc));
		return -1;
	}
	return 0;
}

int session_prepare(const struct nsm_open *open, const char *template_cfg, char *cfg_path,
		    size_t cfg_path_size, char *err, int err_size)
{
	char dir[sizeof open->path];
	snprintf(dir, sizeof dir, "%s", open->path);
	int rc = mkdir_p(dir);
	if (rc < 0) {
		snprintf(err, (size_t)err_size, "%s: %s", open->path, strerror(-rc));
		return -1;
	}
	if ((size_t)snprintf(cfg_path, cfg_path_size, "%s/" SESSION_CONFIG, open->path) >=
	    cfg_path_size) {
		snprintf(err, (size_t)err_size, "%s: path too long", open->path);
		return -1;
	}
	struct stat st;
	if (stat(cfg_path, &st) == 0)
		return 0;
	log_info("nsm: new session: %s from %s", cfg_path, template_cfg);
	return copy_atomically(template_cfg, cfg_path, err, err_size);
}

int session_wait_open(struct nsm *nsm, int signal_fd, struct nsm_open *open)
{
	struct pollfd fds[2] = { { .fd = nsm_fd(nsm), .events = POLLIN },
				 { .fd = signal_fd, .events = POLLIN } };
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (fds[1].revents) {
			struct signalfd_siginfo si;
			while (read(signal_fd, &si, sizeof si) == sizeof si)
				if (si.ssi_signo != SIGHUP) {
					log_info("signal %u before the session opened: quitting",
						 si.ssi_signo);
					return -EINTR;
				}
		}
		if (!fds[0].revents)
			continue;
		enum nsm_event ev;
		while ((ev = nsm_receive(nsm, open)) != NSM_EVENT_NONE) {
			if (ev == NSM_EVENT_OPEN)
				return 0;
			if (ev == NSM_EVENT_REFUSED)
				return -EPERM;
			if (ev == NSM_EVENT_SAVE)     /* nothing is open: nothing to save */
				nsm_error(nsm, "/nsm/client/save", NSM_ERR_GENERAL,
					  "no session is open");
		}
	}
}

int session_save(struct nsm *nsm, struct state *st, const struct control *c)
{
	char err[512];
	if (st->dir_fd < 0) {
		nsm_error(nsm, "/nsm/client/save", NSM_ERR_GENERAL, "the session folder is unusable");
		return -1;
	}
	/* Synchronous: the reply says the file is on disk. */
	if (state_save_session(st, c, err, sizeof err) < 0) {
		char msg[sizeof st->dir + sizeof err + 4];
		snprintf(msg, sizeof msg, "%s: %s", st->dir, err);
		log_error("nsm: save: %s", msg);
		nsm_error(nsm, "/nsm/client/save", NSM_ERR_GENERAL, msg);
		return -1;
	}
	log_info("nsm: saved %s/state.cfg", st->dir);
	nsm_reply(nsm, "/nsm/client/save", "Saved");
	return 0;
}
