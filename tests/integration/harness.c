/*
 * harness.c - integration-test harness for jmixd (see harness.h for the API and conventions).
 *
 * Threads: everything runs on the test's main thread except the probe's JACK callbacks
 * (probe_process on JACK's process thread, probe_xrun on its notification thread). They share
 * only C11 atomics and the recording rings:
 *   - generator settings go test -> RT through a single-writer seqlock per output (gen.seq odd
 *     while written); the RT side keeps its last settings if it sees a write in progress;
 *   - recorded samples go RT -> test through a ring per input and one frame counter
 *     (p->frames, store-release after the copy). The reader copies a range, then re-reads the
 *     counter: if the writer may have reached the range meanwhile (counter + one period past
 *     the ring's capacity), the copy is discarded (-ERANGE). With seconds of ring and reads of
 *     the latest fraction of a second that never happens in practice.
 *   - timing disturbances (xruns, frame-time jumps) are logged as frame indices in a small
 *     ring of atomics.
 */
#include "tests/integration/harness.h"

#include <dirent.h>
#include <complex.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <lo/lo.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define HX_MAX_CHILDREN 32
#define HX_MAX_SERVERS 16
#define HX_MAX_PORTS 8
#define HX_EVENTS 64
#define HX_OSC_QUEUE 256

/* ------------------------------------------------------------------------------------------ */
/* Run-wide state                                                                              */

static char g_tmpdir[256];
static int g_log_fd = -1;
static int g_verbose = -1;
static bool g_atexit_done;
static pid_t g_children[HX_MAX_CHILDREN];
static bool g_child_is_server[HX_MAX_CHILDREN];        /* a jackd: stopped after its clients */
static char g_servers[HX_MAX_SERVERS][HX_NAME_MAX];  /* server names used, for /dev/shm cleanup */
static pid_t g_owner_pid;                             /* forked children must not run atexit */

static void hx_at_exit(void);

static void hx_init_once(void)
{
	if (g_atexit_done)
		return;
	g_atexit_done = true;
	g_owner_pid = getpid();
	atexit(hx_at_exit);
}

double hx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void hx_sleep(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

const char *hx_tmpdir(void)
{
	const char *base;

	if (g_tmpdir[0])
		return g_tmpdir;
	hx_init_once();
	base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(g_tmpdir, sizeof(g_tmpdir), "%s/jmixd-itest-XXXXXX", base);
	if (!mkdtemp(g_tmpdir)) {
		fprintf(stderr, "[hx] mkdtemp(%s): %s\n", g_tmpdir, strerror(errno));
		abort();
	}
	return g_tmpdir;
}

/* Format a path inside the temp folder: out = "<tmpdir>/<fmt...>". -ENAMETOOLONG if cut. */
static int __attribute__((format(printf, 2, 3))) tmp_path(char *out, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(out, HX_PATH_MAX, "%s/", hx_tmpdir());

	va_start(ap, fmt);
	n += vsnprintf(out + n, HX_PATH_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return n < HX_PATH_MAX ? 0 : -ENAMETOOLONG;
}

void hx_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (g_verbose < 0) {
		const char *v = getenv("JMIXD_ITEST_VERBOSE");
		g_verbose = v && *v && strcmp(v, "0") != 0;
	}
	if (g_log_fd < 0) {
		char path[HX_PATH_MAX];

		tmp_path(path, "harness.log");
		g_log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	}
	n = snprintf(line, sizeof(line), "[hx %9.3f] ", hx_now());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (g_log_fd >= 0 && write(g_log_fd, line, (size_t)n) < 0) {
		/* the log is best effort */
	}
	if (g_verbose)
		fwrite(line, 1, (size_t)n, stderr);
}

int hx_write_file(const char *name, const char *text, char *path_out)
{
	size_t len = strlen(text), off = 0;
	int fd;

	if (tmp_path(path_out, "%s", name) < 0)
		return -ENAMETOOLONG;
	fd = open(path_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		off += (size_t)w;
	}
	close(fd);
	return 0;
}

char *hx_read_file(const char *path, size_t from)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;
	size_t n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) {
		fclose(f);
		return NULL;
	}
	if ((size_t)size < from)
		from = (size_t)size;
	buf = malloc((size_t)size - from + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	fseek(f, (long)from, SEEK_SET);
	n = fread(buf, 1, (size_t)size - from, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

size_t hx_file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

size_t hx_count_lines(const char *text, const char *needle)
{
	size_t count = 0;

	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		const char *hit = strstr(line, needle);

		if (hit && (!eol || hit < eol))
			count++;
		line = eol ? eol + 1 : NULL;
	}
	return count;
}

int hx_free_udp_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int port;

	if (fd < 0)
		return -errno;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* ------------------------------------------------------------------------------------------ */
/* Children                                                                                    */

static void child_add(pid_t pid)
{
	for (int i = 0; i < HX_MAX_CHILDREN; i++) {
		if (!g_children[i]) {
			g_children[i] = pid;
			return;
		}
	}
	fprintf(stderr, "[hx] too many children; %d not tracked\n", (int)pid);
}

static void child_del(pid_t pid)
{
	for (int i = 0; i < HX_MAX_CHILDREN; i++)
		if (g_children[i] == pid) {
			g_children[i] = 0;
			g_child_is_server[i] = false;
		}
}

static void child_mark_server(pid_t pid)
{
	for (int i = 0; i < HX_MAX_CHILDREN; i++)
		if (g_children[i] == pid)
			g_child_is_server[i] = true;
}

/* Find prog in $PATH (prog without '/'), into out. */
static int find_in_path(const char *prog, char *out, size_t size)
{
	const char *path = getenv("PATH");
	const char *p;

	if (strchr(prog, '/')) {
		snprintf(out, size, "%s", prog);
		return access(out, X_OK) == 0 ? 0 : -errno;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		snprintf(out, size, "%.*s/%s", (int)len, p, prog);
		if (len && access(out, X_OK) == 0)
			return 0;
		p += len;
		if (*p == ':')
			p++;
	}
	return -ENOENT;
}

/* The environment for a jmixd child: ours, plus LD_PRELOAD=$JMIXD_PRELOAD when that is set
 * (the RT guard goes into the daemon only, never into jackd or the test program). Built
 * before fork; the result is kept for the run. */
static char *const *daemon_env(void)
{
	extern char **environ;
	static char **env;
	static char preload[HX_PATH_MAX + 16];
	const char *want = getenv("JMIXD_PRELOAD");
	size_t n = 0, k = 0;

	if (!want || !*want)
		return environ;
	free(env);
	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return environ;
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", want);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			env[k++] = environ[i];
	env[k++] = preload;
	env[k] = NULL;
	return env;
}

/*
 * fork/exec argv[0] (a path) with environment envp, stdin from /dev/null and stdout+stderr
 * appended to log_path. The child dies with us (PR_SET_PDEATHSIG) and gets default signal
 * state. Between fork and exec only async-signal-safe calls: other threads (JACK's) may hold
 * locks.
 */
static pid_t spawn_env(const char *const *argv, char *const *envp, const char *log_path)
{
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t parent = getpid();
	pid_t pid;

	if (log_fd < 0 || null_fd < 0) {
		int e = errno;

		if (log_fd >= 0)
			close(log_fd);
		if (null_fd >= 0)
			close(null_fd);
		return -e;
	}
	pid = fork();
	if (pid == 0) {
		static const char msg[] = "[hx] exec failed\n";
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigset_t none;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(null_fd, 0);
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		for (int sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				sigaction(sig, &dfl, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(argv[0], (char *const *)argv, envp);
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
	{
		int e = errno;

		close(log_fd);
		close(null_fd);
		if (pid < 0)
			return -e;
	}
	child_add(pid);
	{
		char cmd[1024];
		size_t off = 0;

		for (int i = 0; argv[i] && off < sizeof(cmd) - 1; i++)
			off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, "%s%s",
						i ? " " : "", argv[i]);
		hx_log("spawned pid %d: %s (log %s)", (int)pid, cmd, log_path);
	}
	return pid;
}

static pid_t spawn(const char *const *argv, const char *log_path)
{
	extern char **environ;

	return spawn_env(argv, environ, log_path);
}

int hx_wait_exit(pid_t pid, double timeout_s, int *status)
{
	double deadline = hx_now() + timeout_s;

	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			child_del(pid);
			if (status)
				*status = st;
			return 0;
		}
		if (r < 0 && errno != EINTR) {
			child_del(pid);
			return -errno;
		}
		if (hx_now() >= deadline)
			return -ETIMEDOUT;
		hx_sleep(0.002);
	}
}

const char *hx_status_str(int status)
{
	static char buf[96];

	if (status < 0)
		snprintf(buf, sizeof(buf), "error %d (%s)", status, strerror(-status));
	else if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", (unsigned)status);
	return buf;
}

/* SIGTERM, grace, SIGKILL: the common way to end one of our children. */
static int stop_child(pid_t pid, int sig, double grace_s, int *status)
{
	int rc;

	kill(pid, sig);
	rc = hx_wait_exit(pid, grace_s, status);
	if (rc == -ETIMEDOUT) {
		hx_log("pid %d still running %.1f s after signal %d: SIGKILL", (int)pid, grace_s,
		       sig);
		kill(pid, SIGKILL);
		if (hx_wait_exit(pid, 5.0, status) < 0)
			return -ECHILD;
		return -ETIMEDOUT;
	}
	return rc;
}

/*
 * Leftovers at the end of a run: open probes and the clients (daemons, tools) first, the
 * jackd servers last, each SIGTERM, a bounded wait, then SIGKILL. A server stopped under
 * running clients leaves a dead slot in JACK's server registry, and a client whose server is
 * gone can hang in jack_client_close (bench/live.sh once did, for 17 minutes).
 */
static void close_open_probes(void);

static void kill_children(void)
{
	close_open_probes();
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < HX_MAX_CHILDREN; i++) {
			pid_t pid = g_children[i];
			int st;

			if (!pid || g_child_is_server[i] != (pass == 1))
				continue;
			fprintf(stderr, "[hx] cleaning up leftover %s %d\n",
				pass ? "jackd" : "child", (int)pid);
			stop_child(pid, SIGTERM, 3.0, &st);
			g_children[i] = 0;
			g_child_is_server[i] = false;
		}
	}
}

/* Remove the /dev/shm entries named after our (dead) servers: jack2 leaves its socket
 * "jack_<name>_<uid>_0" and semaphores "jack_sem.<uid>_<name>_*" behind after a SIGKILL.
 * Names contain our PID, so nothing of another run matches. */
static void clean_shm(void)
{
	DIR *dir = opendir("/dev/shm");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		for (int i = 0; i < HX_MAX_SERVERS; i++) {
			char pat[HX_NAME_MAX + 4];

			if (!g_servers[i][0])
				continue;
			snprintf(pat, sizeof(pat), "_%.*s_", HX_NAME_MAX - 1, g_servers[i]);
			if (strncmp(de->d_name, "jack", 4) == 0 && strstr(de->d_name, pat)) {
				char path[HX_PATH_MAX];

				snprintf(path, sizeof(path), "/dev/shm/%s", de->d_name);
				unlink(path);
			}
		}
	}
	closedir(dir);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *pos)
{
	(void)st;
	(void)flag;
	(void)pos;
	if (remove(path) < 0)
		fprintf(stderr, "[hx] cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

/* Remove the temp folder and everything in it (the daemon may add folders, e.g. its autosave
 * state next to the config). Depth-first, never following symlinks. */
static void remove_tmpdir(void)
{
	if (!g_tmpdir[0])
		return;
	if (g_log_fd >= 0) {
		close(g_log_fd);
		g_log_fd = -1;
	}
	if (nftw(g_tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "[hx] cannot remove %s: %s\n", g_tmpdir, strerror(errno));
	g_tmpdir[0] = '\0';
}

static void hx_at_exit(void)
{
	if (getpid() != g_owner_pid)
		return;
	kill_children();
	clean_shm();
	if (g_tmpdir[0])
		fprintf(stderr, "[hx] logs kept in %s\n", g_tmpdir);
}

int hx_finish(int n_failed)
{
	const char *keep = getenv("JMIXD_ITEST_KEEP");

	kill_children();
	clean_shm();
	if (n_failed == 0 && !(keep && *keep && strcmp(keep, "0") != 0))
		remove_tmpdir();
	else if (g_tmpdir[0])
		fprintf(stderr, "[hx] logs kept in %s\n", g_tmpdir);
	g_tmpdir[0] = '\0';
	return n_failed;
}

void hx_dump_log_tail(const char *title, const char *path, int max_lines)
{
	char *text = hx_read_file(path, 0);
	const char *start;
	int lines = 0;

	if (!text) {
		fprintf(stderr, "---- %s: %s (missing)\n", title, path);
		return;
	}
	start = text + strlen(text);
	while (start > text) {
		if (start[-1] == '\n' && start != text + strlen(text) && ++lines > max_lines)
			break;
		start--;
	}
	fprintf(stderr, "---- %s (%s), last lines:\n%s%s---- end of %s\n", title, path, start,
		(*start && start[strlen(start) - 1] != '\n') ? "\n" : "", title);
	free(text);
}

/* ------------------------------------------------------------------------------------------ */
/* jackd                                                                                       */

static void jack_quiet_error(const char *msg)
{
	hx_log("libjack: %s", msg);
}

static void jack_quiet_info(const char *msg)
{
	(void)msg;
}

static void jack_messages_to_log(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	jack_set_error_function(jack_quiet_error);
	jack_set_info_function(jack_quiet_info);
}

static void remember_server(const char *name)
{
	for (int i = 0; i < HX_MAX_SERVERS; i++) {
		if (!strcmp(g_servers[i], name))
			return;
		if (!g_servers[i][0]) {
			snprintf(g_servers[i], HX_NAME_MAX, "%s", name);
			return;
		}
	}
}

/*
 * The test jackd runs with SCHED_FIFO (jackd --realtime; libjack gives its clients' process
 * threads the same class) whenever this process may use it: root, or an RLIMIT_RTPRIO above
 * 0. That is how a desk runs, and it is what keeps audio measurements meaningful on a busy
 * machine: with two busy loops on 2 cores, a --no-realtime jackd at 64 frames saw about 100
 * clients "not finished" a second and hardly one 0.2 s window without a disturbance; with
 * --realtime, 4 disturbed windows in the whole of test_buses. The kernel's RT throttling
 * (sched_rt_runtime_us) still leaves the machine 5 % should a process callback spin.
 * Emulated runs (JMIXD_ITEST_EMULATED, the arm64 suite under qemu) stay --no-realtime.
 * JMIXD_ITEST_RT=0 forces --no-realtime, =1 forces --realtime.
 */
bool hx_jackd_realtime(void)
{
	static int is_rt = -1;
	const char *want = getenv("JMIXD_ITEST_RT");
	struct rlimit rl;

	if (is_rt >= 0)
		return is_rt;
	if (want && *want)
		is_rt = strcmp(want, "0") != 0;
	else if (getenv("JMIXD_ITEST_EMULATED"))
		is_rt = 0;   /* under qemu a period costs many times more: never SCHED_FIFO */
	else
		is_rt = geteuid() == 0 ||
			(getrlimit(RLIMIT_RTPRIO, &rl) == 0 && rl.rlim_cur > 0);
	return is_rt;
}

int hx_jackd_start(struct hx_jackd *j, unsigned rate, unsigned period)
{
	static unsigned n_servers;
	char jackd[HX_PATH_MAX], rate_s[16], period_s[16];
	const char *argv[12];
	double t0 = hx_now(), deadline = t0 + 10.0;
	int rc, st;

	if (j->pid)
		return -EBUSY;
	hx_init_once();
	jack_messages_to_log();
	if (!j->name[0])
		snprintf(j->name, sizeof(j->name), "jmx-%d-%u", (int)getpid(), n_servers++);
	remember_server(j->name);
	tmp_path(j->log_path, "jackd-%s.log", j->name);
	if ((rc = find_in_path("jackd", jackd, sizeof(jackd))) < 0) {
		fprintf(stderr, "[hx] jackd not found in PATH\n");
		return rc;
	}
	/*
	 * Under qemu every JACK cycle costs the emulator a round of futex hand-offs between
	 * jackd, jmixd and the probe: at 64 frames (750 cycles a second) most windows had an
	 * xrun and test_strip and test_skeleton took minutes. A Pi runs 128 to 256 frames.
	 */
	if (getenv("JMIXD_ITEST_EMULATED") && period < HX_EMULATED_MIN_PERIOD)
		period = HX_EMULATED_MIN_PERIOD;
	snprintf(rate_s, sizeof(rate_s), "%u", rate);
	snprintf(period_s, sizeof(period_s), "%u", period);
	argv[0] = jackd;
	argv[1] = "-n";
	argv[2] = j->name;
	argv[3] = hx_jackd_realtime() ? "--realtime" : "--no-realtime";
	argv[4] = "-d";
	argv[5] = "dummy";
	argv[6] = "-r";
	argv[7] = rate_s;
	argv[8] = "-p";
	argv[9] = period_s;
	argv[10] = NULL;
	/* Before any client of ours could read it from another thread. */
	if (!getenv("JACK_DEFAULT_SERVER") || strcmp(getenv("JACK_DEFAULT_SERVER"), j->name))
		setenv("JACK_DEFAULT_SERVER", j->name, 1);
	j->rate = rate;
	j->period = period;
	j->pid = spawn(argv, j->log_path);
	if (j->pid < 0) {
		rc = j->pid;
		j->pid = 0;
		return rc;
	}
	child_mark_server(j->pid);
	j->n_starts++;
	while (hx_now() < deadline) {
		jack_status_t status;

		if (hx_wait_exit(j->pid, 0, &st) == 0) {
			fprintf(stderr, "[hx] jackd %s exited during startup: %s\n", j->name,
				hx_status_str(st));
			hx_dump_log_tail("jackd log", j->log_path, 30);
			j->pid = 0;
			return -ECHILD;
		}
		j->observer = jack_client_open("hx-observer", JackNoStartServer | JackServerName,
					       &status, j->name);
		if (j->observer)
			break;
		hx_sleep(0.05);
	}
	if (!j->observer) {
		fprintf(stderr, "[hx] jackd %s not reachable after 10 s\n", j->name);
		hx_dump_log_tail("jackd log", j->log_path, 30);
		hx_jackd_stop_sig(j, SIGKILL, 1.0);
		return -ETIMEDOUT;
	}
	if (jack_get_sample_rate(j->observer) != rate ||
	    jack_get_buffer_size(j->observer) != period) {
		fprintf(stderr, "[hx] jackd %s runs at %u Hz / %u frames, asked %u / %u\n", j->name,
			jack_get_sample_rate(j->observer), jack_get_buffer_size(j->observer), rate,
			period);
		hx_jackd_stop(j);
		return -EPROTO;
	}
	hx_log("jackd %s pid %d up in %.2f s (%u Hz, %u frames)", j->name, (int)j->pid,
	       hx_now() - t0, rate, period);
	return 0;
}

int hx_jackd_stop_sig(struct hx_jackd *j, int sig, double grace_s)
{
	int st = 0, rc;

	if (j->observer) {
		jack_client_close(j->observer);
		j->observer = NULL;
	}
	if (!j->pid)
		return 0;
	rc = stop_child(j->pid, sig, grace_s, &st);
	hx_log("jackd %s pid %d stopped (signal %d): %s", j->name, (int)j->pid, sig,
	       rc == -ECHILD ? "lost" : hx_status_str(st));
	j->pid = 0;
	if (rc == -ECHILD)
		return rc;
	return st;
}

int hx_jackd_stop(struct hx_jackd *j)
{
	return hx_jackd_stop_sig(j, SIGTERM, 3.0);
}

bool hx_jack_port_exists(struct hx_jackd *j, const char *port)
{
	return j->observer && jack_port_by_name(j->observer, port) != NULL;
}

int hx_jack_wait_port(struct hx_jackd *j, const char *port, bool want, double timeout_s)
{
	double deadline = hx_now() + timeout_s;

	for (;;) {
		if (hx_jack_port_exists(j, port) == want)
			return 0;
		if (hx_now() >= deadline)
			return -ETIMEDOUT;
		hx_sleep(0.01);
	}
}

bool hx_jack_connected(struct hx_jackd *j, const char *src, const char *dst)
{
	jack_port_t *p;

	if (!j->observer || !(p = jack_port_by_name(j->observer, src)))
		return false;
	return jack_port_connected_to(p, dst) != 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Daemon                                                                                      */

const char *hx_jmixd_bin(void)
{
	const char *bin = getenv("JMIXD_BIN");

	return bin && *bin ? bin : "./build/jmixd";
}

char *hx_daemon_port(const struct hx_daemon *d, const char *port, char *buf)
{
	snprintf(buf, HX_NAME_MAX * 2, "%s:%s", d->client_name, port);
	return buf;
}

bool hx_daemon_alive(struct hx_daemon *d)
{
	int st;

	if (!d->pid)
		return false;
	if (hx_wait_exit(d->pid, 0, &st) == 0) {
		hx_log("daemon pid %d exited: %s", (int)d->pid, hx_status_str(st));
		d->exit_status = st;
		d->pid = 0;
		return false;
	}
	return true;
}

bool hx_daemon_expect_alive(struct hx_daemon *d)
{
	if (hx_daemon_alive(d))
		return true;
	fprintf(stderr, "[hx] the daemon is not running (%s)\n", hx_status_str(d->exit_status));
	hx_dump_log_tail("jmixd log", d->log_path, 40);
	return false;
}

static int daemon_fail(struct hx_daemon *d, pid_t pid, const char *why, int rc)
{
	fprintf(stderr, "[hx] daemon %s (pid %d, %s): %s\n", d->client_name, (int)pid,
		hx_jmixd_bin(), why);
	if (d->pid)
		hx_daemon_stop(d, SIGKILL, 2.0);
	else if (d->exit_status >= 0)
		fprintf(stderr, "[hx] daemon ended with %s\n", hx_status_str(d->exit_status));
	hx_dump_log_tail("jmixd log", d->log_path, 40);
	return rc;
}

int hx_daemon_start(struct hx_daemon *d, struct hx_jackd *j, const char *cfg_text,
		    const struct hx_daemon_opts *opts)
{
	static unsigned n_daemons;
	const char *argv[40];
	char port_s[16], name[HX_NAME_MAX], full[HX_NAME_MAX * 2];
	double timeout = opts && opts->timeout_s > 0 ? opts->timeout_s : 10.0;
	double t0 = hx_now(), deadline = t0 + timeout;
	struct hx_osc *osc = NULL;
	unsigned k = n_daemons++;
	int argc = 0, rc;
	pid_t pid;

	memset(d, 0, sizeof(*d));
	d->exit_status = -1;
	d->jackd = j;
	snprintf(d->client_name, sizeof(d->client_name), "jmixd-it%u", k);
	if ((d->osc_port = hx_free_udp_port()) < 0)
		return d->osc_port;
	snprintf(name, sizeof(name), "daemon-%u.cfg", k);
	if ((rc = hx_write_file(name, cfg_text, d->cfg_path)) < 0)
		return rc;
	tmp_path(d->log_path, "daemon-%u.log", k);
	if (access(hx_jmixd_bin(), X_OK) != 0) {
		fprintf(stderr, "[hx] daemon binary %s: %s (build it with make, or set JMIXD_BIN)\n",
			hx_jmixd_bin(), strerror(errno));
		return -ENOENT;
	}
	snprintf(port_s, sizeof(port_s), "%d", d->osc_port);
	argv[argc++] = hx_jmixd_bin();
	argv[argc++] = "-c";
	argv[argc++] = d->cfg_path;
	argv[argc++] = "-n";
	argv[argc++] = d->client_name;
	argv[argc++] = "-p";
	argv[argc++] = port_s;
	for (int i = 0; opts && opts->extra_args && opts->extra_args[i] && argc < 38; i++)
		argv[argc++] = opts->extra_args[i];
	argv[argc] = NULL;
	d->pid = pid = spawn_env(argv, daemon_env(), d->log_path);
	if (d->pid < 0) {
		d->pid = 0;
		return pid;
	}

	/* 1. JACK ports. */
	for (int i = -2; ; i++) {
		const char *port = i == -2 ? "master_L" : i == -1 ? "master_R" :
				   (opts && opts->ports) ? opts->ports[i] : NULL;

		if (!port)
			break;
		hx_daemon_port(d, port, full);
		while (!hx_jack_port_exists(j, full)) {
			if (!hx_daemon_alive(d))
				return daemon_fail(d, pid, "exited during startup", -ECHILD);
			if (hx_now() >= deadline) {
				char why[HX_NAME_MAX * 3];

				snprintf(why, sizeof(why), "port %s missing after %.0f s", full,
					 timeout);
				return daemon_fail(d, pid, why, -ETIMEDOUT);
			}
			hx_sleep(0.01);
		}
	}
	/* 2. OSC answers a query. */
	if (!(osc = hx_osc_open(d->osc_port)))
		return daemon_fail(d, pid, "cannot open an OSC client", -EIO);
	for (;;) {
		if (!hx_daemon_alive(d)) {
			hx_osc_close(osc);
			return daemon_fail(d, pid, "exited during startup", -ECHILD);
		}
		if (hx_now() >= deadline) {
			hx_osc_close(osc);
			return daemon_fail(d, pid, "no answer to the OSC query /master/fader",
					   -ETIMEDOUT);
		}
		hx_osc_send(osc, "/master/fader", "");
		if (hx_osc_wait(osc, "/master/fader", 0.2, NULL) == 0)
			break;
	}
	hx_osc_close(osc);
	hx_log("daemon %s pid %d ready in %.2f s (osc port %d)", d->client_name, (int)d->pid,
	       hx_now() - t0, d->osc_port);
	return 0;
}

int hx_daemon_stop(struct hx_daemon *d, int sig, double timeout_s)
{
	int st = 0, rc;

	if (!d->pid)
		return 0;
	rc = stop_child(d->pid, sig, timeout_s, &st);
	hx_log("daemon %s pid %d stopped (signal %d): %s%s", d->client_name, (int)d->pid, sig,
	       hx_status_str(st), rc == -ETIMEDOUT ? " after SIGKILL" : "");
	d->pid = 0;
	if (rc == -ECHILD)
		return rc;
	d->exit_status = st;
	return rc == -ETIMEDOUT ? rc : st;
}

size_t hx_daemon_log_mark(const struct hx_daemon *d)
{
	return hx_file_size(d->log_path);
}

char *hx_daemon_log(const struct hx_daemon *d, size_t mark)
{
	return hx_read_file(d->log_path, mark);
}

size_t hx_daemon_log_wait(const struct hx_daemon *d, size_t mark, const char *needle, size_t n,
			  double timeout_s)
{
	double deadline = hx_now() + timeout_s;

	for (;;) {
		char *text = hx_daemon_log(d, mark);
		size_t count = text ? hx_count_lines(text, needle) : 0;

		free(text);
		if (count >= n || hx_now() >= deadline)
			return count;
		hx_sleep(0.02);
	}
}

/* Run argv to completion with environment envp (see hx_run). */
static int run_env(const char *const *argv, char *const *envp, double timeout_s, char *log_out)
{
	static unsigned n_runs;
	char log_path[HX_PATH_MAX];
	int st = 0, rc;
	pid_t pid;

	tmp_path(log_path, "run-%u.log", n_runs++);
	if (log_out)
		snprintf(log_out, HX_PATH_MAX, "%s", log_path);
	if (access(argv[0], X_OK) != 0)
		return -errno;
	pid = spawn_env(argv, envp, log_path);
	if (pid < 0)
		return pid;
	rc = hx_wait_exit(pid, timeout_s, &st);
	if (rc == -ETIMEDOUT) {
		hx_log("pid %d (%s) did not exit within %.1f s: SIGKILL", (int)pid, argv[0],
		       timeout_s);
		stop_child(pid, SIGKILL, 2.0, &st);
		return -ETIMEDOUT;
	}
	hx_log("pid %d (%s) ended: %s", (int)pid, argv[0], rc < 0 ? "lost" : hx_status_str(st));
	return rc < 0 ? rc : st;
}

int hx_run(const char *const *argv, double timeout_s, char *log_out)
{
	extern char **environ;

	return run_env(argv, environ, timeout_s, log_out);
}

int hx_jmixd_run(const char *const *args, double timeout_s, char *log_out)
{
	const char *argv[40];
	int argc = 0;

	argv[argc++] = hx_jmixd_bin();
	for (int i = 0; args && args[i] && argc < 39; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	return run_env(argv, daemon_env(), timeout_s, log_out);
}

/* ------------------------------------------------------------------------------------------ */
/* Probe                                                                                       */

/* Generator settings, written by the test thread under gen_out.seq (a seqlock). */
struct gen_params {
	atomic_int kind;
	_Atomic double freq_hz;
	_Atomic double amp;
	atomic_uint interval;
};

struct gen_out {
	jack_port_t *port;
	char name[HX_NAME_MAX * 2];
	atomic_uint seq;                    /* odd while the test thread writes prm */
	struct gen_params prm;
	atomic_uint seq_taken;              /* last seq the process thread applied */
	atomic_uint_least64_t frame_taken;  /* probe frame where it was applied */
	/* Process-thread state only. */
	unsigned seen;
	int kind;
	double phase, dphase, amp;
	uint32_t interval, countdown, rng;
	bool armed;
};

struct rec_in {
	jack_port_t *port;
	char name[HX_NAME_MAX * 2];
	float *ring;
};

struct hx_probe {
	jack_client_t *client;
	unsigned n_out, n_in;
	jack_nframes_t rate, period;
	struct gen_out out[HX_MAX_PORTS];
	struct rec_in in[HX_MAX_PORTS];
	size_t ring_frames;                 /* power of two */
	atomic_uint_least64_t frames;       /* frames processed (store-release after the copy) */
	atomic_uint max_nframes;            /* largest nframes seen */
	atomic_uint n_events;
	atomic_uint_least64_t events[HX_EVENTS];
	/* Process-thread state only. */
	jack_nframes_t last_ft, last_n;
	bool has_last_ft;
};

/* Probes not closed yet: closed at the end of the run, before any jackd is stopped. */
static struct hx_probe *g_probes[HX_MAX_CHILDREN];

static void probe_track(struct hx_probe *p, bool is_open)
{
	for (int i = 0; i < HX_MAX_CHILDREN; i++)
		if (g_probes[i] == (is_open ? NULL : p)) {
			g_probes[i] = is_open ? p : NULL;
			return;
		}
}

static void close_open_probes(void)
{
	for (int i = 0; i < HX_MAX_CHILDREN; i++)
		if (g_probes[i]) {
			fprintf(stderr, "[hx] closing a probe left open\n");
			hx_probe_close(g_probes[i]);
		}
}

static void probe_event(struct hx_probe *p, uint64_t frame)
{
	unsigned k = atomic_fetch_add_explicit(&p->n_events, 1, memory_order_relaxed);

	atomic_store_explicit(&p->events[k % HX_EVENTS], frame, memory_order_relaxed);
}

/* RT: take new generator settings if a complete write is visible. */
static void gen_reload(struct gen_out *g, uint64_t base, double rate)
{
	unsigned s1 = atomic_load_explicit(&g->seq, memory_order_acquire);
	int kind;
	double freq, amp;
	unsigned interval;

	if (s1 == g->seen || (s1 & 1u))
		return;
	kind = atomic_load_explicit(&g->prm.kind, memory_order_relaxed);
	freq = atomic_load_explicit(&g->prm.freq_hz, memory_order_relaxed);
	amp = atomic_load_explicit(&g->prm.amp, memory_order_relaxed);
	interval = atomic_load_explicit(&g->prm.interval, memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&g->seq, memory_order_relaxed) != s1)
		return;
	if (kind != HX_GEN_SINE)
		g->phase = 0;           /* a sine restarts at phase 0 unless it already ran */
	if (kind == HX_GEN_NOISE && g->kind != HX_GEN_NOISE)
		g->rng = 0x12345678u;
	g->kind = kind;
	g->dphase = 2.0 * M_PI * freq / rate;
	g->amp = amp;
	g->interval = interval;
	g->countdown = 0;
	g->armed = true;
	g->seen = s1;
	atomic_store_explicit(&g->frame_taken, base, memory_order_relaxed);
	atomic_store_explicit(&g->seq_taken, s1, memory_order_release);
}

/* RT: fill one output buffer. */
static void gen_run(struct gen_out *g, float *buf, jack_nframes_t n)
{
	switch (g->kind) {
	case HX_GEN_SINE:
		for (jack_nframes_t i = 0; i < n; i++) {
			buf[i] = (float)(g->amp * sin(g->phase));
			g->phase += g->dphase;
			if (g->phase >= 2.0 * M_PI)
				g->phase -= 2.0 * M_PI;
		}
		break;
	case HX_GEN_IMPULSE:
		for (jack_nframes_t i = 0; i < n; i++) {
			buf[i] = 0.0f;
			if (!g->armed)
				continue;
			if (g->countdown == 0) {
				buf[i] = (float)g->amp;
				if (g->interval)
					g->countdown = g->interval - 1;
				else
					g->armed = false;
			} else {
				g->countdown--;
			}
		}
		break;
	case HX_GEN_NOISE:
		for (jack_nframes_t i = 0; i < n; i++) {
			uint32_t x = g->rng;

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			g->rng = x;
			buf[i] = (float)(g->amp * ((double)x * (2.0 / 4294967296.0) - 1.0));
		}
		break;
	default:
		memset(buf, 0, n * sizeof(float));
		break;
	}
}

/* RT: the process callback. No allocation, locks, logging or waiting. */
static int probe_process(jack_nframes_t nframes, void *arg)
{
	struct hx_probe *p = arg;
	uint64_t base = atomic_load_explicit(&p->frames, memory_order_relaxed);
	jack_nframes_t ft = jack_last_frame_time(p->client);
	size_t mask = p->ring_frames - 1;

	if (p->has_last_ft && ft != p->last_ft + p->last_n)
		probe_event(p, base);
	p->last_ft = ft;
	p->last_n = nframes;
	p->has_last_ft = true;
	if (nframes > atomic_load_explicit(&p->max_nframes, memory_order_relaxed))
		atomic_store_explicit(&p->max_nframes, nframes, memory_order_relaxed);

	for (unsigned k = 0; k < p->n_out; k++) {
		struct gen_out *g = &p->out[k];

		gen_reload(g, base, (double)p->rate);
		gen_run(g, jack_port_get_buffer(g->port, nframes), nframes);
	}
	for (unsigned k = 0; k < p->n_in; k++) {
		const float *src = jack_port_get_buffer(p->in[k].port, nframes);
		size_t pos = (size_t)(base & mask);
		size_t first = nframes < p->ring_frames - pos ? nframes : p->ring_frames - pos;

		memcpy(p->in[k].ring + pos, src, first * sizeof(float));
		memcpy(p->in[k].ring, src + first, (nframes - first) * sizeof(float));
	}
	atomic_store_explicit(&p->frames, base + nframes, memory_order_release);
	return 0;
}

static int probe_xrun(void *arg)
{
	struct hx_probe *p = arg;

	probe_event(p, atomic_load_explicit(&p->frames, memory_order_relaxed));
	return 0;
}

/* Register the probe's port "<kind>_<k+1>"; its full name goes to full (HX_NAME_MAX * 2). */
static jack_port_t *probe_port(struct hx_probe *p, const char *kind, unsigned k,
			       unsigned long flags, char *full)
{
	char short_name[32];

	snprintf(short_name, sizeof(short_name), "%s_%u", kind, k + 1);
	snprintf(full, HX_NAME_MAX * 2, "%s:%s", jack_get_client_name(p->client), short_name);
	return jack_port_register(p->client, short_name, JACK_DEFAULT_AUDIO_TYPE, flags, 0);
}

struct hx_probe *hx_probe_open(const char *name, unsigned n_out, unsigned n_in, double ring_s)
{
	struct hx_probe *p;
	jack_status_t status;
	size_t want;

	if (n_out > HX_MAX_PORTS || n_in > HX_MAX_PORTS)
		return NULL;
	jack_messages_to_log();
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->client = jack_client_open(name, JackNoStartServer | JackUseExactName, &status);
	if (!p->client) {
		fprintf(stderr, "[hx] probe: jack_client_open(%s) failed, status 0x%x\n", name,
			(unsigned)status);
		free(p);
		return NULL;
	}
	p->rate = jack_get_sample_rate(p->client);
	p->period = jack_get_buffer_size(p->client);
	want = (size_t)(ring_s * p->rate);
	for (p->ring_frames = 4096; p->ring_frames < want; p->ring_frames *= 2)
		;
	p->n_out = n_out;
	p->n_in = n_in;
	for (unsigned k = 0; k < n_out; k++)
		if (!(p->out[k].port = probe_port(p, "out", k, JackPortIsOutput, p->out[k].name)))
			goto fail;
	for (unsigned k = 0; k < n_in; k++) {
		p->in[k].port = probe_port(p, "in", k, JackPortIsInput, p->in[k].name);
		p->in[k].ring = calloc(p->ring_frames, sizeof(float));
		if (!p->in[k].port || !p->in[k].ring)
			goto fail;
	}
	if (jack_set_process_callback(p->client, probe_process, p) ||
	    jack_set_xrun_callback(p->client, probe_xrun, p) || jack_activate(p->client))
		goto fail;
	hx_log("probe %s: %u out, %u in, ring %zu frames, %u Hz, period %u", name, n_out, n_in,
	       p->ring_frames, p->rate, p->period);
	probe_track(p, true);
	return p;
fail:
	fprintf(stderr, "[hx] probe %s: port registration or activation failed\n", name);
	hx_probe_close(p);
	return NULL;
}

void hx_probe_close(struct hx_probe *p)
{
	if (!p)
		return;
	probe_track(p, false);
	if (p->client)
		jack_client_close(p->client);
	for (unsigned k = 0; k < HX_MAX_PORTS; k++)
		free(p->in[k].ring);
	free(p);
}

const char *hx_probe_out(const struct hx_probe *p, unsigned k)
{
	return k < p->n_out ? p->out[k].name : NULL;
}

const char *hx_probe_in(const struct hx_probe *p, unsigned k)
{
	return k < p->n_in ? p->in[k].name : NULL;
}

jack_nframes_t hx_probe_rate(const struct hx_probe *p)
{
	return p->rate;
}

jack_nframes_t hx_probe_period(const struct hx_probe *p)
{
	return p->period;
}

int hx_probe_connect(struct hx_probe *p, const char *src, const char *dst)
{
	int rc = jack_connect(p->client, src, dst);

	if (rc != 0 && rc != EEXIST) {
		hx_log("jack_connect %s -> %s failed (%d)", src, dst, rc);
		return -EIO;
	}
	return 0;
}

int hx_probe_disconnect(struct hx_probe *p, const char *src, const char *dst)
{
	return jack_disconnect(p->client, src, dst) ? -EIO : 0;
}

static int64_t gen_set(struct hx_probe *p, unsigned k, int kind, double freq, double amp,
		       uint32_t interval)
{
	struct gen_out *g;
	unsigned s;
	double deadline = hx_now() + 2.0;

	if (k >= p->n_out)
		return -EINVAL;
	g = &p->out[k];
	s = atomic_load_explicit(&g->seq, memory_order_relaxed);
	atomic_store_explicit(&g->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&g->prm.kind, kind, memory_order_relaxed);
	atomic_store_explicit(&g->prm.freq_hz, freq, memory_order_relaxed);
	atomic_store_explicit(&g->prm.amp, amp, memory_order_relaxed);
	atomic_store_explicit(&g->prm.interval, interval, memory_order_relaxed);
	atomic_store_explicit(&g->seq, s + 2, memory_order_release);
	while (atomic_load_explicit(&g->seq_taken, memory_order_acquire) != s + 2) {
		if (hx_now() >= deadline) {
			hx_log("probe: generator %u change not taken within 2 s", k);
			return -ETIMEDOUT;
		}
		hx_sleep(0.0005);
	}
	return (int64_t)atomic_load_explicit(&g->frame_taken, memory_order_relaxed);
}

int64_t hx_probe_set_silence(struct hx_probe *p, unsigned out)
{
	return gen_set(p, out, HX_GEN_SILENCE, 0, 0, 0);
}

int64_t hx_probe_set_sine(struct hx_probe *p, unsigned out, double freq_hz, double amp)
{
	return gen_set(p, out, HX_GEN_SINE, freq_hz, amp, 0);
}

int64_t hx_probe_set_impulse(struct hx_probe *p, unsigned out, double amp, uint32_t interval)
{
	return gen_set(p, out, HX_GEN_IMPULSE, 0, amp, interval);
}

int64_t hx_probe_set_noise(struct hx_probe *p, unsigned out, double amp)
{
	return gen_set(p, out, HX_GEN_NOISE, 0, amp, 0);
}

uint64_t hx_probe_now(const struct hx_probe *p)
{
	return atomic_load_explicit(&((struct hx_probe *)p)->frames, memory_order_acquire);
}

/* Wait until the probe has processed frame `target`; wall-clock limit timeout_s. */
static int wait_frame(struct hx_probe *p, uint64_t target, double timeout_s)
{
	double deadline = hx_now() + timeout_s;

	while (hx_probe_now(p) < target) {
		if (hx_now() >= deadline) {
			hx_log("probe: JACK stalled (frame %llu, waiting for %llu)",
			       (unsigned long long)hx_probe_now(p), (unsigned long long)target);
			return -ETIMEDOUT;
		}
		hx_sleep(0.001);
	}
	return 0;
}

int hx_probe_settle(struct hx_probe *p, double s)
{
	uint64_t n = (uint64_t)(s * p->rate + 0.5);

	return wait_frame(p, hx_probe_now(p) + n, 2.0 + 10.0 * s);
}

int hx_probe_read(struct hx_probe *p, unsigned in, uint64_t start, size_t n, float *dst)
{
	size_t mask = p->ring_frames - 1, pos, first;
	uint64_t after;
	unsigned max_n;
	int rc;

	if (in >= p->n_in || n > p->ring_frames / 2)
		return -EINVAL;
	rc = wait_frame(p, start + n, 2.0 + 10.0 * (double)n / p->rate);
	if (rc < 0)
		return rc;
	max_n = atomic_load_explicit(&p->max_nframes, memory_order_relaxed);
	if (hx_probe_now(p) + max_n > start + p->ring_frames)
		return -ERANGE;
	pos = (size_t)(start & mask);
	first = n < p->ring_frames - pos ? n : p->ring_frames - pos;
	memcpy(dst, p->in[in].ring + pos, first * sizeof(float));
	memcpy(dst + first, p->in[in].ring, (n - first) * sizeof(float));
	atomic_thread_fence(memory_order_acquire);
	after = atomic_load_explicit(&p->frames, memory_order_relaxed);
	if (after + max_n > start + p->ring_frames)
		return -ERANGE;
	return 0;
}

/*
 * An xrun reaches the probe on JACK's notification thread, after the fact, and is logged at
 * the frame the probe has reached by then: a few milliseconds late natively, tens under
 * qemu. A window is judged only once 20 ms (qemu: 100 ms) have passed after it, and events
 * logged within them count. (More would judge a window by the xruns after it: under qemu,
 * where xruns are frequent, 300 ms made clean windows so rare that suites took 5-8x longer.)
 */
static uint64_t notify_lag_frames(const struct hx_probe *p)
{
	return (uint64_t)((getenv("JMIXD_ITEST_EMULATED") ? 0.1 : 0.02) * p->rate);
}

unsigned hx_probe_disturbances(const struct hx_probe *p, uint64_t start, uint64_t end)
{
	struct hx_probe *q = (struct hx_probe *)p;
	uint64_t margin = 2u * (uint64_t)atomic_load_explicit(&q->max_nframes,
							      memory_order_relaxed);
	uint64_t lo = start > margin ? start - margin : 0, hi = end + margin + notify_lag_frames(p);
	/* A stalled JACK is a disturbance too; wait_frame logs it. */
	if (wait_frame(q, hi, 2.0 + 10.0 * (double)(hi - start) / p->rate) < 0)
		return 1;
	unsigned n = atomic_load_explicit(&q->n_events, memory_order_relaxed);
	unsigned count = 0;

	for (unsigned i = 0; i < n && i < HX_EVENTS; i++) {
		uint64_t f = atomic_load_explicit(&q->events[i], memory_order_relaxed);

		if (f >= lo && f <= hi)
			count++;
	}
	return count;
}

unsigned hx_probe_disturbances_total(const struct hx_probe *p)
{
	return atomic_load_explicit(&((struct hx_probe *)p)->n_events, memory_order_relaxed);
}

int hx_probe_capture(struct hx_probe *p, const unsigned *ins, size_t n, double settle_s,
		     size_t n_frames, float *const *dst, uint64_t *start_out)
{
	double window_s = (double)n_frames / p->rate;
	int rc;

	if ((rc = hx_probe_settle(p, settle_s + window_s)) < 0)
		return rc;
	for (int attempt = 0;; attempt++) {
		uint64_t end, start;

		if ((rc = wait_frame(p, n_frames, 2.0 + 10.0 * window_s)) < 0)
			return rc;
		end = hx_probe_now(p);
		start = end - n_frames;
		for (size_t k = 0; k < n; k++)
			if ((rc = hx_probe_read(p, ins[k], start, n_frames, dst[k])) < 0)
				return rc;
		if (start_out)
			*start_out = start;
		/* The 50 ms before the window count too: a client that missed cycles there may
		 * still be finishing a 20 ms glide inside it. */
		uint64_t lead = (uint64_t)(0.05 * p->rate);
		if (!hx_probe_disturbances(p, start > lead ? start - lead : 0, end))
			return 0;
		/* A disturbed window holds repeated or missing periods: never measure it. */
		if (attempt == HX_CAPTURE_ATTEMPTS - 1) {
			fprintf(stderr, "[hx] probe: %d windows of %.3f s in a row had a timing "
				"disturbance (xrun); giving up\n", HX_CAPTURE_ATTEMPTS, window_s);
			return -EAGAIN;
		}
		hx_log("probe: timing disturbance in window [%llu, %llu), capturing again",
		       (unsigned long long)start, (unsigned long long)end);
		if ((rc = hx_probe_settle(p, window_s)) < 0)
			return rc;
	}
}

int hx_probe_measure(struct hx_probe *p, const unsigned *ins, size_t n, double settle_s,
		     double window_s, struct hx_level *lv)
{
	size_t wn = (size_t)(window_s * p->rate + 0.5);
	float *bufs[HX_MAX_PORTS] = { 0 };
	int rc = 0;

	if (n > HX_MAX_PORTS)
		return -EINVAL;
	for (size_t k = 0; k < n; k++)
		if (!(bufs[k] = malloc(wn * sizeof(float))))
			rc = -ENOMEM;
	if (rc == 0)
		rc = hx_probe_capture(p, ins, n, settle_s, wn, bufs, NULL);
	for (size_t k = 0; k < n; k++) {
		if (rc == 0)
			hx_analyze(bufs[k], wn, &lv[k]);
		free(bufs[k]);
	}
	return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Parameter table                                                                             */

const struct hx_param_row *hx_param_find(const struct hx_param_table *t, const char *path,
					 bool master)
{
	for (int i = 0; i < t->n_rows; i++)
		if (t->rows[i].master == master && !strcmp(t->rows[i].path, path))
			return &t->rows[i];
	return NULL;
}

/* Split one table line at ';' into at most max fields of 128 bytes, dropping troff's "\-"
 * escapes. Returns the number of fields. */
static int split_table_line(const char *line, char (*f)[128], int max)
{
	int nf = 0;

	for (const char *p = line; nf < max && *p;) {
		const char *semi = strchr(p, ';');
		size_t n = semi ? (size_t)(semi - p) : strlen(p), o = 0;

		for (size_t i = 0; i < n && o < 127; i++)
			if (!(p[i] == '\\' && i + 1 < n && p[i + 1] == '-'))
				f[nf][o++] = p[i];
		f[nf][o] = '\0';
		nf++;
		if (!semi)
			break;
		p = semi + 1;
	}
	return nf;
}

/* One row from its fields: address, OSC types, range, default. */
static void fill_param_row(struct hx_param_row *r, char (*f)[128])
{
	memset(r, 0, sizeof(*r));
	r->master = !strncmp(f[0], "/master/", 8);
	snprintf(r->path, sizeof(r->path), "%s", f[0] + (r->master ? 8 : 6));
	if (strstr(f[1], "T F")) {
		r->kind = HX_P_BOOL;
		r->max = 1;
		r->def = atof(f[3]);
	} else if (!strcmp(f[1], "i s")) {
		char *tok, *save = NULL;

		r->kind = HX_P_ENUM;
		for (tok = strtok_r(f[2], " |", &save); tok && r->n_choices < 16;
		     tok = strtok_r(NULL, " |", &save))
			snprintf(r->choices[r->n_choices++], sizeof(r->choices[0]), "%s", tok);
		r->max = r->n_choices - 1;
		for (int k = 0; k < r->n_choices; k++)
			if (!strcmp(r->choices[k], f[3]))
				r->def = k;
	} else {
		r->kind = HX_P_FLOAT;
		sscanf(f[2], "%lf .. %lf", &r->min, &r->max);
		r->def = atof(f[3]);
	}
}

int hx_param_table_load(struct hx_param_table *t)
{
	const char *args[] = { "--print-params", "osc", NULL };
	char log[HX_PATH_MAX];
	int st = hx_jmixd_run(args, 5.0, log);
	char *text, *line, *save = NULL;
	struct hx_param_row *last = NULL;   /* a number waiting for its "/norm:" line */

	t->n_rows = 0;
	if (st != 0 || !(text = hx_read_file(log, 0)))
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char f[5][128];
		bool master = !strncmp(line, "/master/", 8);

		if (last && !strncmp(line, "/norm: ", 7)) {
			sscanf(line + 7, "%15[a-z]", last->taper);
			last = NULL;
			continue;
		}
		last = NULL;
		/* Per-bus rows (/ch/N/send/K/..., /aux/K/...) exist only with aux buses. */
		if ((strncmp(line, "/ch/N/", 6) && !master) || strstr(line, "/K/"))
			continue;
		if (split_table_line(line, f, 5) < 4 ||
		    t->n_rows >= (int)(sizeof(t->rows) / sizeof(t->rows[0])) ||
		    hx_param_find(t, f[0] + (master ? 8 : 6), master))
			continue;
		fill_param_row(&t->rows[t->n_rows], f);
		if (t->rows[t->n_rows].kind == HX_P_FLOAT)
			last = &t->rows[t->n_rows];
		t->n_rows++;
	}
	free(text);
	return t->n_rows > 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Rig                                                                                         */

const char *hx_rig_port(const struct hx_rig *r, const char *port)
{
	static char buf[8][HX_NAME_MAX * 2];
	static unsigned k;

	return hx_daemon_port(&r->daemon, port, buf[k++ % 8]);
}

static unsigned list_len(const char *const *list)
{
	unsigned n = 0;

	while (list && list[n])
		n++;
	return n;
}

int hx_rig_start(struct hx_rig *r, const char *cfg_text, const struct hx_rig_opts *opts)
{
	static const struct hx_rig_opts none;
	const struct hx_rig_opts *o = opts ? opts : &none;
	const struct hx_daemon_opts dopts = { .ports = o->ports, .extra_args = o->extra_args };
	unsigned n_out = list_len(o->feed), n_in = list_len(o->record);

	if (hx_jackd_start(&r->jackd, o->rate ? o->rate : 48000, o->period ? o->period : 64) < 0 ||
	    hx_daemon_start(&r->daemon, &r->jackd, cfg_text, &dopts) < 0)
		return -1;
	if (n_out + n_in) {
		r->probe = hx_probe_open("probe", n_out, n_in, o->ring_s > 0 ? o->ring_s : 6.0);
		if (!r->probe)
			return -1;
		for (unsigned k = 0; k < n_out; k++)
			if (hx_probe_connect(r->probe, hx_probe_out(r->probe, k),
					     hx_rig_port(r, o->feed[k])) < 0)
				return -1;
		for (unsigned k = 0; k < n_in; k++)
			if (hx_probe_connect(r->probe, hx_rig_port(r, o->record[k]),
					     hx_probe_in(r->probe, k)) < 0)
				return -1;
	}
	r->osc = hx_osc_open(r->daemon.osc_port);
	return r->osc ? 0 : -1;
}

/*
 * Under qemu a jackd once never answered the probe's jack_client_close (the test had passed;
 * its program waited for 17 minutes). If closing the probe takes longer than this, the
 * rig's own jackd is killed, which ends the wait on its socket; the stop is logged.
 */
#define HX_PROBE_CLOSE_LIMIT_S 20u
static volatile sig_atomic_t g_wedged_jackd;

static void on_probe_close_timeout(int sig)
{
	(void)sig;
	if (g_wedged_jackd > 0)
		kill((pid_t)g_wedged_jackd, SIGKILL);
}

static void probe_close_or_kill_jackd(struct hx_probe *p, pid_t jackd)
{
	struct sigaction sa = { .sa_handler = on_probe_close_timeout }, old;

	if (!p)
		return;
	g_wedged_jackd = jackd;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(HX_PROBE_CLOSE_LIMIT_S);
	hx_probe_close(p);
	if (alarm(0) == 0 && jackd > 0)
		fprintf(stderr, "[hx] the probe's jack_client_close took over %u s: jackd pid %d "
				"killed\n", HX_PROBE_CLOSE_LIMIT_S, (int)jackd);
	sigaction(SIGALRM, &old, NULL);
	g_wedged_jackd = 0;
}

void hx_rig_stop(struct hx_rig *r)
{
	hx_osc_close(r->osc);
	r->osc = NULL;
	if (r->daemon.pid) {
		int st = hx_daemon_stop(&r->daemon, SIGTERM, 3.0);

		if (st != 0)
			fprintf(stderr, "[hx] daemon stop at teardown: %s\n", hx_status_str(st));
	}
	probe_close_or_kill_jackd(r->probe, r->jackd.pid);
	r->probe = NULL;
	hx_jackd_stop(&r->jackd);
}

static struct {
	struct hx_rig *rig;
	const char *cfg_text;
	const struct hx_rig_opts *opts;
} g_plan;

void hx_rig_plan(struct hx_rig *r, const char *cfg_text, const struct hx_rig_opts *opts)
{
	g_plan.rig = r;
	g_plan.cfg_text = cfg_text;
	g_plan.opts = opts;
}

int hx_rig_group_setup(void **state)
{
	(void)state;
	if (!g_plan.rig)
		return -1;
	return hx_rig_start(g_plan.rig, g_plan.cfg_text, g_plan.opts);
}

int hx_rig_group_teardown(void **state)
{
	(void)state;
	if (g_plan.rig)
		hx_rig_stop(g_plan.rig);
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Analysis                                                                                    */

double hx_db(double lin)
{
	return lin <= 1e-10 ? -200.0 : 20.0 * log10(lin);
}

double hx_lin(double db)
{
	return pow(10.0, db / 20.0);
}

void hx_analyze(const float *x, size_t n, struct hx_level *lv)
{
	double sum = 0, peak = 0, step = 0;
	size_t used = 0, bad = 0;
	bool have_prev = false;
	float prev = 0;

	for (size_t i = 0; i < n; i++) {
		double a;

		if (!isfinite(x[i])) {
			bad++;
			have_prev = false;
			continue;
		}
		a = fabs((double)x[i]);
		sum += (double)x[i] * (double)x[i];
		if (a > peak)
			peak = a;
		if (have_prev && fabs((double)x[i] - (double)prev) > step)
			step = fabs((double)x[i] - (double)prev);
		prev = x[i];
		have_prev = true;
		used++;
	}
	lv->n = n;
	lv->n_nonfinite = bad;
	lv->rms = used ? sqrt(sum / (double)used) : 0;
	lv->peak = peak;
	lv->max_step = step;
	lv->rms_db = hx_db(lv->rms);
	lv->peak_db = hx_db(peak);
}

double hx_tone_db(const float *x, size_t n, double freq_hz, double rate)
{
	double re = 0, im = 0, wsum = 0;
	double w = 2.0 * M_PI * freq_hz / rate;

	for (size_t i = 0; i < n; i++) {
		double win = 0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)n);
		double v = isfinite(x[i]) ? (double)x[i] * win : 0.0;

		re += v * cos(w * (double)i);
		im -= v * sin(w * (double)i);
		wsum += win;
	}
	/* Peak amplitude = 2 |X| / sum(w); RMS = peak / sqrt 2. */
	return hx_db(2.0 * sqrt(re * re + im * im) / wsum / sqrt(2.0));
}

double hx_tone_residual_db(const float *x, size_t n, double freq_hz, double rate)
{
	double w = 2.0 * M_PI * freq_hz / rate, a[3][4] = { { 0 } }, coef[3], err = 0, tone;

	/* Normal equations of x ~ c0 sin + c1 cos + c2, solved by Gauss-Jordan elimination. */
	for (size_t i = 0; i < n; i++) {
		double b[3] = { sin(w * (double)i), cos(w * (double)i), 1.0 };

		if (!isfinite(x[i]))
			return 0.0;
		for (int r = 0; r < 3; r++) {
			for (int c = 0; c < 3; c++)
				a[r][c] += b[r] * b[c];
			a[r][3] += b[r] * (double)x[i];
		}
	}
	for (int p = 0; p < 3; p++) {
		for (int r = 0; r < 3; r++) {
			double f = a[r][p] / a[p][p];

			if (r == p)
				continue;
			for (int c = p; c < 4; c++)
				a[r][c] -= f * a[p][c];
		}
	}
	for (int r = 0; r < 3; r++)
		coef[r] = a[r][3] / a[r][r];
	for (size_t i = 0; i < n; i++) {
		double e = (double)x[i] - coef[0] * sin(w * (double)i) -
			   coef[1] * cos(w * (double)i) - coef[2];

		err += e * e;
	}
	tone = sqrt((coef[0] * coef[0] + coef[1] * coef[1]) / 2.0);
	if (tone <= 0.0)
		return 0.0;
	return hx_db(sqrt(err / (double)n) / tone);
}

double hx_tone_phase_jump_rad(const float *x, size_t n, double freq_hz, double rate)
{
	/* One cycle's complex demodulation every 8 samples: a lost or repeated period spans
	 * at least one whole window, whatever its position. */
	size_t len = (size_t)lround(rate / freq_hz), hop = 8, n_win;
	double w = 2.0 * M_PI * freq_hz / rate, ref = 0.0, loudest = 0.0, worst = 0.0;
	double complex *z;

	if (len == 0 || n < len)
		return 0.0;
	n_win = (n - len) / hop + 1;
	z = calloc(n_win, sizeof *z);
	if (!z)
		return 0.0;
	for (size_t k = 0; k < n_win; k++) {
		for (size_t i = k * hop; i < k * hop + len; i++)
			z[k] += (double)x[i] * cexp(-I * w * (double)i);
		loudest = fmax(loudest, cabs(z[k]));
	}
	bool has_ref = false;
	for (size_t k = 0; k < n_win; k++) {
		if (cabs(z[k]) < 1e-4 * loudest)
			continue;
		if (!has_ref) {
			ref = carg(z[k]);
			has_ref = true;
			continue;
		}
		double d = fabs(remainder(carg(z[k]) - ref, 2.0 * M_PI));
		worst = fmax(worst, d);
	}
	free(z);
	return worst;
}

size_t hx_envelope(const float *x, size_t n, size_t block, float *env, size_t max_env)
{
	size_t nb = n / block;

	if (nb > max_env)
		nb = max_env;
	for (size_t b = 0; b < nb; b++) {
		float m = 0;

		for (size_t i = 0; i < block; i++) {
			float a = fabsf(x[b * block + i]);

			if (a > m || !isfinite(a))
				m = a;
		}
		env[b] = m;
	}
	return nb;
}

/* ------------------------------------------------------------------------------------------ */
/* OSC client                                                                                  */

struct hx_osc {
	lo_server srv;
	lo_address dst;
	int daemon_port;
	int own_port;                       /* set by hx_osc_open_from; 0: ask liblo */
	hx_osc_tap_fn tap;
	void *tap_user;
	struct hx_osc_msg tap_msg;
	size_t n_queued;
	struct hx_osc_msg queue[HX_OSC_QUEUE];
};

static void osc_error(int num, const char *msg, const char *where)
{
	hx_log("liblo error %d: %s (%s)", num, msg ? msg : "", where ? where : "");
}

/* Copy one received message into m (liblo's arguments read with memcpy). */
static void osc_fill_msg(struct hx_osc_msg *m, const char *path, const char *types, lo_arg **argv,
			 int argc)
{
	memset(m, 0, sizeof(*m));
	m->t_recv = hx_now();
	snprintf(m->path, sizeof(m->path), "%s", path);
	snprintf(m->types, sizeof(m->types), "%s", types ? types : "");
	m->argc = argc;
	/* liblo's lo_arg pointers are only 4-byte aligned (OSC's alignment) while union lo_arg
	 * needs 8: read the values with memcpy, never through the union. */
	for (int i = 0; i < argc && i < HX_OSC_MAX_ARGS; i++) {
		struct hx_osc_arg *a = &m->argv[i];
		const void *raw = argv[i];
		int32_t i32;
		uint32_t u32;
		float f32;
		double f64;
		uint64_t u64;

		a->type = types[i];
		switch (types[i]) {
		case 'i':
			memcpy(&i32, raw, sizeof(i32));
			a->i = i32;
			a->d = i32;
			break;
		case 'f':
			memcpy(&f32, raw, sizeof(f32));
			a->d = f32;
			break;
		case 'd':
			memcpy(&f64, raw, sizeof(f64));
			a->d = f64;
			break;
		case 'h':
			memcpy(&u64, raw, sizeof(u64));
			a->h = (int64_t)u64;
			a->d = (double)a->h;
			break;
		case 't': {
			lo_timetag tt;

			memcpy(&tt, raw, sizeof(tt));
			a->h = (int64_t)(((uint64_t)tt.sec << 32) | tt.frac);
			break;
		}
		case 'c':
			memcpy(&u32, raw, sizeof(u32));
			a->i = (int32_t)(u32 & 0xffu);
			break;
		case 'm':
			memcpy(&u32, raw, sizeof(u32));
			a->i = (int32_t)u32;
			break;
		case 's':
		case 'S':
			snprintf(a->s, sizeof(a->s), "%s", (const char *)raw);
			break;
		case 'b': {
			uint32_t size = lo_blob_datasize((lo_blob)argv[i]);
			a->i = (int32_t)size;
			memcpy(a->s, lo_blob_dataptr((lo_blob)argv[i]),
			       size < sizeof(a->s) ? size : sizeof(a->s));
			break;
		}
		case 'T':
			a->i = 1;
			a->d = 1;
			break;
		default:
			break;
		}
	}
}

static int osc_on_message(const char *path, const char *types, lo_arg **argv, int argc,
			  lo_message msg, void *user)
{
	struct hx_osc *o = user;
	struct hx_osc_msg *m;

	(void)msg;
	if (o->tap) {
		m = &o->tap_msg;
		osc_fill_msg(m, path, types, argv, argc);
		if (o->tap(m, o->tap_user))
			return 0;
	}
	if (o->n_queued == HX_OSC_QUEUE) {
		hx_log("osc: queue full, dropping the oldest (%s)", o->queue[0].path);
		memmove(&o->queue[0], &o->queue[1], (HX_OSC_QUEUE - 1) * sizeof(o->queue[0]));
		o->n_queued--;
	}
	m = &o->queue[o->n_queued++];
	if (o->tap)
		*m = o->tap_msg;
	else
		osc_fill_msg(m, path, types, argv, argc);
	return 0;
}

struct hx_osc *hx_osc_open(int daemon_port)
{
	struct hx_osc *o = calloc(1, sizeof(*o));
	char port_s[16];

	if (!o)
		return NULL;
	o->daemon_port = daemon_port;
	o->srv = lo_server_new_with_proto(NULL, LO_UDP, osc_error);
	snprintf(port_s, sizeof(port_s), "%d", daemon_port);
	o->dst = lo_address_new("127.0.0.1", port_s);
	if (!o->srv || !o->dst) {
		hx_osc_close(o);
		return NULL;
	}
	lo_server_add_method(o->srv, NULL, NULL, osc_on_message, o);
	return o;
}

void hx_osc_close(struct hx_osc *o)
{
	if (!o)
		return;
	if (o->srv)
		lo_server_free(o->srv);
	if (o->dst)
		lo_address_free(o->dst);
	free(o);
}

int hx_osc_port(const struct hx_osc *o)
{
	return o->own_port ? o->own_port : lo_server_get_port(o->srv);
}

/* liblo 0.31 cannot bind a UDP server to one address: open a normal client, then put a socket
 * bound to bind_ip in place of its own with dup2 (same descriptor number, so liblo polls,
 * receives and sends on it without knowing). */
struct hx_osc *hx_osc_open_to(const char *daemon_ip, int daemon_port)
{
	struct hx_osc *o = hx_osc_open(daemon_port);
	char port_s[16];

	if (!o)
		return NULL;
	snprintf(port_s, sizeof(port_s), "%d", daemon_port);
	lo_address_free(o->dst);
	o->dst = lo_address_new(daemon_ip, port_s);
	if (!o->dst) {
		hx_osc_close(o);
		return NULL;
	}
	return o;
}

struct hx_osc *hx_osc_open_from(int daemon_port, const char *bind_ip)
{
	struct hx_osc *o = hx_osc_open(daemon_port);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd;

	if (!o)
		return NULL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || inet_pton(AF_INET, bind_ip, &sa.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
	    dup2(fd, lo_server_get_socket_fd(o->srv)) < 0) {
		fprintf(stderr, "[hx] cannot bind an OSC client to %s: %s\n", bind_ip,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		hx_osc_close(o);
		return NULL;
	}
	close(fd);
	o->own_port = ntohs(sa.sin_port);
	hx_log("osc client bound to %s:%d", bind_ip, o->own_port);
	return o;
}

void hx_osc_set_tap(struct hx_osc *o, hx_osc_tap_fn fn, void *user)
{
	o->tap = fn;
	o->tap_user = user;
}

int hx_osc_sendv(struct hx_osc *o, const char *path, const char *types, va_list ap)
{
	lo_message m = lo_message_new();
	int rc = 0;

	if (!m)
		return -ENOMEM;
	for (const char *t = types; *t && rc == 0; t++) {
		switch (*t) {
		case 'i':
			rc = lo_message_add_int32(m, va_arg(ap, int));
			break;
		case 'f':
			rc = lo_message_add_float(m, (float)va_arg(ap, double));
			break;
		case 'd':
			rc = lo_message_add_double(m, va_arg(ap, double));
			break;
		case 'h':
			rc = lo_message_add_int64(m, va_arg(ap, int64_t));
			break;
		case 's':
			rc = lo_message_add_string(m, va_arg(ap, const char *));
			break;
		case 'T':
			rc = lo_message_add_true(m);
			break;
		case 'F':
			rc = lo_message_add_false(m);
			break;
		case 'N':
			rc = lo_message_add_nil(m);
			break;
		case 'I':
			rc = lo_message_add_infinitum(m);
			break;
		default:
			rc = -1;
			break;
		}
	}
	if (rc == 0 && lo_send_message_from(o->dst, o->srv, path, m) < 0)
		rc = -1;
	lo_message_free(m);
	if (rc != 0) {
		hx_log("osc: sending %s ,%s failed", path, types);
		return -EIO;
	}
	return 0;
}

int hx_osc_send(struct hx_osc *o, const char *path, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = hx_osc_sendv(o, path, types, ap);
	va_end(ap);
	return rc;
}

int hx_osc_send_raw(struct hx_osc *o, const void *buf, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)o->daemon_port);
	if (sendto(lo_server_get_socket_fd(o->srv), buf, len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) != (ssize_t)len)
		return -errno;
	return 0;
}

/* Index of the first queued message matching path (and, for "/error", first arg err_path). */
static long osc_find(const struct hx_osc *o, const char *path, const char *err_path)
{
	for (size_t k = 0; k < o->n_queued; k++) {
		const struct hx_osc_msg *m = &o->queue[k];

		if (path && strcmp(m->path, path))
			continue;
		if (err_path && (m->argc < 1 || (m->types[0] != 's' && m->types[0] != 'S') ||
				 strcmp(m->argv[0].s, err_path)))
			continue;
		return (long)k;
	}
	return -1;
}

static int osc_wait_match(struct hx_osc *o, const char *path, const char *err_path,
			  double timeout_s, struct hx_osc_msg *out)
{
	double deadline = hx_now() + timeout_s;

	for (;;) {
		long k = osc_find(o, path, err_path);
		double left;

		if (k >= 0) {
			if (out)
				*out = o->queue[k];
			memmove(&o->queue[k], &o->queue[k + 1],
				(o->n_queued - (size_t)k - 1) * sizeof(o->queue[0]));
			o->n_queued--;
			return 0;
		}
		left = deadline - hx_now();
		if (left <= 0)
			return -ETIMEDOUT;
		lo_server_recv_noblock(o->srv, (int)(left * 1000.0) + 1 < 50 ?
					       (int)(left * 1000.0) + 1 : 50);
	}
}

int hx_osc_wait(struct hx_osc *o, const char *path, double timeout_s, struct hx_osc_msg *out)
{
	return osc_wait_match(o, path, NULL, timeout_s, out);
}

int hx_osc_wait_error(struct hx_osc *o, const char *path, double timeout_s,
		      struct hx_osc_msg *out)
{
	return osc_wait_match(o, "/error", path, timeout_s, out);
}

int hx_osc_query(struct hx_osc *o, const char *path, double timeout_s, struct hx_osc_msg *out)
{
	int rc = hx_osc_send(o, path, "");

	return rc < 0 ? rc : hx_osc_wait(o, path, timeout_s, out);
}

void hx_osc_pump(struct hx_osc *o, double s)
{
	double deadline = hx_now() + s;

	while (hx_now() < deadline)
		lo_server_recv_noblock(o->srv, 5);
}

int hx_osc_poll(struct hx_osc *o)
{
	int n = 0;

	while (lo_server_recv_noblock(o->srv, 0) > 0)
		n++;
	return n;
}

void hx_osc_flush(struct hx_osc *o)
{
	while (lo_server_recv_noblock(o->srv, 0) > 0)
		;
	o->n_queued = 0;
}

size_t hx_osc_pending(const struct hx_osc *o)
{
	return o->n_queued;
}

const struct hx_osc_msg *hx_osc_peek(const struct hx_osc *o, size_t k)
{
	return k < o->n_queued ? &o->queue[k] : NULL;
}

const char *hx_osc_msg_str(const struct hx_osc_msg *m)
{
	static char buf[1024];
	size_t off;

	off = (size_t)snprintf(buf, sizeof(buf), "%s ,%s", m->path, m->types);
	for (int i = 0; i < m->argc && i < HX_OSC_MAX_ARGS && off < sizeof(buf); i++) {
		const struct hx_osc_arg *a = &m->argv[i];

		switch (a->type) {
		case 's':
		case 'S':
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " \"%s\"", a->s);
			break;
		case 'i':
		case 'c':
		case 'm':
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %d", a->i);
			break;
		case 'h':
		case 't':
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %lld",
						(long long)a->h);
			break;
		case 'f':
		case 'd':
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %g", a->d);
			break;
		default:
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %c", a->type);
			break;
		}
	}
	return buf;
}
