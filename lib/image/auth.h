/* auth.h - registry credentials and authentication challenges.
 *
 * Registries answer an unauthenticated request with 401 and a header like
 *   WWW-Authenticate: Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"
 * (the client then asks realm for a token) or
 *   WWW-Authenticate: Basic realm="reg"
 * Credentials come from --creds USER:PASS or from the `auths` of
 * $DOCKER_CONFIG/config.json (default ~/.docker/config.json), whose entries
 * hold "auth": base64("user:pass") or "username" and "password".
 */
#ifndef RC_AUTH_H
#define RC_AUTH_H

#include <stdbool.h>

#include "base/err.h"

struct rc_challenge {
	char scheme[16];   /* "bearer" or "basic" (lower case), "" if none */
	char realm[1024];
	char service[256];
	char scope[512];
};

struct rc_creds {
	bool set;
	char user[256];
	char pass[1024];
};

/* Parse one WWW-Authenticate header value. Unknown parameters are ignored.
 * Returns 0, or -1 when there is no scheme or a quoted string is unterminated. */
int rc_auth_parse_challenge(const char *header, struct rc_challenge *ret);

/* "USER:PASS" (the password may contain ':'); a usage error (status 2)
 * when there is no ':' or no user. */
int rc_creds_parse(const char *userpass, struct rc_creds *ret, struct rc_err *e);

/* The first line of file path ("-": standard input) as USER:PASS, so that
 * the password need not be in argv, where ps shows it to every user. */
int rc_creds_read(const char *path, struct rc_creds *ret, struct rc_err *e);

/* Look domain (a normalised reference domain, "docker.io" for Docker Hub)
 * up in the docker client config. Returns 1 and fills *ret when an entry
 * has credentials, 0 when there is no config or no entry, -1 when the
 * config cannot be read or is malformed. */
int rc_creds_from_docker_config(const char *domain, struct rc_creds *ret, struct rc_err *e);

/* Base64 of "user:pass" for a Basic Authorization header; the caller frees. */
char *rc_creds_basic(const struct rc_creds *c);

#endif
