/*
 * pan.h - pan laws: how a mono source is split between left and right.
 *
 * The law is named by the level of a centred source on each side:
 *   PAN_LAW_3DB    constant power: L = cos(t), R = sin(t), t = (pan + 1) * pi/4.
 *                  L^2 + R^2 = 1 everywhere, so perceived loudness holds across the
 *                  sweep (the default on most digital consoles).
 *   PAN_LAW_4_5DB  the geometric mean of the -3 dB and -6 dB laws: L = sqrt(cos(t) * (1-pan)/2).
 *                  A compromise for mixes that are also summed to mono.
 *   PAN_LAW_6DB    linear: L = (1 - pan)/2, R = (1 + pan)/2; mono-sum compatible.
 * Hard left (-1) is L = 1, R = 0 in every law. Reference: Griesinger, "Stereo and surround
 * panning in practice" (AES 2002); the laws are those of common analog desks.
 *
 * Balance (stereo channels): each side keeps its own signal; turning towards one side
 * attenuates the other along the chosen law, normalised so the centre is unity.
 */
#ifndef JMIXD_DSP_PAN_H
#define JMIXD_DSP_PAN_H

enum pan_law {
	PAN_LAW_3DB,
	PAN_LAW_4_5DB,
	PAN_LAW_6DB,
};

/* pan in -1..+1 (clamped); gains in linear amplitude. RT-safe. */
void pan_gains(enum pan_law law, float pan, float *gain_l, float *gain_r);

/* Stereo balance in -1..+1: centre is unity on both sides. RT-safe. */
void pan_balance_gains(enum pan_law law, float balance, float *gain_l, float *gain_r);

/* Law from its centre level in dB (-3, -4.5, -6); returns -1 for any other value. */
int pan_law_from_db(float centre_db);

#endif
