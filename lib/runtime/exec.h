/* exec.h - a new process in a running container (rc-exec).
 *
 * rc-exec makes itself non-dumpable, joins the container's pid namespace
 * for its next child only and forks; it moves the child into the
 * container's cgroup, and the child joins the mount, UTS, IPC, network and
 * cgroup namespaces (so its root and working directory are the
 * container's), then applies the container's user, environment,
 * capabilities, no_new_privs and seccomp filter as its first process got
 * them (child.h) and execs the command. The rc-exec binary itself never
 * enters the container's pid namespace, and its child is not dumpable until
 * it has exec'd the container's command: no process of the container can
 * reach the host's binary through /proc/PID/exe (runc's CVE-2019-5736).
 */
#ifndef RC_EXEC_H
#define RC_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "runtime/overrides.h"

struct rc_exec_opts {
	const char *root, *name;
	struct rc_overrides ov;  /* cmd (at least one word), env, user, workdir, tty */
};

/* Run the command, returning its status (128+N for signal N) in
 * *ret_status; -1 with e->status 125, 126 or 127 when it could not run. */
int rc_exec(const struct rc_exec_opts *o, int *ret_status, struct rc_err *e);

/* Open the namespaces of pid (indexed by enum rc_ns) that are not the
 * caller's already (a container on the host's network shares ours); the
 * others are -1. For rc-oci's exec too. */
int rc_exec_open_ns(pid_t pid, int fds[], struct rc_err *e);

#endif
