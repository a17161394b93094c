/* image.h - an image in the content store, loaded and checked for unpacking.
 *
 * IMAGE may be the full reference it was recorded under
 * (docker.io/library/alpine:latest), a short one normalised the docker way
 * (alpine, user/app:1, name@sha256:…), or a manifest digest (sha256:…).
 * The manifest (OCI image manifest or Docker schema 2) and the config are
 * read from the store, verified against their digests, and checked: media
 * types, digests, one diff_id per layer, every layer blob present.
 */
#ifndef RC_IMAGE_H
#define RC_IMAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "image/descriptor.h"
#include "image/store.h"

#define RC_IMAGE_REF_MAX 1024

struct rc_layer_desc {
	struct rc_descriptor blob;
	char diff_id[RC_DIGEST_LEN];  /* from the config's rootfs.diff_ids */
	enum rc_compression compression;
};

struct rc_image {
	char ref[RC_IMAGE_REF_MAX];  /* the reference it is recorded under (or its digest) */
	struct rc_descriptor manifest;
	json_t *config;              /* the image config blob, parsed */
	size_t nlayers;
	struct rc_layer_desc *layers;
};

/* Load image from the store into *ret (free with rc_image_free). A missing
 * image fails with e->code ENOENT. */
int rc_image_load(const struct rc_store *s, const char *image, struct rc_image *ret,
		  struct rc_err *e);
void rc_image_free(struct rc_image *img);

/* Find image as rc_image_load does, filling only ret->ref and
 * ret->manifest (nothing to free). */
int rc_image_resolve(const struct rc_store *s, const char *image, struct rc_image *ret,
		     struct rc_err *e);

#endif
