/*
 * x32_snap.c - the console's snapshots (the X Air's /-snap, research/x32.md 4.3) as jmixd's
 * named scenes (daemon/state.h), on both ports:
 *   /-snap/load ,i N     recall the scene of slot N (1..64);
 *   /-snap/save ,i N     save the mix as the scene of slot N;
 *   /-snap/delete ,i N   delete it.
 * Slot N's scene is named by /-snap/NN/name (a held value, so it survives restarts), or
 * "snap-NN" while that is empty; a save into an unnamed slot names it so. A load or save sets
 * /-snap/index to N and /-snap/name to the scene's name; all of these reach the lease
 * holders, and a recall's values reach them as any recall does. A failure (no such scene, a
 * name jmixd refuses, the scene limits) is logged and, as on a console, not answered.
 *
 * Control thread only.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/state.h"
#include "osc/x32_priv.h"

#define SNAP_SLOTS 64

/* Set a held leaf of the snapshot block as a client's set would (stored, saved, pushed). */
static void hold(struct x32_listener *l, int origin, const char *path, char tag, float f,
		 const char *s)
{
	struct x32_leaf leaf = x32_map_resolve(l->control, l->profile, path);
	if (leaf.kind == X32_LEAF_SHADOW)
		x32_set_value(l, origin, path, &leaf, tag, f, s);
}

void x32_snap_command(struct x32_listener *l, const struct osc_peer *from, const char *what,
		      int slot)
{
	const char *key = x32_profile_key[l->profile];
	char name_path[32], name[SCENE_NAME_MAX + 1], err[256];
	if (slot < 1 || slot > SNAP_SLOTS || !l->state)
		return;
	snprintf(name_path, sizeof name_path, "/-snap/%02d/name", slot);
	struct x32_leaf leaf = x32_map_resolve(l->control, l->profile, name_path);
	char tag, held[SHADOW_STRING_MAX];
	float f;
	x32_leaf_value(l, name_path, &leaf, &tag, &f, held, sizeof held);
	if (held[0])
		snprintf(name, sizeof name, "%s", held);
	else
		snprintf(name, sizeof name, "snap-%02d", slot);
	int origin = x32_origin_of(l, from), rc;
	if (strcmp(what, "load") == 0)
		rc = scene_load(l->state, l->control, name, err, sizeof err);
	else if (strcmp(what, "save") == 0)
		rc = scene_save(l->state, l->control, name, err, sizeof err);
	else
		rc = scene_delete(l->state, name, err, sizeof err);
	if (rc < 0) {
		log_warn("%s: /-snap/%s %d (scene \"%s\"): %s", key, what, slot, name, err);
		return;
	}
	log_info("%s: /-snap/%s %d: scene \"%s\"", key, what, slot, name);
	if (strcmp(what, "delete") == 0) {
		hold(l, origin, name_path, 's', 0.0f, "");
		return;
	}
	hold(l, origin, name_path, 's', 0.0f, name);
	hold(l, origin, "/-snap/index", 'i', (float)slot, NULL);
	hold(l, origin, "/-snap/name", 's', 0.0f, name);
}
