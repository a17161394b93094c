/* cgroup.c - rc-oci's cgroups; see cgroup.h. */
#include "oci/cgroup.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "oci/resources.h"
#include "runtime/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool climbs(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
	return false;
}

/* systemd's nesting of a slice: "a-b-c.slice" -> "a.slice/a-b.slice/a-b-c.slice". */
static int expand_slice(const char *slice, char *out, size_t len, struct rc_err *e)
{
	size_t n = strlen(slice), o = 0;

	if (n < 6 || strcmp(slice + n - 6, ".slice") || strchr(slice, '/'))
		return rc_errf(e, 0, "linux.cgroupsPath: %s is not a systemd slice name", slice);
	if (!strcmp(slice, "-.slice")) {
		out[0] = '\0';
		return 0;
	}
	for (size_t i = 0; i < n - 6; i++) {
		if (slice[i] != '-')
			continue;
		if (i == 0 || slice[i - 1] == '-' || slice[i + 1] == '.')
			return rc_errf(e, 0, "linux.cgroupsPath: %s is not a systemd slice name", slice);
		o += (size_t)snprintf(out + o, o < len ? len - o : 0, "/%.*s.slice", (int)i, slice);
	}
	o += (size_t)snprintf(out + o, o < len ? len - o : 0, "/%s", slice);
	return o < len ? 0 : rc_errf(e, ENAMETOOLONG, "linux.cgroupsPath %s", slice);
}

static int systemd_path(const char *cp, const char *id, char *out, size_t len, struct rc_err *e)
{
	char slice[PATH_MAX], prefix[256], name[512];
	const char *a = cp ? strchr(cp, ':') : NULL, *b = a ? strchr(a + 1, ':') : NULL;

	if (cp && (!a || !b || strchr(b + 1, ':')))
		return rc_errf(e, 0, "linux.cgroupsPath: \"%s\" is not SLICE:PREFIX:NAME (--systemd-cgroup)", cp);
	snprintf(slice, sizeof slice, "%.*s", cp ? (int)(a - cp) : 0, cp ? cp : "");
	snprintf(prefix, sizeof prefix, "%.*s", cp ? (int)(b - a - 1) : 0, cp ? a + 1 : "");
	snprintf(name, sizeof name, "%s", cp ? b + 1 : id);
	if (!*name || strchr(name, '/') || strchr(prefix, '/'))
		return rc_errf(e, 0, "linux.cgroupsPath: \"%s\": a unit name holds no '/'", cp ? cp : "");
	char nest[PATH_MAX];
	if (expand_slice(*slice ? slice : "system.slice", nest, sizeof nest, e) < 0)
		return -1;
	size_t nl = strlen(name);
	int n;
	if (nl > 6 && !strcmp(name + nl - 6, ".slice"))
		n = snprintf(out, len, "%s/%s", nest, name);
	else
		n = snprintf(out, len, "%s/%s%s%s.scope", nest, prefix, *prefix ? "-" : "", name);
	return n >= 0 && (size_t)n < len ? 0 : rc_errf(e, ENAMETOOLONG, "linux.cgroupsPath %s", cp);
}

int rc_oci_cgroup_path(const char *cp, const char *id, bool systemd, char *out, size_t len,
		       bool *relative, struct rc_err *e)
{
	*relative = false;
	if (systemd)
		return systemd_path(cp, id, out, len, e);
	if (cp && strchr(cp, ':') && cp[0] != '/')
		return rc_errf(e, 0, "linux.cgroupsPath: \"%s\" is systemd's SLICE:PREFIX:NAME: "
			       "use --systemd-cgroup", cp);
	if (cp && climbs(cp))
		return rc_errf(e, 0, "linux.cgroupsPath: \"%s\" climbs out of the hierarchy", cp);
	*relative = !cp || cp[0] != '/';
	if ((size_t)snprintf(out, len, "%s", cp ? cp : id) >= len)
		return rc_errf(e, ENAMETOOLONG, "linux.cgroupsPath %s", cp);
	return 0;
}

int rc_oci_cgroup_create(const struct rc_oci_config *c, const char *id, bool systemd,
			 struct rc_cgroup **ret, struct rc_err *e)
{
	struct rc_limits none = { .memory = -1, .memory_swap = -1, .cpu_quota = -1, .pids = -1 };
	_cleanup_free_ struct rc_device_rule *rules = NULL;
	struct rc_cgroup_devices dev;
	json_t *res = json_object_get(json_object_get(c->json, "linux"), "resources");
	char path[PATH_MAX], **dirs = NULL;
	bool relative;
	int r;

	if (rc_oci_cgroup_path(c->cgroups_path, id, systemd, path, sizeof path, &relative, e) < 0 ||
	    rc_oci_resources_check(res, e) < 0)
		return -1;
	if (rc_spec_device_rules(&c->spec, &rules, &dev.n, e) < 0)
		return -1;
	dev.rules = rules;
	if (rc_cgroup_create_path(RC_CGROUP_BASE, 0, path, relative, &none, &dev, ret, e) < 0)
		return -1;
	r = rc_oci_cgroup_dirs(*ret, &dirs, e);
	if (r == 0)
		r = rc_oci_resources_apply(res, dirs, rc_cgroup_version_of(*ret), e);
	rc_strv_free(dirs);
	if (r < 0) {
		struct rc_err ignore = { 0 };
		rc_cgroup_destroy(*ret, &ignore);
		*ret = NULL;
	}
	return r;
}

int rc_oci_cgroup_dirs(const struct rc_cgroup *cg, char ***ret, struct rc_err *e)
{
	*ret = calloc(1, sizeof **ret);
	if (!*ret)
		return rc_errf(e, ENOMEM, "allocating");
	for (size_t i = 0; i < rc_cgroup_count(cg); i++)
		if (rc_strv_push(ret, rc_cgroup_dir(cg, i, NULL), e) < 0)
			return -1;
	return 0;
}

int rc_oci_cgroup_pids(char *const *dirs, pid_t **ret, size_t *nret, struct rc_err *e)
{
	*ret = NULL;
	*nret = 0;
	/* Every process is in every hierarchy: the first that is there says. */
	for (size_t i = 0; dirs && dirs[i]; i++) {
		_cleanup_close_ int dfd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		_cleanup_free_ char *text = NULL;
		size_t n = 0;

		if (dfd < 0)
			continue;
		if (rc_read_file_at(dfd, "cgroup.procs", 64 << 20, &text, NULL, e) < 0)
			return -1;
		for (char *p = text; *p; p++)
			n += *p == '\n';
		*ret = calloc(n + 1, sizeof **ret);
		if (!*ret)
			return rc_errf(e, ENOMEM, "allocating");
		for (char *p = text, *end; *p; p = end) {
			long v = strtol(p, &end, 10);
			if (end == p)
				break;
			if (v > 0)
				(*ret)[(*nret)++] = (pid_t)v;
		}
		return 0;
	}
	return 0;
}

static int write_dir(const char *dir, const char *file, const char *val, struct rc_err *e)
{
	char p[PATH_MAX];
	_cleanup_close_ int fd = -1;

	snprintf(p, sizeof p, "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || rc_write_all(fd, val, strlen(val)) < 0)
		return rc_errf(e, errno, "writing %s to %s", val, p);
	return 0;
}

static bool reads(const char *dir, const char *file, const char *want)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *v = NULL;
	struct rc_err ignore = { 0 };

	if (rc_read_file_at(dfd, file, 4096, &v, NULL, &ignore) < 0)
		return false;
	return strstr(v, want) != NULL;
}

int rc_oci_cgroup_freeze(char *const *dirs, bool freeze, struct rc_err *e)
{
	for (size_t i = 0; dirs && dirs[i]; i++) {
		char p[PATH_MAX];
		bool v1;

		snprintf(p, sizeof p, "%s/freezer.state", dirs[i]);
		v1 = access(p, F_OK) == 0;
		snprintf(p, sizeof p, "%s/cgroup.freeze", dirs[i]);
		if (!v1 && access(p, F_OK) < 0)
			continue;
		if (write_dir(dirs[i], v1 ? "freezer.state" : "cgroup.freeze",
			      v1 ? (freeze ? "FROZEN" : "THAWED") : (freeze ? "1" : "0"), e) < 0)
			return -1;
		/* The kernel freezes asynchronously: wait until it says it has. */
		for (int tries = 0; tries < 1000; tries++) {
			if (v1 ? reads(dirs[i], "freezer.state", freeze ? "FROZEN" : "THAWED")
			       : reads(dirs[i], "cgroup.events", freeze ? "frozen 1" : "frozen 0"))
				return 0;
			if (v1 && freeze && tries % 50 == 49) /* v1 may need asking again */
				write_dir(dirs[i], "freezer.state", "FROZEN", e);
			nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
		}
		return rc_errf(e, EBUSY, "%s the container's cgroup %s", freeze ? "freezing" : "thawing", dirs[i]);
	}
	return rc_errf(e, 0, "the container's cgroup has no freezer");
}

int rc_oci_cgroup_kill(char *const *dirs, int sig, struct rc_err *e)
{
	_cleanup_free_ pid_t *pids = NULL;
	struct rc_err ignore = { 0 };
	size_t n;
	bool frozen = rc_oci_cgroup_freeze(dirs, true, &ignore) == 0;
	int r = rc_oci_cgroup_pids(dirs, &pids, &n, e);

	for (size_t i = 0; r == 0 && i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			r = rc_errf(e, errno, "signalling process %d", (int)pids[i]);
	if (frozen)
		rc_oci_cgroup_freeze(dirs, false, &ignore);
	return r;
}

int rc_oci_cgroup_remove(char *const *dirs, struct rc_err *e)
{
	int r = 0;

	for (size_t i = 0; dirs && dirs[i]; i++)
		if (rc_cgroup_rmdir(dirs[i], e) < 0)
			r = -1;
	return r;
}
