/*
 * notify.h - readiness for systemd (Type=notify) without libsystemd: one datagram with
 * "READY=1" (or "STOPPING=1", "RELOADING=1") to the AF_UNIX socket named by $NOTIFY_SOCKET.
 * Does nothing when the variable is unset. Control thread.
 */
#ifndef JMIXD_NOTIFY_H
#define JMIXD_NOTIFY_H

/* 0, 1 when sent, or -errno. */
int notify_systemd(const char *state);

#endif
