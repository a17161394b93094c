/* fs.c - safe filesystem primitives; see fs.h. */
#include "base/fs.h"
#include "base/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int rc_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync refuses an O_PATH descriptor (EBADF), which is how many callers
 * hold a directory: then the directory is opened for it. */
void rc_sync_parent_at(int dirfd, const char *name)
{
	const char *slash = strrchr(name, '/');
	char parent[4096];
	int fd;

	if (!slash) {
		if (dirfd != AT_FDCWD && fsync(dirfd) == 0)
			return;
		snprintf(parent, sizeof parent, ".");
	} else if (snprintf(parent, sizeof parent, "%.*s", (int)(slash - name + 1), name) >=
		   (int)sizeof parent) {
		return;
	}
	fd = openat(dirfd, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

enum sync { SYNC_NONE, SYNC_FILE, SYNC_FILE_AND_DIR };

static int write_file(int dirfd, const char *name, const void *data, size_t len,
		      mode_t mode, enum sync sync, struct rc_err *e)
{
	char tmp[4096];
	_cleanup_close_ int fd = -1;
	int r;

	r = snprintf(tmp, sizeof tmp, "%s.tmp.%d", name, (int)getpid());
	if (r < 0 || (size_t)r >= sizeof tmp)
		return rc_errf(e, ENAMETOOLONG, "writing %s", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return rc_errf(e, errno, "creating %s", tmp);
	r = rc_write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && sync != SYNC_NONE && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return rc_errf(e, -r, "writing %s", name);
	}
	if (sync == SYNC_FILE_AND_DIR)
		rc_sync_parent_at(dirfd, name);
	return 0;
}

int rc_write_file_at(int dirfd, const char *name, const void *data, size_t len,
		     mode_t mode, struct rc_err *e)
{
	return write_file(dirfd, name, data, len, mode, SYNC_FILE_AND_DIR, e);
}

int rc_write_file_nodirsync_at(int dirfd, const char *name, const void *data, size_t len,
			       mode_t mode, struct rc_err *e)
{
	return write_file(dirfd, name, data, len, mode, SYNC_FILE, e);
}

int rc_write_file_nosync_at(int dirfd, const char *name, const void *data, size_t len,
			    mode_t mode, struct rc_err *e)
{
	return write_file(dirfd, name, data, len, mode, SYNC_NONE, e);
}

int rc_read_file_at(int dirfd, const char *name, size_t max, char **ret_data,
		    size_t *ret_len, struct rc_err *e)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "opening %s", name);
	for (;;) {
		ssize_t n;
		if (len + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nbuf = realloc(buf, ncap);
			if (!nbuf)
				return rc_errf(e, ENOMEM, "reading %s", name);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return rc_errf(e, errno, "reading %s", name);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return rc_errf(e, EFBIG, "reading %s (more than %zu bytes)", name, max);
	}
	buf[len] = '\0';
	*ret_data = rc_steal_ptr(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int rc_mkdir_p_at(int dirfd, const char *path, mode_t mode, struct rc_err *e)
{
	_cleanup_free_ char *copy = strdup(path);
	struct stat st;

	if (!copy)
		return rc_errf(e, ENOMEM, "creating %s", path);
	for (char *p = copy + 1; ; p++) {
		char saved = *p;
		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		if (mkdirat(dirfd, copy, mode) < 0 && errno != EEXIST)
			return rc_errf(e, errno, "creating directory %s", copy);
		if (fstatat(dirfd, copy, &st, 0) < 0)
			return rc_errf(e, errno, "creating directory %s", copy);
		if (!S_ISDIR(st.st_mode))
			return rc_errf(e, ENOTDIR, "creating directory %s", copy);
		*p = saved;
		if (saved == '\0')
			break;
	}
	return 0;
}

static int rm_rf_children(int dfd, dev_t dev, struct rc_err *e);

static int rm_rf_entry(int dirfd, const char *name, dev_t dev, struct rc_err *e)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : rc_errf(e, errno, "removing %s", name);
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int fd = -1;
		if (st.st_dev != dev)
			return rc_errf(e, EBUSY, "removing %s (a mount point)", name);
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return rc_errf(e, errno, "removing %s", name);
		/* A directory without write permission cannot be emptied. */
		if ((st.st_mode & 0700) != 0700)
			fchmod(fd, 0700);
		if (rm_rf_children(fd, dev, e) < 0)
			return rc_err_prefix(e, "%s", name);
		if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			return rc_errf(e, errno, "removing %s", name);
		return 0;
	}
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return rc_errf(e, errno, "removing %s", name);
	return 0;
}

static int rm_rf_children(int dfd, dev_t dev, struct rc_err *e)
{
	int fd = dup(dfd);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (fd < 0)
		return rc_errf(e, errno, "reading directory");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return rc_errf(e, errno, "reading directory");
	}
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = rm_rf_entry(dfd, de->d_name, dev, e);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

int rc_rm_rf_at(int dirfd, const char *name, struct rc_err *e)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : rc_errf(e, errno, "removing %s", name);
	return rm_rf_entry(dirfd, name, st.st_dev, e);
}

int rc_lock_at(int dirfd, const char *name, struct rc_err *e)
{
	int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0)
		return rc_errf(e, errno, "opening lock %s", name);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		int saved = errno;
		close(fd);
		return rc_errf(e, saved, "locking %s", name);
	}
	return fd;
}

static int int_cmp(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Without close_range (Linux < 5.9): one close per open descriptor. */
static void close_each(int from, const int *keep, size_t nkeep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		bool kept = de->d_name[0] == '.' || fd < from || fd == dirfd(d);
		for (size_t i = 0; i < nkeep && !kept; i++)
			kept = keep[i] == fd;
		if (!kept)
			close(fd);
	}
	closedir(d);
}

void rc_close_fds_except(int from, const int *keep, size_t nkeep)
{
	int sorted[64];
	size_t n = 0;
	unsigned lo = (unsigned)from;

	for (size_t i = 0; i < nkeep && n < sizeof sorted / sizeof *sorted; i++)
		if (keep[i] >= from)
			sorted[n++] = keep[i];
	qsort(sorted, n, sizeof *sorted, int_cmp);
	for (size_t i = 0; i <= n; i++) {
		unsigned hi = i < n ? (unsigned)sorted[i] : ~0U;
		if (hi > lo && syscall(SYS_close_range, lo, hi - 1, 0U) < 0) {
			close_each(from, keep, nkeep);
			return;
		}
		if (i < n)
			lo = hi + 1;
	}
}
