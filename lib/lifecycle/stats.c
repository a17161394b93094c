/* stats.c - a container's resource use from the kernel's files; see stats.h. */
#include "lifecycle/stats.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "runtime/cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- reading the files ---- */

/* All of dir/file (a kernel file: small), NULL when it cannot be read. */
static char *slurp(const char *dir, const char *file)
{
	char path[PATH_MAX];
	char *text = NULL;

	if (!dir)
		return NULL;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (rc_read_file_at(AT_FDCWD, path, 1 << 20, &text, NULL, NULL) < 0)
		return NULL;
	return text;
}

/* The number that dir/file holds; "max" (no limit) is UINT64_MAX. */
static bool read_u64(const char *dir, const char *file, uint64_t *ret)
{
	_cleanup_free_ char *text = slurp(dir, file);
	char *end;

	if (!text)
		return false;
	if (!strncmp(text, "max", 3)) {
		*ret = UINT64_MAX;
		return true;
	}
	errno = 0;
	*ret = strtoull(text, &end, 10);
	return !errno && end != text;
}

/* The value of key in "key value" lines, 0 when absent. */
static uint64_t keyed(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoull(p + kl + 1, NULL, 10);
	return 0;
}

uint64_t rc_stats_host_memory(void)
{
	_cleanup_free_ char *text = slurp("/proc", "meminfo");
	const char *p = text ? strstr(text, "MemTotal:") : NULL;

	return p ? strtoull(p + 9, NULL, 10) * 1024 : 0;
}

/* Memory: in use less the inactive file cache, the limit no higher than
 * the host's memory. */
static void memory(struct rc_stats *s, uint64_t usage, uint64_t inactive_file, uint64_t limit)
{
	uint64_t host = rc_stats_host_memory();

	s->mem_usage = inactive_file < usage ? usage - inactive_file : usage;
	s->mem_limit = host && limit > host ? host : limit;
}

int rc_stats_cgroup_v2(const char *dir, struct rc_stats *s, struct rc_err *e)
{
	_cleanup_free_ char *mstat = slurp(dir, "memory.stat");
	_cleanup_free_ char *cstat = slurp(dir, "cpu.stat");
	_cleanup_free_ char *io = slurp(dir, "io.stat");
	uint64_t usage = 0, limit = UINT64_MAX;

	if (!read_u64(dir, "memory.current", &usage) && !cstat)
		return rc_errf(e, errno, "reading the cgroup %s", dir);
	read_u64(dir, "memory.max", &limit);
	memory(s, usage, keyed(mstat, "inactive_file"), limit);
	s->mem_cache = keyed(mstat, "file");
	s->cpu_ns = keyed(cstat, "usage_usec") * 1000;
	read_u64(dir, "pids.current", &s->pids);
	/* "MAJ:MIN rbytes=N wbytes=N rios=N ..." a device. */
	for (const char *p = io; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *r = strstr(p, " rbytes="), *w = strstr(p, " wbytes="), *nl = strchr(p, '\n');
		if (r && (!nl || r < nl))
			s->blk_read += strtoull(r + 8, NULL, 10);
		if (w && (!nl || w < nl))
			s->blk_write += strtoull(w + 8, NULL, 10);
	}
	return 0;
}

/* "MAJ:MIN Read N" and "MAJ:MIN Write N" lines of a blkio file, summed. */
static void blkio_v1(const char *text, struct rc_stats *s)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char dev[32], op[16];
		unsigned long long v;

		if (sscanf(p, "%31s %15s %llu", dev, op, &v) != 3)
			continue;
		if (!strcmp(op, "Read"))
			s->blk_read += v;
		else if (!strcmp(op, "Write"))
			s->blk_write += v;
	}
}

int rc_stats_cgroup_v1(const char *memdir, const char *cpuacct, const char *pids,
		       const char *blkio, struct rc_stats *s, struct rc_err *e)
{
	_cleanup_free_ char *mstat = slurp(memdir, "memory.stat");
	_cleanup_free_ char *io = slurp(blkio, "blkio.throttle.io_service_bytes_recursive");
	uint64_t usage = 0, limit = UINT64_MAX, inactive;

	if (!read_u64(memdir, "memory.usage_in_bytes", &usage) && !read_u64(cpuacct, "cpuacct.usage", &s->cpu_ns))
		return rc_errf(e, errno, "reading the cgroup %s", memdir ? memdir : cpuacct ? cpuacct : "(none)");
	read_u64(memdir, "memory.limit_in_bytes", &limit);
	/* total_*: this cgroup and those below it, as usage_in_bytes counts. */
	inactive = strstr(mstat ? mstat : "", "total_inactive_file ") ? keyed(mstat, "total_inactive_file")
								      : keyed(mstat, "inactive_file");
	memory(s, usage, inactive, limit);
	s->mem_cache = strstr(mstat ? mstat : "", "total_cache ") ? keyed(mstat, "total_cache")
								  : keyed(mstat, "cache");
	read_u64(cpuacct, "cpuacct.usage", &s->cpu_ns);
	read_u64(pids, "pids.current", &s->pids);
	if (!io)
		io = slurp(blkio, "blkio.throttle.io_service_bytes");
	blkio_v1(io, s);
	return 0;
}

int rc_stats_net_dev(const char *text, uint64_t *ret_rx, uint64_t *ret_tx)
{
	*ret_rx = *ret_tx = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *colon = strchr(p, ':'), *nl = strchr(p, '\n');
		unsigned long long f[9];
		char name[64];
		size_t n;

		if (!colon || (nl && colon > nl))
			continue; /* the two header lines */
		p += strspn(p, " ");
		n = (size_t)(colon - p);
		if (n >= sizeof name)
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		/* Receive: bytes packets errs drop fifo frame compressed
		 * multicast; then Transmit: bytes ... */
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2],
			   &f[3], &f[4], &f[5], &f[6], &f[7], &f[8]) != 9)
			return -1;
		if (!strcmp(name, "lo"))
			continue;
		*ret_rx += f[0];
		*ret_tx += f[8];
	}
	return 0;
}

/* The network part: /proc/PID/net/dev of the container's process, read
 * while a pidfd holds it and kept only if it is still that process. */
static void sample_net(const struct rc_ctr *c, struct rc_stats *s)
{
	char path[64], ns[64], self[64];
	_cleanup_free_ char *dev = NULL;
	_cleanup_close_ int pfd = -1;
	ssize_t a, b;
	pid_t pid;

	pfd = rc_ctr_pidfd(c->dir_fd, c->name, &pid, NULL);
	if (pfd < 0)
		return;
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	a = readlink(path, ns, sizeof ns - 1);
	b = readlink("/proc/self/ns/net", self, sizeof self - 1);
	if (a <= 0 || b <= 0 || (a == b && !memcmp(ns, self, (size_t)a)))
		return; /* --net host: its numbers would be the host's */
	snprintf(path, sizeof path, "/proc/%d/net", (int)pid);
	if (rc_read_file_at(AT_FDCWD, strcat(path, "/dev"), 1 << 20, &dev, NULL, NULL) < 0 ||
	    !rc_pidfd_alive(pfd) || rc_stats_net_dev(dev, &s->net_rx, &s->net_tx) < 0)
		return;
	s->has_net = true;
}

int rc_stats_sample(const struct rc_ctr *c, const char *base, struct rc_stats *s,
		    struct rc_err *e)
{
	struct rc_ctr_status st;
	struct timespec t;
	int version = rc_cgroup_version(base), r;

	memset(s, 0, sizeof *s);
	clock_gettime(CLOCK_MONOTONIC, &t);
	s->when_ns = (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
	rc_ctr_status(c->dir_fd, &st);
	if (st.state != RC_CTR_RUNNING)
		return 0;
	if (version == 2) {
		char dir[PATH_MAX];
		if (rc_cgroup_ctrl_dir(base, 2, c->cgroup, "memory", dir, sizeof dir) < 0)
			return 0; /* ended meanwhile */
		r = rc_stats_cgroup_v2(dir, s, e);
	} else {
		char d[4][PATH_MAX];
		static const char *const ctrls[] = { "memory", "cpuacct", "pids", "blkio" };
		bool have[4], any = false;
		for (int i = 0; i < 4; i++)
			any |= have[i] = rc_cgroup_ctrl_dir(base, 1, c->cgroup, ctrls[i], d[i], sizeof d[i]) == 0;
		if (!any)
			return 0;
		r = rc_stats_cgroup_v1(have[0] ? d[0] : NULL, have[1] ? d[1] : NULL,
				       have[2] ? d[2] : NULL, have[3] ? d[3] : NULL, s, e);
	}
	if (r < 0) {
		rc_ctr_status(c->dir_fd, &st);
		if (st.state != RC_CTR_RUNNING) { /* it ended while we read */
			memset(s, 0, sizeof *s);
			return 0;
		}
		return rc_err_prefix(e, "container %s", c->name);
	}
	sample_net(c, s);
	s->running = true;
	return 0;
}

double rc_stats_cpu_percent(const struct rc_stats *before, const struct rc_stats *after)
{
	long long wall = after->when_ns - before->when_ns;

	if (!before->running || !after->running || wall <= 0 || after->cpu_ns < before->cpu_ns)
		return -1;
	return 100.0 * (double)(after->cpu_ns - before->cpu_ns) / (double)wall;
}

/* ---- printing ---- */

/* docker's sizes: memory in binary units with four digits, I/O in
 * decimal ones with three. */
static void size_str(uint64_t v, bool binary, char *buf, size_t len)
{
	static const char *const bin[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	static const char *const dec[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double d = (double)v, step = binary ? 1024 : 1000;
	int i = 0;

	while (d >= step && i < 6) {
		d /= step;
		i++;
	}
	snprintf(buf, len, binary ? "%.4g%s" : "%.3g%s", d, binary ? bin[i] : dec[i]);
}

enum { C_NAME, C_CPU, C_MEM, C_MEMP, C_CACHE, C_NET, C_BLOCK, C_PIDS, C_MAX };

static void row_cells(const struct rc_stats_row *r, char c[C_MAX][96])
{
	const struct rc_stats *s = &r->s;
	char a[32], b[32];

	snprintf(c[C_NAME], 96, "%s", r->name);
	if (!s->running) {
		for (int i = C_CPU; i < C_MAX; i++)
			snprintf(c[i], 96, "--");
		return;
	}
	if (r->cpu < 0)
		snprintf(c[C_CPU], 96, "--");
	else
		snprintf(c[C_CPU], 96, "%.2f%%", r->cpu);
	size_str(s->mem_usage, true, a, sizeof a);
	size_str(s->mem_limit, true, b, sizeof b);
	snprintf(c[C_MEM], 96, "%s / %s", a, b);
	snprintf(c[C_MEMP], 96, "%.2f%%", s->mem_limit ? 100.0 * (double)s->mem_usage / (double)s->mem_limit : 0);
	size_str(s->mem_cache, true, c[C_CACHE], 96);
	if (s->has_net) {
		size_str(s->net_rx, false, a, sizeof a);
		size_str(s->net_tx, false, b, sizeof b);
		snprintf(c[C_NET], 96, "%s / %s", a, b);
	} else {
		snprintf(c[C_NET], 96, "--");
	}
	size_str(s->blk_read, false, a, sizeof a);
	size_str(s->blk_write, false, b, sizeof b);
	snprintf(c[C_BLOCK], 96, "%s / %s", a, b);
	snprintf(c[C_PIDS], 96, "%" PRIu64, s->pids);
}

static json_t *num_or_null(bool known, uint64_t v)
{
	return known ? json_integer((json_int_t)v) : json_null();
}

static int print_json(FILE *out, const struct rc_stats_row *r, struct rc_err *e)
{
	const struct rc_stats *s = &r->s;
	bool on = s->running, net = on && s->has_net;
	json_auto_t *o = json_pack("{s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"name", r->name, "running", on,
		"cpu_percent", on && r->cpu >= 0 ? json_real(r->cpu) : json_null(),
		"cpu_ns", num_or_null(on, s->cpu_ns),
		"mem_usage", num_or_null(on, s->mem_usage), "mem_limit", num_or_null(on, s->mem_limit),
		"mem_percent", on && s->mem_limit ? json_real(100.0 * (double)s->mem_usage / (double)s->mem_limit)
						  : json_null(),
		"mem_cache", num_or_null(on, s->mem_cache), "pids", num_or_null(on, s->pids),
		"net_rx", num_or_null(net, s->net_rx), "net_tx", num_or_null(net, s->net_tx),
		"block_read", num_or_null(on, s->blk_read), "block_write", num_or_null(on, s->blk_write),
		"when_ns", json_integer((json_int_t)s->when_ns));
	_cleanup_free_ char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	if (!text)
		return rc_errf(e, ENOMEM, "formatting JSON");
	fprintf(out, "%s\n", text);
	return 0;
}

int rc_stats_print(FILE *out, const struct rc_stats_row *rows, size_t n, bool json,
		   struct rc_err *e)
{
	static const char *const heads[C_MAX] = { "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %",
						   "CACHE", "NET I/O", "BLOCK I/O", "PIDS" };
	char c[C_MAX][96];
	int w[C_MAX];

	if (json) {
		for (size_t i = 0; i < n; i++)
			if (print_json(out, &rows[i], e) < 0)
				return -1;
		return fflush(out) == EOF ? rc_errf(e, errno, "writing") : 0;
	}
	for (int k = 0; k < C_MAX; k++)
		w[k] = (int)strlen(heads[k]);
	for (size_t i = 0; i < n; i++) {
		row_cells(&rows[i], c);
		for (int k = 0; k < C_MAX; k++)
			if ((int)strlen(c[k]) > w[k])
				w[k] = (int)strlen(c[k]);
	}
	for (int k = 0; k < C_MAX; k++)
		fprintf(out, "%-*s%s", k < C_MAX - 1 ? w[k] : 0, heads[k], k < C_MAX - 1 ? "   " : "\n");
	for (size_t i = 0; i < n; i++) {
		row_cells(&rows[i], c);
		for (int k = 0; k < C_MAX; k++)
			fprintf(out, "%-*s%s", k < C_MAX - 1 ? w[k] : 0, c[k], k < C_MAX - 1 ? "   " : "\n");
	}
	return fflush(out) == EOF ? rc_errf(e, errno, "writing") : 0;
}
