/*
 * log.c - see log.h. One line per call, prefixed with the level, written with one fprintf so
 * lines from a second thread (JACK's own error callback) do not interleave mid-line.
 */
#include "daemon/log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level max_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	max_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[1024];
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "jmixd: %s: %s\n", names[level], line);
}
