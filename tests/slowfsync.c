/*
 * slowfsync.c - LD_PRELOAD shim for tests: a slow disk, deterministically. Every fsync and
 * fdatasync sleeps SLOWFSYNC_MS milliseconds (default 1000) before doing its work, as an
 * SD card or a busy disk can. test_slowdisk preloads it into jmixd to show that the control
 * thread keeps answering while the autosave waits for the disk.
 *
 *   LD_PRELOAD=build/libslowfsync.so build/jmixd ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void slow_down(void)
{
	const char *ms = getenv("SLOWFSYNC_MS");
	long delay = ms ? atol(ms) : 1000;
	struct timespec left = { delay / 1000, (delay % 1000) * 1000000L };
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

int fsync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	slow_down();
	return real(fd);
}

int fdatasync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	slow_down();
	return real(fd);
}
