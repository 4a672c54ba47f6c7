/*
 * fuzz_osc.c - libFuzzer target over the whole OSC input path: access check, pre-filter,
 * liblo's parser, the router, control and the reply sender, exactly as a datagram from a
 * control-role address takes it. Each input also goes to the X32 and X Air listeners
 * (osc/x32.h), whose pre-filter lets tagless messages through and whose map parses console
 * addresses.
 *
 *   make fuzz                      build with clang -fsanitize=fuzzer,address and run 60 s
 *   make fuzz FUZZ_SECONDS=600
 *
 * The same entry point is linked into the normal test suite (tests/unit/test_fuzz_replay.c),
 * which replays the seed corpus and every saved crash (tests/fuzz/regressions/) on each run.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/state.h"
#include "osc/server.h"

int fuzz_osc_input(const uint8_t *data, size_t size);

static struct setup setup;
static struct control control;
static struct state fuzz_state;
static struct osc_server *server;
static struct sockaddr_in sender;

static void fuzz_init(void)
{
	static const char cfg[] =
		"osc = { bind = \"127.0.0.1\"; port = 1;\n"   /* port replaced below */
		"        x32 = { enable = true; bind = \"127.0.0.1\"; port = 0; };\n"
		"        xair = { enable = true; bind = \"127.0.0.1\"; port = 0; }; };\n"
		"state = { autosave = false; };\n"
		"channels = ( { name = \"kick\"; }, { name = \"keys\"; stereo = true; },\n"
		"             { name = \"vox\"; } );\n";
	char path[] = "/tmp/jmixd-fuzz-XXXXXX", err[512];
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, cfg, sizeof cfg - 1) != (ssize_t)(sizeof cfg - 1))
		abort();
	close(fd);
	if (config_load(path, &setup, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	unlink(path);
	setup.osc_port = 0;   /* any free port: the fuzzer never listens on it */
	log_set_level(LOG_ERROR);
	state_open(&fuzz_state, &setup);
	if (control_init(&control, &setup) < 0)
		abort();
	server = osc_server_new(&control, &fuzz_state, &setup, err, sizeof err);
	if (!server) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	/* Replies go to the discard port of loopback. */
	sender.sin_family = AF_INET;
	sender.sin_port = htons(9);
	sender.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

int fuzz_osc_input(const uint8_t *data, size_t size)
{
	if (!server)
		fuzz_init();
	osc_server_handle_datagram(server, &sender, sizeof sender, data, size);
	for (int profile = 0; profile < 2; profile++)
		osc_server_handle_dialect_datagram(server, profile, &sender, sizeof sender, data,
						   size);
	return 0;
}

#ifdef JMIXD_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_osc_input(data, size);
}
#endif
