/* manifest.h - image manifests and indexes as registries serve them.
 *
 * Understood: the OCI image index and Docker manifest list (several
 * platform images behind one reference), the OCI image manifest and Docker
 * image manifest schema 2. Docker schema 1 is refused with a message that
 * says so. Every digest is checked before it is handed on.
 */
#ifndef RC_MANIFEST_H
#define RC_MANIFEST_H

#include <stddef.h>

#include "base/err.h"
#include "image/descriptor.h"
#include "image/store.h"

/* The Accept header value for a manifest request: all four kinds above. */
#define RC_MANIFEST_ACCEPT \
	RC_MT_OCI_INDEX ", " RC_MT_DOCKER_LIST ", " RC_MT_OCI_MANIFEST ", " RC_MT_DOCKER_MANIFEST

#define RC_MANIFEST_MAX (4u << 20) /* larger manifests are refused */

struct rc_index_entry {
	struct rc_descriptor d;
	struct rc_platform platform;
};

struct rc_manifest {
	enum { RC_MANIFEST_IMAGE, RC_MANIFEST_INDEX } kind;
	char media_type[RC_MEDIA_TYPE_MAX];
	/* RC_MANIFEST_IMAGE */
	struct rc_descriptor config;
	struct rc_descriptor *layers;
	size_t n_layers;
	/* RC_MANIFEST_INDEX */
	struct rc_index_entry *entries;
	size_t n_entries;
};

/* Parse a manifest body. content_type is the response's Content-Type (may
 * be NULL); the body's own mediaType wins when it has one. The result is
 * released with rc_manifest_free(). */
int rc_manifest_parse(const char *data, size_t len, const char *content_type,
		      struct rc_manifest *ret, struct rc_err *e);
void rc_manifest_free(struct rc_manifest *m);

/* Rewrite a Docker schema 2 image manifest with the OCI media types that
 * correspond to its own (same config and layer blobs), so that OCI tools
 * (skopeo's and umoci's oci: layouts) read it, as `skopeo copy` does. The
 * result (the caller frees it) has a digest of its own. */
int rc_manifest_docker_to_oci(const char *data, size_t len, char **ret, size_t *ret_len,
			      struct rc_err *e);

/* The platform this machine runs: linux and uname's machine in OCI terms
 * (x86_64 -> amd64, aarch64 -> arm64/v8, armv7l -> arm/v7, ...). */
void rc_platform_host(struct rc_platform *ret);

/* "os/arch[/variant]"; a usage error (status 2) when malformed. */
int rc_platform_parse(const char *s, struct rc_platform *ret, struct rc_err *e);

/* "os/arch" or "os/arch/variant". */
void rc_platform_string(const struct rc_platform *p, char *buf, size_t n);

/* Pick the entry of an index for want. Entries for unknown/unknown (build
 * attestations) are never picked. A missing platform is an error listing the
 * platforms the index has. */
int rc_manifest_select(const struct rc_manifest *index, const struct rc_platform *want,
		       struct rc_descriptor *ret, struct rc_err *e);

#endif
