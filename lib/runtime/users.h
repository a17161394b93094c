/* users.h - USER[:GROUP] resolved in the container's own /etc/passwd and
 * /etc/group, as docker does: names or numbers, supplementary groups from
 * the group file, HOME from the passwd entry. */
#ifndef RC_USERS_H
#define RC_USERS_H

#include <stdio.h>
#include <sys/types.h>

#include "base/err.h"

struct rc_user {
	uid_t uid;
	gid_t gid;
	gid_t *gids;        /* supplementary groups (malloc'd) */
	size_t ngids;
	char home[256];     /* "" when the user has no passwd entry */
};

/* Resolve spec ("alice", "1000", "alice:staff", "1000:50") against the
 * passwd and group files (either may be NULL when the image has none).
 * A name that is not in the file is an error; a number need not be.
 * Without a group: the passwd entry's group, else 0. */
int rc_user_resolve(const char *spec, FILE *passwd, FILE *group,
		    struct rc_user *ret, struct rc_err *e);

/* Look up uid in passwd only for its HOME (ret_home "" when absent), and
 * the supplementary groups of that user's name from group. */
int rc_user_lookup_uid(uid_t uid, FILE *passwd, FILE *group,
		       struct rc_user *ret, struct rc_err *e);

/* Open /etc/passwd (or /etc/group) inside the root at rootfd, resolving
 * symlinks as the container would see them. NULL when it does not exist or
 * is not a regular file (a fifo there must not block the start). */
FILE *rc_user_open_db(int rootfd, const char *path);

void rc_user_free(struct rc_user *u);

#endif
