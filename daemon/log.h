/*
 * log.h - leveled logging to stderr (systemd's journal captures it). Control thread only:
 * the audio thread never logs; it posts event codes that the control thread reports.
 *
 * Rate-limited as a whole (log.c): past a burst, lines beyond a steady rate are counted,
 * not written, and one line says how many were withheld.
 */
#ifndef JMIXD_LOG_H
#define JMIXD_LOG_H

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Periodically (the control loop's tick): say how many lines were withheld, if any. */
void log_tick(void);

/* Lines withheld by the rate limit since start. */
unsigned long log_withheld_total(void);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
