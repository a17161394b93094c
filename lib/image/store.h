/* store.h - the content store: an OCI image layout at $RC_ROOT/images.
 *
 *   images/oci-layout          {"imageLayoutVersion":"1.0.0"}
 *   images/index.json          manifests, each named by the annotation
 *                              org.opencontainers.image.ref.name = full reference
 *   images/blobs/sha256/HEX    content, verified before it lands here
 *   images/ingest/HEX          a blob being downloaded (resumable, locked)
 *   images/index.lock          flock guarding index.json updates
 *   images/gc.lock             flock: shared while a pull or an unpack uses the
 *                              store (and the layer store), exclusive for rc-gc
 *
 * Every digest is checked with rc_digest_valid() before it reaches a path.
 */
#ifndef RC_STORE_H
#define RC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/digest.h"
#include "base/err.h"
#include "image/descriptor.h"

struct rc_store {
	int dirfd;       /* images/ */
	char path[4096]; /* images/ as a path, for messages */
};

/* Open $root/images, creating the layout when create is set. */
int rc_store_open(struct rc_store *s, const char *root, bool create, struct rc_err *e);
void rc_store_close(struct rc_store *s);

/* True when the blob is in the store (and has this size, unless size < 0). */
bool rc_store_has_blob(const struct rc_store *s, const char *digest, int64_t size);

/* Open a blob for reading. Returns the descriptor. */
int rc_store_blob_open(const struct rc_store *s, const char *digest, struct rc_err *e);

/* Read a whole blob (at most max bytes) and verify it against its digest. */
int rc_store_read_blob(const struct rc_store *s, const char *digest, size_t max,
		       char **ret_data, size_t *ret_len, struct rc_err *e);

/* Store a buffer as a blob; its digest goes to ret_digest (may be NULL).
 * When expect is not NULL the content must have that digest. */
int rc_store_put_blob(const struct rc_store *s, const void *data, size_t len,
		      const char *expect, char ret_digest[RC_DIGEST_LEN], struct rc_err *e);

/* Streaming ingest of one blob. Opens (creating) ingest/HEX under an
 * exclusive flock, so two pulls of the same blob take turns; the second
 * then finds it in the store. *ret_offset is the bytes already there (for a
 * resumed download); the descriptor is positioned at the end. */
int rc_store_ingest_open(const struct rc_store *s, const char *digest, int *ret_fd,
			 off_t *ret_offset, struct rc_err *e);
/* Truncate the ingest file to zero (the server restarted the blob). */
int rc_store_ingest_reset(int fd, struct rc_err *e);
/* fsync and move the verified ingest file into blobs/; closes fd. */
int rc_store_ingest_commit(const struct rc_store *s, const char *digest, int fd,
			   struct rc_err *e);
/* Remove the ingest file (content proved wrong); closes fd. */
void rc_store_ingest_discard(const struct rc_store *s, const char *digest, int fd);
/* Keep a partial ingest file for a later resume; closes fd (drops the lock). */
void rc_store_ingest_keep(int fd);

/* Take images/gc.lock, shared (a pull or an unpack: what it adds or uses
 * is not yet referenced by what rc-gc reads) or exclusive (rc-gc). Returns
 * the locked descriptor; closing it unlocks. */
int rc_store_use_lock(const struct rc_store *s, bool exclusive, struct rc_err *e);

/* Remove the reference ref from index.json, under the index lock. A digest
 * alias name@DIGEST that rc-pull recorded beside a tag goes too once no
 * other reference without '@' names the same manifest. fn (may be NULL) is
 * told each reference removed. ENOENT when ref is not there. */
int rc_store_untag(const struct rc_store *s, const char *ref,
		   void (*fn)(const char *ref, void *arg), void *arg, struct rc_err *e);

/* Record manifest under ref in index.json (replacing an older entry of the
 * same ref), atomically and under the index lock. */
int rc_store_tag(const struct rc_store *s, const char *ref,
		 const struct rc_descriptor *manifest, struct rc_err *e);

/* Find the manifest recorded under ref, or, when ref is a digest
 * ("sha256:…"), a manifest with that digest. ENOENT when there is none. */
int rc_store_resolve(const struct rc_store *s, const char *ref,
		     struct rc_descriptor *ret, struct rc_err *e);

/* Call fn for every (ref, manifest) in index.json; stops when fn returns
 * non-zero and returns that value. */
int rc_store_foreach(const struct rc_store *s,
		     int (*fn)(const char *ref, const struct rc_descriptor *d, void *arg),
		     void *arg, struct rc_err *e);

#endif
