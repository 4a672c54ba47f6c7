/*
 * console_fixture.h - a console (setup and control) loaded from a config fixture, for the
 * unit tests that drive the control layer without JACK (links, recall). Header only; include
 * after cmocka.h, daemon/config.h and daemon/control.h.
 */
#ifndef JMIXD_TESTS_CONSOLE_FIXTURE_H
#define JMIXD_TESTS_CONSOLE_FIXTURE_H

/* 0, or -1 with the config's error printed. */
static inline int ut_console_load(const char *path, struct setup *setup, struct control *control)
{
	char err[512];
	if (config_load(path, setup, err, sizeof err) < 0) {
		print_error("%s\n", err);
		return -1;
	}
	return control_init(control, setup) < 0 ? -1 : 0;
}

static inline void ut_console_free(struct setup *setup, struct control *control)
{
	control_free(control);
	config_free(setup);
}

#endif
