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

#endif
