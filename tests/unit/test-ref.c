/* test-ref.c - image reference parsing and normalisation. */
#include "image/ref.h"
#include "tap.h"

#include <string.h>

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct {
	const char *in, *want;
} good[] = {
	{ "alpine", "docker.io/library/alpine:latest" },
	{ "alpine:3.20", "docker.io/library/alpine:3.20" },
	{ "library/alpine", "docker.io/library/alpine:latest" },
	{ "user/app:1.2", "docker.io/user/app:1.2" },
	{ "docker.io/alpine", "docker.io/library/alpine:latest" },
	{ "index.docker.io/library/alpine:edge", "docker.io/library/alpine:edge" },
	{ "localhost/app", "localhost/app:latest" },
	{ "localhost:5000/a/b:tag", "localhost:5000/a/b:tag" },
	{ "127.0.0.1:5000/test/alpine:3.20", "127.0.0.1:5000/test/alpine:3.20" },
	{ "quay.io/org/sub/repo", "quay.io/org/sub/repo:latest" },
	{ "Registry/repo", "Registry/repo:latest" },
	{ "[::1]:5000/repo:v1", "[::1]:5000/repo:v1" },
	{ "alpine@sha256:" D64, "docker.io/library/alpine@sha256:" D64 },
	{ "alpine:3.20@sha256:" D64, "docker.io/library/alpine:3.20@sha256:" D64 },
	{ "my-reg.example.com:443/a.b/c__d/e---f:V_1.0-x", "my-reg.example.com:443/a.b/c__d/e---f:V_1.0-x" },
	{ "localhost:5000", "docker.io/library/localhost:5000" },
};

static const char *malformed[] = {
	"",
	"Alpine",
	"alpine:",
	":tag",
	"alpine:-bad",
	"alpine:.bad",
	"alpine::x",
	"alpine@sha256:abc",
	"alpine@md5:" D64,
	"alpine@sha256:" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	"alpine@",
	"a//b",
	"/alpine",
	"alpine/",
	"a/-b",
	"a/b-",
	"a/b..c",
	"a/b___c",
	"reg.io:port/x",
	"-reg.io/x",
	"reg..io/x",
	"alpine with space",
	"alpine\t",
	"localhost:5000/A",
	"[::1/x",
	"quay.io/",
};

int main(void)
{
	size_t ngood = sizeof good / sizeof good[0];
	size_t nbad = sizeof malformed / sizeof malformed[0];
	struct rc_ref r;
	struct rc_err e = { 0 };
	char buf[RC_REF_STR_MAX];

	TAP_PLAN((int)(ngood + 2 * nbad + 12));
	for (size_t i = 0; i < ngood; i++) {
		memset(buf, 0, sizeof buf);
		if (rc_ref_parse(good[i].in, &r, &e) == 0)
			rc_ref_string(&r, buf, sizeof buf);
		is_str(buf, good[i].want, "'%s' normalises to %s", good[i].in, good[i].want);
	}
	for (size_t i = 0; i < nbad; i++) {
		e = (struct rc_err){ 0 };
		ok(rc_ref_parse(malformed[i], &r, &e) < 0, "'%s' is refused as malformed", malformed[i]);
		ok(e.status == 2 && strstr(e.msg, "invalid reference format"),
		   "'%s' is a usage error with a clear message (%s)", malformed[i], e.msg);
	}
	char longname[400];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	ok(rc_ref_parse(longname, &r, &e) < 0, "a name longer than 255 characters is refused");

	rc_ref_parse("alpine", &r, &e);
	is_str(rc_ref_api_host(&r), "registry-1.docker.io", "Docker Hub is reached at its API endpoint");
	is_str(rc_ref_manifest_ref(&r), "latest", "a tag reference asks the registry for the tag");
	rc_ref_parse("localhost:5000/a/b:tag", &r, &e);
	is_str(rc_ref_api_host(&r), "localhost:5000", "another registry is reached at its own host:port");
	rc_ref_name(&r, buf, sizeof buf);
	is_str(buf, "localhost:5000/a/b", "the repository name has no tag");
	rc_ref_parse("alpine:3@sha256:" D64, &r, &e);
	is_str(rc_ref_manifest_ref(&r), "sha256:" D64, "with tag and digest the digest is asked for");

	ok(rc_host_is_loopback("127.0.0.1:5000"), "127.0.0.1 is loopback");
	ok(rc_host_is_loopback("localhost"), "localhost is loopback");
	ok(rc_host_is_loopback("[::1]:80"), "[::1] is loopback");
	ok(rc_host_is_loopback("127.1.2.3"), "127.1.2.3 is loopback");
	ok(!rc_host_is_loopback("127.0.0.1.evil.com"), "127.0.0.1.evil.com is not loopback");
	ok(!rc_host_is_loopback("example.com:5000"), "example.com is not loopback");
	return tap_done();
}
