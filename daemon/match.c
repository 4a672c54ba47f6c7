/*
 * match.c - see match.h.
 */
#include "daemon/match.h"

#include <stdbool.h>
#include <string.h>

static int find(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static bool is_taken(const int *to, int n, int j)
{
	for (int i = 0; i < n; i++)
		if (to[i] == j)
			return true;
	return false;
}

void match_names(const char *const *saved, int n_saved, const char *const *current,
		 int n_current, int *to, enum match_how *how)
{
	for (int i = 0; i < n_saved; i++) {
		int j = find(current, n_current, saved[i]);
		/* A name saved twice (a hand-edited file) matches once, the first time. */
		if (j >= 0 && is_taken(to, i, j))
			j = -1;
		to[i] = j;
		how[i] = j >= 0 ? MATCH_NAME : MATCH_NONE;
	}
	/* A rename: the saved name is gone and the console's entry at that place is new. */
	for (int i = 0; i < n_saved && i < n_current; i++)
		if (saved[i] && to[i] < 0 && find(saved, n_saved, current[i]) < 0 &&
		    !is_taken(to, n_saved, i)) {
			to[i] = i;
			how[i] = MATCH_POSITION;
		}
}
