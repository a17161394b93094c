/* overrides.h - what a command line changes in a container's process,
 * with docker's spelling and meaning, applied to the config read from
 * config.json: one set for rc-unshare and rc-exec (docker run and docker
 * exec share these options too).
 *
 * Shared options (rc_overrides_opt): -e/--env KEY=VAL or KEY (the caller's
 * value; dropped when the caller has none), --env-file FILE, -w/--workdir,
 * -u/--user, -t/--tty, -i/--interactive, --privileged (for rc-exec: every
 * capability for the process; for rc-unshare: the whole container, below).
 * rc-unshare's own (the container's resources and filesystem) are fields
 * its option parser fills, through the rc_overrides_*() checks below where
 * a value has a syntax.
 *
 * With run set (rc-unshare), a command replaces the image's Cmd and keeps
 * its Entrypoint, as docker run's does, when the config says which of its
 * args are the Entrypoint (rc-unpack's annotation, ocispec.h); else, and
 * for rc-exec, it replaces the whole process.args.
 *
 * --privileged for a container, as docker's: every capability (bounding,
 * effective, permitted), no seccomp filter, no_new_privs off, no masked or
 * read-only paths, /sys and the cgroup mount read-write, every device node
 * of the host's /dev and every device allowed in the device cgroup.
 */
#ifndef RC_OVERRIDES_H
#define RC_OVERRIDES_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "runtime/cgroups.h"
#include "runtime/spec.h"

/* getopt_long's values of the shared options without a short letter. */
#define RC_OPT_ENV_FILE 0x1000
#define RC_OPT_PRIVILEGED 0x1001

struct rc_overrides {
	char **env;              /* KEY=VAL, in the order given */
	const char *workdir;
	const char *user;        /* USER[:GROUP], resolved in the container's files */
	bool tty, interactive;
	bool privileged;
	char **cmd;              /* replaces the config's args (or Cmd) when non-empty */
	/* rc-unshare only: */
	bool run;                /* docker run's meaning of cmd (above) */
	const char *entrypoint;  /* --entrypoint ("": none), NULL: the image's */
	uint64_t cap_add, cap_drop; /* --cap-add, --cap-drop as masks */
	bool cap_add_all, cap_drop_all; /* ALL among them */
	struct rc_rlimit *ulimits; /* --ulimit, in order */
	size_t nulimits;
	char **tmpfs;            /* --tmpfs DST[:OPTIONS], checked */
	char **devices;          /* --device HOST[:DST][:PERMS], checked */
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

/* --cap-add or --cap-drop (drop) NAME: CAP_NAME, NAME, any case, or ALL. */
int rc_overrides_cap(struct rc_overrides *o, bool drop, const char *name, struct rc_err *e);

/* --ulimit NAME=SOFT[:HARD]: docker's names (nofile, nproc, core, ...),
 * -1 for unlimited, HARD defaulting to SOFT. */
int rc_overrides_ulimit(struct rc_overrides *o, const char *arg, struct rc_err *e);

/* --tmpfs DST[:OPTIONS]: a tmpfs at DST, nosuid,nodev,noexec (docker's)
 * then OPTIONS (mount flags, size, mode, uid, gid, nr_inodes, nr_blocks,
 * mpol, huge), replacing a config mount at DST. */
int rc_overrides_tmpfs(struct rc_overrides *o, const char *arg, struct rc_err *e);

/* --device HOST[:DST][:PERMS] (devnodes.h): absolute paths, PERMS of rwm. */
int rc_overrides_device(struct rc_overrides *o, const char *arg, struct rc_err *e);

/* Apply o to the config (and, when l is not NULL, fill the container's
 * limits: the config's, overridden). */
int rc_overrides_apply(const struct rc_overrides *o, struct rc_spec *s, struct rc_limits *l,
		       struct rc_err *e);

void rc_overrides_free(struct rc_overrides *o);

#endif
