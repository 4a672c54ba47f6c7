/*
 * main.c - jmixd: arguments, wiring, and the control loop. The only file that exits.
 *
 * One control thread around poll(): the OSC socket, a signalfd (SIGINT, SIGTERM), a timerfd
 * (housekeeping at 50 Hz: audio-thread events, JACK reconnects) and an eventfd that JACK's
 * shutdown callback writes. Callbacks and signals only raise flags; the work happens here.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/engine.h"
#include "daemon/layout.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "daemon/paramdoc.h"
#include "daemon/render.h"
#include "daemon/session.h"
#include "daemon/simd.h"
#include "daemon/schema.h"
#include "daemon/state.h"
#include "daemon/zeroconf.h"
#include "dsp/bus.h"
#include "midi/mcu.h"
#include "midi/midi_map.h"
#include "osc/nsm.h"
#include "osc/server.h"
#include "osc/x32_doc.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,    /* JACK unreachable at start, socket in use, out of memory */
	EXIT_USAGE = 2,      /* bad arguments or a bad config file */
};

#define TICK_HZ 50          /* feedback within 20 ms; meters are sent at their own rate */
#define RECONNECT_FIRST_MS 250
#define RECONNECT_MAX_MS 2000

struct options {
	const char *config_path;
	const char *client_name;
	int osc_port;
	bool is_check_only;
	bool is_verbose;
	const char *layout_name;       /* --print-layout */
	const char *layout_bus;        /* --print-layout touchosc-monitor BUS */
	const char *layout_size;       /* --layout-size phone|tablet */
	const char *output_path;       /* -o: where --print-layout writes (default stdout) */
	bool is_nsm_off;               /* --no-nsm: ignore NSM_URL */
	const char *state_dir;         /* under NSM: the session folder */
};

struct daemon {
	struct options opts;         /* command-line overrides, re-applied on reload */
	struct setup setup;
	struct state state;
	struct control control;
	struct engine engine;
	struct osc_server *osc;
	struct midi_map *midi;       /* NULL when the config has no midi section */
	struct mcu *mcu;             /* NULL without midi.mcu */
	uint32_t midi_xruns_seen;    /* control.engine.n_xruns when MIDI feedback was last whole */
	struct zeroconf *zeroconf;
	int signal_fd;
	int timer_fd;
	bool is_running;
	int reconnect_delay_ms;
	struct timespec reconnect_at;
	struct nsm *nsm;             /* under a session manager, else NULL */
	uint64_t nsm_saved_changes;  /* control.n_changes at the last NSM save or open */
	bool is_switching;           /* a new /nsm/client/open arrived: next_session */
	struct nsm_open next_session;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: jmixd [options]\n"
		"       jmixd render -c CONFIG -o OUT.wav [options] [STEM...]  (see jmixd render -h)\n"
		"  -c, --config FILE   configuration (default: configs/default.cfg if present,\n"
		"                      else /etc/jmixd/jmixd.cfg)\n"
		"  -n, --name NAME     JACK client name (overrides jack.client_name)\n"
		"  -p, --port PORT     OSC UDP port (overrides osc.port)\n"
		"  -v, --verbose       log debug messages\n"
		"      --check         validate the configuration and exit\n"
		"      --no-nsm        ignore NSM_URL (do not join a session manager)\n"
		"      --simd PATH     vector path: auto (the widest the CPU runs), sse2, avx2 or\n"
		"                      avx512 on x86-64 (also JMIXD_SIMD=PATH; render takes it too)\n"
		"      --print-layout osc-session|touchosc|touchosc-mk1|touchosc-monitor BUS\n"
		"                      write a control surface for the configured console (an Open\n"
		"                      Stage Control session, a TouchOSC .tosc or Mk1 .touchosc\n"
		"                      layout, or one monitor mix's .tosc) and exit\n"
		"      --layout-size phone|tablet\n"
		"                      TouchOSC page size: 8 or 16 strips a page (default tablet)\n"
		"  -o, --output FILE   where --print-layout writes (default: standard output,\n"
		"                      refused for a binary layout when it is a terminal)\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n"
		"exit status: 0 ok, 1 runtime failure (e.g. no JACK server), 2 usage or config error\n");
}

/*
 * --print-layout: the layout to -o FILE (written to FILE.tmp, then renamed, so a tablet's
 * sync never picks up half a file) or to standard output. Returns an exit status.
 */
static int print_layout(const struct options *o, const struct setup *setup)
{
	enum layout_kind kind = (enum layout_kind)layout_kind_from_name(o->layout_name);
	struct layout_options lo = {
		.size = o->layout_size && strcmp(o->layout_size, "phone") == 0 ? SURFACE_PHONE
									       : SURFACE_TABLET,
		.monitor_bus = -1,
	};
	if (layout_kind_needs_bus(kind)) {
		lo.monitor_bus = setup_find_bus(setup, o->layout_bus);
		if (lo.monitor_bus < 0 || setup->buses[lo.monitor_bus].type != BUS_MONITOR) {
			fprintf(stderr, "jmixd: --print-layout %s: '%s' is not a monitor bus of %s\n",
				o->layout_name, o->layout_bus, o->config_path);
			return EXIT_USAGE;
		}
	}
	if (!o->output_path) {
		if (layout_kind_is_binary(kind) && isatty(STDOUT_FILENO)) {
			fprintf(stderr, "jmixd: --print-layout %s writes a binary file: "
				"use -o FILE or redirect the output\n", o->layout_name);
			return EXIT_USAGE;
		}
		return layout_write(stdout, kind, setup, &lo) < 0 ? EXIT_RUNTIME : EXIT_OK;
	}
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", o->output_path);
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "jmixd: %s: %s\n", tmp, strerror(errno));
		return EXIT_RUNTIME;
	}
	int rc = layout_write(f, kind, setup, &lo);
	if (fclose(f) != 0 && rc == 0)
		rc = -EIO;
	if (rc == 0 && rename(tmp, o->output_path) != 0)
		rc = -errno;
	if (rc < 0) {
		fprintf(stderr, "jmixd: %s: %s\n", o->output_path, strerror(-rc));
		unlink(tmp);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* One case per option, each checking its own argument: long only because the options are. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' }, { "name", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },   { "verbose", no_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 'C' },        { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "print-params", required_argument, NULL, 'P' },
		{ "print-layout", required_argument, NULL, 'L' },
		{ "layout-size", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-nsm", no_argument, NULL, 'N' }, { NULL, 0, NULL, 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "c:n:p:o:vhV", longopts, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'n':
			o->client_name = optarg;
			break;
		case 'p':
			o->osc_port = (int)strtol(optarg, &end, 10);
			if (*end || o->osc_port < 1 || o->osc_port > 65535) {
				fprintf(stderr, "jmixd: -p: '%s' is not a UDP port (1 .. 65535)\n", optarg);
				return -1;
			}
			break;
		case 'v':
			o->is_verbose = true;
			break;
		case 'C':
			o->is_check_only = true;
			break;
		case 'N':
			o->is_nsm_off = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("jmixd %s\n", JMIXD_VERSION);
			exit(EXIT_OK);
		case 'P':   /* for make man: the reference tables of jmixd-osc(7) and jmixd.conf(5) */
			if (strcmp(optarg, "x32") == 0) {   /* and the map of jmixd-x32(7) */
				x32_doc_write(stdout);
				exit(EXIT_OK);
			}
			if (strcmp(optarg, "osc") != 0 && strcmp(optarg, "conf") != 0) {
				fprintf(stderr, "jmixd: --print-params: osc, conf or x32\n");
				return -1;
			}
			paramdoc_write(stdout, strcmp(optarg, "osc") == 0 ? PARAMDOC_OSC : PARAMDOC_CONF);
			exit(EXIT_OK);
		case 'L':   /* written once the configuration is loaded: it names the channels */
			if (layout_kind_from_name(optarg) < 0) {
				fprintf(stderr, "jmixd: --print-layout: %s\n", layout_kind_names());
				return -1;
			}
			o->layout_name = optarg;
			/* touchosc-monitor takes its bus as the next word */
			if (layout_kind_needs_bus((enum layout_kind)layout_kind_from_name(optarg))) {
				if (optind >= argc) {
					fprintf(stderr, "jmixd: --print-layout %s: which bus? "
						"(a number or a bus name)\n", optarg);
					return -1;
				}
				o->layout_bus = argv[optind++];
			}
			break;
		case 'S':
			if (strcmp(optarg, "phone") != 0 && strcmp(optarg, "tablet") != 0) {
				fprintf(stderr, "jmixd: --layout-size: phone or tablet\n");
				return -1;
			}
			o->layout_size = optarg;
			break;
		case 'o':
			o->output_path = optarg;
			break;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "jmixd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!o->config_path) {
		struct stat st;
		o->config_path = stat("configs/default.cfg", &st) == 0 ? "configs/default.cfg"
									: "/etc/jmixd/jmixd.cfg";
	}
	return 0;
}

static int open_fds(struct daemon *d)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	/* A dropped TCP peer or a dying jackd must not kill the console, nor may a file size
	 * limit (LimitFSIZE=): the write fails (EFBIG) and the autosave reports it. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	d->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->signal_fd < 0 || d->timer_fd < 0)
		return -errno;
	struct itimerspec tick = { .it_interval = { 0, 1000000000L / TICK_HZ },
				   .it_value = { 0, 1000000000L / TICK_HZ } };
	return timerfd_settime(d->timer_fd, 0, &tick, NULL) < 0 ? -errno : 0;
}

static struct timespec after_ms(int ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static bool is_past(struct timespec t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t.tv_sec || (now.tv_sec == t.tv_sec && now.tv_nsec >= t.tv_nsec);
}

/* How dispatch.c chose this copy's vector path, for the log. */
static const char *simd_why = "";

static void log_ready(struct daemon *d)
{
	const struct engine *e = &d->engine;
	log_info("vector path: %s, %d lanes per strip group (%s)", SIMD_PATH_NAME, DSP_LANES,
		 simd_why);
	log_info("ready: JACK client '%s' at %u Hz, %u frames; OSC on udp %s:%d", e->client_name,
		 d->control.engine.sample_rate, d->control.engine.period, d->setup.osc_bind,
		 osc_server_port(d->osc));
	for (int i = 0; i < e->n_inputs; i++)
		log_info("  input  %s", jack_port_name(e->inputs[i]));
	log_info("  output %s", jack_port_name(e->out_l));
	log_info("  output %s", jack_port_name(e->out_r));
	for (int p = 0; p < MIDI_N_PORTS; p++)
		if (e->midi_in[p]) {
			log_info("  input  %s (MIDI)", jack_port_name(e->midi_in[p]));
			log_info("  output %s (MIDI)", jack_port_name(e->midi_out[p]));
		}
	for (int b = 0; b < BUS_MAX; b++) {
		if (e->bus_l[b])
			log_info("  output %s (monitor mix)", jack_port_name(e->bus_l[b]));
		if (e->bus_r[b])
			log_info("  output %s (monitor mix)", jack_port_name(e->bus_r[b]));
	}
	if (e->solo_l) {
		log_info("  output %s (solo bus)", jack_port_name(e->solo_l));
		log_info("  output %s (solo bus)", jack_port_name(e->solo_r));
	}
}

/* jackd went away: close the dead client now, try a new one from the timer, backing off. */
static void handle_jack_shutdown(struct daemon *d)
{
	if (!d->engine.client || !atomic_load(&d->engine.has_shut_down))
		return;
	log_warn("jack: the server shut down; the mix is kept, reconnecting");
	engine_close(&d->engine);
	d->reconnect_delay_ms = RECONNECT_FIRST_MS;
	d->reconnect_at = after_ms(d->reconnect_delay_ms);
}

static void try_reconnect(struct daemon *d)
{
	char err[256];
	if (d->engine.client || !is_past(d->reconnect_at))
		return;
	if (engine_open(&d->engine, err, sizeof err) == 0) {
		d->control.engine.n_reconnects++;
		log_info("jack: reconnected");
		/* Surfaces may have been restarted with jackd: show them everything again. */
		if (d->midi)
			midi_map_refresh(d->midi);
		if (d->mcu)
			mcu_refresh(d->mcu);
		log_ready(d);
		return;
	}
	log_debug("%s", err);
	d->reconnect_delay_ms *= 2;
	if (d->reconnect_delay_ms > RECONNECT_MAX_MS)
		d->reconnect_delay_ms = RECONNECT_MAX_MS;
	d->reconnect_at = after_ms(d->reconnect_delay_ms);
}

static int64_t monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void reload_config(struct daemon *d);

static bool send_midi(void *ctx, const struct midi_event *ev)
{
	return engine_midi_push(ctx, ev);
}

/*
 * MIDI in: every event the audio thread copied since the last tick, decoded and applied by
 * the bindings (midi_in) or the Mackie Control surface (mcu_in).
 */
static void midi_receive(struct daemon *d, int64_t now_ms)
{
	struct midi_event ev;
	/* JACK drops a late client's MIDI in the cycle it missed: after an xrun, surfaces are sent
	 * everything again rather than left showing what they may not have received. */
	if (d->control.engine.n_xruns != d->midi_xruns_seen) {
		d->midi_xruns_seen = d->control.engine.n_xruns;
		midi_map_refresh(d->midi);
		if (d->mcu)
			mcu_refresh(d->mcu);
	}
	while (engine_midi_pop(&d->engine, &ev)) {
		if (ev.port == MIDI_PORT_MCU && d->mcu)
			mcu_input(d->mcu, ev.bytes, ev.size, now_ms);
		else if (ev.port == MIDI_PORT_MAP)
			midi_map_input(d->midi, ev.bytes, ev.size, now_ms);
	}
	d->midi->stats.n_rt_dropped = atomic_load(&d->engine.n_midi_rx_dropped) +
				      atomic_load(&d->engine.n_midi_rx_oversized);
}

static void on_tick(struct daemon *d)
{
	uint64_t n;
	if (read(d->timer_fd, &n, sizeof n) < 0 && errno != EAGAIN)
		log_warn("timer: %s", strerror(errno));
	handle_jack_shutdown(d);
	try_reconnect(d);
	engine_poll_events(&d->engine);
	engine_update_status(&d->engine, 1.0f / TICK_HZ);
	if (d->midi)
		midi_receive(d, monotonic_ms());
	osc_server_tick(d->osc);
	if (d->midi)
		midi_map_tick(d->midi, monotonic_ms());
	if (d->mcu)
		mcu_tick(d->mcu, monotonic_ms());
	zeroconf_tick(d->zeroconf);
	state_tick(&d->state, &d->control, monotonic_ms());
	if (d->nsm)
		nsm_set_dirty(d->nsm, d->control.n_changes != d->nsm_saved_changes);
}

static void on_nsm(struct daemon *d)
{
	enum nsm_event ev;
	while ((ev = nsm_receive(d->nsm, &d->next_session)) != NSM_EVENT_NONE) {
		if (ev == NSM_EVENT_SAVE && session_save(d->nsm, &d->state, &d->control) == 0) {
			d->nsm_saved_changes = d->control.n_changes;
			nsm_set_dirty(d->nsm, false);
		} else if (ev == NSM_EVENT_OPEN) {
			/* :switch: close this session's console and open the next one. */
			log_info("nsm: switching to %s", d->next_session.path);
			d->is_switching = true;
			d->is_running = false;
			return;
		}
	}
}

/*
 * SIGHUP: read the config again and classify the change from the config's own description
 * (schema.h), as CamillaDSP does: nothing changed, values only (applied live as smoothed
 * changes), or a restart needed. A change of topology (channels, ports, names) would need new
 * JACK ports under a running show: that reload is refused and nothing changes. A setting read
 * at start only (sockets, connections, folders) is named in the log; the values still apply.
 */
static void reload_config(struct daemon *d)
{
	struct setup fresh;
	char err[1024], why[256];
	if (config_load(d->setup.path, &fresh, err, sizeof err) < 0) {
		log_error("reload: %s; nothing changed", err);
		return;
	}
	/* What the command line overrode stays overridden. */
	if (d->opts.client_name)
		snprintf(fresh.client_name, sizeof fresh.client_name, "%s", d->opts.client_name);
	if (d->opts.osc_port)
		fresh.osc_port = d->opts.osc_port;
	if (d->opts.state_dir)   /* a session manager's folder */
		snprintf(fresh.state_dir, sizeof fresh.state_dir, "%s", d->opts.state_dir);
	fresh.is_session = d->setup.is_session;
	int effect = schema_compare(&d->setup, &fresh, true, why, sizeof why);
	if (effect == SCHEMA_TOPOLOGY) {
		log_error("reload: %s: needs a restart (%s changed); restart jmixd for that. "
			  "Nothing changed", d->setup.path, why);
		config_free(&fresh);
		return;
	}
	osc_server_apply_setup(d->osc, &d->setup, &fresh);
	/* MIDI ports and bindings are built at start (a learned binding must not be lost). */
	if (memcmp(&d->setup.midi, &fresh.midi, sizeof fresh.midi) != 0)
		log_warn("reload: midi changed: takes effect at restart");
	int n = control_set_values(&d->control, &fresh.vals, ORIGIN_NONE);
	if (effect == SCHEMA_RESTART)
		log_warn("reload: %s: needs a restart for %s (and any setting named above); %d "
			 "values changed now", d->setup.path, why, n);
	else if (n == 0 && effect < 0)
		log_info("reload: %s: nothing changed", d->setup.path);
	else
		log_info("reload: %s: values only: %d values changed%s", d->setup.path, n,
			 effect == SCHEMA_LIVE_OSC ? "; osc settings applied by the OSC server" : "");
	config_free(&fresh);
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;
	while (read(d->signal_fd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP: reloading %s", d->setup.path);
			notify_systemd("RELOADING=1");
			reload_config(d);
			notify_systemd("READY=1");
			continue;
		}
		log_info("signal %u: shutting down", si.ssi_signo);
		d->is_running = false;
	}
}

static void run_loop(struct daemon *d)
{
	enum { FD_OSC, FD_SIGNAL, FD_TIMER, FD_JACK, FD_NSM, N_FDS };
	struct pollfd fds[N_FDS] = {
		[FD_OSC] = { .fd = osc_server_fd(d->osc), .events = POLLIN },
		[FD_SIGNAL] = { .fd = d->signal_fd, .events = POLLIN },
		[FD_TIMER] = { .fd = d->timer_fd, .events = POLLIN },
		[FD_JACK] = { .fd = d->engine.event_fd, .events = POLLIN },
		[FD_NSM] = { .fd = d->nsm ? nsm_fd(d->nsm) : -1, .events = POLLIN },
	};

	d->is_running = true;
	while (d->is_running) {
		if (poll(fds, N_FDS, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			return;
		}
		if (fds[FD_SIGNAL].revents)
			on_signal(d);
		if (fds[FD_JACK].revents) {
			uint64_t n;
			if (read(d->engine.event_fd, &n, sizeof n) < 0 && errno != EAGAIN)
				log_warn("eventfd: %s", strerror(errno));
			handle_jack_shutdown(d);
		}
		if (fds[FD_OSC].revents)
			osc_server_receive_all(d->osc);
		if (fds[FD_TIMER].revents)
			on_tick(d);
		if (fds[FD_NSM].revents)
			on_nsm(d);
	}
}

#define EXIT_SWITCH 100      /* internal: an NSM switch ended this console, not a signal */

/* --check: the MIDI map's addresses need the console built from the config to resolve. */
static int check_midi(const struct setup *setup, char *err, size_t size)
{
	struct control c;
	if (!setup->midi.is_enabled)
		return 0;
	if (control_init(&c, setup) < 0) {
		snprintf(err, size, "out of memory");
		return -1;
	}
	int rc = midi_map_check(&c, &setup->midi, err, size);
	control_free(&c);
	return rc;
}

/*
 * One console, from its config to its shutdown. Under a session manager (nsm not NULL) this
 * answers the open: /reply once the JACK client runs, /error when the config or JACK fails;
 * a further open ends it with EXIT_SWITCH and the new session in *next.
 * Longer than a screen: one console's life in order, unwinding through one cleanup label.
 */
static int run_console(struct options opts, struct nsm *nsm, struct nsm_open *next)
{
	struct daemon d = { .signal_fd = -1, .timer_fd = -1, .nsm = nsm };
	char err[1024] = "";
	int status = EXIT_RUNTIME;

	d.opts = opts;
	if (config_load(opts.config_path, &d.setup, err, sizeof err) < 0) {
		fprintf(stderr, "jmixd: %s\n", err);
		if (nsm)
			nsm_error(nsm, "/nsm/client/open", NSM_ERR_BAD_PROJECT, err);
		return EXIT_USAGE;
	}
	if (opts.state_dir)
		snprintf(d.setup.state_dir, sizeof d.setup.state_dir, "%s", opts.state_dir);
	d.setup.is_session = nsm != NULL;
	if (opts.client_name) {
		if (strlen(opts.client_name) >= sizeof d.setup.client_name || !*opts.client_name) {
			fprintf(stderr, "jmixd: -n: client name must be 1 to %zu characters\n",
				sizeof d.setup.client_name - 1);
			config_free(&d.setup);
			return EXIT_USAGE;
		}
		strcpy(d.setup.client_name, opts.client_name);
	}
	if (opts.osc_port)
		d.setup.osc_port = opts.osc_port;
	if (opts.layout_name) {
		int rc = print_layout(&opts, &d.setup);
		config_free(&d.setup);
		return rc;
	}
	if (opts.is_check_only) {
		int rc = check_midi(&d.setup, err, sizeof err);
		if (rc == 0)
			printf("%s: ok (%d channels)\n", opts.config_path, d.setup.n_channels);
		else
			fprintf(stderr, "jmixd: %s: %s\n", opts.config_path, err);
		config_free(&d.setup);
		return rc == 0 ? EXIT_OK : EXIT_USAGE;
	}

	log_info("jmixd %s: %s, %d channels", JMIXD_VERSION, opts.config_path, d.setup.n_channels);

	state_open(&d.state, &d.setup);
	bool is_recovered = strcmp(state_restore(&d.state, &d.setup), "autosave") == 0;
	if (control_init(&d.control, &d.setup) < 0 ||
	    engine_init(&d.engine, &d.setup, &d.control) < 0 || open_fds(&d) < 0) {
		log_error("out of memory or file descriptors");
		goto out;
	}
	if (d.setup.midi.is_enabled &&
	    midi_map_check(&d.control, &d.setup.midi, err, sizeof err) < 0) {
		fprintf(stderr, "jmixd: %s: %s\n", opts.config_path, err);
		if (nsm)
			nsm_error(nsm, "/nsm/client/open", NSM_ERR_BAD_PROJECT, err);
		status = EXIT_USAGE;
		goto out;
	}
	d.osc = osc_server_new(&d.control, &d.state, &d.setup, err, sizeof err);
	if (!d.osc) {
		log_error("%s", err);
		goto out;
	}
	if (d.setup.midi.is_enabled) {
		d.midi = malloc(sizeof *d.midi);
		if (!d.midi || midi_map_init(d.midi, &d.control, &d.state, &d.setup.midi, send_midi,
					     &d.engine) < 0) {
			log_error("out of memory for the MIDI bindings");
			goto out;
		}
		osc_server_set_midi(d.osc, d.midi);
	}
	if (d.setup.midi.is_enabled && d.setup.midi.has_mcu) {
		d.mcu = malloc(sizeof *d.mcu);
		if (!d.mcu) {
			log_error("out of memory for the Mackie Control surface");
			goto out;
		}
		mcu_init(d.mcu, &d.control, d.setup.midi.hold_ms, send_midi, &d.engine);
	}
	if (engine_open(&d.engine, err, sizeof err) < 0) {
		log_error("%s", err);
		goto out;
	}
	log_ready(&d);
	if (nsm) {
		nsm_reply(nsm, "/nsm/client/open", "Ready");
		/* A mix recovered from a run that never closed is not the session's saved one. */
		d.nsm_saved_changes = is_recovered ? UINT64_MAX : d.control.n_changes;
		nsm_set_dirty(nsm, is_recovered);
	}
	if (d.setup.has_zeroconf)
		d.zeroconf = zeroconf_start(d.setup.client_name, osc_server_port(d.osc),
					    d.setup.osc_bind);
	notify_systemd("READY=1");
	run_loop(&d);
	notify_systemd("STOPPING=1");
	status = d.is_switching ? EXIT_SWITCH : EXIT_OK;
	if (d.is_switching)
		*next = d.next_session;
out:
	if (nsm && status == EXIT_RUNTIME)
		nsm_error(nsm, "/nsm/client/open", NSM_ERR_GENERAL, err);
	state_flush(&d.state, &d.control);
	if (status == EXIT_OK || status == EXIT_SWITCH)   /* closed, not crashed: NSM's abort */
		state_set_aside_unsaved(&d.state);
	state_close(&d.state);
	engine_free(&d.engine);
	zeroconf_stop(d.zeroconf);
	osc_server_free(d.osc);
	free(d.midi);
	free(d.mcu);
	control_free(&d.control);
	config_free(&d.setup);
	if (d.signal_fd >= 0)
		close(d.signal_fd);
	if (d.timer_fd >= 0)
		close(d.timer_fd);
	return status;
}

/*
 * Under a session manager: announce, wait for an open, run the console in the session's
 * folder under the client id, and again for each switch. An open that fails (bad config,
 * no JACK) was answered with /error; the next open may succeed, so we wait for it.
 */
static int run_under_nsm(struct options opts, const char *url, const char *argv0)
{
	char err[1024], cfg_path[4200];
	struct nsm_open session;
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	struct nsm *nsm = nsm_new(url, err, sizeof err);
	if (!nsm || signal_fd < 0) {
		fprintf(stderr, "jmixd: %s\n", nsm ? strerror(errno) : err);
		nsm_free(nsm);
		return EXIT_RUNTIME;
	}
	const char *template_cfg = opts.config_path;
	nsm_announce(nsm, opts.client_name ? opts.client_name : "jmixd", argv0);
	log_info("nsm: announced to %s; waiting for the session to open", url);
	int rc = session_wait_open(nsm, signal_fd, &session);
	int status = rc == 0 ? EXIT_SWITCH : rc == -EINTR ? EXIT_OK : EXIT_RUNTIME;
	while (status != EXIT_OK && status != EXIT_RUNTIME) {
		if (session_prepare(&session, template_cfg, cfg_path, sizeof cfg_path, err,
				    sizeof err) < 0) {
			log_error("nsm: open: %s", err);
			nsm_error(nsm, "/nsm/client/open", NSM_ERR_CREATE_FAILED, err);
			status = EXIT_USAGE;
		} else {
			log_info("nsm: open %s as '%s'", session.path, session.client_id);
			opts.config_path = cfg_path;
			opts.client_name = session.client_id;
			opts.state_dir = session.path;
			struct nsm_open next;
			status = run_console(opts, nsm, &next);
			if (status == EXIT_SWITCH)
				session = next;
		}
		if (status == EXIT_SWITCH)
			continue;
		if (status == EXIT_OK)
			break;
		/* This open failed and was answered: the manager may try again. */
		rc = session_wait_open(nsm, signal_fd, &session);
		status = rc == 0 ? EXIT_SWITCH : rc == -EINTR ? EXIT_OK : EXIT_RUNTIME;
	}
	nsm_free(nsm);
	close(signal_fd);
	return status;
}

/* main() is daemon/dispatch.c's: it picks this copy's vector path (daemon/simd.h). */
int jmixd_main(int argc, char **argv, const char *why)
{
	struct options opts = { 0 };
	if (argc > 1 && strcmp(argv[1], "render") == 0)
		return render_main(argc - 1, argv + 1);
	if (parse_options(argc, argv, &opts) < 0)
		return EXIT_USAGE;
	if (opts.is_verbose)
		log_set_level(LOG_DEBUG);
	simd_why = why;
	const char *url = getenv("NSM_URL");
	if (url && *url && !opts.is_nsm_off && !opts.is_check_only && !opts.layout_name)
		return run_under_nsm(opts, url, argv[0]);
	return run_console(opts, NULL, NULL);
}
