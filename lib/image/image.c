/* image.c - load and check an image from the content store; see image.h. */
#include "image/image.h"
#include "image/ref.h"
#include "base/cleanup.h"
#include "base/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_JSON_MAX (16u << 20)

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

int rc_layer_media_compression(const char *mt)
{
	static const struct { const char *mt; enum rc_compression c; } known[] = {
		{ "application/vnd.oci.image.layer.v1.tar", RC_COMP_NONE },
		{ "application/vnd.oci.image.layer.v1.tar+gzip", RC_COMP_GZIP },
		{ "application/vnd.oci.image.layer.v1.tar+zstd", RC_COMP_ZSTD },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar", RC_COMP_NONE },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", RC_COMP_GZIP },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", RC_COMP_ZSTD },
		{ "application/vnd.docker.image.rootfs.diff.tar", RC_COMP_NONE },
		{ "application/vnd.docker.image.rootfs.diff.tar.gzip", RC_COMP_GZIP },
		{ "application/vnd.docker.image.rootfs.diff.tar.zstd", RC_COMP_ZSTD },
		{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", RC_COMP_GZIP },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(mt, known[i].mt))
			return (int)known[i].c;
	return -1;
}

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

/* A descriptor object: mediaType, a valid digest, a size. */
static int parse_descriptor(json_t *j, struct rc_descriptor *d, const char *what,
			    struct rc_err *e)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *dg = json_string_value(json_object_get(j, "digest"));
	json_t *size = json_object_get(j, "size");

	if (!json_is_object(j) || !mt || !dg || !json_is_integer(size) ||
	    json_integer_value(size) < 0)
		return rc_errf(e, 0, "%s: not a valid descriptor (mediaType, digest, size)", what);
	if (!rc_digest_valid(dg))
		return rc_errf(e, 0, "%s: unsupported digest '%.80s' (rc handles sha256)", what, dg);
	if (strlen(mt) >= sizeof d->media_type)
		return rc_errf(e, 0, "%s: media type too long", what);
	strcpy(d->media_type, mt);
	strcpy(d->digest, dg);
	d->size = json_integer_value(size);
	return 0;
}

static int check_manifest(const struct rc_store *s, json_t *m, struct rc_image *img,
			  struct rc_err *e)
{
	const char *mt = json_string_value(json_object_get(m, "mediaType"));
	json_t *layers = json_object_get(m, "layers"), *diff_ids;
	struct rc_descriptor cfg;
	bool docker;
	size_t i;

	if (!mt) /* OCI manifests may leave it out; the index entry has it */
		mt = img->manifest.media_type;
	if (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST) ||
	    json_object_get(m, "manifests"))
		return rc_errf(e, 0, "it is an image index, not an image: pull one platform of it");
	docker = !strcmp(mt, MT_DOCKER_MANIFEST);
	if (!docker && strcmp(mt, MT_OCI_MANIFEST))
		return rc_errf(e, 0, "unsupported manifest media type '%.100s'", mt);
	if (json_integer_value(json_object_get(m, "schemaVersion")) != 2)
		return rc_errf(e, 0, "unsupported manifest schemaVersion (want 2)");
	if (parse_descriptor(json_object_get(m, "config"), &cfg, "config", e) < 0)
		return -1;
	if (strcmp(cfg.media_type, docker ? MT_DOCKER_CONFIG : MT_OCI_CONFIG) &&
	    strcmp(cfg.media_type, MT_OCI_CONFIG) && strcmp(cfg.media_type, MT_DOCKER_CONFIG))
		return rc_errf(e, 0, "config: unsupported media type '%.100s'", cfg.media_type);
	if (!json_is_array(layers))
		return rc_errf(e, 0, "the manifest has no layers array");
	if (load_json_blob(s, cfg.digest, &img->config, e) < 0)
		return rc_err_prefix(e, "reading the image config");
	diff_ids = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	if (!json_is_array(diff_ids) || json_array_size(diff_ids) != json_array_size(layers))
		return rc_errf(e, 0, "the image config lists %zu diff_ids for %zu layers",
			       json_array_size(diff_ids), json_array_size(layers));
	img->layers = calloc(json_array_size(layers) + 1, sizeof *img->layers);
	if (!img->layers)
		return rc_errf(e, ENOMEM, "loading the image");
	for (i = 0; i < json_array_size(layers); i++) {
		struct rc_layer_desc *l = &img->layers[i];
		char what[32];
		int c;

		snprintf(what, sizeof what, "layer %zu", i + 1);
		if (parse_descriptor(json_array_get(layers, i), &l->blob, what, e) < 0)
			return -1;
		c = rc_layer_media_compression(l->blob.media_type);
		if (c < 0)
			return rc_errf(e, 0, "%s: unsupported media type '%s'", what,
				       l->blob.media_type);
		l->compression = (enum rc_compression)c;
		if (!rc_digest_valid(json_string_value(json_array_get(diff_ids, i))))
			return rc_errf(e, 0, "%s: the image config's diff_id is not a sha256 digest",
				       what);
		strcpy(l->diff_id, json_string_value(json_array_get(diff_ids, i)));
		if (!rc_store_has_blob(s, l->blob.digest, l->blob.size))
			return rc_errf(e, ENOENT, "%s (%s) is not in the store (pull the image again)",
				       what, l->blob.digest);
		img->nlayers++;
	}
	return 0;
}

int rc_image_load(const struct rc_store *s, const char *image, struct rc_image *ret,
		  struct rc_err *e)
{
	json_auto_t *m = NULL;

	memset(ret, 0, sizeof *ret);
	if (resolve(s, image, ret, e) < 0)
		return -1;
	if (load_json_blob(s, ret->manifest.digest, &m, e) < 0 || check_manifest(s, m, ret, e) < 0) {
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
