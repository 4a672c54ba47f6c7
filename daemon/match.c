/*
 * match.c - see match.h.
 */
#include "daemon/match.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int find(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/*
 * Cost: n_saved x n_current name comparisons, however many entries a (hand-edited, or
 * hostile) file holds, since each pass looks things up among the console's few entries.
 */
int match_names(const char *const *saved, int n_saved, const char *const *current,
		int n_current, bool is_by_position, int *to, enum match_how *how)
{
	bool *is_taken = calloc((size_t)(n_current ? n_current : 1), sizeof *is_taken);
	if (!is_taken)
		return -1;
	for (int i = 0; i < n_saved; i++) {
		int j = find(current, n_current, saved[i]);
		/* A name saved twice (a hand-edited file) matches once, the first time. */
		if (j >= 0 && is_taken[j])
			j = -1;
		if (j >= 0)
			is_taken[j] = true;
		to[i] = j;
		how[i] = j >= 0 ? MATCH_NAME : MATCH_NONE;
	}
	/* A rename: the saved name is gone and the console's entry at that place is new. */
	for (int i = 0; is_by_position && i < n_saved && i < n_current; i++)
		if (saved[i] && to[i] < 0 && !is_taken[i] && find(saved, n_saved, current[i]) < 0) {
			to[i] = i;
			how[i] = MATCH_POSITION;
			is_taken[i] = true;
		}
	free(is_taken);
	return 0;
}
