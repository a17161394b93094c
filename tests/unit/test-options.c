/* Unit tests for lib/lifecycle/options.c: containers/NAME/options. */
#include "lifecycle/options.h"
#include "base/state.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/test-options.XXXXXX", **v = NULL;
	char *const argv[] = { "--label=a=b", "--detach", "--env=X=line\none", "--label=c", "--",
			       "sh", "--label=not-an-option", NULL };
	struct rc_err e = { 0 };
	struct stat st;
	size_t pos = 0;
	int fd;

	TAP_PLAN(11);
	if (!mkdtemp(dir) || (fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return 1;
	ok(rc_options_read(fd, &v, &e) == 0 && v == NULL, "no file: no options, no error");
	ok(rc_options_write(fd, argv, &e) == 0, "written (%s)", e.msg);
	ok(fstatat(fd, RC_FILE_OPTIONS, &st, 0) == 0 && (st.st_mode & 0777) == 0600,
	   "only root may read it (variables may be secrets)");
	ok(rc_options_read(fd, &v, &e) == 0 && v && v[7] == NULL && !strcmp(v[2], "--env=X=line\none") &&
	   !strcmp(v[6], "--label=not-an-option"), "read back exactly, newlines and all");
	is_str(rc_options_next(v, "label", &pos), "a=b", "the first of an option");
	is_str(rc_options_next(v, "label", &pos), "c", "the next");
	ok(rc_options_next(v, "label", &pos) == NULL, "none after \"--\": that is the command");
	is_str(rc_options_get(v, "detach"), "", "a flag has an empty value");
	ok(rc_options_get(v, "lab") == NULL && !strcmp(rc_options_get(v, "env"), "X=line\none"), "only whole names match");
	rc_options_free(v);
	v = NULL;
	ok(write(openat(fd, RC_FILE_OPTIONS, O_WRONLY | O_TRUNC), "--x", 3) == 3 &&
	   rc_options_read(fd, &v, &e) < 0 && v == NULL, "a file not ending in NUL is refused");
	ok(strstr(e.msg, "does not end with a NUL") != NULL, "saying so (%s)", e.msg);
	unlinkat(fd, RC_FILE_OPTIONS, 0);
	rmdir(dir);
	return tap_done();
}
