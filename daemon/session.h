/*
 * session.h - what a session manager's open and save mean for the console (NSM; the
 * protocol itself is osc/nsm.c).
 *
 * Under NSM everything jmixd keeps lives in the folder NSM gives (<session>/<client id>):
 *   jmixd.cfg    the console's config, copied on the first open from the -c config (or the
 *                installed default), then the session's own: edit it to change ports, names,
 *                the OSC port (each session keeps its fixed port, log and /info say which);
 *   state.cfg    the session's mix, written on every NSM save and only then;
 *   autosave.cfg the mix since that save, autosaved as without NSM, removed by the next save:
 *                found at open, it is a run that never closed and is restored (dirty);
 *   unsaved.cfg  the same, set aside when the session closed without a save (never loaded);
 *   scenes/      the scenes, each written atomically when it is saved.
 * The client id is the JACK client name.
 *
 * Control thread only.
 */
#ifndef JMIXD_SESSION_H
#define JMIXD_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/control.h"
#include "daemon/state.h"
#include "osc/nsm.h"

#define SESSION_CONFIG "jmixd.cfg"

/*
 * Make the folder (mkdir -p) and, on the first open, its jmixd.cfg from template_cfg
 * (temp file, fsync, rename). The config's path goes to cfg_path. 0, or -1 with err naming
 * the file that failed.
 */
int session_prepare(const struct nsm_open *open, const char *template_cfg, char *cfg_path,
		    size_t cfg_path_size, char *err, int err_size);

/*
 * Wait for /nsm/client/open, also watching signal_fd (SIGINT, SIGTERM: give up). 0 with
 * *open filled, -EINTR on a signal, -EPERM when the server refused the announce.
 */
int session_wait_open(struct nsm *nsm, int signal_fd, struct nsm_open *open);

/*
 * /nsm/client/save: the mix to state.cfg now (atomically, as the autosave does), autosave.cfg
 * removed, then the reply, or an /error naming what failed. Returns 0 or -1.
 */
int session_save(struct nsm *nsm, struct state *st, const struct control *c);

#endif
