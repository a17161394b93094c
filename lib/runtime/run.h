/* run.h - the lifetime of one container process.
 *
 * rc_run() creates the container's cgroup, clones a child into new mount,
 * UTS, IPC, PID, network and cgroup namespaces, moves it into the cgroup,
 * writes containers/NAME/pid and pins the network namespace, then lets the
 * child set up its filesystem (mounts.h), identity, user, capabilities and
 * limits and exec the command. Failures in the child come back over a
 * close-on-exec pipe, so the exec succeeding is the pipe closing. In the
 * foreground, signals are forwarded and the exit status returned; with
 * detach, a forked process starts the container and then execs the small
 * monitor (monitor.h) that stays with it in the background. Every pid file,
 * pin, cgroup and file rc-unshare made is removed when the container ends.
 *
 * The child is forked before pivot_root and only ever execs the container's
 * command: nothing of the host's rc binary is reachable from inside.
 */
#ifndef RC_RUN_H
#define RC_RUN_H

#include <stdbool.h>

#include "runtime/cgroups.h"
#include "base/err.h"
#include "lifecycle/health.h"
#include "net/netns.h"
#include "runtime/spec.h"

struct rc_run {
	const char *name;        /* container name: default hostname */
	const char *cgroup;      /* its cgroup leaf below rc/ (state.h) */
	int dir_fd;              /* containers/NAME (state files), or -1 for a bare rootfs */
	int containers_fd;       /* containers/, for --rm (-1 otherwise) */
	const char *bundle;      /* absolute path: relative bind sources, state files */
	const char *rootfs;      /* absolute path */
	struct rc_spec *spec;    /* with the command line's overrides applied */
	struct rc_limits limits;
	enum rc_net_mode net;
	const char *user;        /* -u USER[:GROUP], resolved in the rootfs; NULL: spec's */
	bool tty, interactive, init, detach, remove;
	const char *cgroup_base; /* RC_CGROUP_BASE unless testing */
	char **options;          /* to record in containers/NAME/options (options.h) */
	char **add_hosts;        /* --add-host NAME:IP, checked (etcfiles.h) */
	char **dns;              /* --dns IP, checked */
	/* -d only: */
	const char *restart;     /* the restart policy (monitor.h), NULL: no */
	const struct rc_health_check *health; /* the healthcheck (health.h), NULL: none */
	long long log_max_size;  /* the log's cap (logfile.h), <= 0: none */
	int log_max_files;
	char **argv;             /* rc-unshare's own arguments, to restart with */
	const char *resume;      /* RC_MONITOR_RESTART: a monitor restarting it */
};

/* Run the container. Returns 0 with *ret_status the process's status
 * (128+N for signal N; with detach: the container's pid, as soon as its
 * command runs), or -1 with e->status 125 (runtime), 126 (cannot execute)
 * or 127 (not found). */
int rc_run(const struct rc_run *r, int *ret_status, struct rc_err *e);

#endif
