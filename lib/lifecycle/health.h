/* health.h - a detached container's healthcheck, run by its monitor.
 *
 * What to run and how often reaches the monitor on its command line
 * (monitor.h), resolved by rc-unshare from the image's HEALTHCHECK and the
 * --health-* options (runtime/healthcfg.h). The monitor starts each probe
 * as a child, `rc-exec NAME CMD...` (so it runs in all the container's
 * namespaces, cgroup, user and filters, and nothing of rc-exec's libraries
 * is mapped in the monitor; posix_spawn, so the monitor's pages are not
 * copied), kills it at its timeout, and keeps the state
 * as docker does:
 *
 *   starting   until the first probe succeeds (failures within the start
 *              period do not count)
 *   healthy    the last probe succeeded (exit 0)
 *   unhealthy  retries probes in a row failed (any other end, a timeout too)
 *
 * in containers/NAME/health, rewritten atomically after each probe:
 *
 *   STATE FAILING_STREAK\n
 *   EXIT END\n            the last probe's status (-1: it timed out) and
 *                         when it ended (epoch s); absent before the first
 *   OUTPUT                its stdout and stderr, the first 4096 bytes
 *
 * Between probes the monitor holds nothing for it but a deadline: the
 * probe's output buffer and command line are mapped for its life only, and
 * every function on the way keeps a shallow stack (the deepest frame the
 * monitor ever runs sets how many stack pages it keeps). libc only.
 */
#ifndef RC_HEALTH_H
#define RC_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RC_HEALTH_INTERVAL_MS 30000   /* docker's defaults */
#define RC_HEALTH_TIMEOUT_MS 30000
#define RC_HEALTH_RETRIES 3
#define RC_HEALTH_OUTPUT_MAX 4096

struct rc_health_check {
	char **argv;            /* the command (NULL-terminated); NULL: no check */
	long long interval_ms;  /* from the container's start, then after each probe */
	long long timeout_ms;
	long long start_period_ms;
	int retries;
};

enum rc_health_state { RC_HEALTH_NONE, RC_HEALTH_STARTING, RC_HEALTH_HEALTHY, RC_HEALTH_UNHEALTHY };

/* "", "starting", "healthy", "unhealthy". */
const char *rc_health_state_name(enum rc_health_state s);

/* The state in dirfd/health; RC_HEALTH_NONE when there is none. */
enum rc_health_state rc_health_read(int dirfd);

/* Record a new run's state, "starting" (rc-unshare does, before it says the
 * container runs, so that no one sees it running without its health). */
void rc_health_begin(int dirfd);

/* Docker's rule for one probe's result: a success makes it healthy; a
 * failure counts (*streak) unless it is still starting within its start
 * period, and makes it unhealthy at retries in a row. Returns the new state. */
enum rc_health_state rc_health_next(enum rc_health_state s, int *streak, bool success,
				    bool in_start_period, int retries);

/* The monitor's prober. */
struct rc_prober {
	const struct rc_health_check *check;  /* NULL or no argv: nothing to do */
	int dir_fd;
	const char *name;
	pid_t pid;              /* the probe running, 0: none */
	int out;                /* its output pipe, -1: none */
	char *page;             /* its output and command line, mapped while it runs */
	size_t page_size;
	size_t len;             /* of the output */
	long long started_ms;   /* the container's start (rc_mono_ms) */
	long long due_ms;       /* the next probe */
	long long deadline_ms;  /* the running probe's timeout */
	bool timed_out;
	enum rc_health_state state;
	int streak;
	bool turned_unhealthy;  /* by the last result */
};

/* Begin: state "starting", the first probe an interval from now. */
void rc_prober_init(struct rc_prober *p, const struct rc_health_check *check, int dir_fd,
		    const char *name);

/* Milliseconds until the prober must act (for poll), -1: never. */
int rc_prober_timeout(const struct rc_prober *p, long long now_ms);

/* Start a probe that is due; kill one past its timeout. true when a probe
 * that could not be started (a failure) made it unhealthy. */
bool rc_prober_tick(struct rc_prober *p, long long now_ms);

/* Take what the probe wrote (its pipe is readable). */
void rc_prober_read(struct rc_prober *p);

/* waitpid(2) gave pid: true when it was the probe, whose result is then
 * recorded. *became_unhealthy tells whether this result made it so. */
bool rc_prober_reaped(struct rc_prober *p, pid_t pid, int ws, long long now_ms,
		      bool *became_unhealthy);

/* The container has ended: kill and reap a probe still running. */
void rc_prober_stop(struct rc_prober *p);

#endif
