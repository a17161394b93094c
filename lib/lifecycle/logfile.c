/* logfile.c - rotated container logs; see logfile.h. */
#include "lifecycle/logfile.h"
#include "base/state.h"
#include "base/cleanup.h"
#include "base/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int rc_log_open(struct rc_log *l, int dirfd, long long max_size, int max_files, struct rc_err *e)
{
	struct stat st;

	l->dirfd = dirfd;
	l->max_size = max_size;
	l->max_files = max_files < 1 ? 1 : max_files;
	l->fd = openat(dirfd, RC_FILE_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (l->fd < 0)
		return rc_errf(e, errno, "opening the container's log");
	l->size = fstat(l->fd, &st) == 0 ? st.st_size : 0;
	return 0;
}

static void rotate(struct rc_log *l)
{
	char from[32], to[32];
	int fd;

	if (l->max_files == 1) {
		if (ftruncate(l->fd, 0) == 0)
			l->size = 0;
		return;
	}
	for (int i = l->max_files - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof from, "log");
		else
			snprintf(from, sizeof from, "log.%d", i - 1);
		snprintf(to, sizeof to, "log.%d", i);
		renameat(l->dirfd, from, l->dirfd, to);
	}
	fd = openat(l->dirfd, RC_FILE_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return; /* keep writing to the renamed file rather than lose output */
	close(l->fd);
	l->fd = fd;
	l->size = 0;
}

void rc_log_write(struct rc_log *l, const char *buf, size_t n)
{
	while (n) {
		size_t chunk = n;

		if (l->max_size > 0) {
			size_t room = l->size < l->max_size ? (size_t)(l->max_size - l->size) : 0;
			if (chunk > room) {
				/* Cut after the last line end that fits, if any. */
				const char *nl = room ? memrchr(buf, '\n', room) : NULL;
				if (nl)
					chunk = (size_t)(nl - buf) + 1;
				else if (l->size > 0)
					chunk = 0;
				else
					chunk = room ? room : n;
				if (chunk > n)
					chunk = n;
			}
			if (!chunk) {
				rotate(l);
				if (l->size > 0) /* rotation failed: do not spin */
					l->size = 0;
				continue;
			}
		}
		if (rc_write_all(l->fd, buf, chunk) < 0)
			return;
		l->size += (off_t)chunk;
		buf += chunk;
		n -= chunk;
	}
}

void rc_log_close(struct rc_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* Append all of dirfd/name to *buf. A missing file is fine. */
static int slurp(int dirfd, const char *name, char **buf, size_t *len, struct rc_err *e)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char tmp[65536];
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? 0 : rc_errf(e, errno, "reading %s", name);
	while ((n = read(fd, tmp, sizeof tmp)) > 0) {
		char *nb = realloc(*buf, *len + (size_t)n + 1);
		if (!nb)
			return rc_errf(e, ENOMEM, "reading %s", name);
		memcpy(nb + *len, tmp, (size_t)n);
		*buf = nb;
		*len += (size_t)n;
	}
	return n < 0 ? rc_errf(e, errno, "reading %s", name) : 0;
}

int rc_log_dump(int dirfd, long tail, int out, struct rc_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, start = 0;
	char name[32];
	int last = 0;

	/* The oldest rotated file is the highest-numbered one there is. */
	for (int i = 1; i < 1000; i++) {
		snprintf(name, sizeof name, "log.%d", i);
		if (faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			break;
		last = i;
	}
	for (int i = last; i >= 1; i--) {
		snprintf(name, sizeof name, "log.%d", i);
		if (slurp(dirfd, name, &buf, &len, e) < 0)
			return -1;
	}
	if (slurp(dirfd, RC_FILE_LOG, &buf, &len, e) < 0)
		return -1;
	if (tail >= 0) {
		long lines = 0;
		start = len;
		/* A final line without its newline counts as a line too. */
		if (start && buf[start - 1] == '\n')
			start--;
		while (start > 0) {
			if (buf[start - 1] == '\n' && ++lines == tail)
				break;
			start--;
		}
		if (tail == 0)
			start = len;
	}
	if (len > start && rc_write_all(out, buf + start, len - start) < 0)
		return rc_errf(e, errno, "writing the log");
	return 0;
}

/* Copy what fd has beyond its offset; false on a write error. */
static bool copy_new(int fd, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (rc_write_all(out, buf, (size_t)n) < 0)
			return false;
	return true;
}

int rc_log_follow(int dirfd, int out, bool (*alive)(void *arg), void *arg, struct rc_err *e)
{
	_cleanup_close_ int fd = openat(dirfd, RC_FILE_LOG, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st, cur;

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	for (;;) {
		bool running = alive(arg);

		if (fd >= 0 && !copy_new(fd, out))
			return rc_errf(e, errno, "writing the log");
		/* Rotated (a new file at "log") or truncated (one file kept)? */
		if (fstatat(dirfd, RC_FILE_LOG, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (fd < 0 || fstat(fd, &cur) < 0 || cur.st_ino != st.st_ino)) {
			if (fd >= 0)
				close(fd);
			fd = openat(dirfd, RC_FILE_LOG, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			continue;
		}
		if (fd >= 0 && fstat(fd, &cur) == 0 && lseek(fd, 0, SEEK_CUR) > cur.st_size) {
			lseek(fd, 0, SEEK_SET);
			continue;
		}
		if (!running)
			return 0;
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
}
