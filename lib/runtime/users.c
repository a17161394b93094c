/* users.c - user and group resolution inside the container; see users.h. */
#include "runtime/users.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

void rc_user_free(struct rc_user *u)
{
	free(u->gids);
	u->gids = NULL;
	u->ngids = 0;
}

/* Non-blocking, and only a regular file: the container may have made it a
 * fifo, whose open would block the start (or rc-exec) forever. */
FILE *rc_user_open_db(int rootfd, const char *path)
{
	struct open_how how = { .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
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

	line[strcspn(line, "\n")] = '\0';
	while (k < n) {
		f[k++] = line;
		line = strchr(line, ':');
		if (!line)
			break;
		*line++ = '\0';
	}
	return k;
}

/* Find a passwd entry by name (name != NULL) or by uid. */
static bool passwd_find(FILE *db, const char *name, uid_t uid, struct rc_user *u)
{
	char line[4096], *f[7];
	unsigned long id, gid;

	if (!db)
		return false;
	rewind(db);
	while (fgets(line, sizeof line, db)) {
		if (split(line, f, 7) < 7 || !parse_id(f[2], &id) || !parse_id(f[3], &gid))
			continue;
		if (name ? strcmp(f[0], name) != 0 : id != uid)
			continue;
		u->uid = (uid_t)id;
		u->gid = (gid_t)gid;
		snprintf(u->home, sizeof u->home, "%s", f[5]);
		return true;
	}
	return false;
}

static bool group_find(FILE *db, const char *name, gid_t *gid)
{
	char line[4096], *f[4];
	unsigned long id;

	if (!db)
		return false;
	rewind(db);
	while (fgets(line, sizeof line, db))
		if (split(line, f, 4) >= 3 && !strcmp(f[0], name) && parse_id(f[2], &id)) {
			*gid = (gid_t)id;
			return true;
		}
	return false;
}

/* Every group whose member list names user. */
static int member_groups(FILE *db, const char *user, struct rc_user *u, struct rc_err *e)
{
	char line[8192], *f[4];
	unsigned long id;

	if (!db || !user)
		return 0;
	rewind(db);
	while (fgets(line, sizeof line, db)) {
		if (split(line, f, 4) < 4 || !parse_id(f[2], &id))
			continue;
		for (char *m = strtok(f[3], ","); m; m = strtok(NULL, ","))
			if (!strcmp(m, user)) {
				gid_t *n = realloc(u->gids, (u->ngids + 1) * sizeof *n);
				if (!n)
					return rc_errf(e, ENOMEM, "allocating");
				u->gids = n;
				u->gids[u->ngids++] = (gid_t)id;
				break;
			}
	}
	return 0;
}

/* The passwd name of uid, for the group lookup. */
static bool passwd_name(FILE *db, uid_t uid, char *buf, size_t len)
{
	char line[4096], *f[7];
	unsigned long id;

	if (!db)
		return false;
	rewind(db);
	while (fgets(line, sizeof line, db))
		if (split(line, f, 7) >= 3 && parse_id(f[2], &id) && id == uid) {
			snprintf(buf, len, "%s", f[0]);
			return true;
		}
	return false;
}

int rc_user_lookup_uid(uid_t uid, FILE *passwd, FILE *group, struct rc_user *ret,
		       struct rc_err *e)
{
	char name[256];
	struct rc_user u = { .uid = uid };

	if (passwd_find(passwd, NULL, uid, &u) && passwd_name(passwd, uid, name, sizeof name) &&
	    member_groups(group, name, &u, e) < 0) {
		rc_user_free(&u);
		return -1;
	}
	*ret = u;
	return 0;
}

int rc_user_resolve(const char *spec, FILE *passwd, FILE *group, struct rc_user *ret,
		    struct rc_err *e)
{
	char user[256], *grp;
	unsigned long id;
	struct rc_user u = { 0 };
	bool found;
	char name[256];

	if (!spec || !*spec || strlen(spec) >= sizeof user)
		return rc_errf(e, 0, "invalid user \"%s\"", spec ? spec : "");
	strcpy(user, spec);
	grp = strchr(user, ':');
	if (grp)
		*grp++ = '\0';
	if (!*user || (grp && !*grp))
		return rc_errf(e, 0, "invalid user \"%s\"", spec);

	if (parse_id(user, &id)) {
		found = passwd_find(passwd, NULL, (uid_t)id, &u);
		u.uid = (uid_t)id;
		if (!found)
			u.gid = 0;
	} else if (!passwd_find(passwd, user, 0, &u)) {
		return rc_errf(e, 0, "unable to find user %s: no matching entries in passwd file", user);
	}
	if (grp) {
		gid_t g;
		if (parse_id(grp, &id))
			u.gid = (gid_t)id;
		else if (group_find(group, grp, &g))
			u.gid = g;
		else
			return rc_errf(e, 0, "unable to find group %s: no matching entries in group file", grp);
	}
	if (passwd_name(passwd, u.uid, name, sizeof name) && member_groups(group, name, &u, e) < 0) {
		rc_user_free(&u);
		return -1;
	}
	*ret = u;
	return 0;
}
