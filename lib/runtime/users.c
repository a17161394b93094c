/* users.c - user and group resolution inside the container; see users.h. */
#include "runtime/users.h"
#include "base/safepath.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNT_FILE_MAX (4u << 20)
#define LINE_MAX_LEN 8192

static int read_one(int rootfd, const char *path, char **ret, struct rc_err *e)
{
	*ret = NULL;
	if (rc_sp_read_regular(rootfd, path, ACCOUNT_FILE_MAX, ret, NULL) == 0)
		return 0;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	if (errno == EINVAL)
		return rc_errf(e, 0, "reading the image's /%s: not a regular file", path);
	return rc_errf(e, errno, "reading the image's /%s", path);
}

int rc_accounts_read(int rootfd, struct rc_accounts *ret, struct rc_err *e)
{
	struct rc_accounts a = { 0 };

	if (read_one(rootfd, "etc/passwd", &a.passwd, e) < 0 ||
	    read_one(rootfd, "etc/group", &a.group, e) < 0) {
		rc_accounts_free(&a);
		return -1;
	}
	*ret = a;
	return 0;
}

void rc_accounts_free(struct rc_accounts *a)
{
	free(a->passwd);
	free(a->group);
	a->passwd = a->group = NULL;
}

void rc_user_free(struct rc_user *u)
{
	free(u->gids);
	u->gids = NULL;
	u->ngids = 0;
}

static bool parse_id(const char *s, unsigned long *ret)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*ret = strtoul(s, &end, 10);
	return !errno && !*end && *ret < 0xffffffffUL;
}

/* Split a colon-separated line into at most n fields (in place). */
static size_t split(char *line, char **f, size_t n)
{
	size_t k = 0;

	while (k < n) {
		f[k++] = line;
		line = strchr(line, ':');
		if (!line)
			break;
		*line++ = '\0';
	}
	return k;
}

/* Call fn on a copy of each line of text (comments and blank lines skipped)
 * split into at most nf fields, until it returns true. */
static bool each_entry(const char *text, size_t nf, bool (*fn)(char **f, size_t n, void *arg),
		       void *arg)
{
	char line[LINE_MAX_LEN], *f[8];

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len && len < sizeof line && p[0] != '#') {
			memcpy(line, p, len);
			line[len] = '\0';
			if (fn(f, split(line, f, nf), arg))
				return true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

struct pw_query {
	const char *name;   /* by name, or by uid when NULL */
	uid_t uid;
	struct rc_user *u;
	char login[256];
};

static bool pw_match(char **f, size_t n, void *arg)
{
	struct pw_query *q = arg;
	unsigned long id, gid;

	if (n < 7 || !parse_id(f[2], &id) || !parse_id(f[3], &gid))
		return false;
	if (q->name ? strcmp(f[0], q->name) != 0 : id != q->uid)
		return false;
	q->u->uid = (uid_t)id;
	q->u->gid = (gid_t)gid;
	snprintf(q->u->home, sizeof q->u->home, "%s", f[5]);
	snprintf(q->login, sizeof q->login, "%s", f[0]);
	return true;
}

struct gr_query {
	const char *name;   /* the group to find, or NULL: collect memberships */
	gid_t gid;
	const char *member;
	struct rc_user *u;
	int err;
};

static bool gr_match(char **f, size_t n, void *arg)
{
	struct gr_query *q = arg;
	unsigned long id;

	if (n < 3 || !parse_id(f[2], &id))
		return false;
	if (q->name) {
		q->gid = (gid_t)id;
		return !strcmp(f[0], q->name);
	}
	if (n < 4 || (gid_t)id == q->u->gid)
		return false;
	for (char *save, *m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (strcmp(m, q->member))
			continue;
		gid_t *g = realloc(q->u->gids, (q->u->ngids + 1) * sizeof *g);
		if (!g) {
			q->err = ENOMEM;
			return true;
		}
		q->u->gids = g;
		g[q->u->ngids++] = (gid_t)id;
		break;
	}
	return false;
}

/* The groups whose member list names login. */
static int add_memberships(const struct rc_accounts *a, const char *login, struct rc_user *u,
			   struct rc_err *e)
{
	struct gr_query q = { .member = login, .u = u };

	if (!a->group || !*login)
		return 0;
	each_entry(a->group, 4, gr_match, &q);
	return q.err ? rc_errf(e, q.err, "reading the group file") : 0;
}

int rc_user_lookup_uid(uid_t uid, const struct rc_accounts *a, struct rc_user *ret,
		       struct rc_err *e)
{
	struct rc_user u = { .uid = uid };
	struct pw_query q = { .uid = uid, .u = &u };

	if (a->passwd && each_entry(a->passwd, 7, pw_match, &q) &&
	    add_memberships(a, q.login, &u, e) < 0) {
		rc_user_free(&u);
		return -1;
	}
	*ret = u;
	return 0;
}

int rc_user_resolve(const char *spec, const struct rc_accounts *a, struct rc_user *ret,
		    struct rc_err *e)
{
	char user[256], *grp;
	unsigned long id;
	struct rc_user u = { 0 };
	struct pw_query q = { .u = &u };
	bool found;

	if (!spec || strlen(spec) >= sizeof user)
		return rc_errf(e, 0, "invalid user \"%s\"", spec ? spec : "");
	snprintf(user, sizeof user, "%s", *spec ? spec : "0");
	grp = strchr(user, ':');
	if (grp)
		*grp++ = '\0';
	if (!*user || (grp && !*grp))
		return rc_errf(e, 0, "invalid user \"%s\"", spec);
	if (parse_id(user, &id)) {
		q.uid = (uid_t)id;
		found = a->passwd && each_entry(a->passwd, 7, pw_match, &q);
		u.uid = (uid_t)id;
	} else {
		q.name = user;
		found = a->passwd && each_entry(a->passwd, 7, pw_match, &q);
		if (!found)
			return rc_errf(e, 0, "unable to find user %s: no matching entries in passwd file",
				       user);
	}
	if (grp) {
		struct gr_query g = { .name = grp };
		if (parse_id(grp, &id))
			u.gid = (gid_t)id;
		else if (a->group && each_entry(a->group, 4, gr_match, &g))
			u.gid = g.gid;
		else
			return rc_errf(e, 0, "unable to find group %s: no matching entries in group file",
				       grp);
	} else if (found && add_memberships(a, q.login, &u, e) < 0) {
		/* Supplementary groups only in the implicit form, as docker. */
		rc_user_free(&u);
		return -1;
	}
	*ret = u;
	return 0;
}
