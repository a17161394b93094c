/* auth.c - registry credentials and WWW-Authenticate parsing; see auth.h. */
#include "image/auth.h"
#include "base/cleanup.h"
#include "base/fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONFIG_MAX (1u << 20)

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	return p;
}

static bool token_char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Copy a token or quoted-string value at p into out; returns the end. */
static const char *read_value(const char *p, char *out, size_t n)
{
	size_t len = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (len + 1 < n)
				out[len++] = *p;
		}
		if (*p != '"')
			return NULL;
		p++;
	} else {
		for (; *p && token_char(*p) ; p++)
			if (len + 1 < n)
				out[len++] = *p;
	}
	out[len] = '\0';
	return p;
}

/* strlcpy: a value too long for its field is cut (and then fails later,
 * visibly, rather than overflowing here). */
static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

int rc_auth_parse_challenge(const char *header, struct rc_challenge *ret)
{
	struct rc_challenge c;
	const char *p = skip_space(header);
	size_t n = 0;

	memset(&c, 0, sizeof c);
	while (token_char(*p)) {
		if (n + 1 < sizeof c.scheme)
			c.scheme[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	if (n == 0)
		return -1;
	for (p = skip_space(p); *p; p = skip_space(p)) {
		char key[32], val[1024];
		size_t k = 0;
		while (token_char(*p)) {
			if (k + 1 < sizeof key)
				key[k++] = (char)tolower((unsigned char)*p);
			p++;
		}
		key[k] = '\0';
		while (*p == ' ')
			p++;
		if (k == 0 || *p != '=')
			break; /* the start of another challenge: only the first counts */
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		p = read_value(p, val, sizeof val);
		if (!p)
			return -1;
		if (!strcmp(key, "realm"))
			copy_str(c.realm, sizeof c.realm, val);
		else if (!strcmp(key, "service"))
			copy_str(c.service, sizeof c.service, val);
		else if (!strcmp(key, "scope"))
			copy_str(c.scope, sizeof c.scope, val);
	}
	*ret = c;
	return 0;
}

static int set_creds(struct rc_creds *c, const char *user, size_t ulen, const char *pass)
{
	if (ulen == 0 || ulen >= sizeof c->user || strlen(pass) >= sizeof c->pass)
		return -1;
	memcpy(c->user, user, ulen);
	c->user[ulen] = '\0';
	strcpy(c->pass, pass);
	c->set = true;
	return 0;
}

int rc_creds_parse(const char *userpass, struct rc_creds *ret, struct rc_err *e)
{
	const char *colon = strchr(userpass, ':');
	struct rc_creds c = { 0 };

	if (!colon || set_creds(&c, userpass, (size_t)(colon - userpass), colon + 1) < 0) {
		rc_errf(e, 0, "invalid credentials: expected USER:PASS");
		return rc_err_status(e, 2);
	}
	*ret = c;
	return 0;
}

int rc_creds_read(const char *path, struct rc_creds *ret, struct rc_err *e)
{
	bool in = !strcmp(path, "-");
	FILE *f = in ? stdin : fopen(path, "re");
	char line[2048];
	bool got;
	int r;

	if (!f)
		return rc_errf(e, errno, "reading credentials from %s", path);
	got = fgets(line, sizeof line, f) != NULL;
	if (!in)
		fclose(f);
	if (!got)
		return rc_errf(e, 0, "reading credentials from %s: it is empty", in ? "standard input" : path);
	line[strcspn(line, "\r\n")] = '\0';
	r = rc_creds_parse(line, ret, e);
	explicit_bzero(line, sizeof line);
	return r < 0 ? rc_err_prefix(e, "credentials from %s", in ? "standard input" : path) : 0;
}

/* "https://index.docker.io/v1/" -> "index.docker.io" */
static void key_host(const char *key, char *out, size_t n)
{
	const char *p = key, *end;

	if (!strncmp(p, "https://", 8))
		p += 8;
	else if (!strncmp(p, "http://", 7))
		p += 7;
	end = strchr(p, '/');
	snprintf(out, n, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
}

static bool key_matches(const char *key, const char *domain)
{
	char host[512];

	key_host(key, host, sizeof host);
	if (!strcmp(domain, "docker.io"))
		return !strcmp(host, "docker.io") || !strcmp(host, "index.docker.io") ||
		       !strcmp(host, "registry-1.docker.io");
	return !strcmp(host, domain);
}

static int decode_auth(const char *b64, struct rc_creds *c)
{
	size_t len = strlen(b64), pad = 0;
	_cleanup_free_ char *out = NULL;
	const char *colon;
	int n;

	if (len == 0 || len % 4 != 0 || len > 4096)
		return -1;
	out = malloc(len / 4 * 3 + 1);
	if (!out)
		return -1;
	n = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)b64, (int)len);
	if (n < 0)
		return -1;
	if (b64[len - 1] == '=')
		pad++;
	if (b64[len - 2] == '=')
		pad++;
	n -= (int)pad;
	out[n] = '\0';
	if (memchr(out, '\0', (size_t)n))
		return -1;
	colon = strchr(out, ':');
	if (!colon)
		return -1;
	return set_creds(c, out, (size_t)(colon - out), colon + 1);
}

int rc_creds_from_docker_config(const char *domain, struct rc_creds *ret, struct rc_err *e)
{
	char path[4096];
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	_cleanup_free_ char *data = NULL;
	json_auto_t *root = NULL;
	json_error_t jerr;
	json_t *auths, *entry;
	const char *key;

	if (dir && *dir)
		snprintf(path, sizeof path, "%s/config.json", dir);
	else if (home && *home)
		snprintf(path, sizeof path, "%s/.docker/config.json", home);
	else
		return 0;
	if (rc_read_file_at(AT_FDCWD, path, CONFIG_MAX, &data, NULL, e) < 0) {
		if (e && e->code == ENOENT)
			return 0;
		return rc_err_prefix(e, "reading credentials");
	}
	root = json_loads(data, 0, &jerr);
	if (!json_is_object(root))
		return rc_errf(e, 0, "reading credentials from %s: not a JSON object%s%s", path,
			       root ? "" : ": ", root ? "" : jerr.text);
	auths = json_object_get(root, "auths");
	json_object_foreach(auths, key, entry) {
		const char *auth = json_string_value(json_object_get(entry, "auth"));
		const char *user = json_string_value(json_object_get(entry, "username"));
		const char *pass = json_string_value(json_object_get(entry, "password"));
		struct rc_creds c = { 0 };

		if (!key_matches(key, domain))
			continue;
		if (auth && *auth) {
			if (decode_auth(auth, &c) < 0)
				return rc_errf(e, 0, "reading credentials from %s: the \"auth\" of %s "
					       "is not base64 of user:password", path, key);
		} else if (user && pass) {
			if (set_creds(&c, user, strlen(user), pass) < 0)
				return rc_errf(e, 0, "reading credentials from %s: bad username "
					       "or password for %s", path, key);
		} else {
			continue;
		}
		*ret = c;
		return 1;
	}
	return 0;
}

char *rc_creds_basic(const struct rc_creds *c)
{
	size_t ul = strlen(c->user), pl = strlen(c->pass), n = ul + 1 + pl;
	_cleanup_free_ char *plain = malloc(n + 1);
	char *out;

	if (!plain)
		return NULL;
	memcpy(plain, c->user, ul);
	plain[ul] = ':';
	memcpy(plain + ul + 1, c->pass, pl + 1);
	out = malloc((n + 2) / 3 * 4 + 1);
	if (!out)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, (unsigned char *)plain, (int)n);
	return out;
}
