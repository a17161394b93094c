/* unpack.h - make container NAME from an image: $RC_ROOT/containers/NAME/
 * with rootfs/ (the layers applied in order), config.json (ocispec.h) and
 * image (one line: "REFERENCE DIGEST").
 *
 * The container appears whole or not at all: everything is made in
 * containers/.NAME.tmp-XXXXXX, synced, and renamed into place; a failure or
 * a cancel leaves neither NAME nor the temporary directory. With force an
 * existing NAME is replaced by an atomic exchange, and only then removed.
 * A live unpack holds an flock on its temporary directory; those of unpacks
 * that were killed are swept away by the next one. (The containers
 * directory's own flock guards that hand-over.)
 */
#ifndef RC_UNPACK_H
#define RC_UNPACK_H

#include <signal.h>
#include <stdbool.h>

#include "base/err.h"

struct rc_unpack_opts {
	bool force;                          /* replace an existing NAME */
	bool copy;                           /* a full copy, not an overlay */
	const volatile sig_atomic_t *cancel; /* set from a signal handler: stop */
};

/* Make container name from image in the state root. e->status is 2 for a
 * usage error (an invalid NAME). */
int rc_unpack(const char *root, const char *image, const char *name,
	      const struct rc_unpack_opts *opts, struct rc_err *e);

#endif
