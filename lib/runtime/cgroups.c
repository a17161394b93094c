/* cgroups.c - v1 and v2 cgroup backends; see cgroups.h. */
#include "runtime/cgroups.h"
#include "base/cleanup.h"
#include "runtime/defaults.h"
#include "runtime/devices.h"
#include "base/fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h> /* isnan */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define MAX_HIER 16

struct hier {
	char *dir;          /* <mountpoint>/rc/NAME */
	char ctrls[512];    /* comma-separated controllers of this hierarchy */
};

struct rc_cgroup {
	int version;
	struct hier h[MAX_HIER];
	size_t n;
};

int rc_cgroup_version(const char *base)
{
	struct statfs st;

	if (statfs(base, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		return 2;
	return 1;
}

const char *rc_cgroup_path(const struct rc_cgroup *cg)
{
	return cg && cg->n ? cg->h[0].dir : "";
}

size_t rc_cgroup_count(const struct rc_cgroup *cg)
{
	return cg ? cg->n : 0;
}

const char *rc_cgroup_dir(const struct rc_cgroup *cg, size_t i, const char **ret_ctrls)
{
	if (ret_ctrls)
		*ret_ctrls = cg->h[i].ctrls;
	return cg->h[i].dir;
}

int rc_cgroup_version_of(const struct rc_cgroup *cg)
{
	return cg->version;
}


static int write_str(const char *dir, const char *file, const char *val, struct rc_err *e)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	/* O_CREAT is a no-op on cgroupfs, and lets tests use a plain directory. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return rc_errf(e, errno, "opening %s", path);
	if (rc_write_all(fd, val, strlen(val)) < 0)
		return rc_errf(e, errno, "writing \"%s\" to %s", val, path);
	return 0;
}

static int write_i64(const char *dir, const char *file, int64_t v, struct rc_err *e)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return write_str(dir, file, buf, e);
}

static bool exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

static bool has_ctrl(const char *list, const char *c)
{
	size_t n = strlen(c);

	for (const char *p = list; (p = strstr(p, c)); p += n)
		if ((p == list || p[-1] == ',' || p[-1] == ' ') && (!p[n] || p[n] == ',' || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* Remove the directories made so far (each may hold nothing but kernel files). */
static void remove_dirs(struct rc_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++) {
		for (int tries = 0; rmdir(cg->h[i].dir) < 0 && errno == EBUSY && tries < 100; tries++)
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
}

static void cg_free(struct rc_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		free(cg->h[i].dir);
	free(cg);
}

/* Make dir and, for v1 cpuset, give it its parent's cpus and mems, which a
 * new cpuset lacks (and without which no task may join). */
static int make_dir(const char *dir, bool cpuset, struct rc_err *e)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return rc_errf(e, errno, "creating cgroup %s", dir);
	if (cpuset) {
		static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
		char parent[PATH_MAX];

		snprintf(parent, sizeof parent, "%s", dir);
		*strrchr(parent, '/') = '\0';
		for (size_t i = 0; i < 2; i++) {
			_cleanup_free_ char *val = NULL, *cur = NULL;
			int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			int r = rc_read_file_at(pfd, files[i], 4096, &val, NULL, e);
			if (r == 0)
				r = rc_read_file_at(dfd, files[i], 4096, &cur, NULL, e);
			if (pfd >= 0)
				close(pfd);
			if (dfd >= 0)
				close(dfd);
			if (r < 0)
				return -1;
			if (cur[0] == '\n' || !cur[0])
				if (write_str(dir, files[i], val, e) < 0)
					return -1;
		}
	}
	return 0;
}

static int v2_enable(const char *dir, const char *avail, struct rc_err *e);

/* Make every level of rel (relative, '/'-separated) below mnt but the
 * last, as make_dir does (v2: each also hands the controllers on); *ret
 * gets mnt/rel. */
static int make_parents(const char *mnt, const char *rel, bool cpuset, const char *v2_avail,
			char **ret, struct rc_err *e)
{
	char dir[PATH_MAX];
	size_t n = (size_t)snprintf(dir, sizeof dir, "%s", mnt);

	for (const char *p = rel; ; ) {
		const char *slash = strchr(p, '/');
		if (!slash)
			break;
		if (slash > p) {
			if (n + (size_t)(slash - p) + 2 >= sizeof dir)
				return rc_errf(e, ENAMETOOLONG, "cgroup %s/%s", mnt, rel);
			n += (size_t)snprintf(dir + n, sizeof dir - n, "/%.*s", (int)(slash - p), p);
			if (make_dir(dir, cpuset, e) < 0)
				return -1;
			if (v2_avail && v2_enable(dir, v2_avail, e) < 0)
				return -1;
		}
		p = slash + 1;
	}
	if (asprintf(ret, "%s/%s", mnt, rel) < 0)
		return rc_errf(e, ENOMEM, "allocating");
	return 0;
}

static int v1_limits(const struct hier *h, const struct rc_limits *l, struct rc_err *e)
{
	if (has_ctrl(h->ctrls, "memory") && l->memory > 0) {
		if (write_i64(h->dir, "memory.limit_in_bytes", l->memory, e) < 0)
			return -1;
		if (l->memory_swap > 0 && exists(h->dir, "memory.memsw.limit_in_bytes") &&
		    write_i64(h->dir, "memory.memsw.limit_in_bytes", l->memory_swap, e) < 0)
			return -1;
	}
	if (has_ctrl(h->ctrls, "cpu") && l->cpu_quota > 0) {
		if (write_i64(h->dir, "cpu.cfs_period_us", l->cpu_period ? (int64_t)l->cpu_period : 100000, e) < 0 ||
		    write_i64(h->dir, "cpu.cfs_quota_us", l->cpu_quota, e) < 0)
			return -1;
	}
	if (has_ctrl(h->ctrls, "pids") && l->pids > 0 && write_i64(h->dir, "pids.max", l->pids, e) < 0)
		return -1;
	return 0;
}

/* The rules asked for, or docker's. */
static const struct rc_device_rule *device_rules(const struct rc_cgroup_devices *d, size_t *n)
{
	*n = d && d->rules ? d->n : rc_default_ndevices;
	return d && d->rules ? d->rules : rc_default_devices;
}

/* From "deny all", each rule in order: the last that matches decides. */
static int v1_devices(const struct hier *h, const struct rc_cgroup_devices *d, struct rc_err *e)
{
	size_t n;
	const struct rc_device_rule *r = device_rules(d, &n);
	char line[64];

	if (write_str(h->dir, "devices.deny", "a", e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		rc_device_rule_format(&r[i], line, sizeof line);
		if (write_str(h->dir, r[i].allow ? "devices.allow" : "devices.deny", line, e) < 0)
			return -1;
	}
	return 0;
}

/* The caller's own cgroup in the hierarchy holding the controllers ctrls
 * (v1) or in the unified one (ctrls NULL), from /proc/self/cgroup, without
 * its leading '/': "" at the root. */
static int own_cgroup(const char *ctrls, char *out, size_t len, struct rc_err *e)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	if (!f)
		return rc_errf(e, errno, "reading /proc/self/cgroup");
	while (fgets(line, sizeof line, f)) {
		char *list = strchr(line, ':'), *path = list ? strchr(list + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = '\0';
		list++;
		path[strcspn(path, "\n")] = '\0';
		char first[64];
		snprintf(first, sizeof first, "%.*s", (int)strcspn(list, ","), list);
		bool match = ctrls ? *first && has_ctrl(ctrls, first) : !*list;
		if (match) {
			snprintf(out, len, "%s", path + (*path == '/'));
			return 0;
		}
	}
	return rc_errf(e, ENOENT, "finding our own cgroup (%s) in /proc/self/cgroup", ctrls ? ctrls : "unified");
}

/* path as given (absolute: below each hierarchy's root; relative: below
 * the caller's own cgroup there) as a path relative to the hierarchy's
 * mount, into out. */
static int place(const char *path, bool relative, const char *ctrls, char *out, size_t len,
		 struct rc_err *e)
{
	char own[PATH_MAX] = "";

	if (relative && own_cgroup(ctrls, own, sizeof own, e) < 0)
		return -1;
	while (*path == '/')
		path++;
	if ((size_t)snprintf(out, len, "%s%s%s", own, *own ? "/" : "", path) >= len)
		return rc_errf(e, ENAMETOOLONG, "cgroup path %s", path);
	return 0;
}

/* Every v1 hierarchy mounted directly below base, from mountinfo. */
static int v1_create(struct rc_cgroup *cg, const char *base, const char *path, bool relative,
		     const struct rc_limits *l, const struct rc_cgroup_devices *d, struct rc_err *e)
{
	_cleanup_fclose_ FILE *mi = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	size_t blen = strlen(base);

	if (!mi)
		return rc_errf(e, errno, "reading /proc/self/mountinfo");
	while (fgets(line, sizeof line, mi) && cg->n < MAX_HIER) {
		char mnt[PATH_MAX], fstype[64], opts[512], *sep;
		struct hier *h;

		sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %511s", fstype, opts) != 2 || strcmp(fstype, "cgroup"))
			continue;
		if (strncmp(mnt, base, blen) || mnt[blen] != '/' || strchr(mnt + blen + 1, '/'))
			continue;
		h = &cg->h[cg->n];
		snprintf(h->ctrls, sizeof h->ctrls, "%s", opts);
		/* Named hierarchies (name=systemd) hold no controller. */
		if (has_ctrl(opts, "none") || strstr(opts, "name="))
			continue;
		char rel[PATH_MAX];
		bool cpuset = has_ctrl(opts, "cpuset");
		if (place(path, relative, opts, rel, sizeof rel, e) < 0 ||
		    make_parents(mnt, rel, cpuset, NULL, &h->dir, e) < 0)
			return -1;
		if (rmdir(h->dir) < 0 && errno != ENOENT) { /* a stale one from a crash */
			int err = errno;
			rc_errf(e, err, "cgroup %s already exists and is in use", h->dir);
			free(h->dir);
			return -1;
		}
		if (make_dir(h->dir, cpuset, e) < 0) {
			free(h->dir);
			return -1;
		}
		cg->n++;
		if (v1_limits(h, l, e) < 0)
			return -1;
		if (has_ctrl(opts, "devices") && v1_devices(h, d, e) < 0)
			return -1;
	}
	if (!cg->n)
		return rc_errf(e, 0, "no cgroup v1 hierarchy is mounted below %s", base);
	return 0;
}

static int v2_enable(const char *dir, const char *avail, struct rc_err *e)
{
	static const char *const want[] = { "memory", "cpu", "pids" };

	for (size_t i = 0; i < 3; i++) {
		char buf[32];
		if (!has_ctrl(avail, want[i]))
			continue;
		snprintf(buf, sizeof buf, "+%s", want[i]);
		if (write_str(dir, "cgroup.subtree_control", buf, e) < 0)
			return -1;
	}
	return 0;
}

static int v2_create(struct rc_cgroup *cg, const char *base, const char *path, bool relative,
		     const struct rc_limits *l, const struct rc_cgroup_devices *d, struct rc_err *e)
{
	_cleanup_free_ char *avail = NULL;
	_cleanup_close_ int bfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char rel[PATH_MAX], buf[64];
	struct hier *h = &cg->h[0];

	if (bfd < 0)
		return rc_errf(e, errno, "opening %s", base);
	if (rc_read_file_at(bfd, "cgroup.controllers", 4096, &avail, NULL, e) < 0)
		return -1;
	if (place(path, relative, NULL, rel, sizeof rel, e) < 0)
		return -1;
	if ((!relative && v2_enable(base, avail, e) < 0) || make_parents(base, rel, false, avail, &h->dir, e) < 0)
		return -1;
	if (rmdir(h->dir) < 0 && errno != ENOENT && errno != ENOTEMPTY) {
		int err = errno;
		rc_errf(e, err, "cgroup %s already exists and is in use", h->dir);
		free(h->dir);
		return -1;
	}
	if (make_dir(h->dir, false, e) < 0) {
		free(h->dir);
		return -1;
	}
	cg->n = 1;
	snprintf(h->ctrls, sizeof h->ctrls, "%s", avail);
	if (l->memory > 0 && has_ctrl(avail, "memory")) {
		if (write_i64(h->dir, "memory.max", l->memory, e) < 0)
			return -1;
		if (l->memory_swap > 0 && exists(h->dir, "memory.swap.max") &&
		    write_i64(h->dir, "memory.swap.max",
			      l->memory_swap > l->memory ? l->memory_swap - l->memory : 0, e) < 0)
			return -1;
	}
	if (l->cpu_quota > 0 && has_ctrl(avail, "cpu")) {
		snprintf(buf, sizeof buf, "%lld %llu", (long long)l->cpu_quota,
			 (unsigned long long)(l->cpu_period ? l->cpu_period : 100000));
		if (write_str(h->dir, "cpu.max", buf, e) < 0)
			return -1;
	}
	if (l->pids > 0 && has_ctrl(avail, "pids") && write_i64(h->dir, "pids.max", l->pids, e) < 0)
		return -1;
	/* Device rules are an eBPF program on v2 (skipped on a test's fake tree). */
	size_t ndev;
	const struct rc_device_rule *dev = device_rules(d, &ndev);
	if (rc_cgroup_version(h->dir) == 2 && rc_devices_attach_bpf(h->dir, dev, ndev, e) < 0)
		return -1;
	return 0;
}

int rc_cgroup_create(const char *base, int version, const char *name,
		     const struct rc_limits *lim, const struct rc_cgroup_devices *dev,
		     struct rc_cgroup **ret, struct rc_err *e)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "/rc/%s", name);
	return rc_cgroup_create_path(base, version, path, false, lim, dev, ret, e);
}

int rc_cgroup_create_path(const char *base, int version, const char *path, bool relative,
			  const struct rc_limits *lim, const struct rc_cgroup_devices *dev,
			  struct rc_cgroup **ret, struct rc_err *e)
{
	struct rc_cgroup *cg = calloc(1, sizeof *cg);
	int r;

	if (!cg)
		return rc_errf(e, ENOMEM, "allocating");
	cg->version = version ? version : rc_cgroup_version(base);
	r = cg->version == 2 ? v2_create(cg, base, path, relative, lim, dev, e)
			     : v1_create(cg, base, path, relative, lim, dev, e);
	if (r < 0) {
		remove_dirs(cg);
		cg_free(cg);
		return rc_err_prefix(e, "setting up the container's cgroup");
	}
	*ret = cg;
	return 0;
}

void rc_cgroup_forget(struct rc_cgroup *cg)
{
	if (cg)
		cg_free(cg);
}

int rc_cgroup_enter(struct rc_cgroup *cg, pid_t pid, struct rc_err *e)
{
	for (size_t i = 0; i < cg->n; i++)
		if (write_i64(cg->h[i].dir, "cgroup.procs", pid, e) < 0)
			return rc_err_prefix(e, "moving the container into its cgroup");
	return 0;
}

int rc_cgroup_rmdir(const char *dir, struct rc_err *e)
{
	for (int tries = 0; rmdir(dir) < 0; tries++) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || tries >= 200)
			return rc_errf(e, errno, "removing cgroup %s", dir);
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	}
	return 0;
}

int rc_cgroup_destroy(struct rc_cgroup *cg, struct rc_err *e)
{
	int r = 0;

	if (!cg)
		return 0;
	for (size_t i = 0; i < cg->n; i++)
		if (rc_cgroup_rmdir(cg->h[i].dir, e) < 0)
			r = -1;
	cg_free(cg);
	return r;
}

static int visit(const char *mnt, const char *name, int (*fn)(const char *, void *), void *arg)
{
	char dir[PATH_MAX];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/rc/%s", mnt, name);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	return fn(dir, arg) < 0 ? -1 : 1;
}

int rc_cgroup_foreach(const char *base, const char *name,
		      int (*fn)(const char *dir, void *arg), void *arg)
{
	FILE *mi;
	char line[4096];
	size_t blen = strlen(base);
	int n = 0, r;

	if (rc_cgroup_version(base) == 2)
		return visit(base, name, fn, arg);
	mi = fopen("/proc/self/mountinfo", "re");
	if (!mi)
		return 0;
	while (fgets(line, sizeof line, mi)) {
		char mnt[PATH_MAX], fstype[64], *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "cgroup"))
			continue;
		if (strncmp(mnt, base, blen) || mnt[blen] != '/' || strchr(mnt + blen + 1, '/'))
			continue;
		r = visit(mnt, name, fn, arg);
		if (r < 0) {
			fclose(mi);
			return -1;
		}
		n += r;
	}
	fclose(mi);
	return n;
}

static int remove_one(const char *dir, void *arg)
{
	return rc_cgroup_rmdir(dir, arg);
}

int rc_cgroup_remove(const char *base, const char *name, struct rc_err *e)
{
	return rc_cgroup_foreach(base, name, remove_one, e) < 0 ? -1 : 0;
}

struct join_arg {
	pid_t pid;
	struct rc_err *e;
};

static int join_one(const char *dir, void *arg)
{
	struct join_arg *j = arg;

	return write_i64(dir, "cgroup.procs", j->pid, j->e);
}

/* The first controller hierarchy below base (every one, on v1, as
 * v1_create makes them) that lacks rc/NAME, into missing; false if none. */
static bool hierarchy_missing(const char *base, const char *name, char *missing, size_t len)
{
	_cleanup_fclose_ FILE *mi = NULL;
	char line[4096], dir[PATH_MAX + 80];
	size_t blen = strlen(base);
	struct stat st;

	if (rc_cgroup_version(base) == 2) {
		snprintf(dir, sizeof dir, "%s/rc/%s", base, name);
		snprintf(missing, len, "%s", dir);
		return stat(dir, &st) < 0 || !S_ISDIR(st.st_mode);
	}
	mi = fopen("/proc/self/mountinfo", "re");
	while (mi && fgets(line, sizeof line, mi)) {
		char mnt[PATH_MAX], fstype[64], opts[512], *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %511s", fstype, opts) != 2 || strcmp(fstype, "cgroup"))
			continue;
		if (strncmp(mnt, base, blen) || mnt[blen] != '/' || strchr(mnt + blen + 1, '/') ||
		    has_ctrl(opts, "none") || strstr(opts, "name="))
			continue;
		snprintf(dir, sizeof dir, "%s/rc/%s", mnt, name);
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(missing, len, "%s", dir);
			return true;
		}
	}
	return !mi;
}

int rc_cgroup_join(const char *base, const char *name, pid_t pid, struct rc_err *e)
{
	struct join_arg j = { pid, e };
	char missing[PATH_MAX + 80];

	/* Fail closed: a process that joined only some of the container's
	 * hierarchies would run outside some of its limits. */
	if (hierarchy_missing(base, name, missing, sizeof missing))
		return rc_errf(e, 0, "joining the container's cgroup: %s is missing", missing);
	if (rc_cgroup_foreach(base, name, join_one, &j) < 0)
		return rc_err_prefix(e, "joining the container's cgroup");
	return 0;
}

int rc_cgroup_ctrl_dir(const char *base, int version, const char *name, const char *ctrl,
		       char *buf, size_t len)
{
	_cleanup_fclose_ FILE *mi = NULL;
	char line[4096];
	size_t blen = strlen(base);
	struct stat st;

	if ((version ? version : rc_cgroup_version(base)) == 2) {
		snprintf(buf, len, "%s/rc/%s", base, name);
		return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
	}
	mi = fopen("/proc/self/mountinfo", "re");
	while (mi && fgets(line, sizeof line, mi)) {
		char mnt[PATH_MAX], fstype[64], opts[512], *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %511s", fstype, opts) != 2 || strcmp(fstype, "cgroup"))
			continue;
		if (strncmp(mnt, base, blen) || mnt[blen] != '/' || strchr(mnt + blen + 1, '/') ||
		    !has_ctrl(opts, ctrl))
			continue;
		snprintf(buf, len, "%s/rc/%s", mnt, name);
		return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
	}
	return -1;
}

long long rc_cgroup_keyed(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX], line[256];
	_cleanup_fclose_ FILE *f = NULL;
	size_t kl = strlen(key);
	long long v;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl) && line[kl] == ' ' && sscanf(line + kl + 1, "%lld", &v) == 1)
			return v;
	return -1;
}

long long rc_cgroup_oom_kills(const char *base, int version, const char *name)
{
	char dir[PATH_MAX];
	long long n;

	if (!version)
		version = rc_cgroup_version(base);
	if (rc_cgroup_ctrl_dir(base, version, name, "memory", dir, sizeof dir) < 0)
		return 0;
	n = rc_cgroup_keyed(dir, version == 2 ? "memory.events" : "memory.oom_control", "oom_kill");
	return n > 0 ? n : 0;
}

int rc_parse_bytes(const char *s, int64_t *ret, struct rc_err *e)
{
	char *end;
	double v;
	double mult = 1;
	const char *p;

	if (!s || !isdigit((unsigned char)*s))
		return rc_errf(e, 0, "invalid size \"%s\": expected a number with an optional unit (b, k, m, g)", s ? s : "");
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return rc_errf(e, 0, "invalid size \"%s\"", s);
	p = end;
	if (*p == ' ')
		p++;
	switch (tolower((unsigned char)*p)) {
	case 'k': mult = 1024.0; p++; break;
	case 'm': mult = 1024.0 * 1024; p++; break;
	case 'g': mult = 1024.0 * 1024 * 1024; p++; break;
	case 't': mult = 1024.0 * 1024 * 1024 * 1024; p++; break;
	case 'p': mult = 1024.0 * 1024 * 1024 * 1024 * 1024; p++; break;
	}
	if (mult > 1 && tolower((unsigned char)*p) == 'i')
		p++;
	if (tolower((unsigned char)*p) == 'b')
		p++;
	if (*p)
		return rc_errf(e, 0, "invalid size \"%s\": expected a number with an optional unit (b, k, m, g)", s);
	v *= mult;
	if (v < 1 || v > 9.2e18)
		return rc_errf(e, 0, "invalid size \"%s\": out of range", s);
	*ret = (int64_t)v;
	return 0;
}

int rc_parse_cpus(const char *s, int64_t *ret_quota, uint64_t *ret_period, struct rc_err *e)
{
	char *end;
	double v;

	if (!s || !*s)
		return rc_errf(e, 0, "invalid number of CPUs \"\"");
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v > 0) || v > 1e6 || isnan(v))
		return rc_errf(e, 0, "invalid number of CPUs \"%s\": expected a positive number such as 0.5 or 2", s);
	*ret_period = 100000;
	*ret_quota = (int64_t)(v * 100000 + 0.5);
	if (*ret_quota < 1000)
		return rc_errf(e, 0, "invalid number of CPUs \"%s\": the minimum is 0.01", s);
	return 0;
}
