/* descriptor.c - OCI descriptors and media types; see descriptor.h. */
#include "image/descriptor.h"
#include "base/state.h"

#include <errno.h>
#include <string.h>

static const struct layer_type {
	const char *mt;
	enum rc_compression comp;
	const char *oci; /* for a Docker type: its OCI counterpart */
} layer_types[] = {
	{ RC_MT_OCI_LAYER, RC_COMP_NONE, NULL },
	{ RC_MT_OCI_LAYER_GZIP, RC_COMP_GZIP, NULL },
	{ RC_MT_OCI_LAYER_ZSTD, RC_COMP_ZSTD, NULL },
	{ RC_MT_OCI_LAYER_ND, RC_COMP_NONE, NULL },
	{ RC_MT_OCI_LAYER_ND_GZIP, RC_COMP_GZIP, NULL },
	{ RC_MT_OCI_LAYER_ND_ZSTD, RC_COMP_ZSTD, NULL },
	{ RC_MT_DOCKER_LAYER, RC_COMP_NONE, RC_MT_OCI_LAYER },
	{ RC_MT_DOCKER_LAYER_GZIP, RC_COMP_GZIP, RC_MT_OCI_LAYER_GZIP },
	{ RC_MT_DOCKER_LAYER_ZSTD, RC_COMP_ZSTD, RC_MT_OCI_LAYER_ZSTD },
	{ RC_MT_DOCKER_FOREIGN_GZIP, RC_COMP_GZIP, RC_MT_OCI_LAYER_ND_GZIP },
};

#define N_LAYER_TYPES (sizeof layer_types / sizeof layer_types[0])

static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = src ? strnlen(src, n - 1) : 0;

	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

int rc_descriptor_parse(json_t *j, const char *what, struct rc_descriptor *ret,
			struct rc_platform *ret_platform, struct rc_err *e)
{
	json_t *jmt = json_object_get(j, "mediaType"), *size = json_object_get(j, "size");
	const char *dg = json_string_value(json_object_get(j, "digest"));
	const char *mt = json_string_value(jmt);

	if (!json_is_object(j))
		return rc_errf(e, 0, "the %s is not a JSON object", what);
	if (jmt && !mt)
		return rc_errf(e, 0, "the %s has a mediaType that is not a string", what);
	if (mt && strlen(mt) >= sizeof ret->media_type)
		return rc_errf(e, 0, "the %s has a media type that is too long", what);
	if (!dg || !rc_digest_valid(dg))
		return rc_errf(e, 0, "the %s has an invalid digest '%.80s' "
			       "(expected sha256:<64 hex digits>)", what, dg ? dg : "");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return rc_errf(e, 0, "the %s %s has no valid size", what, dg);
	copy_str(ret->media_type, sizeof ret->media_type, mt);
	memcpy(ret->digest, dg, RC_DIGEST_LEN);
	ret->size = json_integer_value(size);
	if (ret_platform) {
		json_t *p = json_object_get(j, "platform");
		copy_str(ret_platform->os, sizeof ret_platform->os,
			 json_string_value(json_object_get(p, "os")));
		copy_str(ret_platform->arch, sizeof ret_platform->arch,
			 json_string_value(json_object_get(p, "architecture")));
		copy_str(ret_platform->variant, sizeof ret_platform->variant,
			 json_string_value(json_object_get(p, "variant")));
	}
	return 0;
}

const char *rc_descriptor_annotation(json_t *j, const char *key)
{
	return json_string_value(json_object_get(json_object_get(j, "annotations"), key));
}

static bool is(const char *mt, const char *a, const char *b)
{
	return mt && (!strcmp(mt, a) || !strcmp(mt, b));
}

bool rc_media_is_index(const char *mt)
{
	return is(mt, RC_MT_OCI_INDEX, RC_MT_DOCKER_LIST);
}

bool rc_media_is_image_manifest(const char *mt)
{
	return is(mt, RC_MT_OCI_MANIFEST, RC_MT_DOCKER_MANIFEST);
}

bool rc_media_is_schema1(const char *mt)
{
	return is(mt, RC_MT_DOCKER_SCHEMA1, RC_MT_DOCKER_SCHEMA1_SIGNED);
}

bool rc_media_is_config(const char *mt)
{
	return is(mt, RC_MT_OCI_CONFIG, RC_MT_DOCKER_CONFIG);
}

int rc_media_layer_compression(const char *mt)
{
	for (size_t i = 0; mt && i < N_LAYER_TYPES; i++)
		if (!strcmp(mt, layer_types[i].mt))
			return (int)layer_types[i].comp;
	return -1;
}

const char *rc_media_to_oci(const char *mt)
{
	if (!mt)
		return mt;
	if (!strcmp(mt, RC_MT_DOCKER_MANIFEST))
		return RC_MT_OCI_MANIFEST;
	if (!strcmp(mt, RC_MT_DOCKER_LIST))
		return RC_MT_OCI_INDEX;
	if (!strcmp(mt, RC_MT_DOCKER_CONFIG))
		return RC_MT_OCI_CONFIG;
	for (size_t i = 0; i < N_LAYER_TYPES; i++)
		if (layer_types[i].oci && !strcmp(mt, layer_types[i].mt))
			return layer_types[i].oci;
	return mt;
}
