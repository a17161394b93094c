/* layer.h - apply one image layer (a tar, plain, gzip or zstd) to a rootfs.
 *
 * The OCI image-spec layer rules: entries are created, replaced (a later
 * layer may change a file into a directory or a directory into a symlink)
 * or merged (a directory over a directory keeps what is below it);
 * ".wh.NAME" removes NAME as lower layers left it, ".wh..wh..opq" empties
 * its directory of everything lower layers put there, wherever either
 * stands in the tar. Every path is resolved inside the rootfs (safepath.h);
 * owners, modes, times and xattrs are applied without following symlinks.
 * A layer that cannot be applied safely fails with a message naming the
 * entry.
 *
 * A layer is written in one of two forms. RC_LAYER_APPLY applies it over
 * the layers below it, all in one rootfs (a full copy). RC_LAYER_DIFF writes
 * it alone into an empty directory, in the form overlayfs reads as a lower
 * layer: ".wh.NAME" becomes NAME as a 0/0 character device, an opaque
 * directory gets trusted.overlay.opaque=y. Since a layer's own entries can
 * then only be told apart from overlay markers by these forms, a layer
 * entry may not make them itself: a 0/0 character device is refused and
 * trusted.overlay.* extended attributes are dropped (with a warning), in
 * both forms alike.
 */
#ifndef RC_LAYER_H
#define RC_LAYER_H

#include <signal.h>
#include <stdint.h>

#include "base/err.h"

enum rc_whiteout {
	RC_WH_NONE,    /* an ordinary name */
	RC_WH_FILE,    /* ".wh.NAME": remove NAME */
	RC_WH_OPAQUE,  /* ".wh..wh..opq": empty the directory */
	RC_WH_META,    /* ".wh..wh.*" (aufs bookkeeping): ignored, as docker does */
	RC_WH_INVALID, /* ".wh.", ".wh..", ".wh...": would climb out; refused */
};

/* Classify the last component of a layer entry's path; for RC_WH_FILE,
 * *ret_target (may be NULL) is the name being removed. */
enum rc_whiteout rc_whiteout_kind(const char *base, const char **ret_target);

enum rc_layer_form { RC_LAYER_APPLY, RC_LAYER_DIFF };

/* What a layer written in RC_LAYER_DIFF form cannot say without the layers
 * below it, for the caller to check against them: records of a kind
 * letter, a path relative to the layer's root ("" for the root) and a NUL.
 *   'D' a directory made only to hold entries (the tar has no entry for it:
 *       applied over lower layers it would have been theirs, or followed a
 *       symlink of theirs)
 *   'W' a whiteout whose directory is not in the layer (the path it hides)
 *   'R' the tar sets the root directory's owner, mode and times
 *   'O' the root directory is opaque (nothing below it is seen) */
struct rc_layer_notes {
	char *buf;
	size_t len, cap;
};

#define RC_OVERLAY_OPAQUE_XATTR "trusted.overlay.opaque"

struct rc_layer_src {
	int fd;                           /* the blob, read from its start */
	const char *digest;               /* its sha256, checked as it streams */
	const char *diff_id;              /* the uncompressed tar's, checked too (NULL: not) */
	int64_t size;                     /* its size, checked too; -1: unknown */
	const volatile sig_atomic_t *cancel; /* set by a signal handler: stop */
	enum rc_layer_form form;
	struct rc_layer_notes *notes;     /* RC_LAYER_DIFF: filled (free buf) */
};

/* Apply the layer read from src->fd to the directory rootfd. Fails when the
 * blob does not match its digest or size, the uncompressed tar its
 * diff_id, when an entry cannot be applied safely, or when *src->cancel
 * becomes non-zero. In RC_LAYER_DIFF form, a hard link to a file the layer
 * does not have (one of a lower layer's) fails with e->code EXDEV: such a
 * layer cannot stand alone. */
int rc_layer_apply(int rootfd, const struct rc_layer_src *src, struct rc_err *e);

#endif
