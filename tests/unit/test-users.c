/* Unit tests for lib/runtime/users.c: USER[:GROUP] against the container's
 * files, and reading those files. */
#include "runtime/users.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void resolve_tests(void)
{
	char pw[] = "root:x:0:0:root:/root:/bin/sh\n# comment\n"
		    "daemon:x:2:2:daemon:/sbin:/sbin/nologin\n"
		    "broken line\nbad:x:notanumber:1::/:\n"
		    "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
		    "app:x:1001:1001:App:/home/app:/bin/sh\n";
	char gr[] = "root:x:0:root\nwheel:x:10:root,alice\nstaff:x:50:bob,alice\nalice:x:1000:\n"
		    "app:x:1001:app\nextra:x:2000:other,app\n";
	struct rc_accounts a = { pw, gr }, none = { NULL, NULL };
	struct rc_user u;
	struct rc_err e = { 0 };

	ok(rc_user_resolve("alice", &a, &u, &e) == 0, "a name resolves");
	ok(u.uid == 1000 && u.gid == 1000, "to its uid and primary gid");
	ok(u.ngids == 2 && u.gids[0] == 10 && u.gids[1] == 50, "with the groups that list it");
	is_str(u.home, "/home/alice", "and its home");
	rc_user_free(&u);
	ok(rc_user_resolve("app", &a, &u, &e) == 0 && u.gid == 1001 && u.ngids == 1 && u.gids[0] == 2000,
	   "its primary group is not repeated among the supplementary ones");
	rc_user_free(&u);
	ok(rc_user_resolve("alice:staff", &a, &u, &e) == 0 && u.gid == 50 && u.ngids == 0,
	   "a group name overrides the primary gid, and no supplementary groups (docker)");
	rc_user_free(&u);
	ok(rc_user_resolve("2:10", &a, &u, &e) == 0 && u.uid == 2 && u.gid == 10, "numbers are taken as they are");
	rc_user_free(&u);
	ok(rc_user_resolve("4242", &a, &u, &e) == 0 && u.uid == 4242 && u.gid == 0 && u.home[0] == '\0',
	   "a uid without an entry gets gid 0");
	rc_user_free(&u);
	ok(rc_user_resolve("1000", &a, &u, &e) == 0 && u.gid == 1000 && u.ngids == 2, "a uid with an entry gets its groups");
	rc_user_free(&u);
	ok(rc_user_resolve("", &a, &u, &e) == 0 && u.uid == 0 && u.gid == 0 && u.ngids == 1 &&
	   u.gids[0] == 10 && !strcmp(u.home, "/root"), "no user is root, with root's groups and home");
	rc_user_free(&u);
	ok(rc_user_resolve("mallory", &a, &u, &e) < 0 && strstr(e.msg, "unable to find user mallory"),
	   "an unknown name is an error");
	ok(rc_user_resolve("alice:nogroup", &a, &u, &e) < 0 && strstr(e.msg, "unable to find group nogroup"),
	   "an unknown group is an error");
	ok(rc_user_resolve("alice:", &a, &u, &e) < 0, "an empty group is an error");
	ok(rc_user_resolve("-1", &a, &u, &e) < 0, "a negative uid is not a number");
	ok(rc_user_resolve("bad", &a, &u, &e) < 0, "a malformed passwd line is skipped");
	ok(rc_user_resolve("0", &none, &u, &e) == 0 && u.uid == 0, "no passwd file: numbers still work");
	rc_user_free(&u);
	ok(rc_user_resolve("root", &none, &u, &e) < 0, "no passwd file: names do not");
	ok(rc_user_lookup_uid(0, &a, &u, &e) == 0 && !strcmp(u.home, "/root") && u.ngids == 1,
	   "lookup by uid finds home and groups");
	rc_user_free(&u);
}

/* An image's /etc/passwd that is a FIFO would hang whoever opens it to
 * read; a device node would have the host open the device. */
static void read_tests(void)
{
	char dir[] = "/tmp/rc-test-users.XXXXXX";
	struct rc_accounts a;
	struct rc_err e = { 0 };
	int rootfd, fd;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	mkdirat(rootfd, "etc", 0755);
	ok(rc_accounts_read(rootfd, &a, &e) == 0 && !a.passwd && !a.group, "missing files are no error");
	fd = openat(rootfd, "etc/passwd", O_WRONLY | O_CREAT, 0644);
	ok(write(fd, "root:x:0:0::/root:/bin/sh\n", 26) == 26, "a passwd file");
	close(fd);
	symlinkat("/etc/passwd", rootfd, "etc/group");
	ok(rc_accounts_read(rootfd, &a, &e) == 0 && a.passwd && a.group && !strcmp(a.passwd, a.group),
	   "an absolute symlink is followed inside the root");
	rc_accounts_free(&a);
	unlinkat(rootfd, "etc/group", 0);
	ok(mkfifoat(rootfd, "etc/group", 0644) == 0, "a FIFO as /etc/group");
	ok(rc_accounts_read(rootfd, &a, &e) < 0 && strstr(e.msg, "/etc/group: not a regular file"),
	   "is refused without hanging");
	unlinkat(rootfd, "etc/group", 0);
	ok(mknodat(rootfd, "etc/group", S_IFCHR | 0644, makedev(1, 3)) == 0, "a device node as /etc/group");
	ok(rc_accounts_read(rootfd, &a, &e) < 0 && strstr(e.msg, "not a regular file"), "is refused");
	unlinkat(rootfd, "etc/group", 0);
	unlinkat(rootfd, "etc/passwd", 0);
	unlinkat(rootfd, "etc", AT_REMOVEDIR);
	close(rootfd);
	rmdir(dir);
}

int main(void)
{
	TAP_PLAN(25);
	resolve_tests();
	read_tests();
	return tap_done();
}
