/*
 * rt_canary.c - proof that the real-time checkers are awake. It calls malloc where the
 * audio thread would: inside a function marked RT_NONBLOCKING (RealtimeSanitizer build) and
 * between rtguard_enter/rtguard_leave (LD_PRELOAD guard). The suite expects this program to
 * be killed with a report; if it ever exits 0, the checkers guard nothing and the suite
 * fails.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../daemon/rt.h"

void rtguard_enter(void) __attribute__((weak));
void rtguard_leave(void) __attribute__((weak));

static void *volatile sink;   /* volatile: the compiler may not drop the allocation */

static void audio_callback(void) RT_NONBLOCKING
{
	sink = malloc(64);
}

int main(void)
{
	if (rtguard_enter)
		rtguard_enter();
	audio_callback();
	if (rtguard_leave)
		rtguard_leave();
	free(sink);
	puts("rt_canary: malloc in the audio callback went unnoticed");
	return 0;
}
