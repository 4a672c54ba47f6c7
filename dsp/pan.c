/*
 * pan.c - pan and balance laws; see pan.h for the formulas and why each exists.
 */
#include "dsp/pan.h"
#include "dsp/dsp.h"

#define QUARTER_PI 0.78539816339744830962f

void pan_gains(enum pan_law law, float pan, float *gain_l, float *gain_r)
{
	pan = dsp_clampf(pan, -1.0f, 1.0f);
	float theta = (pan + 1.0f) * QUARTER_PI;
	float lin_l = (1.0f - pan) * 0.5f;
	float lin_r = (1.0f + pan) * 0.5f;

	switch (law) {
	case PAN_LAW_6DB:
		*gain_l = lin_l;
		*gain_r = lin_r;
		return;
	case PAN_LAW_4_5DB:
		*gain_l = sqrtf(cosf(theta) * lin_l);
		*gain_r = sqrtf(sinf(theta) * lin_r);
		break;
	case PAN_LAW_3DB:
	default:
		*gain_l = cosf(theta);
		*gain_r = sinf(theta);
		break;
	}
	/* cos(pi/2) is 4e-8 in float, not 0: a hard-panned source must be silent on the far side. */
	if (pan <= -1.0f)
		*gain_r = 0.0f;
	if (pan >= 1.0f)
		*gain_l = 0.0f;
}

void pan_balance_gains(enum pan_law law, float balance, float *gain_l, float *gain_r)
{
	float centre_l, centre_r;
	pan_gains(law, 0.0f, &centre_l, &centre_r);
	pan_gains(law, balance, gain_l, gain_r);
	*gain_l = dsp_clampf(*gain_l / centre_l, 0.0f, 1.0f);
	*gain_r = dsp_clampf(*gain_r / centre_r, 0.0f, 1.0f);
}

int pan_law_from_db(float centre_db)
{
	if (centre_db == -3.0f)
		return PAN_LAW_3DB;
	if (centre_db == -4.5f)
		return PAN_LAW_4_5DB;
	if (centre_db == -6.0f)
		return PAN_LAW_6DB;
	return -1;
}
