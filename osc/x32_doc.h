/*
 * x32_doc.h - the address map of man/jmixd-x32.7, written from the map itself (x32_map.c), so
 * the page cannot drift from the code: `make man` splices it in and test_x32_law compares.
 */
#ifndef JMIXD_OSC_X32_DOC_H
#define JMIXD_OSC_X32_DOC_H

#include <stdio.h>

void x32_doc_write(FILE *f);

#endif
