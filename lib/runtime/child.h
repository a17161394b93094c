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
#include "runtime/run.h"
#include "runtime/spec.h"
#include "runtime/sysfilter.h"

/* Everything the child needs, prepared by the parent before clone. */
struct rc_child {
	const struct rc_run *r;
	int go_rd, err_wr;          /* the go byte in; the report out */
	int ns_fd[RC_NS_MAX];       /* namespaces to join, -1: none */
	bool new_net;               /* a fresh network namespace: bring lo up */
	int null_fd;                /* stdin when not interactive, -1 otherwise */
	struct rc_seccomp *seccomp; /* the container's filter (secopt.h), NULL: none */
	int tty_sock;               /* -t: where the pty master goes, -1 otherwise */
	bool has_ws;
	struct winsize ws;          /* the caller's window size */
};

/* What the child writes to err_wr when it cannot get to exec. */
struct rc_child_report {
	int status;                 /* 125, 126 or 127 */
	char msg[RC_ERR_MSG_MAX];
};

/* For rc-exec: in a process already inside the running container's
 * namespaces (root included) and cgroup, apply the config's limits, user,
 * environment, working directory, seccomp filter, capabilities and
 * no_new_privs, and exec its args; failures go to err_wr. */
_Noreturn void rc_child_exec(struct rc_child *c);

/* Run in the cloned process; never returns. */
_Noreturn void rc_child_main(struct rc_child *c);

#endif
