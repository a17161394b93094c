/* test-digest.c - sha256 digests: the FIPS 180-4 examples, and a digest
 * fed in pieces equal to the one of the whole. */
#include "base/digest.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *in, *want;
} vectors[] = {
	{ "", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

int main(void)
{
	char got[RC_DIGEST_LEN], whole[RC_DIGEST_LEN];
	struct rc_sha256 h;
	size_t n = 1000000;
	char *a = malloc(n);

	TAP_PLAN(10);
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		ok(rc_sha256_buf(vectors[i].in, strlen(vectors[i].in), got) == 0, "digest of \"%s\"",
		   vectors[i].in);
		is_str(got, vectors[i].want, "sha256 of \"%.10s\"", vectors[i].in);
	}
	if (!a)
		return 1;
	/* a million 'a', in pieces of 1, 8, 57, 400, ... bytes (up to 4099),
	 * crossing the 64-byte block boundaries at changing offsets */
	memset(a, 'a', n);
	ok(rc_sha256_init(&h) == 0, "a context for a million bytes");
	for (size_t off = 0, step = 1; off < n; off += step, step = step * 7 % 4099 + 1)
		rc_sha256_update(&h, a + off, off + step > n ? n - off : step);
	rc_sha256_final(&h, got);
	rc_sha256_buf(a, n, whole);
	is_str(got, "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	       "a million 'a' in pieces");
	is_str(whole, got, "one-shot equals pieces");
	/* free without a result, twice: the error paths' release */
	ok(rc_sha256_init(&h) == 0, "a context released unused");
	rc_sha256_free(&h);
	rc_sha256_free(&h);
	free(a);
	return tap_done();
}
