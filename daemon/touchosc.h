/*
 * touchosc.h - TouchOSC layouts: the current app's .tosc and the original (Mk1) .touchosc.
 *
 * Both are the pages of surface.h in each app's file format (touchosc.c, touchosc_mk1.c
 * say how). monitor_bus >= 0 writes only that bus's monitor-mix page (a performer's
 * layout); -1 writes the whole console. Return 0, -EIO when writing failed, or -ENOMEM.
 * Command line only (they allocate the XML before wrapping it).
 */
#ifndef JMIXD_TOUCHOSC_H
#define JMIXD_TOUCHOSC_H

#include <stdio.h>

#include "daemon/config.h"
#include "daemon/surface.h"

int touchosc_write(FILE *f, const struct setup *setup, enum surface_size size, int monitor_bus);
int touchosc_mk1_write(FILE *f, const struct setup *setup, enum surface_size size,
		       int monitor_bus);

#endif
