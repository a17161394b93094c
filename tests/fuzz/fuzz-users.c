/* fuzz-users.c - a docker User resolved against an image's /etc/passwd and
 * /etc/group (runtime/users.h, rc_user_resolve and rc_user_lookup_uid).
 *
 * The input is USER, NUL, passwd, NUL, group (a missing part is a missing
 * file). Properties: a failure has a message; the home is terminated; the
 * primary group is never among the supplementary ones; a numeric user
 * resolves with or without an entry, to that uid. */
#include "fuzz.h"
#include "runtime/users.h"

#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 2), *parts[3] = { NULL, NULL, NULL }, *p, *end;
	struct rc_accounts a;
	struct rc_user u;
	struct rc_err e = { 0 };
	unsigned long id;
	int n = 0;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = s[size + 1] = '\0';
	for (p = s; n < 3 && p <= s + size; p += strlen(p) + 1)
		parts[n++] = p;
	a = (struct rc_accounts){ parts[1], parts[2] };
	if (rc_user_resolve(parts[0], &a, &u, &e) < 0) {
		FUZZ_ASSERT(e.msg[0], "failure without a message");
	} else {
		FUZZ_ASSERT(fuzz_terminated(u.home, sizeof u.home), "home");
		for (size_t i = 0; i < u.ngids; i++)
			FUZZ_ASSERT(u.gids[i] != u.gid, "the primary group among the supplementary ones");
		errno = 0;
		id = strtoul(parts[0], &end, 10);
		if (!errno && *parts[0] && isdigit((unsigned char)*parts[0]) && !*end && id < 0xffffffffUL)
			FUZZ_ASSERT(u.uid == (uid_t)id, "uid %lu resolved to %u", id, (unsigned)u.uid);
		rc_user_free(&u);
	}
	if (rc_user_lookup_uid(0, &a, &u, &e) == 0)
		rc_user_free(&u);
	free(s);
	return 0;
}
