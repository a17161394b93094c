/* test-store.c - names, digests and the OCI layout content store. */
#include "base/fs.h"
#include "base/state.h"
#include "image/store.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char hello_digest[] =
	"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

static int count_refs(const char *ref, const struct rc_descriptor *d, void *arg)
{
	(void)ref;
	(void)d;
	++*(int *)arg;
	return 0;
}

int main(void)
{
	char root[] = "/tmp/rc-test-store.XXXXXX";
	struct rc_store s;
	struct rc_err e = { 0 };
	struct rc_descriptor d = { "application/vnd.oci.image.manifest.v1+json", "", 5 }, got;
	char digest[RC_DIGEST_LEN];
	char *data = NULL;
	size_t len = 0;
	int n = 0, fd;
	off_t off;

	TAP_PLAN(22);
	ok(rc_name_valid("web-1.a_b"), "an ordinary container name is accepted");
	ok(!rc_name_valid("../etc"), "a name that climbs out of containers/ is refused");
	ok(!rc_name_valid("a/b"), "a name with a slash is refused");
	ok(!rc_name_valid("-x"), "a name starting with a dash is refused");
	ok(!rc_name_valid(""), "an empty name is refused");
	ok(!rc_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	   "a 65-character name is refused");
	ok(rc_digest_valid(hello_digest), "a sha256 digest is valid");
	ok(!rc_digest_valid("sha256:../../etc/passwd"), "a digest with a path in it is refused");
	ok(!rc_digest_valid("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"),
	   "an uppercase digest is refused");

	ok(mkdtemp(root) != NULL, "temporary root made");
	ok(rc_store_open(&s, root, true, &e) == 0, "store created: %s", e.msg);
	ok(rc_store_put_blob(&s, "hello", 5, NULL, digest, &e) == 0, "blob stored");
	is_str(digest, hello_digest, "blob digest is sha256 of its content");
	ok(rc_store_put_blob(&s, "hellx", 5, hello_digest, NULL, &e) < 0 &&
	   strstr(e.msg, "does not match"), "content that does not match its digest is refused");
	ok(rc_store_has_blob(&s, hello_digest, 5) && !rc_store_has_blob(&s, hello_digest, 6),
	   "has_blob checks the size");
	memcpy(d.digest, hello_digest, sizeof hello_digest);
	ok(rc_store_tag(&s, "docker.io/library/x:1", &d, &e) == 0 &&
	   rc_store_tag(&s, "docker.io/library/x:1", &d, &e) == 0 &&
	   rc_store_tag(&s, "docker.io/library/y:1", &d, &e) == 0, "refs recorded");
	ok(rc_store_foreach(&s, count_refs, &n, &e) == 0 && n == 2,
	   "re-tagging a ref replaces its entry (%d entries)", n);
	ok(rc_store_resolve(&s, "docker.io/library/x:1", &got, &e) == 0 &&
	   !strcmp(got.digest, hello_digest) && got.size == 5, "a ref resolves to its manifest");
	ok(rc_store_resolve(&s, "nope", &got, &e) < 0 && e.code == ENOENT,
	   "an unknown ref is ENOENT: %s", e.msg);

	ok(rc_store_read_blob(&s, hello_digest, 100, &data, &len, &e) == 0 && len == 5,
	   "a blob reads back verified");
	free(data);
	fd = openat(s.dirfd, "blobs/sha256/2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
		    O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, "hellx", 5) == 5, "blob corrupted on disk");
	close(fd);
	ok(rc_store_read_blob(&s, hello_digest, 100, &data, &len, &e) < 0 && strstr(e.msg, "corrupt"),
	   "a corrupt blob is detected on read: %s", e.msg);
	(void)off;
	rc_store_close(&s);
	rc_rm_rf_at(AT_FDCWD, root, &e);
	return tap_done();
}
