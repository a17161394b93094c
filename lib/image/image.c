/* image.c - load and check an image from the content store; see image.h. */
#include "image/image.h"
#include "image/manifest.h"
#include "image/ref.h"
#include "base/cleanup.h"
#include "base/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_JSON_MAX (16u << 20)

struct digest_ref {
	const char *digest;
	char *ref;
};

static int find_ref(const char *ref, const struct rc_descriptor *d, void *arg)
{
	struct digest_ref *c = arg;

	if (strcmp(d->digest, c->digest) || !*ref)
		return 0;
	snprintf(c->ref, RC_IMAGE_REF_MAX, "%s", ref);
	return 1;
}

static int resolve_as(const struct rc_store *s, const char *ref, struct rc_image *img)
{
	struct rc_err ignore;

	if (rc_store_resolve(s, ref, &img->manifest, &ignore) < 0)
		return -1;
	snprintf(img->ref, sizeof img->ref, "%s", ref);
	return 0;
}

/* Find the manifest: the exact string; then its normal form (rc_ref_parse,
 * the same rules rc-pull records references by); for "name[:tag]@digest",
 * name@digest (rc-pull records a Docker manifest's registry digest that
 * way, as it stores the manifest in OCI form) and the digest alone. */
static int resolve(const struct rc_store *s, const char *image, struct rc_image *img,
		   struct rc_err *e)
{
	char norm[RC_REF_STR_MAX + RC_DIGEST_LEN + 1], name[RC_REF_STR_MAX];
	struct rc_ref ref;
	struct rc_err ignore;

	if (!strncmp(image, "sha256:", 7)) {
		struct digest_ref c = { image, img->ref };
		if (rc_store_resolve(s, image, &img->manifest, e) < 0)
			return -1;
		snprintf(img->ref, sizeof img->ref, "%s", image);
		rc_store_foreach(s, find_ref, &c, &ignore);
		return 0;
	}
	if (resolve_as(s, image, img) == 0)
		return 0;
	if (rc_ref_parse(image, &ref, e) < 0)
		return -1;
	rc_ref_string(&ref, norm, sizeof norm);
	if (resolve_as(s, norm, img) == 0)
		return 0;
	if (ref.digest[0]) {
		rc_ref_name(&ref, name, sizeof name);
		snprintf(norm, sizeof norm, "%s@%s", name, ref.digest);
		if (resolve_as(s, norm, img) == 0)
			return 0;
		if (rc_store_resolve(s, ref.digest, &img->manifest, &ignore) == 0) {
			snprintf(img->ref, sizeof img->ref, "%s", norm);
			return 0;
		}
	}
	rc_errf(e, 0, "image %s is not in the store %s (pull it first)", image, s->path);
	e->code = ENOENT;
	return -1;
}

static int load_json_blob(const struct rc_store *s, const char *digest, json_t **ret,
			  struct rc_err *e)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	json_error_t jerr;

	if (rc_store_read_blob(s, digest, BLOB_JSON_MAX, &data, &len, e) < 0)
		return -1;
	*ret = json_loadb(data, len, 0, &jerr);
	if (!*ret || !json_is_object(*ret)) {
		json_decref(*ret);
		*ret = NULL;
		return rc_errf(e, 0, "blob %s is not a JSON object: %s", digest,
			       jerr.text[0] ? jerr.text : "wrong type");
	}
	return 0;
}

/* The manifest, read by the same parser rc-pull uses (manifest.h): an
 * image manifest whose config is an image config, whose layers rc can
 * apply, each with its diff_id and its blob in the store. */
static int check_manifest(const struct rc_store *s, const char *data, size_t len,
			  struct rc_image *img, struct rc_err *e)
{
	struct rc_manifest m;
	json_t *diff_ids;
	int r = -1;

	/* OCI manifests may leave out their mediaType; the index entry has it */
	if (rc_manifest_parse(data, len, img->manifest.media_type, &m, e) < 0)
		return -1;
	if (m.kind == RC_MANIFEST_INDEX) {
		rc_errf(e, 0, "it is an image index, not an image: pull one platform of it");
		goto out;
	}
	if (!rc_media_is_config(m.config.media_type)) {
		rc_errf(e, 0, "config: unsupported media type '%.100s'", m.config.media_type);
		goto out;
	}
	if (load_json_blob(s, m.config.digest, &img->config, e) < 0) {
		rc_err_prefix(e, "reading the image config");
		goto out;
	}
	diff_ids = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	if (!json_is_array(diff_ids) || json_array_size(diff_ids) != m.n_layers) {
		rc_errf(e, 0, "the image config lists %zu diff_ids for %zu layers",
			json_array_size(diff_ids), m.n_layers);
		goto out;
	}
	img->layers = calloc(m.n_layers + 1, sizeof *img->layers);
	if (!img->layers) {
		rc_errf(e, ENOMEM, "loading the image");
		goto out;
	}
	for (size_t i = 0; i < m.n_layers; i++) {
		struct rc_layer_desc *l = &img->layers[i];
		const char *diff_id = json_string_value(json_array_get(diff_ids, i));
		int c = rc_media_layer_compression(m.layers[i].media_type);

		l->blob = m.layers[i];
		if (c < 0) {
			rc_errf(e, 0, "layer %zu: unsupported media type '%s'", i + 1,
				l->blob.media_type);
			goto out;
		}
		l->compression = (enum rc_compression)c;
		if (!rc_digest_valid(diff_id)) {
			rc_errf(e, 0, "layer %zu: the image config's diff_id is not a sha256 digest",
				i + 1);
			goto out;
		}
		strcpy(l->diff_id, diff_id);
		if (!rc_store_has_blob(s, l->blob.digest, l->blob.size)) {
			rc_errf(e, ENOENT, "layer %zu (%s) is not in the store (pull the image again)",
				i + 1, l->blob.digest);
			goto out;
		}
		img->nlayers++;
	}
	r = 0;
out:
	rc_manifest_free(&m);
	return r;
}

int rc_image_resolve(const struct rc_store *s, const char *image, struct rc_image *ret,
		     struct rc_err *e)
{
	memset(ret, 0, sizeof *ret);
	return resolve(s, image, ret, e);
}

int rc_image_load(const struct rc_store *s, const char *image, struct rc_image *ret,
		  struct rc_err *e)
{
	_cleanup_free_ char *data = NULL;
	size_t len;

	memset(ret, 0, sizeof *ret);
	if (resolve(s, image, ret, e) < 0)
		return -1;
	if (rc_store_read_blob(s, ret->manifest.digest, RC_MANIFEST_MAX, &data, &len, e) < 0 ||
	    check_manifest(s, data, len, ret, e) < 0) {
		rc_image_free(ret);
		return rc_err_prefix(e, "image %s", image);
	}
	return 0;
}

void rc_image_free(struct rc_image *img)
{
	json_decref(img->config);
	img->config = NULL;
	free(img->layers);
	img->layers = NULL;
	img->nlayers = 0;
}
