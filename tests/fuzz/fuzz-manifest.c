/* fuzz-manifest.c - manifests and indexes as registries serve them
 * (image/manifest.h).
 *
 * The input is a manifest body, parsed with no Content-Type and with one of
 * the media types a registry may send (picked by the input's length).
 * Properties: what parses has valid digests and sizes and terminated
 * strings; an image manifest converts to OCI form, which parses again to
 * the same blobs; an index answers a platform choice with one of its own
 * entries or an error. The input is also tried as an os/arch[/variant]. */
#include "fuzz.h"
#include "base/state.h"
#include "image/manifest.h"

static const char *const content_types[] = {
	NULL,
	RC_MT_OCI_INDEX,
	RC_MT_OCI_MANIFEST,
	RC_MT_DOCKER_LIST,
	RC_MT_DOCKER_MANIFEST,
	RC_MT_DOCKER_SCHEMA1_SIGNED,
	RC_MT_DOCKER_MANIFEST "; charset=utf-8",
	"text/plain",
};

static void check_descriptor(const struct rc_descriptor *d)
{
	FUZZ_ASSERT(fuzz_terminated(d->media_type, sizeof d->media_type), "media type");
	FUZZ_ASSERT(rc_digest_valid(d->digest), "digest");
	FUZZ_ASSERT(d->size >= 0, "size %lld", (long long)d->size);
}

static void check_converted(const char *data, size_t size, const struct rc_manifest *m)
{
	struct rc_manifest oci;
	struct rc_err e = { 0 };
	char *out = NULL;
	size_t len = 0;

	if (rc_manifest_docker_to_oci(data, size, &out, &len, &e) < 0) {
		FUZZ_ASSERT(e.msg[0], "conversion failed without a message");
		return;
	}
	FUZZ_ASSERT(strlen(out) == len, "converted length");
	FUZZ_ASSERT(rc_manifest_parse(out, len, NULL, &oci, &e) == 0,
		    "the converted manifest does not parse: %s", e.msg);
	FUZZ_ASSERT(oci.kind == RC_MANIFEST_IMAGE && !strcmp(oci.media_type, RC_MT_OCI_MANIFEST),
		    "converted to %s", oci.media_type);
	FUZZ_ASSERT(!strcmp(oci.config.digest, m->config.digest) && oci.n_layers == m->n_layers,
		    "the converted manifest names other blobs");
	for (size_t i = 0; i < m->n_layers; i++)
		FUZZ_ASSERT(!strcmp(oci.layers[i].digest, m->layers[i].digest) &&
			    oci.layers[i].size == m->layers[i].size, "layer %zu changed", i);
	rc_manifest_free(&oci);
	free(out);
}

static void check_select(const struct rc_manifest *m, const struct rc_platform *want)
{
	struct rc_descriptor d;
	struct rc_err e = { 0 };
	bool found = false;

	if (rc_manifest_select(m, want, &d, &e) < 0) {
		FUZZ_ASSERT(e.msg[0], "no platform without a message");
		return;
	}
	for (size_t i = 0; i < m->n_entries && !found; i++)
		found = !memcmp(&m->entries[i].d, &d, sizeof d);
	FUZZ_ASSERT(found, "selected a descriptor that is not in the index");
}

static void check(const char *data, size_t size, const struct rc_manifest *m)
{
	char buf[128];

	FUZZ_ASSERT(fuzz_terminated(m->media_type, sizeof m->media_type), "media type");
	if (m->kind == RC_MANIFEST_IMAGE) {
		check_descriptor(&m->config);
		FUZZ_ASSERT(m->layers, "no layers array");
		for (size_t i = 0; i < m->n_layers; i++)
			check_descriptor(&m->layers[i]);
		check_converted(data, size, m);
		return;
	}
	FUZZ_ASSERT(m->kind == RC_MANIFEST_INDEX && m->entries, "kind %d", (int)m->kind);
	for (size_t i = 0; i < m->n_entries; i++) {
		const struct rc_platform *p = &m->entries[i].platform;
		check_descriptor(&m->entries[i].d);
		FUZZ_ASSERT(fuzz_terminated(p->os, sizeof p->os) &&
			    fuzz_terminated(p->arch, sizeof p->arch) &&
			    fuzz_terminated(p->variant, sizeof p->variant), "platform strings");
		rc_platform_string(p, buf, sizeof buf);
		check_select(m, p);
	}
	struct rc_platform host;
	rc_platform_host(&host);
	check_select(m, &host);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ct = content_types[size % (sizeof content_types / sizeof content_types[0])];
	struct rc_manifest m;
	struct rc_platform p;
	struct rc_err e = { 0 };
	char *s;

	if (size > RC_MANIFEST_MAX)
		return 0; /* refused by the caller before it is parsed */
	for (int i = 0; i < 2; i++) {
		if (rc_manifest_parse((const char *)data, size, i ? ct : NULL, &m, &e) < 0) {
			FUZZ_ASSERT(e.msg[0], "failure without a message");
			continue;
		}
		check((const char *)data, size, &m);
		rc_manifest_free(&m);
	}
	s = fuzz_cstr(data, size);
	if (rc_platform_parse(s, &p, &e) == 0) {
		char buf[128];
		struct rc_platform again;
		rc_platform_string(&p, buf, sizeof buf);
		FUZZ_ASSERT(rc_platform_parse(buf, &again, &e) == 0 && !memcmp(&p, &again, sizeof p),
			    "'%s' prints as '%s', which parses to something else", s, buf);
	} else {
		FUZZ_ASSERT(e.status == 2, "a bad platform is not a usage error");
	}
	free(s);
	return 0;
}
