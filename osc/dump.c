/*
 * dump.c - see dump.h.
 */
#include "osc/dump.h"

#include "osc/clients.h"
#include "osc/feedback.h"
#include "osc/pace.h"
#include "osc/route.h"

/* Less room than this is not worth a datagram: wait for the budget to refill. */
#define DUMP_MIN_STEP_BYTES 2048

static void step(struct osc_router *r, struct dump_job *job, int64_t now_ms)
{
	size_t room = r->out.pace ? osc_pace_available(r->out.pace, &job->to, now_ms)
				  : DUMP_TICK_BYTES;
	if (room > DUMP_TICK_BYTES)
		room = DUMP_TICK_BYTES;
	if (room < DUMP_MIN_STEP_BYTES)
		return;
	job->next = osc_feedback_dump_from(r, &job->to, job->next, room);
	if (job->next < 0)
		job->is_active = false;
}

static void start(struct osc_router *r, struct dump_job *job, int64_t now_ms)
{
	job->is_active = true;
	job->is_pending = false;
	job->next = 0;
	job->started_ms = now_ms;
	r->dumps.n_started++;
	step(r, job, now_ms);
}

int osc_dump_request(struct osc_router *r, const struct osc_peer *to, int64_t now_ms)
{
	struct dump_job *free_job = NULL;
	for (int i = 0; i < DUMP_JOBS; i++) {
		struct dump_job *job = &r->dumps.job[i];
		bool is_recent = now_ms - job->started_ms < DUMP_INTERVAL_MS;
		if (job->is_used && osc_peer_same(&job->to, to)) {
			if (job->is_active || is_recent) {
				job->is_pending = true;
				r->dumps.n_coalesced++;
			} else {
				start(r, job, now_ms);
			}
			return 0;
		}
		if (!free_job && (!job->is_used || (!job->is_active && !job->is_pending && !is_recent)))
			free_job = job;
	}
	if (!free_job)
		return -1;
	*free_job = (struct dump_job){ .is_used = true, .to = *to };
	start(r, free_job, now_ms);
	return 0;
}

void osc_dump_tick(struct osc_router *r, int64_t now_ms)
{
	for (int i = 0; i < DUMP_JOBS; i++) {
		struct dump_job *job = &r->dumps.job[i];
		if (!job->is_used)
			continue;
		if (job->is_active)
			step(r, job, now_ms);
		else if (job->is_pending && now_ms - job->started_ms >= DUMP_INTERVAL_MS)
			start(r, job, now_ms);
	}
}
