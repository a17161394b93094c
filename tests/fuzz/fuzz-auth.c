/* fuzz-auth.c - WWW-Authenticate challenges, --creds and the docker client
 * config's credentials (image/auth.h).
 *
 * The input is a header value. It is also tried as USER:PASS, and an input
 * that starts with '{' as a docker config.json (written to a scratch file on
 * /dev/shm, named by $DOCKER_CONFIG) looked up for a few registries.
 * Properties: every field that comes back is terminated within its buffer;
 * a challenge with a scheme has a lower-case one; Basic credentials encode
 * to base64 of the expected length. */
#include "fuzz.h"
#include "image/auth.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char config_dir[96];

static void check_creds(const struct rc_creds *c)
{
	char *basic;
	size_t n;

	FUZZ_ASSERT(c->set, "credentials returned but not set");
	FUZZ_ASSERT(fuzz_terminated(c->user, sizeof c->user) && c->user[0], "user");
	FUZZ_ASSERT(fuzz_terminated(c->pass, sizeof c->pass), "pass");
	basic = rc_creds_basic(c);
	FUZZ_ASSERT(basic, "rc_creds_basic failed");
	n = strlen(c->user) + 1 + strlen(c->pass);
	FUZZ_ASSERT(strlen(basic) == (n + 2) / 3 * 4, "base64 of %zu bytes is %zu long", n,
		    strlen(basic));
	free(basic);
}

static void try_docker_config(const uint8_t *data, size_t size)
{
	static const char *const domains[] = { "docker.io", "ghcr.io", "127.0.0.1:5000", "" };
	char path[128];
	int fd;

	if (!config_dir[0]) {
		fuzz_scratch("auth", config_dir, sizeof config_dir);
		setenv("DOCKER_CONFIG", config_dir, 1);
	}
	snprintf(path, sizeof path, "%s/config.json", config_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_ASSERT(fd >= 0, "cannot write %s", path);
	FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size, "short write");
	close(fd);
	for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++) {
		struct rc_creds c = { 0 };
		struct rc_err e = { 0 };
		int r = rc_creds_from_docker_config(domains[i], &c, &e);

		FUZZ_ASSERT(r >= -1 && r <= 1, "returned %d", r);
		if (r < 0)
			FUZZ_ASSERT(e.msg[0], "failure without a message");
		if (r == 1)
			check_creds(&c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct rc_challenge ch;
	struct rc_creds c;
	struct rc_err e = { 0 };

	if (rc_auth_parse_challenge(s, &ch) == 0) {
		FUZZ_ASSERT(fuzz_terminated(ch.scheme, sizeof ch.scheme) && ch.scheme[0], "scheme");
		for (const char *p = ch.scheme; *p; p++)
			FUZZ_ASSERT(!isupper((unsigned char)*p), "scheme '%s' not lower case", ch.scheme);
		FUZZ_ASSERT(fuzz_terminated(ch.realm, sizeof ch.realm), "realm");
		FUZZ_ASSERT(fuzz_terminated(ch.service, sizeof ch.service), "service");
		FUZZ_ASSERT(fuzz_terminated(ch.scope, sizeof ch.scope), "scope");
	}
	if (rc_creds_parse(s, &c, &e) == 0)
		check_creds(&c);
	else
		FUZZ_ASSERT(e.status == 2 && e.msg[0], "bad credentials without a usage error");
	if (size && data[0] == '{')
		try_docker_config(data, size);
	free(s);
	return 0;
}
