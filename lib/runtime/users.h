/* users.h - USER[:GROUP] resolved in the container's own /etc/passwd and
 * /etc/group, as docker does: names or numbers; the supplementary groups
 * are those whose member list names the user, when no group is given; HOME
 * from the passwd entry. rc-unpack resolves an image's User with it,
 * rc-unshare and rc-exec their -u. */
#ifndef RC_USERS_H
#define RC_USERS_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* The two files' contents; NULL where the image has no such file. */
struct rc_accounts {
	char *passwd;
	char *group;
};

struct rc_user {
	uid_t uid;
	gid_t gid;
	gid_t *gids;        /* supplementary groups (malloc'd), never the primary one */
	size_t ngids;
	char home[256];     /* "" when the user has no passwd entry */
};

/* Read /etc/passwd and /etc/group of the root at rootfd, symlinks resolved
 * as the container would see them. Only regular files are read, at most
 * 4 MiB each: a FIFO (which would hang the reader) or a device node (which
 * would make the host open the device) planted by an image is an error
 * naming the file, and is never opened for reading. */
int rc_accounts_read(int rootfd, struct rc_accounts *ret, struct rc_err *e);
void rc_accounts_free(struct rc_accounts *a);

/* Resolve spec ("alice", "1000", "alice:staff", "1000:50"; "" is root).
 * A name that is not in the files is an error; a number need not be.
 * Without a group: the passwd entry's group, else 0. */
int rc_user_resolve(const char *spec, const struct rc_accounts *a, struct rc_user *ret,
		    struct rc_err *e);

/* Look uid up for its HOME ("" when absent) and supplementary groups. */
int rc_user_lookup_uid(uid_t uid, const struct rc_accounts *a, struct rc_user *ret,
		       struct rc_err *e);

void rc_user_free(struct rc_user *u);

#endif
