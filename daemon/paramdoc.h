/*
 * paramdoc.h - the reference tables of the man pages, written from the parameter table.
 *
 * man/jmixd-osc.7 and man/jmixd.conf.5 carry these tables between the lines
 * PARAMDOC_BEGIN and PARAMDOC_END; `make man` regenerates them and a unit test fails when a
 * page and the table disagree, so the documentation cannot drift from the code.
 */
#ifndef JMIXD_PARAMDOC_H
#define JMIXD_PARAMDOC_H

#include <stdio.h>

#define PARAMDOC_BEGIN ".\\\" BEGIN GENERATED FROM daemon/params.c (make man)"
#define PARAMDOC_END ".\\\" END GENERATED"

enum paramdoc_kind {
	PARAMDOC_OSC,     /* OSC addresses */
	PARAMDOC_CONF,    /* config keys */
};

/* Write the generated section (without the marker lines). */
void paramdoc_write(FILE *f, enum paramdoc_kind kind);

#endif
