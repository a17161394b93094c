/* descriptor.h - the one image model: OCI content descriptors and the media
 * types rc knows, shared by rc-pull (manifest.c), the store (store.c) and
 * rc-unpack (image.c), so that they never disagree about the same image.
 *
 * A descriptor is a JSON object with a mediaType (a string; may be left
 * out, as old OCI manifests do), a digest (sha256:<64 hex>, checked with
 * rc_digest_valid before it is handed on), a size (an integer >= 0), and
 * optionally a platform and annotations.
 */
#ifndef RC_DESCRIPTOR_H
#define RC_DESCRIPTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/digest.h"
#include "base/err.h"

#define RC_MEDIA_TYPE_MAX 128

/* Manifests and indexes: OCI, and Docker image manifest v2 schema 2. */
#define RC_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define RC_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define RC_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define RC_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define RC_MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define RC_MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* Image configs. */
#define RC_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define RC_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* Layers: plain, gzip and zstd tars; OCI non-distributable and Docker
 * foreign layers are applied like the others (their blob is in the store). */
#define RC_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define RC_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define RC_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define RC_MT_OCI_LAYER_ND "application/vnd.oci.image.layer.nondistributable.v1.tar"
#define RC_MT_OCI_LAYER_ND_GZIP "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
#define RC_MT_OCI_LAYER_ND_ZSTD "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
#define RC_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define RC_MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define RC_MT_DOCKER_LAYER_ZSTD "application/vnd.docker.image.rootfs.diff.tar.zstd"
#define RC_MT_DOCKER_FOREIGN_GZIP "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

/* The annotation an OCI layout's index.json names an image by. */
#define RC_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"

enum rc_compression { RC_COMP_NONE, RC_COMP_GZIP, RC_COMP_ZSTD };

struct rc_platform {
	char os[32];
	char arch[32];
	char variant[32]; /* "" when none */
};

struct rc_descriptor {
	char media_type[RC_MEDIA_TYPE_MAX]; /* "" when the descriptor has none */
	char digest[RC_DIGEST_LEN];
	int64_t size;
};

/* Parse the descriptor j; what names it in messages ("layer 2"). When
 * ret_platform is not NULL it gets j's platform (all "" when none). */
int rc_descriptor_parse(json_t *j, const char *what, struct rc_descriptor *ret,
			struct rc_platform *ret_platform, struct rc_err *e);

/* The value of annotation key of descriptor j, or NULL. */
const char *rc_descriptor_annotation(json_t *j, const char *key);

bool rc_media_is_index(const char *mt);          /* OCI index or Docker list */
bool rc_media_is_image_manifest(const char *mt); /* OCI or Docker schema 2 */
bool rc_media_is_schema1(const char *mt);
bool rc_media_is_config(const char *mt);

/* The compression a layer media type implies; -1 for a media type that is
 * not a layer rc can apply (e.g. an unknown one). */
int rc_media_layer_compression(const char *mt);

/* The OCI media type of a Docker one (manifest, config or layer); mt itself
 * when it has none. */
const char *rc_media_to_oci(const char *mt);

#endif
