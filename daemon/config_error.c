/* config_error.c - "FILE:LINE: KEY: reason". See config_error.h. */
#include "daemon/config_error.h"

#include <stdio.h>

void config_verror(char *err, size_t err_size, const char *file, const config_setting_t *where,
		   const char *key, const char *fmt, va_list ap)
{
	char reason[512];
	vsnprintf(reason, sizeof reason, fmt, ap);
	int line = where ? (int)config_setting_source_line(where) : 0;
	if (line > 0)
		snprintf(err, err_size, "%s:%d: %s: %s", file, line, key, reason);
	else
		snprintf(err, err_size, "%s: %s: %s", file, key, reason);
}
