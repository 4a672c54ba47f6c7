/*
 * strip.c - see strip.h. Each stage runs over the whole lane-frame buffer before the next
 * (a tight loop per module, state in registers); settled ramps and bypassed modules take
 * their constant or skip paths, so a strip with nothing switched on costs the output stage.
 */
#include "dsp/strip.h"
#include "dsp/lanes.h"

/*
 * Each gain is recomputed from cached linear factors when one of its inputs changes, and only
 * then: a fader, mute or pan move is one powf or sincosf plus multiplies, a send row touches
 * its own send. (Recomputing everything on every move made a scene recall O(n_buses^2) powf
 * per channel on the audio thread.) Each target is the same product of the same factors as
 * before, so the ramps, and the output, are bit-identical (tests/unit/test_strip_gains.c).
 *
 * A send follows the channel: pre-fader sends ignore fader and mute (a monitor mix must not
 * change when the front-of-house engineer pulls a fader), post-fader sends follow both; a
 * stereo bus takes the channel's pan (balance for stereo lanes), a mono bus the signal.
 */
static void send_targets(const struct strip *s, int bus, int lane, float target[2])
{
	float follow = s->is_send_pre[bus][lane] ? 1.0f : s->post_gain[lane];
	float gain = s->send_level[bus][lane] * follow;
	bool is_stereo = s->is_bus_stereo[bus];
	target[0] = gain * (is_stereo ? s->pan_l[lane] : 1.0f);
	target[1] = gain * (is_stereo ? s->pan_r[lane] : 0.0f);
}

/* Where everything that follows fader, mute and pan heads: the master feed and every send. */
struct output_targets {
	float out[2];
	float send[BUS_MAX][2];
};

static void output_targets(const struct strip *s, int lane, struct output_targets *t)
{
	t->out[0] = s->post_gain[lane] * s->pan_l[lane];
	t->out[1] = s->post_gain[lane] * s->pan_r[lane];
	for (int b = 0; b < s->n_buses; b++)
		send_targets(s, b, lane, t->send[b]);
}

/*
 * Set the output ramps along the targets of n >= 2 settings made in turn (multiplies only):
 * the state n rounds of ramp_set would leave, for one pass over the ramps.
 */
static void strip_follow_outputs(struct strip *s, int lane, const struct output_targets *path,
				 int n)
{
	const int stride = (int)(sizeof path[0] / sizeof(float));
	ramp_set_path(&s->out_l, lane, &path[0].out[0], stride, n, s->ramp_samples);
	ramp_set_path(&s->out_r, lane, &path[0].out[1], stride, n, s->ramp_samples);
	for (int b = 0; b < s->n_buses; b++) {
		ramp_set_path(&s->send_l[b], lane, &path[0].send[b][0], stride, n, s->ramp_samples);
		ramp_set_path(&s->send_r[b], lane, &path[0].send[b][1], stride, n, s->ramp_samples);
	}
}

/* What follows fader, mute and pan, after one of them (or the groups, or solo) moved. */
static void strip_update_outputs(struct strip *s, int lane)
{
	ramp_set(&s->out_l, lane, s->post_gain[lane] * s->pan_l[lane], s->ramp_samples);
	ramp_set(&s->out_r, lane, s->post_gain[lane] * s->pan_r[lane], s->ramp_samples);
	for (int b = 0; b < s->n_buses; b++) {
		float target[2];
		send_targets(s, b, lane, target);
		ramp_set(&s->send_l[b], lane, target[0], s->ramp_samples);
		ramp_set(&s->send_r[b], lane, target[1], s->ramp_samples);
	}
}

/*
 * Settings made in turn, each moving what follows fader, mute and pan: before a setting
 * changes the lane, strip_output_step notes where the outputs head after the one before it
 * (path[n - 1]), and strip_finish_outputs sets the ramps once at the end: the plain way
 * after one setting (a fader move), along the path after several.
 */
static int strip_output_step(const struct strip *s, int lane, struct output_targets *path,
			     int n)
{
	if (n > 0)
		output_targets(s, lane, &path[n - 1]);
	return n + 1;
}

static void strip_finish_outputs(struct strip *s, int lane, struct output_targets *path, int n)
{
	if (n == 1) {
		strip_update_outputs(s, lane);
	} else if (n > 1) {
		output_targets(s, lane, &path[n - 1]);
		strip_follow_outputs(s, lane, path, n);
	}
}

/* fader * mute * solo-in-place * the groups (DCAs, mute groups): the one place a gain joins. */
static void strip_compute_post_gain(struct strip *s, int lane)
{
	bool is_silent = s->is_muted[lane] || s->is_solo_muted[lane];
	s->post_gain[lane] = is_silent ? 0.0f
				       : dsp_db_to_lin(s->fader_db[lane]) * s->group_gain[lane];
}

/* The pan law on a mono lane, the balance law on a stereo side (its own side only). */
static void strip_compute_pan(struct strip *s, int lane)
{
	float unused;
	s->pan_l[lane] = s->pan_r[lane] = 0.0f;
	switch (s->role[lane]) {
	case STRIP_MONO:
		pan_gains(s->pan_law, s->pan[lane], &s->pan_l[lane], &s->pan_r[lane]);
		break;
	case STRIP_LEFT:
		pan_balance_gains(s->pan_law, s->pan[lane], &s->pan_l[lane], &unused);
		break;
	case STRIP_RIGHT:
		pan_balance_gains(s->pan_law, s->pan[lane], &unused, &s->pan_r[lane]);
		break;
	case STRIP_UNUSED:
		break;
	}
}

static void strip_compute_send_level(struct strip *s, int bus, int lane)
{
	bool is_on = s->is_send_on[bus][lane];
	s->send_level[bus][lane] = is_on ? dsp_db_to_lin(s->send_db[bus][lane]) : 0.0f;
}

/* PFL: pre-fader and pre-pan; a mono channel sits in the middle at the law's centre. */
static void strip_update_pfl(struct strip *s, int lane)
{
	float pfl = s->is_soloed[lane] ? 1.0f : 0.0f;
	float side_l = 0.0f, side_r = 0.0f;
	switch (s->role[lane]) {
	case STRIP_MONO:
		side_l = s->pfl_centre_l;
		side_r = s->pfl_centre_r;
		break;
	case STRIP_LEFT:
		side_l = 1.0f;
		break;
	case STRIP_RIGHT:
		side_r = 1.0f;
		break;
	case STRIP_UNUSED:
		break;
	}
	ramp_set(&s->pfl_l, lane, pfl * side_l, s->ramp_samples);
	ramp_set(&s->pfl_r, lane, pfl * side_r, s->ramp_samples);
}

static void strip_update_input(struct strip *s, int lane)
{
	float gain = dsp_db_to_lin(s->trim_db[lane]) * (s->is_inverted[lane] ? -1.0f : 1.0f);
	ramp_set(&s->in_gain, lane, gain, s->ramp_samples);
}

void strip_init(struct strip *s, float rate_hz, enum pan_law law)
{
	*s = (struct strip){ .pan_law = law };
	s->ramp_samples = (int)(rate_hz * STRIP_GAIN_RAMP_MS * 0.001f);
	ramp_init(&s->in_gain, 1.0f);
	ramp_init(&s->out_l, 0.0f);
	ramp_init(&s->out_r, 0.0f);
	ramp_init(&s->pfl_l, 0.0f);
	ramp_init(&s->pfl_r, 0.0f);
	pan_gains(law, 0.0f, &s->pfl_centre_l, &s->pfl_centre_r);
	hpf_init(&s->hpf, rate_hz);
	gate_init(&s->gate, rate_hz);
	eq_init(&s->eq, rate_hz);
	dynamics_init(&s->comp, rate_hz);
	meter_acc_reset(&s->meter);
	for (int lane = 0; lane < DSP_LANES; lane++) {
		s->role[lane] = STRIP_UNUSED;
		s->group_gain[lane] = 1.0f;
	}
}

void strip_set_role(struct strip *s, int lane, enum strip_role role)
{
	s->role[lane] = role;
	strip_compute_pan(s, lane);
	strip_compute_post_gain(s, lane);
	strip_update_outputs(s, lane);
	strip_update_pfl(s, lane);
	/* A lane's role is topology, fixed before audio runs: take the gain at once. */
	ramp_jump(&s->out_l, lane, s->out_l.target[lane]);
	ramp_jump(&s->out_r, lane, s->out_r.target[lane]);
	/* The two sides of a stereo channel share one detector: its image never shifts. */
	bool is_linked = role == STRIP_LEFT || role == STRIP_RIGHT;
	dynamics_set_link(&s->comp, lane / 2, is_linked);
	gate_set_link(&s->gate, lane / 2, is_linked);
}

/*
 * Fader, pan and mute in that order, each only if it differs: the targets after each of
 * them, then one pass over the ramps (a scene recall changes all three: one pass, not three).
 */
void strip_set_output(struct strip *s, int lane, float fader_db, float pan, bool is_muted)
{
	struct output_targets path[3];
	int n = 0;
	if (s->fader_db[lane] != fader_db) {
		n = strip_output_step(s, lane, path, n);
		s->fader_db[lane] = fader_db;
		strip_compute_post_gain(s, lane);
	}
	if (s->pan[lane] != pan) {
		n = strip_output_step(s, lane, path, n);
		s->pan[lane] = pan;
		strip_compute_pan(s, lane);
	}
	if (s->is_muted[lane] != is_muted) {
		n = strip_output_step(s, lane, path, n);
		s->is_muted[lane] = is_muted;
		strip_compute_post_gain(s, lane);
	}
	strip_finish_outputs(s, lane, path, n);
}

void strip_set_fader_db(struct strip *s, int lane, float db)
{
	strip_set_output(s, lane, db, s->pan[lane], s->is_muted[lane]);
}

void strip_set_pan(struct strip *s, int lane, float pan)
{
	strip_set_output(s, lane, s->fader_db[lane], pan, s->is_muted[lane]);
}

void strip_set_mute(struct strip *s, int lane, bool is_muted)
{
	strip_set_output(s, lane, s->fader_db[lane], s->pan[lane], is_muted);
}

void strip_set_trim_db(struct strip *s, int lane, float db)
{
	if (s->trim_db[lane] == db)
		return;
	s->trim_db[lane] = db;
	strip_update_input(s, lane);
}

void strip_set_polarity(struct strip *s, int lane, bool is_inverted)
{
	if (s->is_inverted[lane] == is_inverted)
		return;
	s->is_inverted[lane] = is_inverted;
	strip_update_input(s, lane);
}

void strip_set_solo(struct strip *s, int lane, bool is_soloed)
{
	if (s->is_soloed[lane] == is_soloed)
		return;
	s->is_soloed[lane] = is_soloed;
	strip_update_pfl(s, lane);
}

void strip_set_solo_mute(struct strip *s, int lane, bool is_solo_muted)
{
	if (s->is_solo_muted[lane] == is_solo_muted)
		return;
	s->is_solo_muted[lane] = is_solo_muted;
	strip_compute_post_gain(s, lane);
	strip_update_outputs(s, lane);
}

/* Moves of the groups one pass over the ramps takes; more are taken in passes of this many. */
#define STRIP_PATH_MAX 16

void strip_set_group_gains(struct strip *s, int lane, const float *gains_lin, int n)
{
	struct output_targets path[STRIP_PATH_MAX];
	int n_path = 0;
	for (int i = 0; i < n; i++) {
		if (s->group_gain[lane] == gains_lin[i])
			continue;
		if (n_path == STRIP_PATH_MAX) {
			strip_finish_outputs(s, lane, path, n_path);
			n_path = 0;
		}
		n_path = strip_output_step(s, lane, path, n_path);
		s->group_gain[lane] = gains_lin[i];
		strip_compute_post_gain(s, lane);
	}
	strip_finish_outputs(s, lane, path, n_path);
}

void strip_set_group_gain(struct strip *s, int lane, float gain_lin)
{
	strip_set_group_gains(s, lane, &gain_lin, 1);
}

void strip_set_delay_memory(struct strip *s, void *mem, float rate_hz)
{
	indelay_init(&s->delay, mem, rate_hz);
}

void strip_set_buses(struct strip *s, int n_buses, const bool *is_stereo)
{
	s->n_buses = n_buses;
	for (int b = 0; b < n_buses; b++) {
		s->is_bus_stereo[b] = is_stereo[b];
		ramp_init(&s->send_l[b], 0.0f);
		ramp_init(&s->send_r[b], 0.0f);
		for (int lane = 0; lane < DSP_LANES; lane++) {
			s->send_db[b][lane] = DSP_SILENCE_DB;
			s->is_send_on[b][lane] = true;
			s->send_level[b][lane] = 0.0f;   /* on, at DSP_SILENCE_DB */
		}
	}
}

/* Level, on and pre in that order, each only if it differs; then one pass over the ramps. */
void strip_set_send(struct strip *s, int bus, int lane, float db, bool is_on, bool is_pre)
{
	float path[3][2];
	int n = 0;
	if (s->send_db[bus][lane] != db) {
		s->send_db[bus][lane] = db;
		strip_compute_send_level(s, bus, lane);
		send_targets(s, bus, lane, path[n++]);
	}
	if (s->is_send_on[bus][lane] != is_on) {
		s->is_send_on[bus][lane] = is_on;
		strip_compute_send_level(s, bus, lane);
		send_targets(s, bus, lane, path[n++]);
	}
	if (s->is_send_pre[bus][lane] != is_pre) {
		s->is_send_pre[bus][lane] = is_pre;
		send_targets(s, bus, lane, path[n++]);
	}
	ramp_set_path(&s->send_l[bus], lane, &path[0][0], 2, n, s->ramp_samples);
	ramp_set_path(&s->send_r[bus], lane, &path[0][1], 2, n, s->ramp_samples);
}

void strip_set_send_level_db(struct strip *s, int bus, int lane, float db)
{
	strip_set_send(s, bus, lane, db, s->is_send_on[bus][lane], s->is_send_pre[bus][lane]);
}

void strip_set_send_on(struct strip *s, int bus, int lane, bool is_on)
{
	strip_set_send(s, bus, lane, s->send_db[bus][lane], is_on, s->is_send_pre[bus][lane]);
}

void strip_set_send_pre(struct strip *s, int bus, int lane, bool is_pre)
{
	strip_set_send(s, bus, lane, s->send_db[bus][lane], s->is_send_on[bus][lane], is_pre);
}

void strip_settle(struct strip *s)
{
	ramp_settle(&s->in_gain);
	ramp_settle(&s->out_l);
	ramp_settle(&s->out_r);
	ramp_settle(&s->pfl_l);
	ramp_settle(&s->pfl_r);
	for (int b = 0; b < s->n_buses; b++) {
		ramp_settle(&s->send_l[b]);
		ramp_settle(&s->send_r[b]);
	}
	indelay_settle(&s->delay);
	hpf_settle(&s->hpf);
	gate_settle(&s->gate);
	eq_settle(&s->eq);
	dynamics_settle(&s->comp);
}

void strip_block_begin(struct strip *s)
{
	ramp_block_begin(&s->in_gain);
	ramp_block_begin(&s->out_l);
	ramp_block_begin(&s->out_r);
	ramp_block_begin(&s->pfl_l);
	ramp_block_begin(&s->pfl_r);
	for (int b = 0; b < s->n_buses; b++) {
		ramp_block_begin(&s->send_l[b]);
		ramp_block_begin(&s->send_r[b]);
	}
	indelay_block_begin(&s->delay);
	hpf_block_begin(&s->hpf);
	gate_block_begin(&s->gate);
	eq_block_begin(&s->eq);
	dynamics_block_begin(&s->comp);
}

/*
 * acc += buf * ramp (two outputs at once). The accumulators are four lanes wide at every
 * width: a wider strip adds its products one quarter at a time, in lane order, which is
 * exactly the order in which the four-lane build adds its strips one after the other. The mix
 * is then the same sum in the same order, so every width gives the same bits.
 */
static inline void acc_add(v4f *acc, vf x)
{
	v4f a = *acc;
	for (int q = 0; q < DSP_LANES / 4; q++)
		a += vf_quarter(x, q);
	*acc = a;
}

static void mix_into(struct ramp *rl, struct ramp *rr, const vf *buf, v4f *acc_l, v4f *acc_r,
		     int n)
{
	if (rl->is_settled && rr->is_settled) {
		vf gl = rl->cur, gr = rr->cur;
		vf zero = vf_splat(0.0f);
		if (vf_equal(gl, zero) && vf_equal(gr, zero))
			return;
		for (int i = 0; i < n; i++) {
			acc_add(&acc_l[i], buf[i] * gl);
			acc_add(&acc_r[i], buf[i] * gr);
		}
		return;
	}
	vf gl = rl->cur, sl = rl->slope, gr = rr->cur, sr = rr->slope;
	for (int i = 0; i < n; i++) {
		gl += sl;
		gr += sr;
		acc_add(&acc_l[i], buf[i] * gl);
		acc_add(&acc_r[i], buf[i] * gr);
	}
	rl->cur = gl;
	rr->cur = gr;
}

/*
 * Replace every sample outside [-STRIP_INPUT_MAX, STRIP_INPUT_MAX] (NaN and Inf included) by
 * 0; return how many. The finite mask (x - x == 0) keeps NaN out even if a build ever assumes
 * finite maths; the magnitude compare then catches the absurd finite values.
 */
static int scrub_input(vf *buf, int n)
{
	int n_bad = 0;
	for (int i = 0; i < n; i++) {
		vi is_ok = vf_finite_mask(buf[i]) &
			    (vf_abs(buf[i]) <= vf_splat(STRIP_INPUT_MAX));   /* -1 true, 0 false */
		buf[i] = vf_keep(is_ok, buf[i]);
		for (int l = 0; l < DSP_LANES; l++)
			n_bad += 1 + is_ok[l];
	}
	return n_bad;
}

int strip_process(struct strip *s, vf *buf, v4f *acc_l, v4f *acc_r, v4f *pfl_l, v4f *pfl_r,
		  v4f (*bus_acc)[2][DSP_BLOCK], int n)
{
	int n_bad = scrub_input(buf, n);
	ramp_apply(&s->in_gain, buf, n);
	indelay_process(&s->delay, buf, n);
	unsigned reset = hpf_process(&s->hpf, buf, n);
	reset |= gate_process(&s->gate, buf, n);
	reset |= eq_process(&s->eq, buf, n);
	reset |= dynamics_process(&s->comp, buf, n);
	s->n_resets += (uint64_t)__builtin_popcount(reset);

	meter_acc_run(&s->meter, buf, n);
	mix_into(&s->pfl_l, &s->pfl_r, buf, pfl_l, pfl_r, n);
	for (int b = 0; b < s->n_buses; b++)
		mix_into(&s->send_l[b], &s->send_r[b], buf, bus_acc[b][0], bus_acc[b][1], n);
	mix_into(&s->out_l, &s->out_r, buf, acc_l, acc_r, n);
	return n_bad;
}
