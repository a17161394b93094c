/* ctr.h - a container's lifecycle state, one fact per file in containers/NAME:
 *
 *   monitor     "PID STARTTIME": the process supervising the container (its
 *               detached monitor, or a foreground rc-unshare) and its start
 *               time in clock ticks (/proc/PID/stat), so that a reused pid is
 *               never taken for it: a dead monitor means a dead container
 *   pid         the container's first process, while it runs
 *   started     when it last started (seconds since the epoch)
 *   exit        its last exit status (128+N when killed by signal N)
 *   finished    when it last ended (seconds since the epoch)
 *   restarts    how often the restart policy has restarted it
 *   restarting  present while the monitor waits to restart it
 *   stopping    present from rc-stop until it has ended: no restart
 *
 * Only the monitor (and rc-unshare) write them; everything else reads.
 * This module needs nothing but libc: the monitor links it.
 */
#ifndef RC_CTR_H
#define RC_CTR_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/state.h"

enum rc_ctr_state { RC_CTR_CREATED, RC_CTR_RUNNING, RC_CTR_RESTARTING, RC_CTR_EXITED };

struct rc_ctr_status {
	enum rc_ctr_state state;
	pid_t pid;              /* the container's first process while running, else 0 */
	pid_t monitor;          /* its live monitor, else 0 */
	int exit_code;          /* exited: the status, -1 when unknown */
	long long started;      /* seconds since the epoch, 0: unknown */
	long long finished;     /* exited: when, 0: unknown */
	long long created;      /* when config.json was written */
	int restarts;
};

/* "created", "running", "restarting" or "exited". */
const char *rc_ctr_state_name(enum rc_ctr_state s);

/* The start time of pid in clock ticks since boot, 0 when there is no such
 * process. */
unsigned long long rc_proc_starttime(pid_t pid);

/* A container, opened by name: how every program reaches containers/NAME. */
struct rc_ctr {
	char name[RC_NAME_MAX + 1];
	int dir_fd;                       /* containers/NAME */
	int containers_fd;                /* containers/ */
	char bundle[PATH_MAX];            /* the absolute path of containers/NAME */
	char cgroup[RC_CGROUP_LEAF_MAX];  /* its cgroup's leaf below rc/ (state.h) */
};
#define RC_CTR_INIT { .dir_fd = -1, .containers_fd = -1 }

/* Open $root/containers/NAME, checking NAME first (e->status 2 when it is
 * malformed); "no such container: NAME" when it does not exist. */
int rc_ctr_open(const char *root, const char *name, struct rc_ctr *ret, struct rc_err *e);
void rc_ctr_close(struct rc_ctr *c);
#define _cleanup_ctr_ __attribute__((cleanup(rc_ctr_close)))

/* Record the calling process as the container's monitor. */
int rc_ctr_set_monitor(int dirfd, struct rc_err *e);

/* Write a number to dirfd/file (atomically) and read it back (dflt when
 * the file is missing or malformed). */
int rc_ctr_write_num(int dirfd, const char *file, long long v, struct rc_err *e);
long long rc_ctr_read_num(int dirfd, const char *file, long long dflt);

/* Create an empty marker file (atomically). */
int rc_ctr_mark(int dirfd, const char *file, struct rc_err *e);

/* The container's state, from its files and /proc only. */
void rc_ctr_status(int dirfd, struct rc_ctr_status *ret);

/* A pidfd of the container's first process, proven to be that very
 * process and not a stranger that got its pid after it ended: the pid in
 * the pid file must be a live child of the container's live monitor (whose
 * start time the monitor file records), checked after the pidfd is open,
 * so that signals sent and namespaces entered through it reach the
 * container or nothing. "container NAME is not running" otherwise (name
 * for the message). */
int rc_ctr_pidfd(int dirfd, const char *name, pid_t *ret_pid, struct rc_err *e);

/* The same for the container's monitor (0: it has none). */
int rc_ctr_monitor_pidfd(int dirfd, pid_t *ret_pid);

/* Whether the process of a pidfd is still alive (not yet exited): what was
 * opened under /proc/PID meanwhile belonged to it. */
bool rc_pidfd_alive(int pidfd);

/* Send sig through a pidfd. 0 or -1 with errno set. */
int rc_pidfd_signal(int pidfd, int sig);

/* Wait up to timeout_ms (-1: for ever) for the container's monitor to end.
 * Returns 0 once it is gone, 1 on timeout. */
int rc_ctr_wait(int dirfd, int timeout_ms);

#endif
