/*
 * config_error.h - the one shape every config, state and mapping error takes:
 * "FILE:LINE: KEY: reason" (or "FILE: KEY: reason" where libconfig knows no line), so a person
 * can go straight to the line.
 */
#ifndef JMIXD_CONFIG_ERROR_H
#define JMIXD_CONFIG_ERROR_H

#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>

/* Write the error for `key` at setting `where` (may be NULL) of `file` into err. */
void config_verror(char *err, size_t err_size, const char *file, const config_setting_t *where,
		   const char *key, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

#endif
