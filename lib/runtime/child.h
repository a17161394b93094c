/* child.h - the container's first process, from clone to exec.
 *
 * In its new namespaces it waits for rc-unshare's go (given once it is in
 * its cgroup), joins the namespaces it is to share, sets the host name,
 * brings up lo, builds its filesystem (mounts.h), takes its terminal, and
 * then, in this order: resource limits, user and environment, working
 * directory, capabilities and no_new_privs, the seccomp filter, and exec of
 * the command found in the container's PATH. Every failure is written to
 * the report pipe, which closes on exec: an empty read means it ran.
 */
#ifndef RC_CHILD_H
#define RC_CHILD_H

#include <stdbool.h>
#include <sys/ioctl.h>

#include "base/err.h"
#include "runtime/launch.h"
#include "runtime/run.h"
#include "runtime/spec.h"
#include "runtime/sysfilter.h"

/* Everything the child needs, prepared by the parent before clone. */
struct rc_child {
	const struct rc_run *r;
	const struct rc_launch *l;  /* its ends: go byte in, report out, terminal, stdin */
	int ns_fd[RC_NS_MAX];       /* namespaces to join, -1: none */
	bool new_net;               /* a fresh network namespace: bring lo up */
	struct rc_seccomp *seccomp; /* the container's filter (secopt.h), NULL: none */
};

/* What the child writes to the report pipe when it cannot get to exec. */
struct rc_child_report {
	int status;                 /* 125, 126 or 127 */
	char msg[RC_ERR_MSG_MAX];
};

/* Report why the process could not exec, as status (125, 126 or 127),
 * and exit with it. */
_Noreturn void rc_child_fail(const struct rc_child *c, int status, const struct rc_err *e);

/* For rc-exec, in a child forked into the container's pid namespace: wait
 * for the go (the parent has moved us into the container's cgroup), join
 * the container's other namespaces (its root included), then apply the
 * config's limits, user, environment, working directory, seccomp filter,
 * capabilities and no_new_privs as the first process got them, and exec
 * its args; failures go to the report pipe. */
_Noreturn void rc_child_exec(struct rc_child *c);

/* Run in the cloned process; never returns. */
_Noreturn void rc_child_main(struct rc_child *c);

#endif
