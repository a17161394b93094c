/* exec.h - one more process in a container (rc-oci exec).
 *
 * The process is the container's config's (as create read it) with
 * --process FILE in its place (a runtime-spec process object, as the
 * engines write it), or the config's with the command line's changes. It
 * is started the way rc-exec starts one (exec.h, child.h): rc-oci joins
 * the container's pid namespace for that one child only, the child joins
 * the other namespaces of the container's process (reached through a
 * pidfd proven to be it) and every directory of its cgroup (all or
 * nothing), takes the container's seccomp filter and the process's user,
 * capabilities, limits and terminal, and execs through a descriptor inside
 * the root. With -d rc-oci returns once it runs, writing --pid-file (the
 * engine's shim becomes its parent); else it waits and returns its status.
 */
#ifndef RC_OCI_EXEC_H
#define RC_OCI_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"

struct rc_oci_exec {
	const char *root, *id;
	const char *process;         /* --process FILE ("-": stdin), NULL: from the options */
	char **args;                 /* the command, without --process */
	const char *cwd;             /* --cwd */
	char **env;                  /* --env KEY=VAL... */
	const char *user;            /* --user UID[:GID] */
	gid_t *gids;                 /* --additional-gids */
	size_t ngids;
	char **caps;                 /* --cap CAP_X... */
	bool tty, no_new_privs;      /* -t, --no-new-privs */
	bool detach, ignore_paused;  /* -d, --ignore-paused */
	const char *pid_file, *console_socket;
	int preserve_fds;
};

int rc_oci_exec(const struct rc_oci_exec *o, int *ret_status, struct rc_err *e);

#endif
