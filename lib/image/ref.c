/* ref.c - docker-style image references; see ref.h. */
#include "image/ref.h"
#include "base/state.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_API "registry-1.docker.io"

static int bad(struct rc_err *e, const char *s, const char *why)
{
	rc_errf(e, 0, "invalid reference format '%.300s': %s", s, why);
	return rc_err_status(e, 2);
}

static bool is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One repository path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool path_component_valid(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_alnum_lower(p[0]) || !is_alnum_lower(p[n - 1]))
		return false;
	while (i < n) {
		if (is_alnum_lower(p[i])) {
			i++;
			continue;
		}
		if (p[i] == '.' || p[i] == '_') {
			size_t run = (p[i] == '_' && p[i + 1] == '_') ? 2 : 1;
			i += run;
		} else if (p[i] == '-') {
			while (i < n && p[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i >= n || !is_alnum_lower(p[i]))
			return false;
	}
	return true;
}

/* A host name label: [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? */
static bool host_label_valid(const char *p, size_t n)
{
	if (n == 0 || !isalnum((unsigned char)p[0]) || !isalnum((unsigned char)p[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '-')
			return false;
	return true;
}

/* host[:port], host being DNS labels or a bracketed IPv6 address. */
static bool domain_valid(const char *d)
{
	const char *port = NULL, *end;

	if (d[0] == '[') {
		const char *close = strchr(d, ']');
		if (!close || close == d + 1)
			return false;
		for (const char *p = d + 1; p < close; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':')
				return false;
		if (close[1] == '\0')
			return true;
		if (close[1] != ':')
			return false;
		port = close + 2;
	} else {
		const char *colon = strchr(d, ':');
		const char *p = d;
		end = colon ? colon : d + strlen(d);
		while (p < end) {
			const char *dot = memchr(p, '.', (size_t)(end - p));
			const char *stop = dot ? dot : end;
			if (!host_label_valid(p, (size_t)(stop - p)))
				return false;
			p = dot ? dot + 1 : end;
			if (dot && p == end)
				return false;
		}
		if (end == d)
			return false;
		if (colon)
			port = colon + 1;
	}
	if (port) {
		if (!*port || strlen(port) > 5)
			return false;
		for (const char *p = port; *p; p++)
			if (!isdigit((unsigned char)*p))
				return false;
	}
	return true;
}

/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static bool tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return false;
	return true;
}

/* Docker's rule for "is the first component a registry host?". */
static bool looks_like_domain(const char *c, size_t n)
{
	if (n == 9 && !strncmp(c, "localhost", 9))
		return true;
	for (size_t i = 0; i < n; i++)
		if (c[i] == '.' || c[i] == ':' || (c[i] >= 'A' && c[i] <= 'Z'))
			return true;
	return false;
}

static int parse_digest(const char *s, const char *d, struct rc_ref *r, struct rc_err *e)
{
	const char *colon = strchr(d, ':');

	if (!colon || colon == d)
		return bad(e, s, "a digest is algorithm:hex, e.g. sha256:<64 hex digits>");
	if (strncmp(d, "sha256:", 7) != 0)
		return bad(e, s, "only sha256 digests are supported");
	if (!rc_digest_valid(d))
		return bad(e, s, "a sha256 digest has 64 lower-case hex digits");
	memcpy(r->digest, d, RC_DIGEST_LEN);
	return 0;
}

static int parse_path(const char *s, const char *path, struct rc_err *e)
{
	const char *p = path;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!path_component_valid(p, n)) {
			for (size_t i = 0; i < n; i++)
				if (p[i] >= 'A' && p[i] <= 'Z')
					return bad(e, s, "repository name must be lowercase");
			return bad(e, s, n ? "a repository path component is lower-case letters and "
					 "digits, separated by '.', '_', '__' or dashes"
					 : "empty repository path component");
		}
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

static int copy_path(struct rc_ref *r, const char *p)
{
	size_t n = strlen(p);

	if (n >= sizeof r->path)
		return -1;
	memcpy(r->path, p, n + 1);
	return 0;
}

int rc_ref_parse(const char *s, struct rc_ref *ret, struct rc_err *e)
{
	char name[RC_REF_STR_MAX];
	struct rc_ref r;
	const char *at, *slash;
	char *colon, *sl;
	size_t len;

	memset(&r, 0, sizeof r);
	if (!s || !*s)
		return bad(e, "", "the reference is empty");
	len = strlen(s);
	if (len >= sizeof name)
		return bad(e, s, "too long");
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)s[i]) || !isprint((unsigned char)s[i]))
			return bad(e, s, "it contains white space or control characters");
	at = strchr(s, '@');
	if (at) {
		if (parse_digest(s, at + 1, &r, e) < 0)
			return -1;
		len = (size_t)(at - s);
	}
	memcpy(name, s, len);
	name[len] = '\0';
	if (!*name)
		return bad(e, s, "the repository name is empty");

	/* A ':' after the last '/' starts the tag. */
	colon = strrchr(name, ':');
	sl = strrchr(name, '/');
	if (colon && (!sl || colon > sl)) {
		*colon = '\0';
		if (!tag_valid(colon + 1))
			return bad(e, s, "a tag is up to 128 letters, digits, '_', '.' and '-', "
				   "not starting with '.' or '-'");
		snprintf(r.tag, sizeof r.tag, "%s", colon + 1);
	}

	slash = strchr(name, '/');
	if (slash && looks_like_domain(name, (size_t)(slash - name))) {
		size_t dn = (size_t)(slash - name);
		if (dn >= sizeof r.domain)
			return bad(e, s, "the registry name is too long");
		memcpy(r.domain, name, dn);
		r.domain[dn] = '\0';
		if (!domain_valid(r.domain))
			return bad(e, s, "the registry is not a valid host[:port]");
		if (!strcmp(r.domain, "index.docker.io"))
			strcpy(r.domain, DOCKER_HUB);
		if (copy_path(&r, slash + 1) < 0)
			return bad(e, s, "the repository name is longer than 255 characters");
	} else {
		strcpy(r.domain, DOCKER_HUB);
		if (copy_path(&r, name) < 0)
			return bad(e, s, "the repository name is longer than 255 characters");
	}
	if (!strcmp(r.domain, DOCKER_HUB) && !strchr(r.path, '/')) {
		char tmp[RC_REF_PATH_MAX];
		if (strlen(r.path) + 8 >= sizeof tmp)
			return bad(e, s, "the repository name is too long");
		snprintf(tmp, sizeof tmp, "library/%s", r.path);
		memcpy(r.path, tmp, sizeof tmp);
	}
	if (parse_path(s, r.path, e) < 0)
		return -1;
	if (strlen(r.domain) + 1 + strlen(r.path) > 255)
		return bad(e, s, "the repository name is longer than 255 characters");
	if (!r.tag[0] && !r.digest[0])
		strcpy(r.tag, "latest");
	*ret = r;
	return 0;
}

void rc_ref_name(const struct rc_ref *r, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", r->domain, r->path);
}

void rc_ref_string(const struct rc_ref *r, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s%s%s%s%s", r->domain, r->path, r->tag[0] ? ":" : "", r->tag,
		 r->digest[0] ? "@" : "", r->digest);
}

const char *rc_ref_api_host(const struct rc_ref *r)
{
	return strcmp(r->domain, DOCKER_HUB) ? r->domain : DOCKER_HUB_API;
}

const char *rc_ref_manifest_ref(const struct rc_ref *r)
{
	return r->digest[0] ? r->digest : r->tag;
}

bool rc_host_is_loopback(const char *hostport)
{
	char host[RC_REF_DOMAIN_MAX];
	const char *end;
	size_t n;

	if (hostport[0] == '[') {
		end = strchr(hostport, ']');
		if (!end)
			return false;
		n = (size_t)(end - hostport - 1);
		return n == 3 && !strncmp(hostport + 1, "::1", 3);
	}
	end = strchr(hostport, ':');
	n = end ? (size_t)(end - hostport) : strlen(hostport);
	if (n >= sizeof host)
		return false;
	memcpy(host, hostport, n);
	host[n] = '\0';
	if (!strcasecmp(host, "localhost"))
		return true;
	if (strncmp(host, "127.", 4) != 0)
		return false;
	/* 127.a.b.c, each a decimal number */
	int dots = 0;
	for (const char *p = host + 4; *p; p++) {
		if (*p == '.')
			dots++;
		else if (!isdigit((unsigned char)*p))
			return false;
	}
	return dots == 2;
}
