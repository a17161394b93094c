/* manifest.c - manifest and index parsing, platform choice; see manifest.h. */
#include "image/manifest.h"
#include "base/state.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = 0;

	if (!src)
		src = "";
	while (len + 1 < n && src[len])
		len++;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Content-Type may carry parameters ("...; charset=utf-8"). */
static void media_type_of(const char *content_type, char *buf, size_t n)
{
	size_t len = 0;

	if (content_type)
		len = strcspn(content_type, "; \t");
	if (len >= n)
		len = n - 1;
	memcpy(buf, content_type ? content_type : "", len);
	buf[len] = '\0';
}

static int parse_image(json_t *root, struct rc_manifest *m, struct rc_err *e)
{
	json_t *layers = json_object_get(root, "layers");
	const char *cmt;
	size_t i;

	if (rc_descriptor_parse(json_object_get(root, "config"), "image config", &m->config, NULL, e) < 0)
		return -1;
	cmt = m->config.media_type;
	if (*cmt && !rc_media_is_config(cmt))
		return rc_errf(e, 0, "this is not a container image: its config is %s", cmt);
	if (!json_is_array(layers))
		return rc_errf(e, 0, "the image manifest has no layers array");
	m->n_layers = json_array_size(layers);
	m->layers = calloc(m->n_layers ? m->n_layers : 1, sizeof *m->layers);
	if (!m->layers)
		return rc_errf(e, 12, "parsing the image manifest");
	for (i = 0; i < m->n_layers; i++) {
		char what[48];
		snprintf(what, sizeof what, "layer %zu", i + 1);
		if (rc_descriptor_parse(json_array_get(layers, i), what, &m->layers[i], NULL, e) < 0)
			return -1;
	}
	return 0;
}

static int parse_index(json_t *root, struct rc_manifest *m, struct rc_err *e)
{
	json_t *list = json_object_get(root, "manifests");

	if (!json_is_array(list))
		return rc_errf(e, 0, "the image index has no manifests array");
	m->n_entries = json_array_size(list);
	m->entries = calloc(m->n_entries ? m->n_entries : 1, sizeof *m->entries);
	if (!m->entries)
		return rc_errf(e, 12, "parsing the image index");
	for (size_t i = 0; i < m->n_entries; i++) {
		struct rc_index_entry *en = &m->entries[i];
		char what[48];

		snprintf(what, sizeof what, "index entry %zu", i + 1);
		if (rc_descriptor_parse(json_array_get(list, i), what, &en->d, &en->platform, e) < 0)
			return -1;
	}
	return 0;
}

int rc_manifest_parse(const char *data, size_t len, const char *content_type,
		      struct rc_manifest *ret, struct rc_err *e)
{
	struct rc_manifest m;
	json_auto_t *root = NULL;
	json_error_t jerr;
	json_t *sv;
	const char *body_mt;
	char header_mt[RC_MEDIA_TYPE_MAX];

	memset(&m, 0, sizeof m);
	media_type_of(content_type, header_mt, sizeof header_mt);
	root = json_loadb(data, len, 0, &jerr);
	if (!json_is_object(root))
		return rc_errf(e, 0, "the manifest is not a JSON object%s%s", root ? "" : ": ",
			       root ? "" : jerr.text);
	body_mt = json_string_value(json_object_get(root, "mediaType"));
	sv = json_object_get(root, "schemaVersion");
	if (rc_media_is_schema1(body_mt) || rc_media_is_schema1(header_mt) ||
	    (json_is_integer(sv) && json_integer_value(sv) == 1))
		return rc_errf(e, 0, "the image has a Docker schema 1 manifest, which is deprecated "
			       "and not supported; push it again with a current client");
	if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		return rc_errf(e, 0, "unsupported manifest schemaVersion (expected 2)");
	copy_str(m.media_type, sizeof m.media_type, body_mt ? body_mt : header_mt);
	if (!m.media_type[0]) /* old OCI manifests may say nothing: look at the shape */
		copy_str(m.media_type, sizeof m.media_type,
			 json_object_get(root, "manifests") ? RC_MT_OCI_INDEX : RC_MT_OCI_MANIFEST);

	if (rc_media_is_index(m.media_type)) {
		m.kind = RC_MANIFEST_INDEX;
		if (parse_index(root, &m, e) < 0)
			goto fail;
	} else if (rc_media_is_image_manifest(m.media_type)) {
		m.kind = RC_MANIFEST_IMAGE;
		if (parse_image(root, &m, e) < 0)
			goto fail;
	} else {
		return rc_errf(e, 0, "unsupported manifest media type '%s'", m.media_type);
	}
	*ret = m;
	return 0;
fail:
	rc_manifest_free(&m);
	return -1;
}

void rc_manifest_free(struct rc_manifest *m)
{
	free(m->layers);
	free(m->entries);
	m->layers = NULL;
	m->entries = NULL;
	m->n_layers = m->n_entries = 0;
}

int rc_manifest_docker_to_oci(const char *data, size_t len, char **ret, size_t *ret_len,
			      struct rc_err *e)
{
	json_auto_t *root = json_loadb(data, len, 0, NULL);
	json_t *layers, *l;
	size_t i;
	char *out;

	if (!json_is_object(root) || !json_is_object(json_object_get(root, "config")))
		return rc_errf(e, 0, "the Docker manifest is not a JSON object with a config");
	if (json_object_set_new(root, "mediaType", json_string(RC_MT_OCI_MANIFEST)) < 0 ||
	    json_object_set_new(json_object_get(root, "config"), "mediaType",
				json_string(RC_MT_OCI_CONFIG)) < 0)
		return rc_errf(e, 12, "converting the Docker manifest");
	layers = json_object_get(root, "layers");
	json_array_foreach(layers, i, l) {
		const char *mt = json_string_value(json_object_get(l, "mediaType"));
		const char *oci = rc_media_to_oci(mt);
		if (mt && oci != mt &&
		    json_object_set_new(l, "mediaType", json_string(oci)) < 0)
			return rc_errf(e, 12, "converting the Docker manifest");
	}
	out = json_dumps(root, JSON_COMPACT);
	if (!out)
		return rc_errf(e, 12, "converting the Docker manifest");
	*ret = out;
	*ret_len = strlen(out);
	return 0;
}

void rc_platform_host(struct rc_platform *ret)
{
	static const struct { const char *machine, *arch, *variant; } map[] = {
		{ "x86_64", "amd64", "" },   { "amd64", "amd64", "" },
		{ "aarch64", "arm64", "v8" }, { "arm64", "arm64", "v8" },
		{ "armv7l", "arm", "v7" },   { "armv6l", "arm", "v6" },
		{ "armv5tel", "arm", "v5" }, { "i386", "386", "" },
		{ "i486", "386", "" },       { "i586", "386", "" },
		{ "i686", "386", "" },       { "ppc64le", "ppc64le", "" },
		{ "s390x", "s390x", "" },    { "riscv64", "riscv64", "" },
		{ "mips64", "mips64", "" },  { "loongarch64", "loong64", "" },
	};
	struct utsname u;

	memset(ret, 0, sizeof *ret);
	strcpy(ret->os, "linux");
	if (uname(&u) < 0) {
		strcpy(ret->arch, "amd64");
		return;
	}
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (!strcmp(u.machine, map[i].machine)) {
			strcpy(ret->arch, map[i].arch);
			strcpy(ret->variant, map[i].variant);
			return;
		}
	}
	copy_str(ret->arch, sizeof ret->arch, u.machine);
}

static bool platform_word_valid(const char *s, size_t n, size_t max)
{
	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

int rc_platform_parse(const char *s, struct rc_platform *ret, struct rc_err *e)
{
	struct rc_platform p;
	const char *a = strchr(s, '/'), *v = a ? strchr(a + 1, '/') : NULL;
	size_t on, an, vn;

	memset(&p, 0, sizeof p);
	if (!a)
		goto bad;
	on = (size_t)(a - s);
	an = v ? (size_t)(v - a - 1) : strlen(a + 1);
	vn = v ? strlen(v + 1) : 0;
	if (!platform_word_valid(s, on, sizeof p.os) ||
	    !platform_word_valid(a + 1, an, sizeof p.arch) ||
	    (v && !platform_word_valid(v + 1, vn, sizeof p.variant)))
		goto bad;
	memcpy(p.os, s, on);
	memcpy(p.arch, a + 1, an);
	if (v)
		memcpy(p.variant, v + 1, vn);
	*ret = p;
	return 0;
bad:
	rc_errf(e, 0, "invalid platform '%.100s': expected os/arch[/variant], e.g. linux/arm64/v8",
		s);
	return rc_err_status(e, 2);
}

void rc_platform_string(const struct rc_platform *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s%s%s", p->os[0] ? p->os : "?", p->arch[0] ? p->arch : "?",
		 p->variant[0] ? "/" : "", p->variant);
}

/* arm64 images often leave out the implied v8 (and 32-bit arm the v7). */
static const char *variant_or_default(const struct rc_platform *p)
{
	if (p->variant[0])
		return p->variant;
	if (!strcmp(p->arch, "arm64"))
		return "v8";
	if (!strcmp(p->arch, "arm"))
		return "v7";
	return "";
}

static bool platform_matches(const struct rc_platform *have, const struct rc_platform *want,
			     bool exact_variant)
{
	if (strcmp(have->os, want->os) || strcmp(have->arch, want->arch))
		return false;
	if (!exact_variant && !want->variant[0])
		return true;
	return !strcmp(variant_or_default(have), variant_or_default(want));
}

int rc_manifest_select(const struct rc_manifest *index, const struct rc_platform *want,
		       struct rc_descriptor *ret, struct rc_err *e)
{
	char list[RC_ERR_MSG_MAX / 2] = "", wanted[100];
	size_t used = 0;

	/* An exact variant match first, then (when no variant was asked for) any. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < index->n_entries; i++) {
			const struct rc_index_entry *en = &index->entries[i];
			if (!strcmp(en->platform.os, "unknown") || !strcmp(en->platform.arch, "unknown"))
				continue;
			if (platform_matches(&en->platform, want, pass == 0)) {
				*ret = en->d;
				return 0;
			}
		}
	}
	for (size_t i = 0; i < index->n_entries; i++) {
		const struct rc_index_entry *en = &index->entries[i];
		char one[100];
		int n;

		if (!strcmp(en->platform.os, "unknown") || !strcmp(en->platform.arch, "unknown"))
			continue;
		rc_platform_string(&en->platform, one, sizeof one);
		n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", one);
		if (n < 0 || (size_t)n >= sizeof list - used)
			break;
		used += (size_t)n;
	}
	rc_platform_string(want, wanted, sizeof wanted);
	return rc_errf(e, 0, "no image for platform %s; the index has %s", wanted,
		       used ? list : "no platform images at all");
}
