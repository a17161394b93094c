/* Unit tests for lib/users.c: USER[:GROUP] against the container's files. */
#include "runtime/users.h"
#include "tap.h"

#include <stdlib.h>

static FILE *mem(const char *s)
{
	return fmemopen((void *)s, strlen(s), "r");
}

int main(void)
{
	const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
			 "daemon:x:2:2:daemon:/sbin:/sbin/nologin\n"
			 "broken line\n"
			 "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n";
	const char *gr = "root:x:0:root\nwheel:x:10:root,alice\nstaff:x:50:bob,alice\nalice:x:1000:\n";
	FILE *p = mem(pw), *g = mem(gr);
	struct rc_user u;
	struct rc_err e = { 0 };

	TAP_PLAN(16);

	ok(rc_user_resolve("alice", p, g, &u, &e) == 0, "a name resolves");
	ok(u.uid == 1000 && u.gid == 1000, "to its uid and primary gid");
	ok(u.ngids == 2 && u.gids[0] == 10 && u.gids[1] == 50, "with the groups that list it");
	is_str(u.home, "/home/alice", "and its home");
	rc_user_free(&u);

	ok(rc_user_resolve("alice:staff", p, g, &u, &e) == 0 && u.gid == 50, "a group name overrides the primary gid");
	rc_user_free(&u);
	ok(rc_user_resolve("2:10", p, g, &u, &e) == 0 && u.uid == 2 && u.gid == 10, "numbers are taken as they are");
	rc_user_free(&u);
	ok(rc_user_resolve("4242", p, g, &u, &e) == 0 && u.uid == 4242 && u.gid == 0 && u.home[0] == '\0',
	   "a uid without an entry gets gid 0");
	rc_user_free(&u);
	ok(rc_user_resolve("1000", p, g, &u, &e) == 0 && u.gid == 1000 && u.ngids == 2, "a uid with an entry gets its groups");
	rc_user_free(&u);
	ok(rc_user_resolve("mallory", p, g, &u, &e) < 0 && strstr(e.msg, "unable to find user mallory"),
	   "an unknown name is an error");
	ok(rc_user_resolve("alice:nogroup", p, g, &u, &e) < 0 && strstr(e.msg, "unable to find group nogroup"),
	   "an unknown group is an error");
	ok(rc_user_resolve("", p, g, &u, &e) < 0, "an empty user is an error");
	ok(rc_user_resolve("alice:", p, g, &u, &e) < 0, "an empty group is an error");
	ok(rc_user_resolve("-1", p, g, &u, &e) < 0, "a negative uid is not a number");
	ok(rc_user_resolve("0", NULL, NULL, &u, &e) == 0 && u.uid == 0, "no passwd file: numbers still work");
	rc_user_free(&u);
	ok(rc_user_resolve("root", NULL, NULL, &u, &e) < 0, "no passwd file: names do not");
	ok(rc_user_lookup_uid(0, p, g, &u, &e) == 0 && !strcmp(u.home, "/root") && u.ngids == 2,
	   "lookup by uid finds home and groups");
	rc_user_free(&u);
	fclose(p);
	fclose(g);
	return tap_done();
}
