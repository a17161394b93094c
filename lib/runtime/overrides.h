/* overrides.h - what a command line changes in a container's process,
 * with docker's spelling and meaning, applied to the config read from
 * config.json: one set for rc-unshare and rc-exec (docker run and docker
 * exec share these options too).
 *
 * Shared options (rc_overrides_opt): -e/--env KEY=VAL or KEY (the caller's
 * value; dropped when the caller has none), --env-file FILE, -w/--workdir,
 * -u/--user, -t/--tty, -i/--interactive. rc-unshare's own (the container's
 * resources and filesystem) are fields its option parser fills.
 */
#ifndef RC_OVERRIDES_H
#define RC_OVERRIDES_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "runtime/cgroups.h"
#include "runtime/spec.h"

/* getopt_long's value for --env-file (the others are their short letter). */
#define RC_OPT_ENV_FILE 0x1000

struct rc_overrides {
	char **env;              /* KEY=VAL, in the order given */
	const char *workdir;
	const char *user;        /* USER[:GROUP], resolved in the container's files */
	bool tty, interactive;
	char **cmd;              /* replaces the config's args when non-empty */
	/* rc-unshare only: */
	const char *hostname;
	char **volumes;          /* SRC:DST[:ro|rw] */
	bool read_only;
	char **secopts;          /* --security-opt, in order (secopt.h) */
	int64_t memory;          /* bytes, -1: the config's */
	int64_t cpu_quota;       /* -1: the config's */
	uint64_t cpu_period;
	int64_t pids;            /* 0: the config's, else the default; -1: unlimited */
};

/* podman's default process limit, when neither the config nor the command
 * line sets one: a fork bomb in one container must not take the host. */
#define RC_DEFAULT_PIDS_LIMIT 2048

#define RC_OVERRIDES_INIT { .memory = -1, .cpu_quota = -1 }

/* Take one shared option: 1 when c was one (done, or -1 with e->status 2
 * for a malformed one), 0 when it is not. */
int rc_overrides_opt(struct rc_overrides *o, int c, const char *arg, struct rc_err *e);

/* Apply o to the config (and, when l is not NULL, fill the container's
 * limits: the config's, overridden). */
int rc_overrides_apply(const struct rc_overrides *o, struct rc_spec *s, struct rc_limits *l,
		       struct rc_err *e);

void rc_overrides_free(struct rc_overrides *o);

#endif
