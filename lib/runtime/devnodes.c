/* devnodes.c - device nodes from the host; see devnodes.h. */
#include "runtime/devnodes.h"
#include "base/cleanup.h"
#include "base/safepath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Directories of the host's /dev a container never gets (docker's list:
 * its own devpts, shm and mqueue come instead), and /dev/console. */
static bool skipped(const char *name, bool dir)
{
	static const char *const dirs[] = { "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts",
					    ".udev" };

	if (!dir)
		return !strcmp(name, "console");
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		if (!strcmp(name, dirs[i]))
			return true;
	return false;
}

/* Let the container use the node (the config's rules, docker's when it has
 * none, then this one). */
static int allow(struct rc_spec *s, const struct rc_devnode *n, unsigned access, struct rc_err *e)
{
	struct rc_device_rule *r;

	if (!s->has_devices) {
		s->devices = calloc(rc_default_ndevices + 1, sizeof *s->devices);
		if (!s->devices)
			return rc_errf(e, ENOMEM, "allocating");
		memcpy(s->devices, rc_default_devices, rc_default_ndevices * sizeof *s->devices);
		s->ndevices = rc_default_ndevices;
		s->has_devices = true;
	}
	r = realloc(s->devices, (s->ndevices + 1) * sizeof *r);
	if (!r)
		return rc_errf(e, ENOMEM, "allocating");
	s->devices = r;
	r[s->ndevices++] = (struct rc_device_rule){ true, n->type, n->major, n->minor, access };
	return 0;
}

static int add_node(struct rc_spec *s, const char *dest, const struct stat *st, unsigned access,
		    bool rule, struct rc_err *e)
{
	struct rc_devnode n = { (char *)dest, S_ISBLK(st->st_mode) ? 'b' : 'c', major(st->st_rdev),
				minor(st->st_rdev), st->st_mode & 07777, st->st_uid, st->st_gid };

	if (rc_spec_add_devnode(s, &n, e) < 0)
		return -1;
	return rule ? allow(s, &n, access, e) : 0;
}

/* Every device below the directory host (opened as dfd), at dest/...;
 * symbolic links are not followed (docker's walk skips them too). */
static int add_dir(struct rc_spec *s, int dfd, const char *host, const char *dest, unsigned access,
		   bool rule, bool top, int depth, struct rc_err *e)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (depth > 16)
		return 0;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return rc_errf(e, errno, "reading %s", host);
	}
	while (r == 0 && (de = readdir(d))) {
		char hp[PATH_MAX], dp[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    (top && skipped(de->d_name, S_ISDIR(st.st_mode))))
			continue;
		if ((size_t)snprintf(hp, sizeof hp, "%s/%s", host, de->d_name) >= sizeof hp ||
		    (size_t)snprintf(dp, sizeof dp, "%s/%s", dest, de->d_name) >= sizeof dp)
			continue;
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			r = add_node(s, dp, &st, access, rule, e);
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				r = add_dir(s, sub, hp, dp, access, rule, false, depth + 1, e);
		}
	}
	closedir(d);
	return r;
}

int rc_devnode_add_host(struct rc_spec *s, const char *host, const char *dest, unsigned access,
			struct rc_err *e)
{
	struct stat st;
	int fd;

	if (!dest)
		dest = host;
	if (stat(host, &st) < 0)
		return rc_errf(e, errno, "device %s", host);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return add_node(s, dest, &st, access, true, e);
	if (!S_ISDIR(st.st_mode))
		return rc_errf(e, 0, "device %s: not a device node or a directory of them", host);
	fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "device %s", host);
	return add_dir(s, fd, host, dest, access, true, false, 0, e);
}

int rc_devnode_add_all_host(struct rc_spec *s, struct rc_err *e)
{
	int fd = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return rc_errf(e, errno, "reading /dev");
	return add_dir(s, fd, "/dev", "/dev", RC_DEV_ALL, false, true, 0, e);
}

static int make_one(int rootfd, const struct rc_devnode *n, struct rc_err *e)
{
	char parent[PATH_MAX];
	const char *base;
	_cleanup_close_ int pfd = -1, dfd = -1;

	snprintf(parent, sizeof parent, "%s", n->path);
	base = strrchr(parent, '/');
	if (!base || !base[1])
		return rc_errf(e, EINVAL, "device node %s", n->path);
	parent[base - parent] = '\0';
	base = n->path + (base - parent) + 1;
	pfd = rc_sp_mkdir_p(rootfd, parent[0] ? parent : "/", 0);
	if (pfd < 0)
		return rc_errf(e, errno, "the directory of device node %s", n->path);
	dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return rc_errf(e, errno, "the directory of device node %s", n->path);
	if (mknodat(dfd, base, (n->type == 'b' ? S_IFBLK : S_IFCHR) | n->mode,
		    makedev(n->major, n->minor)) < 0) {
		if (errno == EEXIST)
			return 0;
		return rc_errf(e, errno, "creating device node %s", n->path);
	}
	if (fchownat(dfd, base, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return rc_errf(e, errno, "device node %s", n->path);
	return 0;
}

int rc_devnodes_make(int rootfd, const struct rc_spec *s, struct rc_err *e)
{
	for (size_t i = 0; i < s->ndevnodes; i++)
		if (make_one(rootfd, &s->devnodes[i], e) < 0)
			return -1;
	return 0;
}
