/* test-manifest.c - manifest parsing and platform choice. */
#include "image/manifest.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define D(c) "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

static const char index_json[] =
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D("a") "\",\"size\":1,"
	" \"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D("b") "\",\"size\":2,"
	" \"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D("c") "\",\"size\":3,"
	" \"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D("d") "\",\"size\":4,"
	" \"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D("e") "\",\"size\":5,"
	" \"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";

static const char image_json[] =
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
	"\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" D("1") "\",\"size\":10},"
	"\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"" D("2") "\",\"size\":20},"
	"{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar\",\"digest\":\"" D("3") "\",\"size\":30}]}";

static int parse(const char *json, const char *ct, struct rc_manifest *m, struct rc_err *e)
{
	return rc_manifest_parse(json, strlen(json), ct, m, e);
}

static const char *pick(const struct rc_manifest *m, const char *platform, struct rc_err *e)
{
	static struct rc_descriptor d;
	struct rc_platform p;

	if (rc_platform_parse(platform, &p, e) < 0 || rc_manifest_select(m, &p, &d, e) < 0)
		return "error";
	return d.digest;
}

int main(void)
{
	struct rc_manifest m;
	struct rc_err e = { 0 };
	struct rc_platform p;
	char *oci;
	size_t len;

	TAP_PLAN(36);
	ok(parse(index_json, NULL, &m, &e) == 0 && m.kind == RC_MANIFEST_INDEX && m.n_entries == 5,
	   "an OCI index parses with its entries");
	is_str(pick(&m, "linux/amd64", &e), D("e"), "linux/amd64 picks the amd64 image");
	is_str(pick(&m, "linux/arm64/v8", &e), D("d"), "arm64/v8 matches an arm64 entry without a variant");
	is_str(pick(&m, "linux/arm64", &e), D("d"), "arm64 picks the arm64 image");
	is_str(pick(&m, "linux/arm/v7", &e), D("c"), "arm/v7 picks the v7 image, not the v6 one");
	is_str(pick(&m, "linux/arm", &e), D("c"), "arm without a variant prefers v7");
	is_str(pick(&m, "linux/arm/v6", &e), D("b"), "arm/v6 picks the v6 image");
	e = (struct rc_err){ 0 };
	is_str(pick(&m, "linux/s390x", &e), "error", "a platform the index lacks is an error");
	ok(strstr(e.msg, "linux/s390x") && strstr(e.msg, "linux/arm/v6, linux/arm/v7, linux/arm64, linux/amd64"),
	   "the error lists the platforms there are (%s)", e.msg);
	ok(!strstr(e.msg, "unknown"), "the attestation entry is not listed as a platform");
	is_str(pick(&m, "unknown/unknown", &e), "error", "unknown/unknown is never picked, even when asked for");
	rc_manifest_free(&m);

	ok(parse(image_json, NULL, &m, &e) == 0 && m.kind == RC_MANIFEST_IMAGE && m.n_layers == 2,
	   "a Docker schema 2 manifest parses");
	is_str(m.config.digest, D("1"), "its config descriptor is read");
	ok(m.layers[1].size == 30, "its layer sizes are read");
	rc_manifest_free(&m);

	ok(rc_manifest_docker_to_oci(image_json, strlen(image_json), &oci, &len, &e) == 0,
	   "a Docker manifest converts to OCI");
	ok(parse(oci, NULL, &m, &e) == 0 && !strcmp(m.media_type, RC_MT_OCI_MANIFEST) &&
	   !strcmp(m.layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip") &&
	   !strcmp(m.layers[1].media_type, "application/vnd.oci.image.layer.v1.tar") &&
	   !strcmp(m.config.media_type, "application/vnd.oci.image.config.v1+json") &&
	   !strcmp(m.layers[0].digest, D("2")),
	   "the converted manifest has OCI media types and the same blobs");
	rc_manifest_free(&m);
	free(oci);

	e = (struct rc_err){ 0 };
	ok(parse("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", NULL, &m, &e) < 0 &&
	   strstr(e.msg, "schema 1"), "a schema 1 manifest is refused, saying so");
	ok(parse("{\"schemaVersion\":2}", RC_MT_DOCKER_SCHEMA1_SIGNED, &m, &e) < 0 &&
	   strstr(e.msg, "schema 1"), "a signed schema 1 content type is refused");
	ok(parse("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:../../etc\",\"size\":1},\"layers\":[]}",
		 RC_MT_OCI_MANIFEST, &m, &e) < 0 && strstr(e.msg, "invalid digest"),
	   "a digest that is not sha256:<64 hex> is refused");
	ok(parse("{\"schemaVersion\":2,\"config\":{\"digest\":\"" D("1") "\",\"size\":-1},\"layers\":[]}",
		 RC_MT_OCI_MANIFEST, &m, &e) < 0, "a negative size is refused");
	ok(parse("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\","
		 "\"digest\":\"" D("1") "\",\"size\":1},\"layers\":[]}", RC_MT_OCI_MANIFEST, &m, &e) < 0 &&
	   strstr(e.msg, "not a container image"), "an artifact that is not an image is refused");
	ok(parse("not json", NULL, &m, &e) < 0, "a body that is not JSON is refused");
	ok(parse("{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}", NULL, &m, &e) < 0 &&
	   strstr(e.msg, "unsupported manifest media type"), "an unknown media type is refused");
	ok(parse("{\"schemaVersion\":2,\"manifests\":[]}", NULL, &m, &e) == 0 && m.kind == RC_MANIFEST_INDEX,
	   "an index without a mediaType is known by its shape");
	rc_manifest_free(&m);

	ok(rc_platform_parse("linux/arm64/v8", &p, &e) == 0 && !strcmp(p.variant, "v8"),
	   "os/arch/variant parses");
	e = (struct rc_err){ 0 };
	ok(rc_platform_parse("linux", &p, &e) < 0 && e.status == 2, "a platform without arch is a usage error");
	ok(rc_platform_parse("linux/amd64/v1/x", &p, &e) < 0, "a platform with four parts is refused");
	{ /* the one descriptor parser every part of rc uses (descriptor.h) */
		struct rc_descriptor d;
		json_auto_t *j = json_loads("{\"mediaType\":\"" RC_MT_OCI_LAYER_GZIP "\",\"digest\":\""
					    D("9") "\",\"size\":7,\"platform\":{\"os\":\"linux\","
					    "\"architecture\":\"arm64\",\"variant\":\"v8\"},"
					    "\"annotations\":{\"k\":\"v\"}}", 0, NULL);
		json_auto_t *nomt = json_loads("{\"digest\":\"" D("9") "\",\"size\":0}", 0, NULL);
		json_auto_t *badmt = json_loads("{\"mediaType\":1,\"digest\":\"" D("9") "\",\"size\":0}",
						0, NULL);
		json_auto_t *long_mt = json_pack("{s:s%,s:s,s:i}", "mediaType",
						 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
						 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
						 (size_t)128, "digest", D("9"), "size", 1);

		ok(rc_descriptor_parse(j, "layer", &d, &p, &e) == 0 && d.size == 7 &&
		   !strcmp(d.media_type, RC_MT_OCI_LAYER_GZIP) && !strcmp(p.arch, "arm64") &&
		   !strcmp(p.variant, "v8"), "a descriptor parses with its platform");
		is_str(rc_descriptor_annotation(j, "k"), "v", "an annotation is read");
		ok(rc_descriptor_parse(nomt, "x", &d, NULL, &e) == 0 && !d.media_type[0],
		   "a descriptor may leave out its mediaType");
		ok(rc_descriptor_parse(badmt, "x", &d, NULL, &e) < 0, "a mediaType that is not a string is refused");
		ok(rc_descriptor_parse(long_mt, "x", &d, NULL, &e) < 0 && strstr(e.msg, "too long"),
		   "a media type too long for the model is refused, not cut");
		ok(rc_media_layer_compression(RC_MT_DOCKER_FOREIGN_GZIP) == RC_COMP_GZIP &&
		   rc_media_layer_compression(RC_MT_OCI_LAYER_ND_ZSTD) == RC_COMP_ZSTD &&
		   rc_media_layer_compression(RC_MT_DOCKER_CONFIG) < 0,
		   "foreign and non-distributable layers are layers, a config is not");
		is_str(rc_media_to_oci(RC_MT_DOCKER_FOREIGN_GZIP), RC_MT_OCI_LAYER_ND_GZIP,
		       "a Docker foreign layer is an OCI non-distributable one");
		ok(rc_media_is_index(RC_MT_DOCKER_LIST) && rc_media_is_image_manifest(RC_MT_DOCKER_MANIFEST) &&
		   !rc_media_is_image_manifest(RC_MT_OCI_INDEX), "indexes and manifests are told apart");
	}
	rc_platform_host(&p);
	ok(!strcmp(p.os, "linux") && p.arch[0], "this machine's platform is linux/%s", p.arch);
	return tap_done();
}
