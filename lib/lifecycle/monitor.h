/* monitor.h - the small process that stays with each detached container.
 *
 * rc-unshare -d forks; the fork starts the container (run.h) and then execs
 * rc-monitor, a small libc-only program, so that one small process per
 * container remains: the container's parent. It copies the container's
 * stdout and stderr from two pipes into containers/NAME/log (logfile.h),
 * runs its healthcheck (health.h), reaps it, records its exit status and
 * time and whether the kernel killed any of it for memory (ctr.h), removes what the
 * container had (cgroup, pid file, its own network namespace pin, the
 * /etc files it made) and applies the restart policy: to restart it execs
 * rc-unshare again with the same arguments, handing back the lock, the log
 * pipes and the restart count in RC_MONITOR_RESTART, so the container keeps
 * one monitor process (and pid) for its whole life. A container that turns
 * unhealthy is stopped (its stop signal, SIGKILL 10 s later) and restarted
 * when its policy would restart it.
 *
 * The monitor holds no descriptor and no mapping the container can reach:
 * the container lives in its own pid and mount namespaces and was exec'd
 * before the monitor was.
 */
#ifndef RC_MONITOR_H
#define RC_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "lifecycle/health.h"
#include "net/etcfiles.h"

#define RC_MONITOR_ENV "RC_MONITOR_RESTART"

enum rc_restart { RC_RESTART_NO, RC_RESTART_ON_FAILURE, RC_RESTART_ALWAYS };

struct rc_restart_policy {
	enum rc_restart when;
	int max;                /* on-failure:N, 0: no limit */
};

/* "no", "on-failure", "on-failure:N", "always" (and docker's
 * "unless-stopped", the same as always here). */
int rc_restart_parse(const char *s, struct rc_restart_policy *ret, struct rc_err *e);

struct rc_monitor {
	const char *name;
	pid_t pid;              /* the container's first process; 0: its start failed */
	int start_status;       /* pid 0: the failed start's status (125..127) */
	int dir_fd;             /* containers/NAME */
	int containers_fd;      /* containers/, for --rm */
	int lock_fd;            /* the container's flock, held for its whole life */
	int log_rd, log_wr;     /* the stdout pipe (the write end kept for restarts) */
	int err_rd, err_wr;     /* the stderr pipe; -1: stderr comes with stdout */
	const char *cgroup_base;
	const char *cgroup;     /* its leaf below rc/ (state.h) */
	bool pinned;            /* rc-unshare pinned the network namespace */
	struct rc_etc etc;      /* the /etc files rc-unshare wrote */
	bool remove;            /* --rm */
	struct rc_restart_policy policy;
	int restarts;           /* done so far */
	long long log_max_size;
	int log_max_files;
	struct rc_health_check health;  /* argv NULL: none */
	int stop_signal;        /* to stop it when unhealthy (0: SIGTERM) */
	char **argv;            /* rc-unshare's arguments, to restart */
};

/* How long an unhealthy container has to stop before SIGKILL. */
#define RC_MONITOR_STOP_MS 10000

/* The monitor's command line, one module both ways: rc-unshare builds it
 * to exec rc-monitor (a malloc'd vector, freed with rc_monitor_argv_free)
 * and rc-monitor reads it back, every number checked (status 2 when one
 * is malformed or a required option is missing). */
int rc_monitor_to_argv(const struct rc_monitor *m, char ***ret, struct rc_err *e);
void rc_monitor_argv_free(char **argv);
int rc_monitor_from_argv(int argc, char **argv, struct rc_monitor *m, struct rc_err *e);

/* Supervise the container until it ends for good; never returns (it exits,
 * or execs rc-unshare to restart). */
_Noreturn void rc_monitor_main(struct rc_monitor *m);

/* The path of program prog beside the running one (both live in one
 * directory), into buf. */
int rc_sibling_path(const char *prog, char *buf, size_t len, struct rc_err *e);

#endif
