/* pull.h - fetch an image from a registry into the content store.
 *
 * The manifest (the platform's, when the reference names an index) is
 * fetched and checked, then its config and layers are downloaded, --jobs
 * at a time, each verified against its digest and size while it streams
 * into the store's ingest area. Blobs already in the store are not fetched
 * again. Verified blobs wait in a staging directory of this pull and move
 * into blobs/ only when every one has arrived; then the manifest is stored
 * and recorded in index.json under the full reference. A failure leaves
 * blobs/ and index.json as they were (verified or partial downloads stay
 * in ingest/, so the next pull resumes instead of starting again).
 * The pull holds the store's lock (images/gc.lock) shared while it runs:
 * rc-gc waits for it, and never removes what it is adding.
 */
#ifndef RC_PULL_H
#define RC_PULL_H

#include <stdbool.h>
#include <stddef.h>

#include "image/auth.h"
#include "base/err.h"
#include "image/manifest.h"
#include "image/ref.h"

struct rc_pull_opts {
	const char *root;                /* state root (rc_root()) */
	const struct rc_platform *platform; /* NULL: this machine's */
	struct rc_creds creds;           /* unset: from the docker config, else anonymous */
	bool insecure;                   /* plain HTTP / unverified TLS allowed */
	unsigned jobs;                   /* parallel downloads; 0: 3 */
	bool progress;                   /* progress lines on stderr */
};

/* Pull ref. On success ret_resolved holds name[:tag]@<digest>, the digest
 * being the registry's for the image manifest (the platform's, not the
 * index's), so the result can be pulled again. It is also the stored
 * manifest's digest, except for a Docker schema 2 manifest, which is stored
 * converted to OCI media types (see rc_manifest_docker_to_oci). */
int rc_pull(const struct rc_ref *ref, const struct rc_pull_opts *o, char *ret_resolved,
	    size_t n, struct rc_err *e);

#endif
