/* state.c - rc-oci's container records; see state.h. */
#include "oci/state.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "lifecycle/ctr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const char *rc_oci_status_name(enum rc_oci_status s)
{
	static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };

	return names[s];
}

int rc_oci_id_check(const char *id, struct rc_err *e)
{
	size_t n = id ? strlen(id) : 0;

	if (!n || n > RC_OCI_ID_MAX || !strcmp(id, ".") || !strcmp(id, "..") ||
	    strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+.-") != n)
		return rc_errf(e, 0, "invalid container id \"%s\": it must be 1 to %d of [A-Za-z0-9_+.-]",
			       id ? id : "", RC_OCI_ID_MAX);
	return 0;
}

int rc_oci_root_open(const char *root, bool create, struct rc_err *e)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && create) {
		if (rc_mkdir_p_at(AT_FDCWD, root, 0700, e) < 0)
			return -1;
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		return rc_errf(e, errno, "opening the state directory %s", root);
	return fd;
}

static void created_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

int rc_oci_ctr_new(const char *root, const char *id, struct rc_oci_ctr *c, struct rc_err *e)
{
	if (rc_oci_id_check(id, e) < 0)
		return -1;
	snprintf(c->id, sizeof c->id, "%s", id);
	c->root_fd = rc_oci_root_open(root, true, e);
	if (c->root_fd < 0)
		return -1;
	if (mkdirat(c->root_fd, id, 0700) < 0) {
		if (errno == EEXIST)
			return rc_errf(e, 0, "container with id exists: %s", id);
		return rc_errf(e, errno, "creating %s/%s", root, id);
	}
	c->dir_fd = openat(c->root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dir_fd < 0)
		return rc_errf(e, errno, "opening %s/%s", root, id);
	/* Held for the whole create: start and delete wait for it. */
	if (rc_oci_ctr_lock(c, e) < 0)
		return -1;
	created_now(c->created, sizeof c->created);
	c->annotations = json_object();
	return 0;
}

static int load(struct rc_oci_ctr *c, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	json_auto_t *j = NULL;
	json_t *v;
	size_t i;

	if (rc_read_file_at(c->dir_fd, RC_OCI_STATE, 1 << 20, &text, NULL, e) < 0) {
		if (e->code == ENOENT) /* create has not got that far, or died */
			return 0;
		return -1;
	}
	j = json_loads(text, 0, NULL);
	if (!json_is_object(j))
		return rc_errf(e, 0, "container \"%s\": %s is damaged", c->id, RC_OCI_STATE);
	c->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	c->pid_start = (unsigned long long)json_integer_value(json_object_get(j, "pidStart"));
	c->bundle = strdup(json_string_value(json_object_get(j, "bundle")) ?: "");
	c->rootfs = strdup(json_string_value(json_object_get(j, "rootfs")) ?: "");
	snprintf(c->created, sizeof c->created, "%s", json_string_value(json_object_get(j, "created")) ?: "");
	c->annotations = json_incref(json_object_get(j, "annotations"));
	if (!json_is_object(c->annotations)) {
		json_decref(c->annotations);
		c->annotations = json_object();
	}
	c->cgroup_version = (int)json_integer_value(json_object_get(j, "cgroupVersion"));
	c->systemd = json_is_true(json_object_get(j, "systemd"));
	v = json_object_get(j, "cgroups");
	c->cgroups = calloc(json_array_size(v) + 1, sizeof *c->cgroups);
	if (!c->bundle || !c->rootfs || !c->cgroups)
		return rc_errf(e, ENOMEM, "allocating");
	for (i = 0; i < json_array_size(v); i++)
		if (json_is_string(json_array_get(v, i)) &&
		    !(c->cgroups[i] = strdup(json_string_value(json_array_get(v, i)))))
			return rc_errf(e, ENOMEM, "allocating");
	return 0;
}

int rc_oci_ctr_open(const char *root, const char *id, struct rc_oci_ctr *c, struct rc_err *e)
{
	if (rc_oci_id_check(id, e) < 0)
		return -1;
	snprintf(c->id, sizeof c->id, "%s", id);
	c->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd >= 0)
		c->dir_fd = openat(c->root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dir_fd < 0) {
		if (errno == ENOENT) {
			rc_errf(e, 0, "container \"%s\" does not exist", id);
			e->code = ENOENT; /* delete --force asks */
			return -1;
		}
		return rc_errf(e, errno, "opening container \"%s\"", id);
	}
	return load(c, e);
}

int rc_oci_ctr_save(const struct rc_oci_ctr *c, struct rc_err *e)
{
	json_auto_t *j = NULL, *cg = json_array();
	_cleanup_free_ char *text = NULL;

	for (size_t i = 0; cg && c->cgroups && c->cgroups[i]; i++)
		json_array_append_new(cg, json_string(c->cgroups[i]));
	j = json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:O,s:O,s:i,s:b}", "id", c->id, "pid", (json_int_t)c->pid,
		      "pidStart", (json_int_t)c->pid_start, "bundle", c->bundle ? c->bundle : "",
		      "rootfs", c->rootfs ? c->rootfs : "", "created", c->created,
		      "annotations", c->annotations ? c->annotations : json_object(), "cgroups", cg,
		      "cgroupVersion", c->cgroup_version, "systemd", c->systemd);
	if (!j || !(text = json_dumps(j, JSON_COMPACT)))
		return rc_errf(e, ENOMEM, "allocating");
	if (rc_write_file_nosync_at(c->dir_fd, RC_OCI_STATE, text, strlen(text), 0600, e) < 0)
		return rc_err_prefix(e, "recording container \"%s\"", c->id);
	return 0;
}

int rc_oci_ctr_lock(const struct rc_oci_ctr *c, struct rc_err *e)
{
	while (flock(c->dir_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return rc_errf(e, errno, "locking container \"%s\"", c->id);
	return 0;
}

/* Whether one of the container's cgroups is frozen (v1 freezer.state,
 * v2 cgroup.freeze). */
static bool frozen(const struct rc_oci_ctr *c)
{
	for (size_t i = 0; c->cgroups && c->cgroups[i]; i++) {
		_cleanup_close_ int dfd = open(c->cgroups[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		_cleanup_free_ char *v = NULL;
		struct rc_err ignore = { 0 };

		if (dfd < 0)
			continue;
		if (rc_read_file_at(dfd, "freezer.state", 64, &v, NULL, &ignore) == 0)
			return !strncmp(v, "FROZEN", 6) || !strncmp(v, "FREEZING", 8);
		if (rc_read_file_at(dfd, "cgroup.freeze", 64, &v, NULL, &ignore) == 0)
			return v[0] == '1';
	}
	return false;
}

enum rc_oci_status rc_oci_ctr_status(const struct rc_oci_ctr *c)
{
	if (!c->pid)
		return RC_OCI_CREATING;
	if (rc_proc_starttime(c->pid) != c->pid_start)
		return RC_OCI_STOPPED;
	if (faccessat(c->dir_fd, RC_OCI_START, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return RC_OCI_CREATED;
	return frozen(c) ? RC_OCI_PAUSED : RC_OCI_RUNNING;
}

int rc_oci_ctr_pidfd(const struct rc_oci_ctr *c, struct rc_err *e)
{
	int fd;

	if (!c->pid || rc_proc_starttime(c->pid) != c->pid_start)
		return rc_errf(e, ESRCH, "container not running");
	fd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (fd < 0 && errno != ESRCH)
		return rc_errf(e, errno, "opening the container's process %d", (int)c->pid);
	/* Now that fd holds whatever has the pid, it must still be ours. */
	if (fd < 0 || rc_proc_starttime(c->pid) != c->pid_start) {
		if (fd >= 0)
			close(fd);
		return rc_errf(e, ESRCH, "container not running");
	}
	return fd;
}

json_t *rc_oci_state_json(const struct rc_oci_ctr *c, enum rc_oci_status s)
{
	json_t *j = json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "ociVersion", RC_OCI_VERSION,
			      "id", c->id, "pid", (json_int_t)(s == RC_OCI_STOPPED ? 0 : c->pid),
			      "status", rc_oci_status_name(s), "bundle", c->bundle ? c->bundle : "",
			      "rootfs", c->rootfs ? c->rootfs : "", "created", c->created, "owner", "");

	if (j && c->annotations && json_object_size(c->annotations))
		json_object_set(j, "annotations", c->annotations);
	return j;
}

char *rc_oci_hook_state(const struct rc_oci_ctr *c, const char *status)
{
	json_auto_t *j = json_pack("{s:s,s:s,s:s,s:I,s:s,s:O}", "ociVersion", RC_OCI_VERSION, "id", c->id,
				   "status", status, "pid", (json_int_t)c->pid, "bundle",
				   c->bundle ? c->bundle : "", "annotations",
				   c->annotations ? c->annotations : json_object());

	return j ? json_dumps(j, JSON_COMPACT) : NULL;
}

int rc_oci_ctr_remove(struct rc_oci_ctr *c, struct rc_err *e)
{
	if (rc_rm_rf_at(c->root_fd, c->id, e) < 0)
		return rc_err_prefix(e, "removing container \"%s\"", c->id);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rc_oci_list_ids(const char *root, char ***ret, struct rc_err *e)
{
	DIR *d = opendir(root);
	struct dirent *de;
	char **v = calloc(1, sizeof *v);
	size_t n = 0;

	if (!v) {
		if (d)
			closedir(d);
		return rc_errf(e, ENOMEM, "allocating");
	}
	*ret = v;
	if (!d)
		return errno == ENOENT ? 0 : rc_errf(e, errno, "reading %s", root);
	while ((de = readdir(d))) {
		struct rc_err ignore = { 0 };
		if (de->d_type != DT_DIR || rc_oci_id_check(de->d_name, &ignore) < 0)
			continue;
		char **nv = realloc(v, (n + 2) * sizeof *nv);
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			free(nv ? nv : v);
			closedir(d);
			*ret = NULL;
			return rc_errf(e, ENOMEM, "allocating");
		}
		v = nv;
		v[++n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof *v, cmp_str);
	*ret = v;
	return 0;
}

void rc_oci_ctr_close(struct rc_oci_ctr *c)
{
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	if (c->root_fd >= 0)
		close(c->root_fd);
	free(c->bundle);
	free(c->rootfs);
	json_decref(c->annotations);
	for (size_t i = 0; c->cgroups && c->cgroups[i]; i++)
		free(c->cgroups[i]);
	free(c->cgroups);
	*c = (struct rc_oci_ctr)RC_OCI_CTR_INIT;
}
