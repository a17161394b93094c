/* cgroups.h - one cgroup per container, rc/NAME, with memory, CPU and pids
 * limits, on cgroup v2 (one unified tree) or v1 (one tree per controller),
 * the backend chosen at run time from what is mounted at the base. */
#ifndef RC_CGROUPS_H
#define RC_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "runtime/devices.h"

#define RC_CGROUP_BASE "/sys/fs/cgroup"

struct rc_limits {
	int64_t memory;      /* bytes, -1: no limit */
	int64_t memory_swap; /* memory+swap bytes, -1: leave as is */
	int64_t cpu_quota;   /* us per period, -1: no limit */
	uint64_t cpu_period; /* us, 0: 100000 */
	int64_t pids;        /* -1: no limit */
};

/* The device rules of a cgroup (devices.h); NULL: docker's (defaults.h). */
struct rc_cgroup_devices {
	const struct rc_device_rule *rules;
	size_t n;
};

struct rc_cgroup;

/* Which backend base holds: 2 for a cgroup2 mount, 1 otherwise. */
int rc_cgroup_version(const char *base);

/* Create rc/NAME below base (version 0: detect) and apply the limits and
 * the device rules (dev NULL: docker's). Nothing is left behind on failure. */
int rc_cgroup_create(const char *base, int version, const char *name,
		     const struct rc_limits *lim, const struct rc_cgroup_devices *dev,
		     struct rc_cgroup **ret, struct rc_err *e);

/* The same for a cgroup at path (rc-oci's cgroupsPath): absolute, below
 * each hierarchy's root ("/docker/ID"), or with relative set below the
 * caller's own cgroup in each hierarchy; missing levels are made. */
int rc_cgroup_create_path(const char *base, int version, const char *path, bool relative,
			  const struct rc_limits *lim, const struct rc_cgroup_devices *dev,
			  struct rc_cgroup **ret, struct rc_err *e);

/* The directories of cg: how many, and the i-th with (v1) its hierarchy's
 * controllers, comma-separated (v2: those available). */
size_t rc_cgroup_count(const struct rc_cgroup *cg);
const char *rc_cgroup_dir(const struct rc_cgroup *cg, size_t i, const char **ret_ctrls);
/* 1 or 2. */
int rc_cgroup_version_of(const struct rc_cgroup *cg);

/* Free cg and leave its directories to whoever removes them later. */
void rc_cgroup_forget(struct rc_cgroup *cg);

/* Move pid (its whole thread group) into the container's cgroup(s). */
int rc_cgroup_enter(struct rc_cgroup *cg, pid_t pid, struct rc_err *e);

/* Remove the cgroup(s) (waiting briefly for exiting tasks) and free cg. */
int rc_cgroup_destroy(struct rc_cgroup *cg, struct rc_err *e);

/* For a container whose cgroup object is gone (its monitor, rc-rm, rc-exec):
 * every existing directory rc/NAME below base, in each hierarchy (v2: base
 * itself; v1: each controller mount). Calls fn(dir, arg) for each; stops at
 * the first negative return and returns it, else the number of directories. */
int rc_cgroup_foreach(const char *base, const char *name,
		      int (*fn)(const char *dir, void *arg), void *arg);

/* Remove such leftover directories (waiting briefly for exiting tasks). */
int rc_cgroup_remove(const char *base, const char *name, struct rc_err *e);

/* Move pid into every existing rc/NAME directory below base. */
int rc_cgroup_join(const char *base, const char *name, pid_t pid, struct rc_err *e);

/* The directory of container rc/NAME below base (version 0: detect) for
 * controller ctrl ("memory", "cpuacct", "pids", "blkio", "io", "cpu"):
 * base/rc/NAME on v2, the hierarchy that has ctrl on v1, into buf. -1
 * when no hierarchy has it or the directory does not exist. */
int rc_cgroup_ctrl_dir(const char *base, int version, const char *name, const char *ctrl,
		       char *buf, size_t len);

/* The processes the kernel's OOM killer has killed in rc/NAME (version 0:
 * detect): oom_kill of memory.events on v2, of memory.oom_control on v1.
 * 0 when none or unknown. */
long long rc_cgroup_oom_kills(const char *base, int version, const char *name);

/* The value of key in a cgroup file of "key value" lines (memory.stat,
 * cpu.stat, memory.events), -1 when it has none. */
long long rc_cgroup_keyed(const char *dir, const char *file, const char *key);

/* Remove one cgroup directory, waiting briefly while it is busy. */
int rc_cgroup_rmdir(const char *dir, struct rc_err *e);

/* The directory of the container's cgroup (v2) or of its first v1
 * hierarchy, for messages and tests. */
const char *rc_cgroup_path(const struct rc_cgroup *cg);

/* "512m", "1g", "1.5GiB", "100000" -> bytes (binary units, as docker). */
int rc_parse_bytes(const char *s, int64_t *ret, struct rc_err *e);

/* "1.5" CPUs -> quota 150000 us per 100000 us period. */
int rc_parse_cpus(const char *s, int64_t *ret_quota, uint64_t *ret_period, struct rc_err *e);

#endif
