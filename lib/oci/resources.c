/* resources.c - linux.resources into cgroup files; see resources.h. */
#include "oci/resources.h"
#include "base/cleanup.h"
#include "base/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The cgroup being written: its directories and version. */
struct cg {
	char *const *dirs;
	int version;
};

/* The directory of the hierarchy that has file, or NULL. */
static const char *dir_with(const struct cg *cg, const char *file)
{
	for (size_t i = 0; cg->dirs && cg->dirs[i]; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", cg->dirs[i], file);
		if (access(p, F_OK) == 0)
			return cg->dirs[i];
	}
	return NULL;
}

/* Write val to file; field names the config's field for the messages. */
static int put(const struct cg *cg, const char *field, const char *file, const char *val, struct rc_err *e)
{
	const char *dir = dir_with(cg, file);
	char p[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (!dir)
		return rc_errf(e, 0, "linux.resources.%s: this machine's cgroups have no %s", field, file);
	snprintf(p, sizeof p, "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || rc_write_all(fd, val, strlen(val)) < 0)
		return rc_errf(e, errno, "linux.resources.%s: writing \"%s\" to %s", field, val, p);
	return 0;
}

static int put_i64(const struct cg *cg, const char *field, const char *file, int64_t v, struct rc_err *e)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return put(cg, field, file, buf, e);
}

/* A number or "max" (v2's unlimited, for -1). */
static int put_max(const struct cg *cg, const char *field, const char *file, int64_t v, struct rc_err *e)
{
	return v < 0 ? put(cg, field, file, "max", e) : put_i64(cg, field, file, v, e);
}

static bool has(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return v && !json_is_null(v);
}

static int64_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* ---- checks -------------------------------------------------------------- */

static int check_ints(json_t *o, const char *what, const char *const *keys, struct rc_err *e)
{
	if (o && !json_is_null(o) && !json_is_object(o))
		return rc_errf(e, 0, "linux.resources.%s: not an object", what);
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (v && !json_is_null(v) && !json_is_integer(v))
			return rc_errf(e, 0, "linux.resources.%s.%s: not an integer", what, keys[i]);
	}
	return 0;
}

int rc_oci_resources_check(json_t *res, struct rc_err *e)
{
	static const char *const mem[] = { "limit", "reservation", "swap", "kernel", "kernelTCP", "swappiness", NULL };
	static const char *const cpu[] = { "shares", "quota", "burst", "period", "realtimeRuntime", "realtimePeriod", "idle", NULL };
	static const char *const pids[] = { "limit", NULL };
	static const char *const blkio[] = { "weight", "leafWeight", NULL };
	json_t *c;

	if (!res || json_is_null(res))
		return 0;
	if (!json_is_object(res))
		return rc_errf(e, 0, "linux.resources: not an object");
	if (check_ints(json_object_get(res, "memory"), "memory", mem, e) < 0 ||
	    check_ints(json_object_get(res, "cpu"), "cpu", cpu, e) < 0 ||
	    check_ints(json_object_get(res, "pids"), "pids", pids, e) < 0 ||
	    check_ints(json_object_get(res, "blockIO"), "blockIO", blkio, e) < 0)
		return -1;
	c = json_object_get(res, "cpu");
	if ((has(c, "cpus") && !json_is_string(json_object_get(c, "cpus"))) ||
	    (has(c, "mems") && !json_is_string(json_object_get(c, "mems"))))
		return rc_errf(e, 0, "linux.resources.cpu: cpus and mems must be strings");
	if (has(res, "rdma") && json_object_size(json_object_get(res, "rdma")))
		return rc_errf(e, 0, "linux.resources.rdma: not supported by rc-oci");
	return 0;
}

/* ---- memory -------------------------------------------------------------- */

static int memory_v1(const struct cg *cg, json_t *m, struct rc_err *e)
{
	int64_t limit = num(m, "limit"), swap = num(m, "swap");

	/* memsw may never be below the limit: when both grow, memsw first. */
	bool swap_first = swap && put_i64(cg, "memory.swap", "memory.memsw.limit_in_bytes", swap, e) == 0;
	if (limit && put_i64(cg, "memory.limit", "memory.limit_in_bytes", limit, e) < 0)
		return -1;
	if (swap && !swap_first && put_i64(cg, "memory.swap", "memory.memsw.limit_in_bytes", swap, e) < 0)
		return -1;
	if (num(m, "reservation") &&
	    put_i64(cg, "memory.reservation", "memory.soft_limit_in_bytes", num(m, "reservation"), e) < 0)
		return -1;
	if (num(m, "kernel") && put_i64(cg, "memory.kernel", "memory.kmem.limit_in_bytes", num(m, "kernel"), e) < 0)
		return -1;
	if (num(m, "kernelTCP") &&
	    put_i64(cg, "memory.kernelTCP", "memory.kmem.tcp.limit_in_bytes", num(m, "kernelTCP"), e) < 0)
		return -1;
	/* docker once wrote -1 as 2^64-1: anything above 100 is "not set". */
	if (has(m, "swappiness") && num(m, "swappiness") >= 0 && num(m, "swappiness") <= 100 &&
	    put_i64(cg, "memory.swappiness", "memory.swappiness", num(m, "swappiness"), e) < 0)
		return -1;
	if (json_is_true(json_object_get(m, "disableOOMKiller")) &&
	    put(cg, "memory.disableOOMKiller", "memory.oom_control", "1", e) < 0)
		return -1;
	return 0;
}

static int memory_v2(const struct cg *cg, json_t *m, struct rc_err *e)
{
	int64_t limit = num(m, "limit"), swap = num(m, "swap");

	if (limit && put_max(cg, "memory.limit", "memory.max", limit, e) < 0)
		return -1;
	/* v1's swap is memory+swap; v2's swap.max the swap alone. */
	if (swap && put_max(cg, "memory.swap", "memory.swap.max",
			    swap < 0 || limit <= 0 ? swap : (swap > limit ? swap - limit : 0), e) < 0)
		return -1;
	if (num(m, "reservation") && put_max(cg, "memory.reservation", "memory.low", num(m, "reservation"), e) < 0)
		return -1;
	if (num(m, "kernel") || num(m, "kernelTCP"))
		return rc_errf(e, 0, "linux.resources.memory.kernel: cgroup v2 has no kernel memory limit");
	if (has(m, "swappiness") && num(m, "swappiness") >= 0 && num(m, "swappiness") <= 100)
		return rc_errf(e, 0, "linux.resources.memory.swappiness: cgroup v2 has no swappiness");
	if (json_is_true(json_object_get(m, "disableOOMKiller")))
		return rc_errf(e, 0, "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
	return 0;
}

/* ---- cpu ----------------------------------------------------------------- */

static int cpuset(const struct cg *cg, json_t *c, struct rc_err *e)
{
	const char *cpus = json_string_value(json_object_get(c, "cpus"));
	const char *mems = json_string_value(json_object_get(c, "mems"));

	if (cpus && *cpus && put(cg, "cpu.cpus", "cpuset.cpus", cpus, e) < 0)
		return -1;
	if (mems && *mems && put(cg, "cpu.mems", "cpuset.mems", mems, e) < 0)
		return -1;
	return 0;
}

static int cpu_v1(const struct cg *cg, json_t *c, struct rc_err *e)
{
	if (num(c, "shares") && put_i64(cg, "cpu.shares", "cpu.shares", num(c, "shares"), e) < 0)
		return -1;
	if (num(c, "period") && put_i64(cg, "cpu.period", "cpu.cfs_period_us", num(c, "period"), e) < 0)
		return -1;
	if (num(c, "quota") && put_i64(cg, "cpu.quota", "cpu.cfs_quota_us", num(c, "quota"), e) < 0)
		return -1;
	if (num(c, "burst") && put_i64(cg, "cpu.burst", "cpu.cfs_burst_us", num(c, "burst"), e) < 0)
		return -1;
	if (num(c, "realtimePeriod") &&
	    put_i64(cg, "cpu.realtimePeriod", "cpu.rt_period_us", num(c, "realtimePeriod"), e) < 0)
		return -1;
	if (num(c, "realtimeRuntime") &&
	    put_i64(cg, "cpu.realtimeRuntime", "cpu.rt_runtime_us", num(c, "realtimeRuntime"), e) < 0)
		return -1;
	if (num(c, "idle") && put_i64(cg, "cpu.idle", "cpu.idle", num(c, "idle"), e) < 0)
		return -1;
	return cpuset(cg, c, e);
}

static int cpu_v2(const struct cg *cg, json_t *c, struct rc_err *e)
{
	int64_t shares = num(c, "shares"), quota = num(c, "quota"), period = num(c, "period");
	char buf[64];

	if (shares) {
		/* runc's mapping of shares [2, 262144] onto weight [1, 10000]. */
		int64_t w = shares < 2 ? 1 : 1 + ((shares - 2) * 9999) / 262142;
		if (put_i64(cg, "cpu.shares", "cpu.weight", w > 10000 ? 10000 : w, e) < 0)
			return -1;
	}
	if (quota || period) {
		if (quota > 0)
			snprintf(buf, sizeof buf, "%" PRId64 " %" PRId64, quota, period > 0 ? period : 100000);
		else
			snprintf(buf, sizeof buf, "max %" PRId64, period > 0 ? period : 100000);
		if (put(cg, "cpu.quota", "cpu.max", buf, e) < 0)
			return -1;
	}
	if (num(c, "burst") && put_i64(cg, "cpu.burst", "cpu.max.burst", num(c, "burst"), e) < 0)
		return -1;
	if (num(c, "realtimeRuntime") || num(c, "realtimePeriod"))
		return rc_errf(e, 0, "linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime limits");
	if (has(c, "idle") && put_i64(cg, "cpu.idle", "cpu.idle", num(c, "idle"), e) < 0)
		return -1;
	return cpuset(cg, c, e);
}

/* ---- block I/O ------------------------------------------------------------ */

/* Each {major, minor, <key>} of list as "MAJ:MIN VALUE" into file. */
static int device_lines(const struct cg *cg, const char *field, json_t *list, const char *key,
			const char *file, const char *fmt, struct rc_err *e)
{
	size_t i;
	json_t *d;

	json_array_foreach(list, i, d) {
		char buf[96];
		if (!json_is_integer(json_object_get(d, "major")) || !json_is_integer(json_object_get(d, "minor")) ||
		    !json_is_integer(json_object_get(d, key)))
			return rc_errf(e, 0, "linux.resources.%s[%zu]: major, minor and %s must be integers",
				       field, i, key);
		snprintf(buf, sizeof buf, fmt, num(d, "major"), num(d, "minor"), num(d, key));
		if (put(cg, field, file, buf, e) < 0)
			return -1;
	}
	return 0;
}

static int blkio_v1(const struct cg *cg, json_t *b, struct rc_err *e)
{
	static const struct { const char *key, *file; } throttles[] = {
		{ "throttleReadBpsDevice", "blkio.throttle.read_bps_device" },
		{ "throttleWriteBpsDevice", "blkio.throttle.write_bps_device" },
		{ "throttleReadIOPSDevice", "blkio.throttle.read_iops_device" },
		{ "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device" },
	};
	const char *weight = dir_with(cg, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
	const char *fmt = "%" PRId64 ":%" PRId64 " %" PRId64;

	if (num(b, "weight") && put_i64(cg, "blockIO.weight", weight, num(b, "weight"), e) < 0)
		return -1;
	if (num(b, "leafWeight") && put_i64(cg, "blockIO.leafWeight", "blkio.leaf_weight", num(b, "leafWeight"), e) < 0)
		return -1;
	if (device_lines(cg, "blockIO.weightDevice", json_object_get(b, "weightDevice"), "weight",
			 dir_with(cg, "blkio.weight_device") ? "blkio.weight_device" : "blkio.bfq.weight_device",
			 fmt, e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof throttles / sizeof *throttles; i++) {
		char field[64];
		snprintf(field, sizeof field, "blockIO.%s", throttles[i].key);
		if (device_lines(cg, field, json_object_get(b, throttles[i].key), "rate", throttles[i].file, fmt, e) < 0)
			return -1;
	}
	return 0;
}

static int blkio_v2(const struct cg *cg, json_t *b, struct rc_err *e)
{
	static const struct { const char *key, *fmt; } throttles[] = {
		{ "throttleReadBpsDevice", "%" PRId64 ":%" PRId64 " rbps=%" PRId64 },
		{ "throttleWriteBpsDevice", "%" PRId64 ":%" PRId64 " wbps=%" PRId64 },
		{ "throttleReadIOPSDevice", "%" PRId64 ":%" PRId64 " riops=%" PRId64 },
		{ "throttleWriteIOPSDevice", "%" PRId64 ":%" PRId64 " wiops=%" PRId64 },
	};

	if (num(b, "weight")) {
		/* blkio's [10, 1000] onto io.weight's [1, 10000], as runc. */
		int64_t w = 1 + (num(b, "weight") - 10) * 9999 / 990;
		char buf[32];
		snprintf(buf, sizeof buf, "default %" PRId64, w < 1 ? 1 : w);
		if (put(cg, "blockIO.weight", dir_with(cg, "io.weight") ? "io.weight" : "io.bfq.weight", buf, e) < 0)
			return -1;
	}
	if (num(b, "leafWeight"))
		return rc_errf(e, 0, "linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weight");
	if (device_lines(cg, "blockIO.weightDevice", json_object_get(b, "weightDevice"), "weight",
			 "io.weight", "%" PRId64 ":%" PRId64 " %" PRId64, e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof throttles / sizeof *throttles; i++) {
		char field[64];
		snprintf(field, sizeof field, "blockIO.%s", throttles[i].key);
		if (device_lines(cg, field, json_object_get(b, throttles[i].key), "rate", "io.max", throttles[i].fmt, e) < 0)
			return -1;
	}
	return 0;
}

/* ---- the rest ----------------------------------------------------------------- */

static int hugepages(const struct cg *cg, json_t *list, struct rc_err *e)
{
	size_t i;
	json_t *h;

	json_array_foreach(list, i, h) {
		const char *size = json_string_value(json_object_get(h, "pageSize"));
		char file[96];
		if (!size || strpbrk(size, "/.") || !json_is_integer(json_object_get(h, "limit")))
			return rc_errf(e, 0, "linux.resources.hugepageLimits[%zu]: pageSize and limit are needed", i);
		snprintf(file, sizeof file, cg->version == 2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", size);
		if (put_i64(cg, "hugepageLimits", file, num(h, "limit"), e) < 0)
			return -1;
	}
	return 0;
}

static int network(const struct cg *cg, json_t *n, struct rc_err *e)
{
	size_t i;
	json_t *p;

	if (cg->version == 2 && (has(n, "classID") || json_array_size(json_object_get(n, "priorities"))))
		return rc_errf(e, 0, "linux.resources.network: cgroup v2 has no net_cls or net_prio");
	if (has(n, "classID") && put_i64(cg, "network.classID", "net_cls.classid", num(n, "classID"), e) < 0)
		return -1;
	json_array_foreach(json_object_get(n, "priorities"), i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		char buf[128];
		if (!name || !json_is_integer(json_object_get(p, "priority")))
			return rc_errf(e, 0, "linux.resources.network.priorities[%zu]: name and priority are needed", i);
		snprintf(buf, sizeof buf, "%s %" PRId64, name, num(p, "priority"));
		if (put(cg, "network.priorities", "net_prio.ifpriomap", buf, e) < 0)
			return -1;
	}
	return 0;
}

static int unified(const struct cg *cg, json_t *u, struct rc_err *e)
{
	const char *key;
	json_t *v;

	if (!json_object_size(u))
		return 0;
	if (cg->version != 2)
		return rc_errf(e, 0, "linux.resources.unified: this machine's cgroups are v1");
	json_object_foreach(u, key, v) {
		char field[PATH_MAX];
		if (!json_is_string(v) || strchr(key, '/') || key[0] == '.')
			return rc_errf(e, 0, "linux.resources.unified.%s: not a cgroup file and a string", key);
		snprintf(field, sizeof field, "unified.%s", key);
		if (put(cg, field, key, json_string_value(v), e) < 0)
			return -1;
	}
	return 0;
}

int rc_oci_resources_apply(json_t *res, char *const *dirs, int version, struct rc_err *e)
{
	struct cg cg = { dirs, version };
	json_t *m = json_object_get(res, "memory"), *c = json_object_get(res, "cpu");
	json_t *p = json_object_get(res, "pids"), *b = json_object_get(res, "blockIO");

	if (!res || json_is_null(res))
		return 0;
	if (rc_oci_resources_check(res, e) < 0)
		return -1;
	if (m && (version == 2 ? memory_v2(&cg, m, e) : memory_v1(&cg, m, e)) < 0)
		return -1;
	if (c && (version == 2 ? cpu_v2(&cg, c, e) : cpu_v1(&cg, c, e)) < 0)
		return -1;
	/* runc's reading: 0 is not set, below 0 no limit. */
	if (num(p, "limit") && put_max(&cg, "pids.limit", "pids.max", num(p, "limit"), e) < 0)
		return -1;
	if (b && (version == 2 ? blkio_v2(&cg, b, e) : blkio_v1(&cg, b, e)) < 0)
		return -1;
	if (hugepages(&cg, json_object_get(res, "hugepageLimits"), e) < 0 ||
	    network(&cg, json_object_get(res, "network"), e) < 0 ||
	    unified(&cg, json_object_get(res, "unified"), e) < 0)
		return -1;
	return 0;
}
