/* mounts.c - the container's filesystem set-up; see mounts.h. */
#include "runtime/mounts.h"
#include "runtime/cgroups.h"
#include "base/cleanup.h"
#include "base/safepath.h"
#include "runtime/defaults.h"
#include "runtime/devnodes.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Every path below is resolved inside the rootfs by base/safepath.h: an
 * O_PATH descriptor, then mounted through /proc/self/fd/N, so a symlink in
 * the image can never send a mount outside. */
static int open_in(int rootfd, const char *path, int flags, unsigned how)
{
	int fd = rc_sp_openat(rootfd, path, flags, 0, how);

	return fd < 0 ? -errno : fd;
}

static void fd_path(char buf[static 32], int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

static int mkdir_in_root(int rootfd, const char *path, unsigned how, struct rc_err *e)
{
	int fd = rc_sp_mkdir_p(rootfd, path, how);

	return fd >= 0 ? fd : rc_errf(e, errno, "mount target %s in the rootfs", path);
}

/* The mount target for path: a directory, or (want_file) a regular file,
 * made if missing. */
static int make_target(int rootfd, const char *path, bool want_file, unsigned how,
		       struct rc_err *e)
{
	char parent[PATH_MAX];
	const char *base;
	int fd;

	if (!want_file)
		return mkdir_in_root(rootfd, path, how, e);
	fd = open_in(rootfd, path, O_PATH, how);
	if (fd >= 0 || fd != -ENOENT)
		return fd >= 0 ? fd : rc_errf(e, -fd, "mount target %s in the rootfs", path);
	snprintf(parent, sizeof parent, "%s", path);
	base = strrchr(parent, '/');
	if (!base || !base[1])
		return rc_errf(e, EINVAL, "mount target %s", path);
	parent[base - parent] = '\0';
	_cleanup_close_ int pfd = mkdir_in_root(rootfd, parent[0] ? parent : "/", how, e);
	if (pfd < 0)
		return -1;
	_cleanup_close_ int dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return rc_errf(e, errno, "opening %s in the rootfs", parent);
	int nfd = openat(dfd, base + 1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (nfd < 0 && errno != EEXIST)
		return rc_errf(e, errno, "creating mount target %s in the rootfs", path);
	if (nfd >= 0)
		close(nfd);
	fd = open_in(rootfd, path, O_PATH, how);
	return fd >= 0 ? fd : rc_errf(e, -fd, "mount target %s in the rootfs", path);
}

/* Translate statvfs flags into the mount flags a bind remount must keep. */
static unsigned long kept_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
	if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
	if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
	return f;
}

/* Remount the bind mount at dest (inside root) with flags added. */
static int remount_bind(int rootfd, const char *dest, unsigned long flags, struct rc_err *e)
{
	char p[32];
	_cleanup_close_ int fd = open_in(rootfd, dest, O_PATH, 0);

	if (fd < 0)
		return rc_errf(e, -fd, "reopening %s", dest);
	fd_path(p, fd);
	if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | kept_flags(p) | flags, NULL) < 0)
		return rc_errf(e, errno, "remounting %s", dest);
	return 0;
}

static const struct { const char *name, *target; } dev_links[] = {
	{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" }, { "core", "/proc/kcore" },
};

/* The standard device nodes and links in a fresh /dev tmpfs. */
static int populate_dev(int rootfd, struct rc_err *e)
{
	_cleanup_close_ int dfd = open_in(rootfd, "/dev", O_RDONLY | O_DIRECTORY, RC_SP_NO_SYMLINKS);

	if (dfd < 0)
		return rc_errf(e, -dfd, "opening /dev");
	for (size_t i = 0; i < rc_default_ndev_nodes; i++) {
		const struct rc_dev_node *d = &rc_default_dev_nodes[i];
		if (mknodat(dfd, d->name, S_IFCHR | 0666, makedev(d->major, d->minor)) < 0 &&
		    errno != EEXIST)
			return rc_errf(e, errno, "creating /dev/%s", d->name);
		if (fchmodat(dfd, d->name, 0666, 0) < 0)
			return rc_errf(e, errno, "chmod /dev/%s", d->name);
	}
	for (size_t i = 0; i < sizeof dev_links / sizeof *dev_links; i++)
		if (symlinkat(dev_links[i].target, dfd, dev_links[i].name) < 0 && errno != EEXIST)
			return rc_errf(e, errno, "creating /dev/%s", dev_links[i].name);
	return 0;
}

static int bind_mount(const struct rc_fs *fs, int rootfd, const struct rc_mount *m, struct rc_err *e)
{
	char sp[32], tp[32];
	struct stat st;
	_cleanup_close_ int src = -1, tgt = -1;

	char rel[PATH_MAX];
	const char *source = m->source;

	/* By path, in this mount namespace: a descriptor opened by the
	 * parent names a mount of the host's namespace, which bind refuses. */
	if (source[0] != '/' && fs->bundle) {
		snprintf(rel, sizeof rel, "%s/%s", fs->bundle, source);
		source = rel;
	}
	src = open(source, O_PATH | O_CLOEXEC);
	if (src < 0)
		return rc_errf(e, errno, "bind mount source %s", m->source);
	if (fstat(src, &st) < 0)
		return rc_errf(e, errno, "bind mount source %s", m->source);
	tgt = make_target(rootfd, m->dest, !S_ISDIR(st.st_mode), 0, e);
	if (tgt < 0)
		return -1;
	fd_path(sp, src);
	fd_path(tp, tgt);
	if (mount(sp, tp, NULL, MS_BIND | (m->rec ? MS_REC : 0), NULL) < 0)
		return rc_errf(e, errno, "bind-mounting %s on %s", m->source, m->dest);
	unsigned long extra = m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
					  MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME);
	if (extra && remount_bind(rootfd, m->dest, extra, e) < 0)
		return -1;
	return 0;
}

/* The container's own cgroup directory below the hierarchy mounted at mnt,
 * when it has no cgroup namespace of its own and the caller named its
 * cgroups (rc-oci); NULL otherwise: a fresh mount of the hierarchy. */
static const char *own_cgroup(const struct rc_fs *fs, const char *mnt)
{
	size_t n = strlen(mnt);

	if (fs->spec->ns[RC_NS_CGROUP] || !fs->cgroup_dirs)
		return NULL;
	for (const char *const *d = fs->cgroup_dirs; *d; d++)
		if (!strncmp(*d, mnt, n) && ((*d)[n] == '/' || !(*d)[n]))
			return *d;
	return NULL;
}

static int remount_bind(int rootfd, const char *dest, unsigned long flags, struct rc_err *e);

/* Bind the container's own cgroup directory at dest (in the root, its
 * descriptor's path p), with the mount's flags (read-only, nosuid...). */
static int bind_cgroup(int rootfd, const char *own, const char *dest, const char *p,
		       const struct rc_mount *m, struct rc_err *e)
{
	unsigned long fl = m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);

	if (mount(own, p, NULL, MS_BIND, NULL) < 0)
		return rc_errf(e, errno, "bind-mounting %s on %s", own, dest);
	return fl ? remount_bind(rootfd, dest, fl, e) : 0;
}

/* cgroup v1: a tmpfs with one directory per hierarchy, each mounted in the
 * container's cgroup namespace (so it shows only the container's own), or
 * without one the container's own directory bound there (own_cgroup). */
static int mount_cgroup_v1(const struct rc_fs *fs, int rootfd, const struct rc_mount *m,
			   struct rc_err *e)
{
	_cleanup_fclose_ FILE *mi = fopen("/proc/self/mountinfo", "re");
	char line[4096], p[32];
	unsigned long fl = (m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC)) | MS_RELATIME;
	_cleanup_close_ int tfd = mkdir_in_root(rootfd, m->dest, RC_SP_NO_SYMLINKS, e);

	if (tfd < 0)
		return -1;
	if (!mi)
		return rc_errf(e, errno, "reading mountinfo");
	fd_path(p, tfd);
	if (mount("tmpfs", p, "tmpfs", fl, "mode=755") < 0)
		return rc_errf(e, errno, "mounting tmpfs on %s", m->dest);
	while (fgets(line, sizeof line, mi)) {
		char mnt[PATH_MAX], fstype[64], opts[512], data[512] = "", dest[PATH_MAX], *sep;

		sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %511s", fstype, opts) != 2)
			continue;
		if (strncmp(mnt, RC_CGROUP_BASE "/", sizeof RC_CGROUP_BASE) ||
		    strchr(mnt + sizeof RC_CGROUP_BASE, '/'))
			continue;
		/* Only the v1 hierarchies: a hybrid host's cgroup2 tree holds no
		 * controller the container is limited by (crun and runc skip it too). */
		if (strcmp(fstype, "cgroup"))
			continue;
		for (char *o = strtok(opts, ","); o; o = strtok(NULL, ",")) {
			if (!strcmp(o, "rw") || !strcmp(o, "ro"))
				continue;
			if (data[0])
				strncat(data, ",", sizeof data - strlen(data) - 1);
			strncat(data, o, sizeof data - strlen(data) - 1);
		}
		snprintf(dest, sizeof dest, "%s/%s", m->dest, mnt + sizeof RC_CGROUP_BASE);
		_cleanup_close_ int dfd = mkdir_in_root(rootfd, dest, RC_SP_NO_SYMLINKS, e);
		char dp[32];
		if (dfd < 0)
			return -1;
		fd_path(dp, dfd);
		const char *own = own_cgroup(fs, mnt);
		if (own && bind_cgroup(rootfd, own, dest, dp, m, e) < 0)
			return -1;
		if (!own && mount(fstype, dp, fstype, m->flags & ~MS_REMOUNT, data[0] ? data : NULL) < 0)
			return rc_errf(e, errno, "mounting %s (%s) on %s", fstype, data, dest);
	}
	if (m->flags & MS_RDONLY) {
		/* p names the directory under the tmpfs: reopen to reach the tmpfs. */
		_cleanup_close_ int top = open_in(rootfd, m->dest, O_PATH, 0);
		char tp[32];

		if (top < 0)
			return rc_errf(e, -top, "reopening %s", m->dest);
		fd_path(tp, top);
		if (mount(NULL, tp, NULL, MS_REMOUNT | MS_RDONLY | fl, "mode=755") < 0)
			return rc_errf(e, errno, "remounting %s read-only", m->dest);
	}
	return 0;
}

/* path is dir or below it. */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static int other_mount(const struct rc_fs *fs, int rootfd, const struct rc_mount *m,
		       struct rc_err *e)
{
	bool strict = !strcmp(m->type, "proc") || !strcmp(m->type, "sysfs") ||
		      under(m->dest, "/proc") || under(m->dest, "/sys");
	char p[32];
	struct stat st;
	_cleanup_close_ int tfd = -1;

	if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2")) {
		if (rc_cgroup_version(RC_CGROUP_BASE) == 1)
			return mount_cgroup_v1(fs, rootfd, m, e);
	}
	/* /proc and /sys onto a symlink planted by the image is refused:
	 * mounting there would put the kernel's files where the image says. */
	tfd = make_target(rootfd, m->dest, false, strict ? RC_SP_NO_SYMLINKS : 0, e);
	if (tfd < 0)
		return rc_err_prefix(e, "mounting %s", m->type);
	if (fstat(tfd, &st) < 0 || !S_ISDIR(st.st_mode))
		return rc_errf(e, ENOTDIR, "mounting %s on %s", m->type, m->dest);
	fd_path(p, tfd);
	const char *own = strncmp(m->type, "cgroup", 6) ? NULL : own_cgroup(fs, RC_CGROUP_BASE);
	if (own)
		return bind_cgroup(rootfd, own, m->dest, p, m, e);
	const char *type = strcmp(m->type, "cgroup") ? m->type : "cgroup2";
	if (mount(m->source ? m->source : type, p, type, m->flags & ~MS_REMOUNT, m->data) < 0)
		return rc_errf(e, errno, "mounting %s on %s", type, m->dest);
	if (!strcmp(m->dest, "/dev") && !strcmp(type, "tmpfs") && populate_dev(rootfd, e) < 0)
		return -1;
	return 0;
}

static int set_propagation(int rootfd, const struct rc_mount *m, struct rc_err *e)
{
	char p[32];
	_cleanup_close_ int fd = open_in(rootfd, m->dest, O_PATH, 0);

	if (fd < 0)
		return rc_errf(e, -fd, "reopening %s", m->dest);
	fd_path(p, fd);
	if (mount(NULL, p, NULL, m->propagation, NULL) < 0)
		return rc_errf(e, errno, "setting propagation of %s", m->dest);
	return 0;
}

/* Cover a masked path: files by the container's own /dev/null, which must
 * be the real null device, directories by an empty read-only tmpfs. */
static int mask_path(int rootfd, const char *path, struct rc_err *e)
{
	struct stat st, nst;
	char p[32], np[32];
	_cleanup_close_ int fd = open_in(rootfd, path, O_PATH, RC_SP_NO_SYMLINKS);
	_cleanup_close_ int null = -1;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return rc_errf(e, -fd, "masking %s", path);
	if (fstat(fd, &st) < 0)
		return rc_errf(e, errno, "masking %s", path);
	fd_path(p, fd);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
			return rc_errf(e, errno, "masking %s", path);
		return 0;
	}
	null = open_in(rootfd, "/dev/null", O_PATH, RC_SP_NO_SYMLINKS);
	if (null < 0)
		return rc_errf(e, -null, "masking %s: opening the container's /dev/null", path);
	if (fstat(null, &nst) < 0 || !S_ISCHR(nst.st_mode) || nst.st_rdev != makedev(1, 3))
		return rc_errf(e, 0, "masking %s: the container's /dev/null is not the null device", path);
	fd_path(np, null);
	if (mount(np, p, NULL, MS_BIND, NULL) < 0)
		return rc_errf(e, errno, "masking %s", path);
	return remount_bind(rootfd, path, MS_RDONLY, e) < 0 ? rc_err_prefix(e, "masking %s", path) : 0;
}

static int readonly_path(int rootfd, const char *path, struct rc_err *e)
{
	char p[32];
	_cleanup_close_ int fd = open_in(rootfd, path, O_PATH, RC_SP_NO_SYMLINKS);

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return rc_errf(e, -fd, "making %s read-only", path);
	fd_path(p, fd);
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return rc_errf(e, errno, "making %s read-only", path);
	return remount_bind(rootfd, path, MS_RDONLY, e) < 0 ? rc_err_prefix(e, "making %s read-only", path) : 0;
}

static int pivot(const char *rootfs, struct rc_err *e)
{
	_cleanup_close_ int oldroot = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (oldroot < 0)
		return rc_errf(e, errno, "opening /");
	if (chdir(rootfs) < 0)
		return rc_errf(e, errno, "entering %s", rootfs);
	/* pivot_root(".", ".") stacks the old root under the new one, then
	 * detaching "." removes it: no directory of the host stays reachable. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return rc_errf(e, errno, "pivot_root into %s", rootfs);
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return rc_errf(e, errno, "making the old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return rc_errf(e, errno, "detaching the old root");
	if (chdir("/") < 0)
		return rc_errf(e, errno, "entering the new root");
	return 0;
}

/* --no-pivot: the rootfs moved onto / and entered by chroot, for a root
 * pivot_root cannot leave (ramfs). The host's other mounts stay below. */
static int move_root(const char *rootfs, struct rc_err *e)
{
	if (chdir(rootfs) < 0)
		return rc_errf(e, errno, "entering %s", rootfs);
	if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return rc_errf(e, errno, "moving %s onto /", rootfs);
	if (chroot(".") < 0 || chdir("/") < 0)
		return rc_errf(e, errno, "entering the new root");
	return 0;
}

int rc_fs_setup(const struct rc_fs *fs, struct rc_err *e)
{
	const struct rc_spec *s = fs->spec;
	_cleanup_close_ int rootfd = -1;
	struct stat st;
	unsigned long prop = fs->root_propagation ? fs->root_propagation : MS_REC | MS_PRIVATE;

	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return rc_errf(e, errno, "setting the propagation of the mounts");
	if (stat(fs->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
		return rc_errf(e, errno ? errno : ENOTDIR, "rootfs %s", fs->rootfs);
	if (mount(fs->rootfs, fs->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return rc_errf(e, errno, "bind-mounting the rootfs %s", fs->rootfs);
	rootfd = open(fs->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return rc_errf(e, errno, "opening the rootfs %s", fs->rootfs);

	for (size_t i = 0; i < s->nmounts; i++) {
		const struct rc_mount *m = &s->mounts[i];
		int r = m->bind ? bind_mount(fs, rootfd, m, e) : other_mount(fs, rootfd, m, e);
		if (r < 0)
			return -1;
		if (m->propagation && set_propagation(rootfd, m, e) < 0)
			return -1;
	}
	if (rc_devnodes_make(rootfd, s, e) < 0)
		return -1;
	for (size_t i = 0; s->masked && s->masked[i]; i++)
		if (mask_path(rootfd, s->masked[i], e) < 0)
			return -1;
	for (size_t i = 0; s->readonly && s->readonly[i]; i++)
		if (readonly_path(rootfd, s->readonly[i], e) < 0)
			return -1;
	if (fs->before_pivot && fs->before_pivot(fs->arg, rootfd, e) < 0)
		return -1;
	if ((fs->no_pivot ? move_root(fs->rootfs, e) : pivot(fs->rootfs, e)) < 0)
		return -1;
	if (s->root_ro && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags("/"), NULL) < 0)
		return rc_errf(e, errno, "remounting the root read-only");
	/* After the pivot: on the container's own root, never the host's. */
	if (fs->root_propagation && mount(NULL, "/", NULL, fs->root_propagation, NULL) < 0)
		return rc_errf(e, errno, "setting the propagation of the root");
	return 0;
}
