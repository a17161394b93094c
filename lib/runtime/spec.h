/* spec.h - the parts of an OCI runtime config (config.json) that rc-unshare
 * honours, read into plain C data.
 *
 * rc_spec_load() accepts any valid OCI runtime-spec config; fields rc does
 * not implement are ignored when harmless and refused when ignoring them
 * would weaken isolation (a user namespace).
 * rc_spec_default() gives docker's defaults (defaults.h) for a bare root
 * filesystem.
 */
#ifndef RC_SPEC_H
#define RC_SPEC_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "base/err.h"
#include "runtime/defaults.h"
#include "runtime/devices.h"

struct rc_mount {
	char *dest;             /* absolute path inside the container */
	char *type;             /* "bind", "proc", "tmpfs", ... ("" = none) */
	char *source;
	char *data;             /* fs-specific options, comma separated */
	unsigned long flags;    /* MS_* set */
	unsigned long propagation; /* MS_PRIVATE/SHARED/SLAVE/UNBINDABLE (|MS_REC) */
	bool bind;              /* bind or rbind */
	bool rec;               /* rbind */
};

struct rc_rlimit {
	int resource;           /* RLIMIT_* */
	rlim_t soft, hard;
};

/* A device node made in the container (linux.devices; --device and
 * --privileged add the host's). */
struct rc_devnode {
	char *path;             /* absolute, inside the container */
	char type;              /* 'c' or 'b' */
	int64_t major, minor;
	mode_t mode;            /* permission bits */
	uid_t uid;
	gid_t gid;
};

struct rc_spec {
	char **args;            /* NULL-terminated; may be empty (args[0] == NULL) */
	char **entrypoint;      /* the image's Entrypoint (ocispec.h's annotation), NULL: not known */
	char **env;             /* NULL-terminated KEY=VALUE */
	char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *gids;            /* additional gids */
	size_t ngids;
	bool terminal;
	mode_t umask;           /* process.user.umask, default 022 */
	bool has_oom_score_adj;
	int oom_score_adj;      /* process.oomScoreAdj */
	bool no_new_privs;
	uint64_t cap_bnd, cap_eff, cap_prm, cap_inh, cap_amb;
	struct rc_rlimit *rlimits;
	size_t nrlimits;
	char *root_path;        /* as written: relative to the bundle or absolute */
	bool root_ro;
	char *hostname;         /* NULL: not set */
	struct rc_mount *mounts;
	size_t nmounts;
	bool ns[RC_NS_MAX];     /* namespace requested */
	char *ns_path[RC_NS_MAX]; /* join this one instead of making one */
	char **masked;          /* NULL-terminated */
	char **readonly;        /* NULL-terminated */
	int64_t mem_limit;      /* bytes, -1 none */
	int64_t mem_swap;       /* memory+swap bytes, -1 none */
	int64_t cpu_quota;      /* us per period, -1 none */
	uint64_t cpu_period;    /* us, 0 default */
	int64_t pids_limit;     /* > 0 the limit, -1 none asked for, 0 not set */
	struct rc_device_rule *devices; /* linux.resources.devices */
	size_t ndevices;
	bool has_devices;       /* the config has the list (else docker's apply) */
	struct rc_devnode *devnodes; /* linux.devices */
	size_t ndevnodes;
	char *seccomp;          /* linux.seccomp as JSON text, NULL: none */
	char *seccomp_profile;  /* --security-opt seccomp=FILE: docker's format, to resolve */
	bool seccomp_unconfined; /* --security-opt seccomp=unconfined */
	char **sysctl;          /* linux.sysctl as "key=value" (namespaced keys only) */
};

/* Parse config.json text. */
int rc_spec_parse(const char *json, struct rc_spec *ret, struct rc_err *e);
/* Read and parse dirfd/name. */
int rc_spec_load(int dirfd, const char *name, struct rc_spec *ret, struct rc_err *e);
/* The absolute real path of the config's root.path (relative to bundle),
 * which must be a directory. */
int rc_spec_rootfs(const struct rc_spec *s, const char *bundle, char out[static PATH_MAX],
		   struct rc_err *e);
/* Fill *ret with docker's defaults (sh, PATH, caps, mounts, masks). */
int rc_spec_default(struct rc_spec *ret, struct rc_err *e);
void rc_spec_free(struct rc_spec *s);

/* The device cgroup rules for the container: the config's (docker's when
 * it has none), then the devices every container gets (defaults.h).
 * *ret is malloc'd. */
int rc_spec_device_rules(const struct rc_spec *s, struct rc_device_rule **ret, size_t *nret,
			 struct rc_err *e);

/* Whether a sysctl key belongs to the container's own IPC or network
 * namespace (the only ones a container may set). */
bool rc_sysctl_namespaced(const char *key);

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE, -1 when unknown; and back (NULL). */
int rc_rlimit_from_name(const char *name);
const char *rc_rlimit_name(int resource);

/* Set the resource limit (replacing the config's of that resource). */
int rc_spec_set_rlimit(struct rc_spec *s, int resource, rlim_t soft, rlim_t hard, struct rc_err *e);

/* Append a device node; one already at that path is replaced. */
int rc_spec_add_devnode(struct rc_spec *s, const struct rc_devnode *d, struct rc_err *e);

/* Append a bind mount of source (rec: with the mounts below it) at dest. */
int rc_spec_add_bind(struct rc_spec *s, const char *source, const char *dest, bool rec, bool ro,
		     struct rc_err *e);

/* Parse one mount option list entry into m (flags, propagation, data). */
void rc_mount_add_option(struct rc_mount *m, const char *opt);

/* Environment helpers on a NULL-terminated malloc'd KEY=VALUE vector. */
/* Set or replace "KEY=VAL" (kv contains '='). */
int rc_env_set(char ***env, const char *kv, struct rc_err *e);
/* The value of key, or NULL. */
const char *rc_env_get(char *const *env, const char *key);

/* Free a NULL-terminated vector of strings. */
void rc_strv_free(char **v);
/* Number of entries. */
size_t rc_strv_len(char *const *v);
/* Append a copy of s. */
int rc_strv_push(char ***v, const char *s, struct rc_err *e);
/* *ret (freed first) becomes a copy of j, a JSON array of strings; nothing
 * when j is NULL. what names j in the error. */
struct json_t;
int rc_strv_from_json(struct json_t *j, const char *what, char ***ret, struct rc_err *e);

#endif
