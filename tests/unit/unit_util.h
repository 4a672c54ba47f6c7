/*
 * unit_util.h - small helpers shared by the unit tests (header only, static functions).
 *
 * Include after <cmocka.h>'s prerequisites (stdarg.h, stddef.h, setjmp.h, stdint.h) and
 * cmocka.h itself.
 */
#ifndef JMIXD_TESTS_UNIT_UTIL_H
#define JMIXD_TESTS_UNIT_UTIL_H

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define UT_ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* |actual - expected| <= tol, with both values printed on failure. */
#define ut_assert_close(actual, expected, tol)                                                   \
	do {                                                                                     \
		double ut_a_ = (double)(actual), ut_e_ = (double)(expected);                     \
		if (!(fabs(ut_a_ - ut_e_) <= (double)(tol)))                                     \
			fail_msg("%s = %.9g, expected %.9g (tolerance %g)", #actual, ut_a_, ut_e_,  \
				 (double)(tol));                                                 \
	} while (0)

/* a contains b, both printed on failure. */
#define ut_assert_contains(a, b)                                                                 \
	do {                                                                                     \
		const char *ut_h_ = (a), *ut_n_ = (b);                                           \
		if (!strstr(ut_h_, ut_n_))                                                       \
			fail_msg("\"%s\" does not contain \"%s\"", ut_h_, ut_n_);                   \
	} while (0)

/* 1-based number of the first line of path containing marker, 0 when none (or no file). */
static inline int ut_file_line_of(const char *path, const char *marker)
{
	char line[1024];
	int n = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		n++;
		if (strstr(line, marker)) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return 0;
}

/*
 * Feed every file of dir (a fuzzer's corpus or its saved crashes) to a fuzz target's entry
 * point, calling after() (may be NULL) after each; returns how many files there were.
 */
static inline int ut_replay_dir(const char *dir, int (*input)(const uint8_t *, size_t),
				void (*after)(void))
{
	static uint8_t buf[1 << 16];
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		size_t size = fread(buf, 1, sizeof buf, f);
		fclose(f);
		input(buf, size);
		if (after)
			after();
		n++;
	}
	closedir(d);
	return n;
}

#endif
