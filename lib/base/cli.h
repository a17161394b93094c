/* cli.h - what the NAME... programs (rc-stop, rc-kill, rc-rm) share. */
#ifndef RC_CLI_H
#define RC_CLI_H

#include "base/err.h"

/* Call fn(root, name, arg, e) for each NAME in argv[first..argc), printing
 * NAME on stdout when it succeeds and "prog: message" when it fails. A
 * missing NAME is a usage error. Returns the exit status: 0 when every call
 * succeeded, 2 when the only failures were usage errors (e->status 2), 1
 * otherwise. */
int rc_cli_each_name(const char *prog, int argc, char **argv, int first, const char *root,
		     int (*fn)(const char *root, const char *name, void *arg, struct rc_err *e),
		     void *arg);

/* The whole main of a program whose options are -t/--time/--timeout SECONDS
 * (default: timeout; a negative one is refused), --root DIR, -h and -V (rc-stop,
 * rc-restart): parses them, then calls fn for each NAME with a pointer to
 * the timeout as arg. Returns the exit status as rc_cli_each_name does. */
int rc_cli_timeout_main(const char *prog, const char *usage, int timeout, int argc, char **argv,
			int (*fn)(const char *root, const char *name, void *arg, struct rc_err *e));

#endif
