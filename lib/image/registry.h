/* registry.h - a client for the OCI distribution API (libcurl).
 *
 * One rc_registry talks to one repository on one registry and may be used
 * from several threads at once (connections, DNS and TLS sessions are
 * shared; the auth token is guarded). It
 *   - speaks HTTPS; plain HTTP only for loopback registries or --insecure
 *     (which also accepts unverified certificates), after HTTPS failed;
 *   - answers 401 challenges: Bearer (a token from the realm, anonymous or
 *     with credentials) and Basic;
 *   - follows redirects itself, sending credentials only to the registry's
 *     own scheme://host:port, never to another host;
 *   - retries 429, 5xx and dropped connections with exponential backoff,
 *     honouring Retry-After;
 *   - streams blobs into a file while hashing them, resuming with a Range
 *     request only when the server answers 206 with a Content-Range that
 *     starts where the file stops (a 200 restarts the blob).
 */
#ifndef RC_REGISTRY_H
#define RC_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/auth.h"
#include "base/err.h"
#include "image/ref.h"
#include "image/store.h"

struct rc_registry;

struct rc_registry_opts {
	bool insecure;               /* allow HTTP and unverified TLS for any host */
	const struct rc_creds *creds; /* NULL or unset: anonymous */
	unsigned attempts;           /* tries per request for retriable failures; 0: 5 */
	unsigned backoff_ms;         /* first retry delay, doubling; 0: 500 */
};

/* Called as a blob streams in: bytes so far (resumed bytes included) of total. */
typedef void (*rc_registry_progress_fn)(void *arg, int64_t done, int64_t total);

/* Reach the registry serving ref (GET /v2/, choosing HTTPS or, where
 * allowed, HTTP) and authenticate for pulling ref's repository when it asks. */
int rc_registry_open(const struct rc_ref *ref, const struct rc_registry_opts *opts,
		     struct rc_registry **ret, struct rc_err *e);
void rc_registry_close(struct rc_registry *r);

/* GET /v2/<repo>/manifests/<reference> (a tag or digest). The body
 * (NUL-terminated, at most RC_MANIFEST_MAX bytes) is the caller's to free;
 * content_type receives the response's Content-Type and digest its
 * Docker-Content-Digest ("" when absent or not a sha256 digest). */
int rc_registry_get_manifest(struct rc_registry *r, const char *reference, char **ret_body,
			     size_t *ret_len, char content_type[RC_MEDIA_TYPE_MAX],
			     char digest[RC_DIGEST_LEN], struct rc_err *e);

/* GET /v2/<repo>/blobs/<digest> into fd, which holds the first bytes of the
 * blob already (a resumed download; they are hashed first) and is
 * positioned at its end. On success fd holds exactly d->size bytes whose
 * sha256 is d->digest. A blob whose content does not match fails with
 * code EBADMSG; the caller must then throw the file away. */
int rc_registry_fetch_blob(struct rc_registry *r, const struct rc_descriptor *d, int fd,
			   rc_registry_progress_fn progress, void *arg, struct rc_err *e);

/* The registry's base URL as chosen by rc_registry_open, e.g.
 * "https://registry-1.docker.io" (for messages and tests). */
const char *rc_registry_base(const struct rc_registry *r);

#endif
