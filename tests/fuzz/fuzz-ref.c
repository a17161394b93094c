/* fuzz-ref.c - image references (image/ref.h).
 *
 * Properties: a reference that parses has valid, terminated fields; its
 * normal form fits in RC_REF_STR_MAX and parses again to the very same
 * reference (normalising is idempotent, so rc-pull and rc-unpack agree on
 * names); a failure is a usage error (status 2) with a message. */
#include "fuzz.h"
#include "base/state.h"
#include "image/ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char str[RC_REF_STR_MAX], name[RC_REF_STR_MAX];
	struct rc_ref r, again;
	struct rc_err e = { 0 };
	const char *mref;

	rc_host_is_loopback(s);
	if (rc_ref_parse(s, &r, &e) < 0) {
		FUZZ_ASSERT(e.status == 2 && e.msg[0], "failure without a usage error for '%s'", s);
		free(s);
		return 0;
	}
	FUZZ_ASSERT(fuzz_terminated(r.domain, sizeof r.domain) && r.domain[0], "domain");
	FUZZ_ASSERT(fuzz_terminated(r.path, sizeof r.path) && r.path[0], "path");
	FUZZ_ASSERT(fuzz_terminated(r.tag, sizeof r.tag), "tag");
	FUZZ_ASSERT(fuzz_terminated(r.digest, sizeof r.digest), "digest");
	FUZZ_ASSERT(r.tag[0] || r.digest[0], "neither tag nor digest for '%s'", s);
	FUZZ_ASSERT(!r.digest[0] || rc_digest_valid(r.digest), "digest '%s'", r.digest);
	mref = rc_ref_manifest_ref(&r);
	FUZZ_ASSERT(mref && *mref, "no manifest reference");
	FUZZ_ASSERT(*rc_ref_api_host(&r), "no API host");
	rc_host_is_loopback(r.domain);

	rc_ref_string(&r, str, sizeof str);
	FUZZ_ASSERT(strlen(str) + 1 < sizeof str, "normal form '%s' cut", str);
	rc_ref_name(&r, name, sizeof name);
	FUZZ_ASSERT(!strncmp(str, name, strlen(name)), "'%s' does not start with '%s'", str, name);
	FUZZ_ASSERT(rc_ref_parse(str, &again, &e) == 0, "'%s' (from '%s') does not parse: %s",
		    str, s, e.msg);
	FUZZ_ASSERT(!strcmp(r.domain, again.domain) && !strcmp(r.path, again.path) &&
		    !strcmp(r.tag, again.tag) && !strcmp(r.digest, again.digest),
		    "'%s' normalises to '%s', which parses to something else", s, str);
	free(s);
	return 0;
}
