/*
 * audiofile.h - the render's files, through libsndfile: stems in (WAV, FLAC, AIFF, anything
 * libsndfile reads), mixes out (WAV or FLAC).
 *
 * An output is written under a temporary name beside the final one (<name>.part) and only
 * renamed over the final name once every sample is written, flushed and fsync'd: a full
 * disk, an error or a kill leaves no half-written file under the name the user asked for.
 *
 * Float output is the product (bit-exact with the live mix). Integer output is the float
 * mix rounded to the nearest step, TPDF-dithered (two uniform random values of +-0.5 LSB summed: triangular, +-1 LSB,
 * so the error is noise independent of the signal) or not, and always clipped at full scale
 * (libsndfile's SFC_SET_CLIPPING; without it an over wraps around).
 *
 * Control thread (the render's one thread).
 */
#ifndef JMIXD_AUDIOFILE_H
#define JMIXD_AUDIOFILE_H

#include <stdbool.h>
#include <stdint.h>

enum sample_format {
	SAMPLE_FLOAT32,
	SAMPLE_PCM24,
	SAMPLE_PCM16,
};

struct stem {
	void *file;                  /* SNDFILE * */
	char path[4096];
	int n_channels;
	int rate_hz;
	int64_t n_frames;
	bool is_done;                /* read to its end: silence from now on */
};

/* Open path for reading: 0, or -1 with err naming the file. */
int stem_open(struct stem *s, const char *path, char *err, int err_size);
/* Up to n frames, interleaved, into buf (n * n_channels); the rest is zero-filled. Returns
 * the frames that came from the file (0 once it is done), or -1 with err filled. */
int stem_read(struct stem *s, float *buf, int n, char *err, int err_size);
void stem_close(struct stem *s);

struct sink {
	void *file;                  /* SNDFILE * */
	char path[4096];             /* the final name */
	char part[4200];             /* where it is written until it is complete */
	int n_channels;
	float lsb;                   /* dither step; 0 = no dither */
	float half_step;             /* integer output: rounds libsndfile's truncation; 0 for float */
	uint32_t rng;
	float *buf;                  /* interleaving buffer, max_frames * n_channels */
	int max_frames;
};

/*
 * Create path.part for n_channels at rate_hz; the container comes from the name (.wav or
 * .flac). FLAC holds integers only: SAMPLE_FLOAT32 to a .flac is refused. max_frames is the
 * most sink_write will be given at once. 0, or -1 with err naming the file.
 */
int sink_open(struct sink *k, const char *path, int n_channels, int rate_hz,
	      enum sample_format format, bool is_dither, int max_frames, char *err, int err_size);
/* n frames, one buffer per channel. 0, or -1 with err naming the file. */
int sink_write(struct sink *k, const float *const *chans, int n, char *err, int err_size);
/* Close, fsync, rename over the final name. 0, or -1 (and the part file removed). */
int sink_commit(struct sink *k, char *err, int err_size);
/* Give up: close and remove the part file. Safe on a sink never opened (file NULL). */
void sink_abort(struct sink *k);

/* "float", "24", "16" -> format; -1 when unknown. */
int sample_format_from_name(const char *name);

#endif
