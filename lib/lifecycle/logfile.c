/* logfile.c - rotated container logs; see logfile.h. */
#include "lifecycle/logfile.h"
#include "base/state.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
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

/* Records waiting to be written with one writev. */
struct batch {
	struct iovec iov[48];
	int n;
	size_t bytes;
};

static void flush(struct rc_log *l, struct batch *b)
{
	struct iovec *iov = b->iov;
	int n = b->n;

	while (n > 0) {
		ssize_t w = writev(l->fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* dropped: see logfile.h */
		l->size += w;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	b->n = 0;
	b->bytes = 0;
}

static void add(struct batch *b, const void *p, size_t len)
{
	b->iov[b->n++] = (struct iovec){ (void *)p, len };
	b->bytes += len;
}

void rc_log_append(struct rc_log *l, enum rc_log_stream s, const char *buf, size_t n)
{
	char ts[RC_TIME_LEN], full[64], part[64];
	struct timespec now;
	struct batch b;
	size_t plen;

	clock_gettime(CLOCK_REALTIME, &now);
	rc_time_format(&now, ts);
	plen = (size_t)snprintf(full, sizeof full, "%s %s F ", ts, s == RC_LOG_STDERR ? "stderr" : "stdout");
	memcpy(part, full, plen + 1);
	part[plen - 2] = 'P';
	b.n = 0;
	b.bytes = 0;
	while (n) {
		const char *nl = memchr(buf, '\n', n);
		size_t len = nl ? (size_t)(nl - buf) + 1 : n;
		bool whole = nl != NULL;
		size_t rec = plen + len + !whole;

		if (l->max_size > 0) {
			size_t used = (size_t)l->size + b.bytes, cap = (size_t)l->max_size;
			if (used > 0 && used + rec > cap) {
				flush(l, &b);
				rotate(l);
				l->size = 0; /* a failed rotation must not spin */
				continue;
			}
			if (rec > cap) {
				/* Alone in its file and still too long: a part that fits. */
				size_t room = cap > plen + 1 ? cap - plen - 1 : 1;
				if (len > room) {
					len = room;
					whole = false;
				}
			}
		}
		if (b.n + 3 > (int)(sizeof b.iov / sizeof *b.iov))
			flush(l, &b);
		add(&b, whole ? full : part, plen);
		add(&b, buf, len);
		if (!whole)
			add(&b, "\n", 1);
		buf += len;
		n -= len;
	}
	flush(l, &b);
}

void rc_log_close(struct rc_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

