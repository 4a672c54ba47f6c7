/*
 * harness.h - integration-test harness for jmixd: real parts only.
 *
 * Four pieces, each usable on its own:
 *
 *   hx_jackd   a private jackd (dummy backend) started with fork/exec under a unique server
 *              name "jmx-<pid>-<k>", output to a log file; JACK_DEFAULT_SERVER is set to its
 *              name so every client started later (the daemon, the probe) finds it.
 *   hx_daemon  the real jmixd binary ($JMIXD_BIN, default ./build/jmixd) on a config text
 *              written to a temp file, a free UDP port on 127.0.0.1 and a unique client name;
 *              started, waited for (JACK ports present and an OSC query answered), stopped.
 *   hx_probe   a JACK client with N generator outputs (sine, silence, impulse, noise) and M
 *              recorded inputs. Its process callback never allocates, locks or logs; samples
 *              reach the test thread through a ring and a C11 atomic frame counter.
 *   hx_osc     a liblo OSC client: messages go out from the socket of its own lo_server, so
 *              the daemon's replies come back to it; replies are queued and waited for.
 *
 * and, built from them, hx_rig (jackd + daemon + a wired probe + an OSC client, started and
 * stopped in JACK's order) and hx_param_table (the daemon's parameter table, parsed).
 *
 * Every child process is registered: an atexit handler and PR_SET_PDEATHSIG make sure that no
 * jackd or jmixd started here outlives the test program, and children are only ever signalled
 * by PID. Files go to one temp folder per run (hx_tmpdir()); it is removed by hx_finish() when
 * every test passed and JMIXD_ITEST_KEEP is unset, and kept (and named on stderr) otherwise.
 *
 * Conventions: functions returning int give 0 on success or a negative errno value. Times are
 * in seconds (double). Levels are in dBFS, full scale = 1.0: peak dBFS = 20 log10 max|x|, RMS
 * dBFS = 20 log10 rms(x), so a sine of peak 0.1 reads -20.00 peak and -23.01 RMS. Everything
 * here runs on the test's main thread unless stated otherwise; nothing is thread-safe.
 *
 * Environment: JMIXD_BIN (daemon binary, default ./build/jmixd), JMIXD_PRELOAD (a library
 * preloaded into every jmixd started here, e.g. the RT guard; never into jackd or the test),
 * JMIXD_ITEST_KEEP=1 (keep the temp folder), JMIXD_ITEST_VERBOSE=1 (harness progress on
 * stderr), JMIXD_ITEST_RT=0|1 (jackd without or with realtime scheduling; default: with it
 * when permitted), JMIXD_ISOLATED (set by isolate.sh).
 */
#ifndef JMIXD_TESTS_HARNESS_H
#define JMIXD_TESTS_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jack/jack.h>

#define HX_NAME_MAX 64
#define HX_PATH_MAX 512

/* ------------------------------------------------------------------------------------------ */
/* Run-wide helpers                                                                            */

/* The per-run temp folder, created on first use ($TMPDIR or /tmp, "jmixd-itest-XXXXXX"). */
const char *hx_tmpdir(void);

/* End of run: kill leftovers, then remove the temp folder if n_failed == 0 and
 * JMIXD_ITEST_KEEP is unset; otherwise print where the logs are. Returns n_failed. */
int hx_finish(int n_failed);

/* Harness log line on stderr (only with JMIXD_ITEST_VERBOSE=1) and always in
 * <tmpdir>/harness.log. printf-style. */
void hx_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic clock in seconds. */
double hx_now(void);
/* Sleep for s seconds (restarts on EINTR). */
void hx_sleep(double s);

/* Write text to <tmpdir>/<name>; the full path is stored in path_out (HX_PATH_MAX). */
int hx_write_file(const char *name, const char *text, char *path_out);
/* Whole file (from byte offset `from`) as a malloc'd NUL-terminated string, or NULL. */
char *hx_read_file(const char *path, size_t from);
/* Size of a file in bytes (0 if missing). */
size_t hx_file_size(const char *path);
/* Number of lines in text containing needle (case-sensitive). */
size_t hx_count_lines(const char *text, const char *needle);

/* A free UDP port on 127.0.0.1 (bound to port 0, read back, closed), or -errno. */
int hx_free_udp_port(void);

/* Wait for a child of ours to exit, up to timeout_s. Returns 0 and the wait status, or
 * -ETIMEDOUT (child still running). */
int hx_wait_exit(pid_t pid, double timeout_s, int *status);

/* Human-readable wait status ("exit 0", "signal 9 (Killed)") in a static buffer. */
const char *hx_status_str(int status);

/* ------------------------------------------------------------------------------------------ */
/* Private jackd                                                                               */

struct hx_jackd {
	pid_t pid;                      /* 0 when not running */
	char name[HX_NAME_MAX];         /* server name, kept across restarts */
	char log_path[HX_PATH_MAX];     /* jackd's stdout+stderr, appended across restarts */
	unsigned rate;                  /* sample rate (Hz) */
	unsigned period;                /* frames per period */
	jack_client_t *observer;        /* idle client for port queries; NULL when stopped */
	unsigned n_starts;
};

/* Start jackd -n NAME --[no-]realtime -d dummy -r RATE -p PERIOD and wait (up to 10 s) until a
 * client can connect with JackNoStartServer. The first start picks the name
 * "jmx-<pid>-<k>"; a later start of the same struct (after a stop) reuses it, so clients can
 * find "the same" server again. Sets JACK_DEFAULT_SERVER. j must be zeroed before first use.
 * Under emulation (JMIXD_ITEST_EMULATED) the period is at least HX_EMULATED_MIN_PERIOD;
 * j->period holds the one in use. */
#define HX_EMULATED_MIN_PERIOD 256u
int hx_jackd_start(struct hx_jackd *j, unsigned rate, unsigned period);

/* Does hx_jackd_start run jackd with realtime scheduling (--realtime)? Yes when this process
 * may use SCHED_FIFO (root, or RLIMIT_RTPRIO > 0); JMIXD_ITEST_RT=0/1 overrides. */
bool hx_jackd_realtime(void);

/* Stop with sig (SIGTERM for a clean stop, SIGKILL for a crash), then SIGKILL after grace_s
 * if it is still running. Returns the wait status (>= 0) or -errno; 0 when not running. The
 * observer client is closed first. The test's own clients (a probe) become zombies when their
 * server goes: close them before, or reopen them after a restart. */
int hx_jackd_stop_sig(struct hx_jackd *j, int sig, double grace_s);
/* hx_jackd_stop_sig(j, SIGTERM, 3.0). */
int hx_jackd_stop(struct hx_jackd *j);

/* Port queries through the observer client. Full names ("client:port"). */
bool hx_jack_port_exists(struct hx_jackd *j, const char *port);
/* Wait until the port exists (want = true) or is gone (want = false). 0 or -ETIMEDOUT. */
int hx_jack_wait_port(struct hx_jackd *j, const char *port, bool want, double timeout_s);
/* Is there a connection src -> dst? */
bool hx_jack_connected(struct hx_jackd *j, const char *src, const char *dst);

/* ------------------------------------------------------------------------------------------ */
/* The daemon                                                                                  */

struct hx_daemon {
	pid_t pid;                      /* 0 when not running */
	char client_name[HX_NAME_MAX];  /* -n; JACK ports are "<client_name>:<port>" */
	int osc_port;                   /* -p; the daemon listens on 127.0.0.1:osc_port */
	char cfg_path[HX_PATH_MAX];
	char log_path[HX_PATH_MAX];     /* jmixd's stderr (and stdout) */
	int exit_status;                /* wait status once stopped, -1 before */
	struct hx_jackd *jackd;
};

struct hx_daemon_opts {
	const char *const *ports;       /* extra short port names to wait for (NULL-terminated),
	                                   e.g. the channel inputs; master_L/R are always awaited */
	const char *const *extra_args;  /* appended to the command line (e.g. "-v"), or NULL */
	double timeout_s;               /* readiness timeout; 0 means 10 s */
};

/* Path of the daemon binary: $JMIXD_BIN or ./build/jmixd. */
const char *hx_jmixd_bin(void);

/* Write cfg_text to a temp file and run `jmixd -c FILE -n NAME -p PORT [extra]` with a fresh
 * client name and port, then wait until CLIENT:master_L, CLIENT:master_R and opts->ports exist
 * and the OSC query /master/fader is answered. If the daemon exits or times out, it is stopped
 * and the tail of its log goes to stderr. opts may be NULL. */
int hx_daemon_start(struct hx_daemon *d, struct hx_jackd *j, const char *cfg_text,
		    const struct hx_daemon_opts *opts);

/* Send sig (SIGTERM normally) and wait up to timeout_s for the exit; on timeout, SIGKILL.
 * Stores and returns the wait status (>= 0), or -ETIMEDOUT when it had to be killed.
 * Returns 0 with exit_status unchanged if it is not running. */
int hx_daemon_stop(struct hx_daemon *d, int sig, double timeout_s);

/* Is the process still alive (reaps it and records exit_status if not)? */
bool hx_daemon_alive(struct hx_daemon *d);
/* hx_daemon_alive, and when it is not: how it ended and the tail of its log on stderr (for a
 * test's setup, before it talks to a daemon that may have died in the previous test). */
bool hx_daemon_expect_alive(struct hx_daemon *d);

/* "<client_name>:<port>" in buf (HX_NAME_MAX * 2); returns buf. */
char *hx_daemon_port(const struct hx_daemon *d, const char *port, char *buf);

/* The daemon log: its current size (a mark), and its text from a mark (malloc'd). */
size_t hx_daemon_log_mark(const struct hx_daemon *d);
char *hx_daemon_log(const struct hx_daemon *d, size_t mark);
/* Wait up to timeout_s until at least n lines after mark contain needle; returns the count. */
size_t hx_daemon_log_wait(const struct hx_daemon *d, size_t mark, const char *needle, size_t n,
			  double timeout_s);
/* Print the last max_lines lines of a log file to stderr with a title. */
void hx_dump_log_tail(const char *title, const char *path, int max_lines);

/* Run a program (argv[0] is a path; our environment, no JMIXD_PRELOAD) to completion, up to
 * timeout_s (then SIGKILL). Returns its wait status (>= 0) or -errno (-ETIMEDOUT); its output
 * goes to a log file whose path is stored in log_out (HX_PATH_MAX) if non-NULL. */
int hx_run(const char *const *argv, double timeout_s, char *log_out);

/* Run jmixd once with args (no readiness wait; with JMIXD_PRELOAD), e.g.
 * {"--check", "-c", file, NULL}: waits up to timeout_s (then SIGKILL), returns the wait status
 * (>= 0) or -errno; its output goes to a log whose path is stored in log_out (HX_PATH_MAX) if
 * non-NULL. */
int hx_jmixd_run(const char *const *args, double timeout_s, char *log_out);

/* ------------------------------------------------------------------------------------------ */
/* The JACK probe client                                                                       */

enum hx_gen_kind {
	HX_GEN_SILENCE = 0,
	HX_GEN_SINE,                    /* amp * sin(2 pi f t), phase continuous across changes */
	HX_GEN_IMPULSE,                 /* one sample of amp every interval frames (0 = once) */
	HX_GEN_NOISE,                   /* white, uniform in [-amp, amp) */
};

struct hx_probe;

/* Results of a window. rms_db/peak_db are floored at -200 dBFS for digital silence. */
struct hx_level {
	double rms_db;
	double peak_db;
	double rms;                     /* linear */
	double peak;                    /* linear */
	double max_step;                /* max |x[n] - x[n-1]| (linear) */
	size_t n;                       /* samples analysed */
	size_t n_nonfinite;             /* NaN/Inf samples (excluded from the numbers above) */
};

/* Open a JACK client named name (with n_out outputs "out_1.." and n_in inputs "in_1.."),
 * allocate ring_s seconds of recording per input, activate it. NULL on failure. */
struct hx_probe *hx_probe_open(const char *name, unsigned n_out, unsigned n_in, double ring_s);
void hx_probe_close(struct hx_probe *p);

/* Full JACK names of the probe's ports (static per probe; 0-based index). */
const char *hx_probe_out(const struct hx_probe *p, unsigned k);
const char *hx_probe_in(const struct hx_probe *p, unsigned k);
jack_nframes_t hx_probe_rate(const struct hx_probe *p);
jack_nframes_t hx_probe_period(const struct hx_probe *p);

/* jack_connect through the probe's client (full port names). 0, or -EIO. Connecting an
 * already connected pair is not an error. */
int hx_probe_connect(struct hx_probe *p, const char *src, const char *dst);
int hx_probe_disconnect(struct hx_probe *p, const char *src, const char *dst);

/* Generators. Each call waits (up to 2 s) until the process thread has taken the new settings
 * and returns the probe frame index at which they started (>= 0), or -ETIMEDOUT. */
int64_t hx_probe_set_silence(struct hx_probe *p, unsigned out);
int64_t hx_probe_set_sine(struct hx_probe *p, unsigned out, double freq_hz, double amp);
int64_t hx_probe_set_impulse(struct hx_probe *p, unsigned out, double amp, uint32_t interval);
int64_t hx_probe_set_noise(struct hx_probe *p, unsigned out, double amp);

/* Frames processed so far: the probe's frame index, shared by its outputs and inputs (input
 * frame i is recorded in the cycle that generates output frame i). A signal sent out through
 * the daemon and back arrives exactly one period later: probe -> jmixd -> probe is a cycle in
 * the JACK graph, which JACK breaks with a one-period feedback edge (measured: 64 frames at
 * -p 64, in either connection order, sample-exact). */
uint64_t hx_probe_now(const struct hx_probe *p);

/* Wait until s seconds of audio (in frames, not wall time) have been processed from now.
 * 0, or -ETIMEDOUT if JACK stalls (wall-clock limit 2 s + 10 * s). */
int hx_probe_settle(struct hx_probe *p, double s);

/* Copy frames [start, start + n) of input `in` to dst, waiting (up to 2 s + n/rate * 10) until
 * they have been recorded. -ERANGE if they are no longer in the ring, -ETIMEDOUT. */
int hx_probe_read(struct hx_probe *p, unsigned in, uint64_t start, size_t n, float *dst);

/* Number of timing disturbances (a JACK xrun callback, or a cycle whose frame time did not
 * follow the previous one) between frames start and end, widened by two periods. A recording
 * with a disturbance may contain a dropped or torn period; callers retry such windows. */
unsigned hx_probe_disturbances(const struct hx_probe *p, uint64_t start, uint64_t end);
/* Total disturbances since open. */
unsigned hx_probe_disturbances_total(const struct hx_probe *p);

/* Disturbed windows in a row before a capture (or a test reading windows itself) gives up:
 * a loaded machine (load 6 on 2 cores) was seen to disturb 30 in a row, and a busy host 60
 * (12 s of xruns, test_skeleton under the RT guard). Under qemu (JMIXD_ITEST_EMULATED) most
 * windows see an xrun too. It costs time only while the storm lasts. */
#define HX_CAPTURE_ATTEMPTS 150

/* Wait settle_s of audio plus the window, then copy the latest n_frames of each of the n inputs
 * in ins[] (the same frame range for all) to dst[k]; the first frame's index goes to
 * *start_out (may be NULL). A window with a timing disturbance in it or in the 50 ms before
 * it is never returned: it is captured again, up to HX_CAPTURE_ATTEMPTS times, then -EAGAIN.
 * 0 or -errno. */
int hx_probe_capture(struct hx_probe *p, const unsigned *ins, size_t n, double settle_s,
		     size_t n_frames, float *const *dst, uint64_t *start_out);

/* Wait settle_s of audio, then analyse the following window_s of each of the n inputs in ins[]
 * (the same frame range for all); lv[k] gets the result for ins[k]. A disturbed window is
 * measured again, as in hx_probe_capture. 0 or -errno. */
int hx_probe_measure(struct hx_probe *p, const unsigned *ins, size_t n, double settle_s,
		     double window_s, struct hx_level *lv);

/* ------------------------------------------------------------------------------------------ */
/* The parameter table, as the daemon prints it (jmixd --print-params osc)                     */

enum hx_param_kind { HX_P_FLOAT, HX_P_BOOL, HX_P_ENUM };

struct hx_param_row {
	char path[64];                  /* below /ch/N/ or /master/ */
	bool master;
	enum hx_param_kind kind;
	double min, max, def;           /* a choice: index 0 .. n_choices - 1, default's index */
	char taper[16];                 /* /norm taper of a number: fader, log, linear */
	int n_choices;
	char choices[16][24];
};

struct hx_param_table {
	struct hx_param_row rows[128];
	int n_rows;
};

/* Parse the channel and master rows of the daemon's troff tables ("Address;Type;Range;
 * Default;T{" then "/norm: taper. ..."); per-bus rows (/K/) are left out, a row listed twice
 * is kept once. 0, or -1 when the daemon printed nothing usable. */
int hx_param_table_load(struct hx_param_table *t);
/* The row of path (below /ch/N/ or /master/), or NULL. */
const struct hx_param_row *hx_param_find(const struct hx_param_table *t, const char *path,
					 bool master);

/* ------------------------------------------------------------------------------------------ */
/* The usual rig: jackd, the daemon, a probe wired to it, an OSC client                        */

/* Member names match the structs the suites kept before the rig, so g.daemon etc. still read. */
struct hx_rig {
	struct hx_jackd jackd;
	struct hx_daemon daemon;
	struct hx_probe *probe;         /* NULL without probe ports */
	struct hx_osc *osc;
};

struct hx_rig_opts {
	unsigned rate, period;          /* 0: 48000 Hz, 64 frames */
	const char *const *ports;       /* extra daemon ports to wait for (hx_daemon_opts) */
	const char *const *extra_args;  /* extra daemon arguments (hx_daemon_opts) */
	/* Probe: output k feeds the daemon's port feed[k], input k records the daemon's port
	 * record[k] (short names; NULL-terminated lists; both NULL: no probe). */
	const char *const *feed;
	const char *const *record;
	double ring_s;                  /* probe recording per input; 0: 6 s */
};

/* Start jackd, the daemon on cfg_text, the probe (wired as opts says) and an OSC client.
 * 0, or -1 with the reason on stderr (what was started is left for hx_rig_stop). */
int hx_rig_start(struct hx_rig *r, const char *cfg_text, const struct hx_rig_opts *opts);
/* Stop in the order JACK wants: the OSC client, the daemon and the probe (clients), then
 * jackd, each with a time limit. Safe on a partly started rig. */
void hx_rig_stop(struct hx_rig *r);
/* For a suite whose group setup is just the rig: hx_rig_plan() in main, then
 * cmocka_run_group_tests(tests, hx_rig_group_setup, hx_rig_group_teardown). The group
 * functions have cmocka's shape (0 = ok) and ignore their state argument. */
void hx_rig_plan(struct hx_rig *r, const char *cfg_text, const struct hx_rig_opts *opts);
int hx_rig_group_setup(void **state);
int hx_rig_group_teardown(void **state);
/* "<daemon client>:<port>", from a ring of 8 static buffers (usable 8 at a time). */
const char *hx_rig_port(const struct hx_rig *r, const char *port);

/* ------------------------------------------------------------------------------------------ */
/* Signal analysis (pure functions)                                                            */

/* 20 log10(x), floored at -200 for x <= 1e-10. */
double hx_db(double lin);
double hx_lin(double db);
/* Level of n samples (non-finite samples are counted and skipped). */
void hx_analyze(const float *x, size_t n, struct hx_level *lv);
/* RMS level in dBFS of the component at freq_hz: one DFT bin with a Hann window, amplitude
 * corrected, so a sine of peak A reads 20 log10(A / sqrt 2); tones a few hundred Hz away are
 * suppressed by well over 100 dB in a 0.2 s window. Needs n >= a few periods of freq_hz. */
double hx_tone_db(const float *x, size_t n, double freq_hz, double rate);
/* How far n samples are from one steady sine at freq_hz: the RMS of what a least-squares
 * sine, cosine and offset at that frequency leave unexplained, relative to the fitted tone, in
 * dB. A clean capture of a steady tone reads below -80 dB; a period lost or repeated by an
 * xrun tears the waveform and reads -40 dB or more, whether or not JACK reported it yet. */
double hx_tone_residual_db(const float *x, size_t n, double freq_hz, double rate);
/* For a sine at freq_hz whose level may change (a fader move, a recall): the largest departure,
 * in radians (0..pi), of its phase over any one cycle from its phase over the first cycle.
 * A glide in level leaves the phase alone (0.1 rad for 20 ms from -37 dB); a JACK period lost
 * or repeated on the way (64 or 256 frames at 1 kHz) moves it by 2.1 rad, reported as an xrun
 * or not; so can a hard step in level (up to 2.2 rad in the cycles around it). Cycles under
 * 1e-4 of the loudest are left out. */
double hx_tone_phase_jump_rad(const float *x, size_t n, double freq_hz, double rate);
/* A phase jump past this is evidence of a torn window; a step in level can reach it too, so it
 * only earns a capture another try, never a pass. */
#define HX_TORN_PHASE_RAD 1.5
/* Peak of |x| over consecutive blocks of `block` samples: env[i] = max |x[i*block ..]|.
 * Returns the number of blocks written (n / block, at most max_env). */
size_t hx_envelope(const float *x, size_t n, size_t block, float *env, size_t max_env);

/* ------------------------------------------------------------------------------------------ */
/* OSC client                                                                                  */

#define HX_OSC_MAX_ARGS 16
#define HX_OSC_STR_MAX 256

struct hx_osc_arg {
	char type;                      /* liblo type char: i f d h s S c T F N I m t b(size) */
	int32_t i;                      /* i, c, m; T -> 1, F -> 0 */
	int64_t h;                      /* h, t */
	double d;                       /* f and d (also i/h converted) */
	char s[HX_OSC_STR_MAX];         /* s, S; b: the blob's first HX_OSC_STR_MAX bytes */
};

struct hx_osc_msg {
	char path[HX_OSC_STR_MAX];
	char types[HX_OSC_MAX_ARGS + 1];    /* truncated to HX_OSC_MAX_ARGS */
	int argc;                           /* real count, may exceed HX_OSC_MAX_ARGS */
	struct hx_osc_arg argv[HX_OSC_MAX_ARGS];
	double t_recv;                      /* hx_now() at reception */
};

struct hx_osc;

/* A client whose replies come back to its own lo_server socket (liblo 0.31 binds it to
 * 0.0.0.0 on a random port; it only ever sends to 127.0.0.1:daemon_port). NULL on failure. */
struct hx_osc *hx_osc_open(int daemon_port);
void hx_osc_close(struct hx_osc *o);
/* The client's own UDP port. */
int hx_osc_port(const struct hx_osc *o);

/* Like hx_osc_open, but talking to daemon_ip (a listener bound to another loopback address). */
struct hx_osc *hx_osc_open_to(const char *daemon_ip, int daemon_port);

/* Like hx_osc_open, but the client's socket is bound to bind_ip (e.g. "127.0.0.2", to play a
 * source address other than 127.0.0.1 on loopback) on a random port. NULL on failure. */
struct hx_osc *hx_osc_open_from(int daemon_port, const char *bind_ip);

/* A tap sees every message as it is received, before it is queued; if it returns true the
 * message is consumed (not queued). For counting floods of messages (a whole-state dump,
 * meters) that would overflow the queue. fn NULL removes the tap. */
typedef bool (*hx_osc_tap_fn)(const struct hx_osc_msg *m, void *user);
void hx_osc_set_tap(struct hx_osc *o, hx_osc_tap_fn fn, void *user);

/* Send path with arguments described by types, one vararg per i (int), f (double, promoted),
 * d (double), h (int64_t), s (const char *); T F N I take none. "" sends no arguments.
 * 0 or -EIO. */
int hx_osc_send(struct hx_osc *o, const char *path, const char *types, ...);
int hx_osc_sendv(struct hx_osc *o, const char *path, const char *types, va_list ap);
/* Send raw bytes from the client's socket (malformed packets). */
int hx_osc_send_raw(struct hx_osc *o, const void *buf, size_t len);

/* Wait up to timeout_s for a message whose path equals path (any message if path is NULL);
 * earlier-queued messages are matched first. It is removed from the queue and copied to out
 * (out may be NULL). 0 or -ETIMEDOUT. Messages that do not match stay queued. */
int hx_osc_wait(struct hx_osc *o, const char *path, double timeout_s, struct hx_osc_msg *out);
/* Wait for an "/error" whose first argument is path. */
int hx_osc_wait_error(struct hx_osc *o, const char *path, double timeout_s,
		      struct hx_osc_msg *out);
/* Query: send path without arguments and wait for the reply with the same path. */
int hx_osc_query(struct hx_osc *o, const char *path, double timeout_s, struct hx_osc_msg *out);
/* Receive for `s` seconds, queueing everything (to see that nothing more arrives). */
void hx_osc_pump(struct hx_osc *o, double s);
/* Receive whatever has arrived, without waiting (the tap and the queue see it). Returns the
 * number of messages received. */
int hx_osc_poll(struct hx_osc *o);
/* Drop queued messages and drain the socket. */
void hx_osc_flush(struct hx_osc *o);
/* Queued messages, and a peek at the k-th (0 = oldest), or NULL. */
size_t hx_osc_pending(const struct hx_osc *o);
const struct hx_osc_msg *hx_osc_peek(const struct hx_osc *o, size_t k);
/* One message as text ("/error ss \"/x\" \"unknown\"") in a static buffer, for messages. */
const char *hx_osc_msg_str(const struct hx_osc_msg *m);

#endif
