/* fuzz-users.c - a docker User resolved against an image's /etc/passwd and
 * /etc/group (runtime/ocispec.h, rc_oci_user_resolve).
 *
 * The input is USER, NUL, passwd, NUL, group (a missing part is a missing
 * file). Properties: the home is terminated and absolute or "/", at most
 * RC_OCI_MAX_GIDS groups, a numeric user needs no entry. */
#include "fuzz.h"
#include "runtime/ocispec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 2), *parts[3] = { NULL, NULL, NULL }, *p;
	struct rc_oci_user u;
	struct rc_err e = { 0 };
	int n = 0;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = s[size + 1] = '\0';
	for (p = s; n < 3 && p <= s + size; p += strlen(p) + 1)
		parts[n++] = p;
	if (rc_oci_user_resolve(parts[0], parts[1], parts[2], &u, &e) < 0) {
		FUZZ_ASSERT(e.msg[0], "failure without a message");
		free(s);
		return 0;
	}
	FUZZ_ASSERT(fuzz_terminated(u.home, sizeof u.home), "home");
	FUZZ_ASSERT(u.ngids <= RC_OCI_MAX_GIDS, "%zu groups", u.ngids);
	free(s);
	return 0;
}
