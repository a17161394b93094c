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
#include "runtime/mounts.h"
#include "runtime/run.h"
#include "runtime/spec.h"
#include "runtime/sysfilter.h"

struct rc_child;

/* What a caller adds to the child's way (rc-oci's create/start split and
 * hooks); each returns < 0 with e filled to stop it. */
struct rc_child_ops {
	/* In the container's namespaces, its filesystem built, before
	 * pivot_root (mounts.h's before_pivot). */
	int (*before_pivot)(struct rc_child *c, int rootfd, struct rc_err *e);
	/* User, capabilities and working directory set, the command found,
	 * before the seccomp filter that no_new_privs defers and the exec. */
	int (*before_exec)(struct rc_child *c, struct rc_err *e);
};

/* Everything the child needs, prepared by the parent before clone. */
struct rc_child {
	const struct rc_run *r;
	const struct rc_launch *l;  /* its ends: go byte in, report out, terminal, stdin */
	int ns_fd[RC_NS_MAX];       /* namespaces to join, -1: none */
	bool new_net;               /* a fresh network namespace: bring lo up */
	struct rc_seccomp *seccomp; /* the container's filter (secopt.h), NULL: none */
	/* rc-oci's (zero for rc-unshare and rc-exec): */
	bool detached;              /* outlives the parent (no PDEATHSIG) */
	bool keep_keyring;          /* --no-new-keyring: the caller's session keyring */
	bool plain_env;             /* the config's environment as it is, HOME added (runc's) */
	int preserve_fds;           /* descriptors 3..3+N-1 are the process's too */
	int keep_fd[2];             /* descriptors the ops use until exec (< 3: none) */
	const struct rc_child_ops *ops;
	void *ops_arg;
	const struct rc_fs *fs_opts; /* root propagation, no_pivot, cgroup_dirs; NULL: none */
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

/* A sysctl of the config may only change the container's own network and
 * IPC namespaces (own_net, own_ipc), never the host's. */
int rc_child_check_sysctls(const struct rc_spec *s, bool own_net, bool own_ipc, struct rc_err *e);

#endif
