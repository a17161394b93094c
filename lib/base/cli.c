/* cli.c - the NAME... loop of the lifecycle programs; see cli.h. */
#include "base/cli.h"
#include "base/state.h"

#include <stdio.h>

int rc_cli_each_name(const char *prog, int argc, char **argv, int first, const char *root,
		     int (*fn)(const char *root, const char *name, void *arg, struct rc_err *e),
		     void *arg)
{
	int status = 0;

	if (first >= argc) {
		fprintf(stderr, "%s: missing container NAME\nTry '%s --help' for more information.\n",
			prog, prog);
		return 2;
	}
	for (int i = first; i < argc; i++) {
		struct rc_err e = { 0 };

		if (fn(rc_root(root), argv[i], arg, &e) < 0) {
			rc_err_print(prog, &e);
			status = e.status == 2 && status != 1 ? 2 : 1;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return status;
}
