/* lifecycle.h - what rc-ps, rc-stop, rc-kill and rc-rm do to containers,
 * from their state files (ctr.h) and /proc; no daemon is asked anything. */
#ifndef RC_LIFECYCLE_H
#define RC_LIFECYCLE_H

#include <stdbool.h>
#include <stdio.h>

#include "lifecycle/ctr.h"
#include "lifecycle/health.h"
#include "base/err.h"
#include "base/signals.h"

/* The container's stop signal: rc-unshare's --stop-signal (options.h),
 * else the image's StopSignal (config.json annotation
 * org.opencontainers.image.stopSignal, written by rc-unpack), else SIGTERM. */
int rc_ctr_stop_signal(int dirfd, int *ret, struct rc_err *e);

/* Its stop timeout in seconds: rc-unshare's --stop-timeout, else 10 (-1:
 * no SIGKILL, wait for ever). */
#define RC_STOP_TIMEOUT 10
int rc_ctr_stop_timeout(int dirfd, int *ret, struct rc_err *e);

/* Send sig to the running container NAME's first process. */
int rc_ctr_kill(const char *root, const char *name, int sig, struct rc_err *e);

/* rc_ctr_stop's timeout for "the container's own" (rc_ctr_stop_timeout). */
#define RC_STOP_TIMEOUT_CTR (-2)

/* Stop NAME: its stop signal, then SIGKILL after timeout seconds (-1:
 * never; RC_STOP_TIMEOUT_CTR: the container's stop timeout); no
 * restart follows; returns once its monitor has cleaned up and gone.
 * *ret_was_running tells whether there was anything to stop. */
int rc_ctr_stop(const char *root, const char *name, int timeout, bool *ret_was_running,
		struct rc_err *e);

/* Remove NAME: refused while it runs unless force (then killed first);
 * its network taken down as rc-net-down does, then its directory. */
int rc_ctr_rm(const char *root, const char *name, bool force, struct rc_err *e);

/* One row of rc-ps. */
struct rc_ps_row {
	char name[64];
	struct rc_ctr_status st;
	char image[512];        /* the reference from containers/NAME/image, "" if none */
	char ip[64];            /* from net.env, "" if none */
	char ports[512];        /* net.env's PORTS, "" if none */
	enum rc_health_state health; /* its healthcheck's, while it runs (health.h) */
	bool oom_killed;        /* the kernel killed some of it for memory in its last run */
};

/* The containers under root, sorted by name; only running and restarting
 * ones unless all. The caller frees *ret. */
int rc_ps_list(const char *root, bool all, struct rc_ps_row **ret, size_t *ret_n,
	       struct rc_err *e);

/* "running (5 minutes)", "running (5 minutes) (healthy)" (or
 * "(unhealthy)", "(health: starting)"), "exited (1) 3 seconds ago",
 * "exited (137, OOM killed) ...", "restarting", "created", into buf. */
void rc_ps_status(const struct rc_ps_row *row, long long now, char *buf, size_t len);

/* "5 minutes ago" for an epoch time. */
void rc_ago(long long then, long long now, char *buf, size_t len);

/* Print rows: the table (NAME STATUS PID IMAGE IP PORTS CREATED), names
 * only (quiet), --format json (one object per line) or a template with
 * {{.Name}} {{.Status}} {{.State}} {{.Pid}} {{.Image}} {{.IP}} {{.Ports}}
 * {{.Created}} {{.ExitCode}} {{.Restarts}} {{.Health}} {{.OOMKilled}} (and
 * \t, \n escapes). */
int rc_ps_print(FILE *out, const struct rc_ps_row *rows, size_t n, bool quiet,
		const char *format, struct rc_err *e);

#endif
