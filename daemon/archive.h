/*
 * archive.h - the two containers the TouchOSC layouts need, written without a library.
 *
 *   zlib (RFC 1950) of stored blocks (RFC 1951 3.2.4): the header 78 01, blocks of at most
 *   65535 bytes each with its length and its complement, then the Adler-32 of the data. Any
 *   inflater reads it; nothing is compressed, which costs a few hundred kB on a tablet and
 *   saves linking zlib into a mixing daemon for one command-line option.
 *
 *   zip (PKWARE APPNOTE 6.3.x) with one stored entry: local header, data, central directory
 *   entry, end of central directory. The CRC-32 is the zip one (reflected 0xEDB88320). The
 *   entry's time is 1980-01-01 00:00, the earliest DOS time, so the same input gives the
 *   same bytes (golden files).
 *
 * Both return 0, or -EIO when writing failed. Any thread; allocate nothing.
 */
#ifndef JMIXD_ARCHIVE_H
#define JMIXD_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

uint32_t archive_adler32(const unsigned char *data, size_t n);
uint32_t archive_crc32(const unsigned char *data, size_t n);

int archive_write_zlib_stored(FILE *f, const unsigned char *data, size_t n);

/* name: the entry's path inside the archive ("index.xml"). */
int archive_write_zip_stored(FILE *f, const char *name, const unsigned char *data, size_t n);

#endif
