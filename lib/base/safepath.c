/* safepath.c - resolve paths inside a root directory; see safepath.h. */
#include "base/safepath.h"
#include "base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40 /* as the kernel's MAXSYMLINKS */

static int use_openat2 = -1; /* -1: not decided yet */

void rc_sp_force_fallback(bool on)
{
	use_openat2 = on ? 0 : -1;
}

int rc_path_clean(const char *path, char *out, size_t n)
{
	size_t len = 0;
	const char *p = path;

	if (n == 0)
		return -1;
	while (*p) {
		const char *c = p;
		size_t clen;

		while (*p && *p != '/')
			p++;
		clen = (size_t)(p - c);
		while (*p == '/')
			p++;
		if (clen == 0 || (clen == 1 && c[0] == '.'))
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			if (len == 0)
				return -1; /* climbs above the root */
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the separator before the dropped component */
			continue;
		}
		if (len + (len ? 1 : 0) + clen + 1 > n)
			return -1;
		if (len)
			out[len++] = '/';
		memcpy(out + len, c, clen);
		len += clen;
	}
	out[len] = '\0';
	return 0;
}

static int openat2_in_root(int rootfd, const char *path, int flags, mode_t mode, unsigned sp)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
			   (sp & RC_SP_NO_XDEV ? RESOLVE_NO_XDEV : 0) |
			   (sp & RC_SP_NO_SYMLINKS ? RESOLVE_NO_SYMLINKS : 0),
	};
	int fd, tries = 0;

	do /* EAGAIN: a concurrent rename raced with the lookup; try again */
		fd = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof how);
	while (fd < 0 && errno == EAGAIN && ++tries < 32);
	return fd;
}

/* Reopen the directory reached by the components in res ("a/b/c") from the
 * root; each was a real directory when the walk went through it. */
static int reopen_resolved(int rootfd, const char *res)
{
	return openat(rootfd, *res ? res : ".",
		      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Make directory c in cur: 0755 whatever the umask; a setgid parent's bit
 * is inherited, as mkdir -p would leave it. */
static int mkdir_in(int cur, const char *c)
{
	struct stat st;

	if (mkdirat(cur, c, 0755) < 0)
		return -1;
	if (fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(cur, c, 0755 | (st.st_mode & S_ISGID), 0) < 0)
		return -1;
	return 0;
}

/* The userspace walk: what RESOLVE_IN_ROOT does, one component at a time.
 * cur is always a real directory inside the root; res holds its path. With
 * mkdirs, missing directories are made where the path leads, through
 * dangling symlinks too (inside the root, as the container would see them). */
static int walk_in_root(int rootfd, const char *path, int flags, mode_t mode, bool mkdirs,
			unsigned how, rc_sp_made_fn made, void *arg)
{
	_cleanup_free_ char *rest = strdup(path), *res = calloc(1, PATH_MAX);
	_cleanup_close_ int cur = -1;
	size_t reslen = 0;
	int links = 0;
	struct stat rootst;
	char *p;

	if (!rest || !res)
		return errno = ENOMEM, -1;
	cur = reopen_resolved(rootfd, "");
	if (cur < 0 || fstat(cur, &rootst) < 0)
		return -1;
	p = rest;
	for (;;) {
		char *c, *next;
		struct stat st;
		bool last;

		while (*p == '/')
			p++;
		if (!*p) /* the path named the directory we are in */
			return openat(cur, ".", flags | O_CLOEXEC, mode);
		c = p;
		next = strchr(c, '/');
		if (next)
			*next++ = '\0';
		else
			next = c + strlen(c);
		p = next;
		while (*p == '/')
			p++;
		last = *p == '\0';

		if (!strcmp(c, ".")) {
			if (last)
				return openat(cur, ".", flags | O_CLOEXEC, mode);
			continue;
		}
		if (!strcmp(c, "..")) { /* ".." at the root stays at the root */
			while (reslen > 0 && res[reslen - 1] != '/')
				reslen--;
			if (reslen > 0)
				reslen--;
			res[reslen] = '\0';
			close(cur);
			cur = reopen_resolved(rootfd, res);
			if (cur < 0)
				return -1;
			if (last)
				return openat(cur, ".", flags | O_CLOEXEC, mode);
			continue;
		}
		if (fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT && last && (flags & O_CREAT))
				return openat(cur, c, flags | O_NOFOLLOW | O_CLOEXEC, mode);
			if (errno != ENOENT || !mkdirs || mkdir_in(cur, c) < 0 ||
			    fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) < 0)
				return -1;
			if (made)
				made(st.st_ino, arg);
		}
		if ((how & RC_SP_NO_XDEV) && st.st_dev != rootst.st_dev)
			return errno = EXDEV, -1;
		if (S_ISLNK(st.st_mode) && (how & RC_SP_NO_SYMLINKS))
			return errno = ELOOP, -1;
		if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
			char target[PATH_MAX];
			ssize_t tl;
			char *joined;

			if (++links > MAX_SYMLINKS)
				return errno = ELOOP, -1;
			tl = readlinkat(cur, c, target, sizeof target - 1);
			if (tl < 0)
				return -1;
			target[tl] = '\0';
			if (asprintf(&joined, "%s/%s", target, p) < 0)
				return errno = ENOMEM, -1;
			free(rest);
			rest = joined;
			p = rest;
			if (target[0] == '/') { /* absolute: start again at the root */
				reslen = 0;
				res[0] = '\0';
				close(cur);
				cur = reopen_resolved(rootfd, "");
				if (cur < 0)
					return -1;
			}
			continue;
		}
		if (last)
			return openat(cur, c, flags | O_NOFOLLOW | O_CLOEXEC, mode);
		if (!S_ISDIR(st.st_mode))
			return errno = ENOTDIR, -1;
		{
			int nfd = openat(cur, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			size_t clen = strlen(c);

			if (nfd < 0)
				return -1;
			if (reslen + clen + 2 > PATH_MAX) {
				close(nfd);
				return errno = ENAMETOOLONG, -1;
			}
			if (reslen)
				res[reslen++] = '/';
			memcpy(res + reslen, c, clen + 1);
			reslen += clen;
			close(cur);
			cur = nfd;
		}
	}
}

int rc_sp_openat(int rootfd, const char *path, int flags, mode_t mode, unsigned how)
{
	if (use_openat2 < 0) {
		const char *env = getenv("RC_NO_OPENAT2");
		use_openat2 = !(env && !strcmp(env, "1"));
	}
	if (use_openat2) {
		int fd = openat2_in_root(rootfd, path, flags, mode, how);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		use_openat2 = 0; /* an old kernel: walk in userspace from now on */
	}
	return walk_in_root(rootfd, path, flags, mode, false, how, NULL, NULL);
}

int rc_sp_open(int rootfd, const char *path, int flags, mode_t mode)
{
	return rc_sp_openat(rootfd, path, flags, mode, RC_SP_NO_XDEV);
}

int rc_sp_mkdir_p(int rootfd, const char *path, unsigned how)
{
	int fd = rc_sp_openat(rootfd, path, O_PATH | O_DIRECTORY, 0, how);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	return walk_in_root(rootfd, path, O_PATH | O_DIRECTORY, 0, true, how, NULL, NULL);
}

int rc_sp_read_regular(int rootfd, const char *path, size_t max, char **ret_data,
		       size_t *ret_len)
{
	_cleanup_close_ int pfd = rc_sp_openat(rootfd, path, O_PATH, 0, 0), fd = -1;
	_cleanup_free_ char *buf = NULL;
	char self[32];
	struct stat st;
	size_t len = 0;

	if (pfd < 0 || fstat(pfd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode))
		return errno = EINVAL, -1;
	if ((size_t)st.st_size > max)
		return errno = EFBIG, -1;
	/* Upgraded through the descriptor: the very inode just checked. */
	snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || !(buf = malloc(max + 1)))
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf + len, max + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return errno = EFBIG, -1;
	}
	buf[len] = '\0';
	*ret_data = rc_steal_ptr(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int rc_sp_open_parent(int rootfd, const char *path, bool mkdirs, const char **ret_name,
		      rc_sp_made_fn made, void *arg)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd;

	if (!*path)
		return errno = EINVAL, -1;
	if (!slash) {
		*ret_name = path;
		return rc_sp_open(rootfd, "", O_PATH | O_DIRECTORY, 0);
	}
	if ((size_t)(slash - path) >= sizeof dir)
		return errno = ENAMETOOLONG, -1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	*ret_name = slash + 1;
	fd = rc_sp_open(rootfd, dir, O_PATH | O_DIRECTORY, 0);
	if (fd < 0 && errno == ENOENT && mkdirs) /* the walk makes what is missing */
		fd = walk_in_root(rootfd, dir, O_PATH | O_DIRECTORY, 0, true, RC_SP_NO_XDEV, made, arg);
	return fd;
}
