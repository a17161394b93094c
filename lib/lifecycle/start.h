/* start.h - rc-start and rc-restart: a container started again with the
 * options it was last started with (options.h), by running rc-unshare.
 *
 * As `docker start`, in the background under its monitor unless attached;
 * a container that has never been started (rc-unpack made it, no options
 * recorded) starts as `rc-unshare -d NAME` would start it.
 */
#ifndef RC_START_H
#define RC_START_H

#include <stdbool.h>

#include "base/err.h"

struct rc_start_opts {
	bool attach;            /* in the foreground, as rc-unshare without -d */
	bool interactive;       /* attached: stdin passed to the process too */
	const char *pidfile;    /* detached: write the monitor's pid there */
};

/* Start NAME; refused (status 1) while it runs. Detached: returns once its
 * command runs. Attached: becomes rc-unshare (returns only on failure). */
int rc_ctr_start(const char *root, const char *name, const struct rc_start_opts *o,
		 struct rc_err *e);

/* rc-stop (timeout as rc_ctr_stop takes it) if it runs, then rc-start. */
int rc_ctr_restart(const char *root, const char *name, int timeout, struct rc_err *e);

#endif
