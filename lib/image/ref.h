/* ref.h - docker-style image references, parsed and normalised the way
 * docker does it.
 *
 *   alpine                      docker.io/library/alpine:latest
 *   user/app:1.2                docker.io/user/app:1.2
 *   localhost:5000/a/b:tag      localhost:5000/a/b:tag
 *   name@sha256:<hex>           by digest (no tag added)
 *   name:tag@sha256:<hex>       tag kept for the record, digest wins
 *
 * The first path component is a registry host when it has a '.' or a ':',
 * is "localhost", or has an upper-case letter; otherwise the image is on
 * Docker Hub. Repository components are lower case. Docker Hub's API is at
 * registry-1.docker.io.
 */
#ifndef RC_REF_H
#define RC_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/digest.h"
#include "base/err.h"

#define RC_REF_DOMAIN_MAX 256
#define RC_REF_PATH_MAX 256
#define RC_REF_TAG_MAX 129
#define RC_REF_STR_MAX (RC_REF_DOMAIN_MAX + RC_REF_PATH_MAX + RC_REF_TAG_MAX + RC_DIGEST_LEN + 4)

struct rc_ref {
	char domain[RC_REF_DOMAIN_MAX]; /* "docker.io", "127.0.0.1:5000" */
	char path[RC_REF_PATH_MAX];     /* "library/alpine" */
	char tag[RC_REF_TAG_MAX];       /* "" when pulled by digest only */
	char digest[RC_DIGEST_LEN];     /* "" unless given */
};

/* Parse and normalise s. A malformed reference fails with exit status 2
 * (a usage error) and a message saying what is wrong with it. */
int rc_ref_parse(const char *s, struct rc_ref *ret, struct rc_err *e);

/* The full normalised reference: domain/path[:tag][@digest]. */
void rc_ref_string(const struct rc_ref *r, char *buf, size_t n);

/* domain/path, the repository name without tag or digest. */
void rc_ref_name(const struct rc_ref *r, char *buf, size_t n);

/* The host[:port] whose /v2/ API serves this reference (Docker Hub's is
 * registry-1.docker.io). */
const char *rc_ref_api_host(const struct rc_ref *r);

/* What the registry's manifest endpoint is asked for: the digest when
 * there is one, else the tag. */
const char *rc_ref_manifest_ref(const struct rc_ref *r);

/* True for localhost, 127.0.0.0/8 and [::1] (with or without a port):
 * registries where plain HTTP is allowed without --insecure. */
bool rc_host_is_loopback(const char *hostport);

#endif
