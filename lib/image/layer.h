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

struct rc_layer_src {
	int fd;                           /* the blob, read from its start */
	const char *digest;               /* its sha256, checked as it streams */
	const char *diff_id;              /* the uncompressed tar's, checked too (NULL: not) */
	int64_t size;                     /* its size, checked too; -1: unknown */
	const volatile sig_atomic_t *cancel; /* set by a signal handler: stop */
};

/* Apply the layer read from src->fd to the directory rootfd. Fails when the
 * blob does not match its digest or size, the uncompressed tar its diff_id, when an entry cannot be applied
 * safely, or when *src->cancel becomes non-zero. */
int rc_layer_apply(int rootfd, const struct rc_layer_src *src, struct rc_err *e);

#endif
