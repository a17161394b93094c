/* healthcfg.h - a container's healthcheck as docker resolves it: the
 * image's HEALTHCHECK under the --health-* options of the command line.
 *
 * rc-unpack records the image config's Healthcheck {Test, Interval,
 * Timeout, StartPeriod, Retries} (checked) as the config.json annotation
 * rc.healthcheck, its compact JSON, and the image's SHELL as rc.shell.
 * Test is ["NONE"] (no check), ["CMD", ARG...] or ["CMD-SHELL", COMMAND]
 * (run with the image's shell, default /bin/sh -c); durations are in
 * nanoseconds, 0 for the default (30 s, 30 s, none; retries 3).
 *
 * rc-unshare takes --health-cmd COMMAND (a CMD-SHELL), --health-interval,
 * --health-timeout, --health-start-period (Go durations: 30s, 1m30s),
 * --health-retries N and --no-healthcheck, each over the image's value;
 * the result goes to the monitor (lifecycle/health.h), which runs it.
 */
#ifndef RC_HEALTHCFG_H
#define RC_HEALTHCFG_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "lifecycle/health.h"

#define RC_OCI_HEALTHCHECK "rc.healthcheck"
#define RC_OCI_SHELL "rc.shell"

/* getopt_long's values for the options, and their table's entries. */
enum { RC_OPT_HEALTH_CMD = 0x1100, RC_OPT_HEALTH_INTERVAL, RC_OPT_HEALTH_TIMEOUT,
       RC_OPT_HEALTH_START, RC_OPT_HEALTH_RETRIES, RC_OPT_NO_HEALTHCHECK };
#define RC_HEALTH_LONG_OPTIONS \
	{ "health-cmd", required_argument, NULL, RC_OPT_HEALTH_CMD }, \
	{ "health-interval", required_argument, NULL, RC_OPT_HEALTH_INTERVAL }, \
	{ "health-timeout", required_argument, NULL, RC_OPT_HEALTH_TIMEOUT }, \
	{ "health-start-period", required_argument, NULL, RC_OPT_HEALTH_START }, \
	{ "health-retries", required_argument, NULL, RC_OPT_HEALTH_RETRIES }, \
	{ "no-healthcheck", no_argument, NULL, RC_OPT_NO_HEALTHCHECK }

/* The command line's part; 0 (or NULL) for what it leaves to the image. */
struct rc_health_opts {
	const char *cmd;
	long long interval_ms, timeout_ms, start_period_ms;
	int retries;
	bool none;              /* --no-healthcheck */
	bool any;               /* some --health-* option was given */
};

/* Take one option: 1 when c was one (done, or -1 with e->status 2 for a
 * malformed one), 0 when it is not. */
int rc_health_opt(struct rc_health_opts *o, int c, const char *arg, struct rc_err *e);

/* Check an image config's Healthcheck (json NULL: none) and Shell, and
 * record them in annotations. */
int rc_health_annotate(json_t *healthcheck, json_t *shell, json_t *annotations, struct rc_err *e);

/* The healthcheck of the container whose config.json is at dirfd (-1: no
 * image), under o: ret->argv NULL when there is none to run. Free with
 * rc_health_check_free. */
int rc_health_resolve(int dirfd, const struct rc_health_opts *o, struct rc_health_check *ret,
		      struct rc_err *e);

void rc_health_check_free(struct rc_health_check *c);

#endif
