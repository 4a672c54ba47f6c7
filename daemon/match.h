/*
 * match.h - which saved channel (or bus) is which channel of this console, after a config
 * edit: first by name, then, for a saved name that is gone, by position when the console's
 * entry at that position is itself new (the usual rename). Everything else has no match: a
 * saved entry without one is dropped, a console entry without one keeps the config's values.
 *
 * Control thread only; runs once per restore or scene recall.
 */
#ifndef JMIXD_MATCH_H
#define JMIXD_MATCH_H

#include <stdbool.h>

enum match_how {
	MATCH_NONE,
	MATCH_NAME,
	MATCH_POSITION,
};

/*
 * saved[i] (NULL for an entry without a name, never matched) against current[j], by name,
 * then (is_by_position) by position. Fills to[i] with j or -1 and how[i]. Each current entry
 * is taken at most once. 0, or -1 out of memory.
 */
int match_names(const char *const *saved, int n_saved, const char *const *current,
		int n_current, bool is_by_position, int *to, enum match_how *how);

#endif
