/*
 * rtguard.c - LD_PRELOAD checker for the audio thread: abort when code running inside the
 * JACK process callback (or between rtguard_enter/rtguard_leave) allocates, locks, waits,
 * sleeps or does I/O.
 *
 *   LD_PRELOAD=build/librtguard.so build/jmixd ...      RTGUARD_ABORT=0: report, exit 86 at end
 *
 * How: a thread-local flag (initial-exec TLS, so reading it never allocates) is set by a
 * trampoline wrapped around whatever process callback the program registers, and every
 * interposed libc function checks it. Allocation forwards to glibc's __libc_* entry points
 * so the interposer itself never recurses through dlsym. It sees calls made through the PLT
 * only; clang's RealtimeSanitizer covers what it cannot (raw syscalls, mmap), and this
 * catches what RTSan does not (formatted printf). See research/reliability.md, section 1.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <jack/jack.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static __thread int in_rt __attribute__((tls_model("initial-exec")));
static int is_abort = 1;
static volatile int n_violations;

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static void raw_write(const char *s)
{
	syscall(SYS_write, 2, s, strlen(s));
}

static void violation(const char *fn)
{
	int saved = in_rt;
	in_rt = 0;
	__sync_fetch_and_add(&n_violations, 1);
	raw_write("rtguard: RT-unsafe call to ");
	raw_write(fn);
	raw_write("() in the audio thread\n");
	void *bt[32];
	int n = backtrace(bt, 32);
	backtrace_symbols_fd(bt, n, 2);
	if (is_abort)
		abort();
	in_rt = saved;
}

#define CHECK(name)                                                                              \
	do {                                                                                     \
		if (__builtin_expect(in_rt, 0))                                                  \
			violation(name);                                                         \
	} while (0)

void rtguard_enter(void);
void rtguard_leave(void);
int rtguard_violations(void);
void rtguard_enter(void) { in_rt = 1; }
void rtguard_leave(void) { in_rt = 0; }
int rtguard_violations(void) { return n_violations; }

__attribute__((constructor)) static void rtguard_init(void)
{
	const char *e = getenv("RTGUARD_ABORT");
	if (e && *e == '0')
		is_abort = 0;
	void *bt[2];
	backtrace(bt, 2);   /* loads libgcc_s now, not inside the audio thread */
}

__attribute__((destructor)) static void rtguard_fini(void)
{
	if (n_violations) {
		raw_write("rtguard: violations detected\n");
		if (!is_abort)
			_exit(86);
	}
}

void *malloc(size_t n) { CHECK("malloc"); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { CHECK("calloc"); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { CHECK("realloc"); return __libc_realloc(p, n); }
void free(void *p) { if (p) CHECK("free"); __libc_free(p); }
void *memalign(size_t a, size_t n) { CHECK("memalign"); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { CHECK("aligned_alloc"); return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n)
{
	CHECK("posix_memalign");
	*p = __libc_memalign(a, n);
	return *p ? 0 : 12;
}

#define REAL(ret, name, ...)                                                                     \
	static ret (*real_##name)(__VA_ARGS__);                                                  \
	if (!real_##name)                                                                        \
	real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

int pthread_mutex_lock(pthread_mutex_t *m)
{ CHECK("pthread_mutex_lock"); REAL(int, pthread_mutex_lock, pthread_mutex_t *); return real_pthread_mutex_lock(m); }
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{ CHECK("pthread_cond_wait"); REAL(int, pthread_cond_wait, pthread_cond_t *, pthread_mutex_t *); return real_pthread_cond_wait(c, m); }
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{ CHECK("pthread_cond_timedwait"); REAL(int, pthread_cond_timedwait, pthread_cond_t *, pthread_mutex_t *, const struct timespec *); return real_pthread_cond_timedwait(c, m, t); }
int pthread_cond_signal(pthread_cond_t *c)
{ CHECK("pthread_cond_signal"); REAL(int, pthread_cond_signal, pthread_cond_t *); return real_pthread_cond_signal(c); }
int pthread_cond_broadcast(pthread_cond_t *c)
{ CHECK("pthread_cond_broadcast"); REAL(int, pthread_cond_broadcast, pthread_cond_t *); return real_pthread_cond_broadcast(c); }
int pthread_join(pthread_t t, void **r)
{ CHECK("pthread_join"); REAL(int, pthread_join, pthread_t, void **); return real_pthread_join(t, r); }
int sem_wait(sem_t *s)
{ CHECK("sem_wait"); REAL(int, sem_wait, sem_t *); return real_sem_wait(s); }
int usleep(useconds_t u)
{ CHECK("usleep"); REAL(int, usleep, useconds_t); return real_usleep(u); }
unsigned sleep(unsigned s)
{ CHECK("sleep"); REAL(unsigned, sleep, unsigned); return real_sleep(s); }
int nanosleep(const struct timespec *a, struct timespec *b)
{ CHECK("nanosleep"); REAL(int, nanosleep, const struct timespec *, struct timespec *); return real_nanosleep(a, b); }
int clock_nanosleep(clockid_t c, int f, const struct timespec *a, struct timespec *b)
{ CHECK("clock_nanosleep"); REAL(int, clock_nanosleep, clockid_t, int, const struct timespec *, struct timespec *); return real_clock_nanosleep(c, f, a, b); }
ssize_t read(int fd, void *b, size_t n)
{ CHECK("read"); REAL(ssize_t, read, int, void *, size_t); return real_read(fd, b, n); }
ssize_t write(int fd, const void *b, size_t n)
{ CHECK("write"); REAL(ssize_t, write, int, const void *, size_t); return real_write(fd, b, n); }
int open(const char *p, int f, ...)
{
	CHECK("open");
	va_list ap;
	va_start(ap, f);
	mode_t m = (mode_t)va_arg(ap, int);
	va_end(ap);
	REAL(int, open, const char *, int, ...);
	return real_open(p, f, m);
}
int close(int fd)
{ CHECK("close"); REAL(int, close, int); return real_close(fd); }
ssize_t sendto(int s, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l)
{ CHECK("sendto"); REAL(ssize_t, sendto, int, const void *, size_t, int, const struct sockaddr *, socklen_t); return real_sendto(s, b, n, f, a, l); }
ssize_t send(int s, const void *b, size_t n, int f)
{ CHECK("send"); REAL(ssize_t, send, int, const void *, size_t, int); return real_send(s, b, n, f); }
ssize_t recvfrom(int s, void *b, size_t n, int f, struct sockaddr *a, socklen_t *l)
{ CHECK("recvfrom"); REAL(ssize_t, recvfrom, int, void *, size_t, int, struct sockaddr *, socklen_t *); return real_recvfrom(s, b, n, f, a, l); }
int poll(struct pollfd *p, nfds_t n, int t)
{ CHECK("poll"); REAL(int, poll, struct pollfd *, nfds_t, int); return real_poll(p, n, t); }
int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *t)
{ CHECK("select"); REAL(int, select, int, fd_set *, fd_set *, fd_set *, struct timeval *); return real_select(n, r, w, e, t); }

/* glibc's printf reaches write() internally, not through the PLT: hook the front doors. */
int printf(const char *f, ...)
{ CHECK("printf"); va_list ap; va_start(ap, f); int r = vfprintf(stdout, f, ap); va_end(ap); return r; }
int fprintf(FILE *s, const char *f, ...)
{ CHECK("fprintf"); va_list ap; va_start(ap, f); int r = vfprintf(s, f, ap); va_end(ap); return r; }
int puts(const char *x)
{ CHECK("puts"); REAL(int, puts, const char *); return real_puts(x); }
size_t fwrite(const void *b, size_t a, size_t n, FILE *s)
{ CHECK("fwrite"); REAL(size_t, fwrite, const void *, size_t, size_t, FILE *); return real_fwrite(b, a, n, s); }

/* The flag is up only while the program's own process callback runs. */
struct slot {
	JackProcessCallback cb;
	void *arg;
};
static struct slot slots[16];
static int n_slots;

static int trampoline(jack_nframes_t n, void *p)
{
	struct slot *s = p;
	in_rt = 1;
	int r = s->cb(n, s->arg);
	in_rt = 0;
	return r;
}

int jack_set_process_callback(jack_client_t *c, JackProcessCallback cb, void *arg)
{
	REAL(int, jack_set_process_callback, jack_client_t *, JackProcessCallback, void *);
	if (n_slots >= 16)
		return real_jack_set_process_callback(c, cb, arg);
	/* A client reopened after a jackd restart registers again: reuse its slot. */
	struct slot *s = &slots[n_slots++];
	s->cb = cb;
	s->arg = arg;
	return real_jack_set_process_callback(c, trampoline, s);
}
