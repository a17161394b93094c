/* fuzz-image.c - an image as rc-unpack loads it from the content store
 * (image/image.h): its manifest and config blobs checked, then its config
 * made into a config.json (runtime/ocispec.h) that rc-unshare must accept
 * (runtime/spec.h).
 *
 * The input is the manifest JSON, then optionally a NUL and the image
 * config JSON. The harness stores the config, points the manifest's config
 * descriptor at it and each layer descriptor at a stored blob of its own
 * (digests are beyond a mutator's reach), stores the manifest and tags it
 * docker.io/library/fuzz:latest in a store on /dev/shm; then loads "fuzz".
 * Properties: a loaded image has the manifest's layers, in order, each
 * with a layer media type and a sha256 diff_id; its config.json parses. */
#include "fuzz.h"
#include "base/state.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/descriptor.h"
#include "image/store.h"
#include "runtime/ocispec.h"
#include "runtime/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BLOBS 64

static char dir[96];
static struct rc_store store;
static int rootfd = -1;
static char written[MAX_BLOBS][RC_DIGEST_LEN];
static size_t nwritten;

static void put(const void *data, size_t len, char digest[RC_DIGEST_LEN])
{
	struct rc_err e = { 0 };

	FUZZ_ASSERT(rc_store_put_blob(&store, data, len, NULL, digest, &e) == 0, "put: %s", e.msg);
	if (nwritten < MAX_BLOBS)
		memcpy(written[nwritten++], digest, RC_DIGEST_LEN);
}

/* Remove this run's blobs (the next run's differ). */
static void forget_blobs(void)
{
	for (size_t i = 0; i < nwritten; i++) {
		char path[128];
		snprintf(path, sizeof path, "blobs/sha256/%s", written[i] + 7);
		unlinkat(store.dirfd, path, 0);
	}
	nwritten = 0;
}

static void setup(void)
{
	struct rc_err e = { 0 };
	char root[96];

	fuzz_scratch("image", dir, sizeof dir);
	FUZZ_ASSERT(rc_store_open(&store, dir, true, &e) == 0, "opening the store: %s", e.msg);
	snprintf(root, sizeof root, "%s/rootfs", dir);
	mkdir(root, 0755);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	FUZZ_ASSERT(rootfd >= 0, "opening %s", root);
}

/* Point the manifest's descriptors at stored blobs; returns the layer
 * digests written (want[i]), their number in *n. */
static void wire(json_t *m, const char *config, size_t config_len, char want[][RC_DIGEST_LEN],
		 size_t max, size_t *n)
{
	json_t *cfg = json_object_get(m, "config"), *layers = json_object_get(m, "layers"), *l;
	char digest[RC_DIGEST_LEN];
	size_t i;

	put(config, config_len, digest);
	if (json_is_object(cfg))
		json_object_set_new(cfg, "digest", json_string(digest));
	*n = 0;
	json_array_foreach(layers, i, l) {
		char blob[32];
		int len = snprintf(blob, sizeof blob, "layer %zu", i);

		if (!json_is_object(l) || *n == max)
			continue; /* the load fails on it (or on a missing blob) */
		put(blob, (size_t)len, want[*n]);
		json_object_set_new(l, "digest", json_string(want[*n]));
		json_object_set_new(l, "size", json_integer(len));
		(*n)++;
	}
}

static void check(const struct rc_image *img, json_t *m, char want[][RC_DIGEST_LEN], size_t n)
{
	json_t *cfg = NULL;
	struct rc_err e = { 0 };
	struct rc_spec spec;
	char *text;

	FUZZ_ASSERT(img->nlayers == json_array_size(json_object_get(m, "layers")) &&
		    img->nlayers == n, "%zu layers loaded of %zu", img->nlayers, n);
	for (size_t i = 0; i < img->nlayers; i++) {
		FUZZ_ASSERT(!strcmp(img->layers[i].blob.digest, want[i]), "layer %zu out of order", i);
		FUZZ_ASSERT(rc_media_layer_compression(img->layers[i].blob.media_type) >= 0,
			    "layer %zu media type '%s'", i, img->layers[i].blob.media_type);
		FUZZ_ASSERT(rc_digest_valid(img->layers[i].diff_id), "layer %zu diff_id", i);
	}
	FUZZ_ASSERT(json_is_object(img->config), "config");
	if (rc_oci_config(img->config, "fuzz", rootfd, &cfg, &e) < 0)
		return;
	text = json_dumps(cfg, JSON_COMPACT);
	FUZZ_ASSERT(text && rc_spec_parse(text, &spec, &e) == 0,
		    "rc-unshare would refuse the config.json: %s", e.msg);
	rc_spec_free(&spec);
	free(text);
	json_decref(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t mlen = nul ? (size_t)(nul - (const char *)data) : size;
	const char *config = nul ? nul + 1 : "{}";
	size_t clen = nul ? size - mlen - 1 : 2;
	char want[MAX_BLOBS][RC_DIGEST_LEN];
	struct rc_descriptor d = { 0 };
	struct rc_image img;
	struct rc_err e = { 0 };
	json_t *m;
	char *text = NULL;
	size_t n = 0;

	if (rootfd < 0)
		setup();
	m = json_loadb((const char *)data, mlen, 0, NULL);
	if (json_is_object(m)) {
		wire(m, config, clen, want, MAX_BLOBS - 2, &n);
		text = json_dumps(m, JSON_COMPACT);
		FUZZ_ASSERT(text, "json_dumps");
	}
	put(text ? text : (const char *)data, text ? strlen(text) : mlen, d.digest);
	d.size = (int64_t)(text ? strlen(text) : mlen);
	snprintf(d.media_type, sizeof d.media_type, "%s",
		 json_string_value(json_object_get(m, "mediaType")) ?: RC_MT_OCI_MANIFEST);
	FUZZ_ASSERT(rc_store_tag(&store, "docker.io/library/fuzz:latest", &d, &e) == 0, "tag: %s",
		    e.msg);
	if (rc_image_load(&store, "fuzz", &img, &e) == 0) {
		check(&img, m, want, n);
		rc_image_free(&img);
	} else {
		FUZZ_ASSERT(e.msg[0], "failure without a message");
	}
	free(text);
	json_decref(m);
	forget_blobs();
	return 0;
}
