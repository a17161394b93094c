/* layerstore.h - image layers extracted once each, by diff_id, and shared
 * by every image and container that has them: $RC_ROOT/layers.
 *
 *   layers/sha256/HEX/diff   the layer's tree in the form overlayfs reads as
 *                            a lower layer (layer.h, RC_LAYER_DIFF); never
 *                            written once it is here
 *   layers/sha256/HEX/notes  what the layer leaves to the layers below it
 *                            (struct rc_layer_notes)
 *   layers/l/SHORT           symlink to ../sha256/HEX/diff, SHORT being HEX's
 *                            first RC_LAYER_SHORT_LEN digits: the names an
 *                            overlay mount is given, so that the options of
 *                            an image of many layers fit in one page
 *   layers/locks/HEX         flock held while HEX is being extracted
 *   layers/tmp/HEX           an extraction in progress (under that lock)
 *
 * A layer is extracted into tmp/HEX, its blob verified against its digest
 * and the tar against the diff_id as it streams, synced, and only then
 * renamed to sha256/HEX: a half-extracted layer is never used. Two unpacks
 * that need the same layer take turns on its lock; the second finds it
 * done. The layer store is 0700: its trees are the containers' lower
 * layers, read-only to them by construction (overlayfs never writes a
 * lower layer).
 */
#ifndef RC_LAYERSTORE_H
#define RC_LAYERSTORE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "image/image.h"

#define RC_LAYER_SHORT_LEN 16

struct rc_layers {
	int dirfd;       /* layers/ */
	char path[4096]; /* for messages */
};

/* Open $root/layers, creating it when create is set. */
int rc_layers_open(struct rc_layers *ls, const char *root, bool create, struct rc_err *e);
void rc_layers_close(struct rc_layers *ls);

/* Make sure the layer is in the store: extract its blob from s when it is
 * not. *ret_extracted (may be NULL) says whether this call did. e->code is
 * EXDEV for a layer that cannot stand alone (layer.h). */
int rc_layers_ensure(const struct rc_layers *ls, const struct rc_store *s,
		     const struct rc_layer_desc *l, const volatile sig_atomic_t *cancel,
		     bool *ret_extracted, struct rc_err *e);

/* True when the layer with this diff_id is in the store. */
bool rc_layers_has(const struct rc_layers *ls, const char *diff_id);

/* The layer's short name (RC_LAYER_SHORT_LEN digits and a NUL). */
void rc_layers_short(const char *diff_id, char out[RC_LAYER_SHORT_LEN + 1]);

/* Open the layer's tree (O_PATH directory). */
int rc_layers_open_diff(const struct rc_layers *ls, const char *diff_id, struct rc_err *e);

/* Read the layer's notes (the caller frees *ret). */
int rc_layers_read_notes(const struct rc_layers *ls, const char *diff_id, char **ret,
			 size_t *ret_len, struct rc_err *e);

/* Remove the layer HEX (64 digits) and its short name, unless it is being
 * extracted. For rc-gc, under the store's exclusive lock. */
int rc_layers_remove(const struct rc_layers *ls, const char *hex, struct rc_err *e);

/* Call fn with the HEX of every layer in the store. */
int rc_layers_foreach(const struct rc_layers *ls, int (*fn)(const char *hex, void *arg),
		      void *arg, struct rc_err *e);

#endif
