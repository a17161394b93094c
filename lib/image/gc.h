/* gc.h - remove what nothing references from the store of a state root.
 *
 * Under the store's lock held exclusively (images/gc.lock: a pull or an
 * unpack holds it shared for as long as it runs, so none is halfway), it
 * keeps:
 *   - every blob an image in images/index.json references (its manifest,
 *     config and layers);
 *   - every layer in layers/ that such an image has (by its config's
 *     diff_ids), or that a container's layers file names;
 * and removes every other blob in images/blobs, every other layer, and the
 * leftovers of pulls and unpacks that died: images/ingest/ files and
 * staging directories, layers/tmp/ and layers/locks/ of absent layers
 * (each only when no process holds its flock).
 * An image whose manifest or config cannot be read stops the collection:
 * what it references cannot be told.
 */
#ifndef RC_GC_H
#define RC_GC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

struct rc_gc_opts {
	bool dry_run; /* count, remove nothing */
};

struct rc_gc_result {
	unsigned blobs, layers, leftovers;
	int64_t blob_bytes;
};

int rc_gc(const char *root, const struct rc_gc_opts *o, struct rc_gc_result *ret,
	  struct rc_err *e);

#endif
