/*
 * audiofile.c - see audiofile.h.
 */
#include "daemon/audiofile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int stem_open(struct stem *s, const char *path, char *err, int err_size)
{
	SF_INFO info = { 0 };
	*s = (struct stem){ 0 };
	snprintf(s->path, sizeof s->path, "%s", path);
	SNDFILE *f = sf_open(path, SFM_READ, &info);
	if (!f) {
		snprintf(err, (size_t)err_size, "%s: %s", path, sf_strerror(NULL));
		return -1;
	}
	s->file = f;
	s->n_channels = info.channels;
	s->rate_hz = info.samplerate;
	s->n_frames = info.frames;
	/* Read floats as -1..1 whatever the file holds, and never rescale a float file. */
	sf_command(f, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
	return 0;
}

int stem_read(struct stem *s, float *buf, int n, char *err, int err_size)
{
	sf_count_t got = 0;
	if (!s->is_done) {
		got = sf_readf_float(s->file, buf, n);
		if (got < n) {
			if (sf_error(s->file) != SF_ERR_NO_ERROR) {
				snprintf(err, (size_t)err_size, "%s: %s", s->path,
					 sf_strerror(s->file));
				return -1;
			}
			s->is_done = true;
		}
	}
	memset(buf + got * s->n_channels, 0,
	       (size_t)(n - got) * (size_t)s->n_channels * sizeof *buf);
	return (int)got;
}

void stem_close(struct stem *s)
{
	if (s->file)
		sf_close(s->file);
	s->file = NULL;
}

int sample_format_from_name(const char *name)
{
	if (strcmp(name, "float") == 0 || strcmp(name, "32f") == 0)
		return SAMPLE_FLOAT32;
	if (strcmp(name, "24") == 0)
		return SAMPLE_PCM24;
	if (strcmp(name, "16") == 0)
		return SAMPLE_PCM16;
	return -1;
}

static int container_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && strcasecmp(dot, ".wav") == 0)
		return SF_FORMAT_WAV;
	if (dot && strcasecmp(dot, ".flac") == 0)
		return SF_FORMAT_FLAC;
	return -1;
}

int sink_open(struct sink *k, const char *path, int n_channels, int rate_hz,
	      enum sample_format format, bool is_dither, int max_frames, char *err, int err_size)
{
	static const int subtype[] = { [SAMPLE_FLOAT32] = SF_FORMAT_FLOAT,
				       [SAMPLE_PCM24] = SF_FORMAT_PCM_24,
				       [SAMPLE_PCM16] = SF_FORMAT_PCM_16 };
	*k = (struct sink){ .n_channels = n_channels, .rng = 0x9e3779b9u, .max_frames = max_frames };
	snprintf(k->path, sizeof k->path, "%s", path);
	snprintf(k->part, sizeof k->part, "%s.part", path);
	int container = container_of(path);
	if (container < 0) {
		snprintf(err, (size_t)err_size, "%s: the name must end in .wav or .flac", path);
		return -1;
	}
	if (container == SF_FORMAT_FLAC && format == SAMPLE_FLOAT32) {
		snprintf(err, (size_t)err_size, "%s: FLAC holds integers: give --format 24 or 16",
			 path);
		return -1;
	}
	k->buf = malloc((size_t)max_frames * (size_t)n_channels * sizeof *k->buf);
	if (!k->buf) {
		snprintf(err, (size_t)err_size, "%s: out of memory", path);
		return -1;
	}
	SF_INFO info = { .samplerate = rate_hz, .channels = n_channels,
			 .format = container | subtype[format] };
	SNDFILE *f = sf_open(k->part, SFM_WRITE, &info);
	if (!f) {
		snprintf(err, (size_t)err_size, "%s: %s", k->part, sf_strerror(NULL));
		free(k->buf);
		k->buf = NULL;
		return -1;
	}
	k->file = f;
	/* No PEAK chunk: it carries a time stamp, and two equal renders should be equal files. */
	sf_command(f, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
	if (format != SAMPLE_FLOAT32) {
		/* Without clipping an over wraps around to the other rail. */
		sf_command(f, SFC_SET_CLIPPING, NULL, SF_TRUE);
		float step = format == SAMPLE_PCM16 ? 1.0f / 32768.0f : 1.0f / 8388608.0f;
		/* libsndfile converts by truncating towards -inf (a -0.5 LSB bias): half a step
		 * first makes it round to nearest. */
		k->half_step = 0.5f * step;
		if (is_dither)
			k->lsb = step;
	}
	return 0;
}

/* Uniform in [-0.5, 0.5) from xorshift32: fast, and the same dither for the same render. */
static float uniform_half(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return (float)(x >> 8) * (1.0f / 16777216.0f) - 0.5f;
}

int sink_write(struct sink *k, const float *const *chans, int n, char *err, int err_size)
{
	for (int i = 0; i < n; i++)
		for (int c = 0; c < k->n_channels; c++) {
			float x = chans[c][i] + k->half_step;
			if (k->lsb > 0.0f)
				x += (uniform_half(&k->rng) + uniform_half(&k->rng)) * k->lsb;
			k->buf[i * k->n_channels + c] = x;
		}
	if (sf_writef_float(k->file, k->buf, n) != n) {
		snprintf(err, (size_t)err_size, "%s: %s", k->path, sf_strerror(k->file));
		return -1;
	}
	return 0;
}

static int sync_path(const char *path, bool is_dir)
{
	int fd = open(path, (is_dir ? O_RDONLY | O_DIRECTORY : O_WRONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = fsync(fd) < 0 ? -errno : 0;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int sink_commit(struct sink *k, char *err, int err_size)
{
	int rc = sf_close(k->file);
	k->file = NULL;
	if (rc != 0) {
		snprintf(err, (size_t)err_size, "%s: %s", k->path, sf_error_number(rc));
		sink_abort(k);
		return -1;
	}
	rc = sync_path(k->part, false);
	if (rc == 0 && rename(k->part, k->path) < 0)
		rc = -errno;
	if (rc < 0) {
		snprintf(err, (size_t)err_size, "%s: %s", k->path, strerror(-rc));
		sink_abort(k);
		return -1;
	}
	char dir[sizeof k->path];
	snprintf(dir, sizeof dir, "%s", k->path);
	sync_path(dirname(dir), true);     /* the rename is durable; a failure here loses nothing */
	free(k->buf);
	k->buf = NULL;
	return 0;
}

void sink_abort(struct sink *k)
{
	if (k->file)
		sf_close(k->file);
	if (k->part[0])
		unlink(k->part);
	k->file = NULL;
	k->part[0] = '\0';
	free(k->buf);
	k->buf = NULL;
}
