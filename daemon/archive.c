/*
 * archive.c - see archive.h.
 */
#include "daemon/archive.h"

#include <errno.h>
#include <string.h>

/* Adler-32 (RFC 1950 8.2): two sums modulo 65521, folded every 5552 bytes so 32 bits hold. */
uint32_t archive_adler32(const unsigned char *data, size_t n)
{
	uint32_t a = 1, b = 0;
	while (n > 0) {
		size_t chunk = n < 5552 ? n : 5552;
		n -= chunk;
		while (chunk--) {
			a += *data++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

/* CRC-32 (ISO 3309, as zip and PNG use it), a byte at a time: fast enough for a layout. */
uint32_t archive_crc32(const unsigned char *data, size_t n)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= data[i];
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void put16(FILE *f, unsigned v)
{
	fputc((int)(v & 0xff), f);
	fputc((int)(v >> 8 & 0xff), f);
}

static void put32(FILE *f, uint32_t v)
{
	put16(f, v & 0xffff);
	put16(f, v >> 16);
}

static int finish(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

int archive_write_zlib_stored(FILE *f, const unsigned char *data, size_t n)
{
	/* CMF 0x78: deflate, 32 KiB window; FLG 0x01: no dictionary, level 0, and
	 * (0x78 << 8 | 0x01) is a multiple of 31 as the header check asks. */
	fputc(0x78, f);
	fputc(0x01, f);
	size_t done = 0;
	do {
		size_t len = n - done < 65535 ? n - done : 65535;
		fputc(done + len == n ? 1 : 0, f);   /* BFINAL, BTYPE 00: stored */
		put16(f, (unsigned)len);
		put16(f, (unsigned)~len & 0xffff);
		fwrite(data + done, 1, len, f);
		done += len;
	} while (done < n);
	uint32_t adler = archive_adler32(data, n);
	fputc((int)(adler >> 24), f);             /* big-endian, unlike zip */
	fputc((int)(adler >> 16 & 0xff), f);
	fputc((int)(adler >> 8 & 0xff), f);
	fputc((int)(adler & 0xff), f);
	return finish(f);
}

/* The fields a local header and a central directory entry share, from "version needed" on. */
static void entry_fields(FILE *f, uint32_t crc, uint32_t size, size_t name_len)
{
	put16(f, 10);            /* version needed: 1.0, stored */
	put16(f, 0);             /* flags */
	put16(f, 0);             /* method: stored */
	put16(f, 0);             /* time 00:00:00 */
	put16(f, 0x21);          /* date 1980-01-01 */
	put32(f, crc);
	put32(f, size);          /* compressed */
	put32(f, size);          /* uncompressed */
	put16(f, (unsigned)name_len);
	put16(f, 0);             /* extra field length */
}

int archive_write_zip_stored(FILE *f, const char *name, const unsigned char *data, size_t n)
{
	size_t name_len = strlen(name);
	uint32_t crc = archive_crc32(data, n);
	if (n > 0xfffffffeu || name_len > 0xffff)
		return -EIO;   /* that would need zip64: no layout comes near */
	put32(f, 0x04034b50);    /* local file header */
	entry_fields(f, crc, (uint32_t)n, name_len);
	fwrite(name, 1, name_len, f);
	fwrite(data, 1, n, f);
	uint32_t central_at = (uint32_t)(30 + name_len + n);

	put32(f, 0x02014b50);    /* central directory file header */
	put16(f, 20);            /* made by: MS-DOS attributes, spec 2.0 */
	entry_fields(f, crc, (uint32_t)n, name_len);
	put16(f, 0);             /* comment length */
	put16(f, 0);             /* disk number */
	put16(f, 0);             /* internal attributes */
	put32(f, 0);             /* external attributes */
	put32(f, 0);             /* offset of the local header */
	fwrite(name, 1, name_len, f);
	uint32_t central_size = (uint32_t)(46 + name_len);

	put32(f, 0x06054b50);    /* end of central directory */
	put16(f, 0);
	put16(f, 0);
	put16(f, 1);             /* entries on this disk */
	put16(f, 1);             /* entries */
	put32(f, central_size);
	put32(f, central_at);
	put16(f, 0);             /* comment length */
	return finish(f);
}
