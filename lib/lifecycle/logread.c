/* logread.c - reading a container's log back; see logread.h. */
#include "lifecycle/logread.h"
#include "base/cleanup.h"
#include "base/state.h"
#include "base/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void rc_log_parse(const char *line, size_t len, struct rc_log_record *r)
{
	const char *sp = memchr(line, ' ', len);
	size_t tl = sp ? (size_t)(sp - line) : 0;

	*r = (struct rc_log_record){ .stream = RC_LOG_STDOUT, .text = line, .len = len };
	/* TIME STREAM TAG CONTENT: "stdout F " is 9 bytes after the time's space. */
	if (!sp || len < tl + 10 || !rc_time_parse_rfc3339(line, tl, &r->time))
		return;
	const char *p = sp + 1;
	enum rc_log_stream s;
	if (!memcmp(p, "stdout ", 7))
		s = RC_LOG_STDOUT;
	else if (!memcmp(p, "stderr ", 7))
		s = RC_LOG_STDERR;
	else
		return;
	if ((p[7] != 'F' && p[7] != 'P') || p[8] != ' ') {
		r->time = (struct timespec){ 0, 0 };
		return;
	}
	r->stream = s;
	r->partial = p[7] == 'P';
	r->timed = true;
	r->ts = line;
	r->ts_len = tl;
	r->text = p + 9;
	r->len = len - tl - 10;
}

/* ---- printing ---- */

struct out {
	FILE *f[3];             /* by stream */
	int last;               /* the stream written to last */
	bool mid[3];            /* inside a line: its first part is out */
	bool timestamps;
	bool failed;
};

static void emit(struct out *o, const struct rc_log_record *r)
{
	int s = r->stream;
	FILE *f = o->f[s];

	/* The other stream's output first, so that a terminal shows both in
	 * the log's order. */
	if (o->last && o->last != s && fflush(o->f[o->last]) == EOF)
		o->failed = true;
	o->last = s;
	if (o->timestamps && !o->mid[s] && r->timed) {
		fwrite(r->ts, 1, r->ts_len, f);
		fputc(' ', f);
	}
	fwrite(r->text, 1, r->len, f);
	if (!r->partial)
		fputc('\n', f);
	o->mid[s] = r->partial;
	if (ferror(f))
		o->failed = true;
}

static int out_flush(struct out *o, struct rc_err *e)
{
	if (fflush(o->f[1]) == EOF || fflush(o->f[2]) == EOF || o->failed)
		return rc_errf(e, errno, "writing the log");
	return 0;
}

static bool ts_le(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

static bool in_window(const struct rc_log_query *q, const struct rc_log_record *r)
{
	if (!q->since && !q->until)
		return true;
	if (!r->timed)
		return false;
	return (!q->since || ts_le(q->since, &r->time)) && (!q->until || ts_le(&r->time, q->until));
}

/* ---- the whole log, read once ---- */

/* Append what fd holds from its offset to *buf. */
static int read_rest(int fd, const char *name, char **buf, size_t *len, struct rc_err *e)
{
	char tmp[65536];
	ssize_t n;

	while ((n = read(fd, tmp, sizeof tmp)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rc_errf(e, errno, "reading %s", name);
		char *nb = realloc(*buf, *len + (size_t)n + 1);
		if (!nb)
			return rc_errf(e, ENOMEM, "reading %s", name);
		memcpy(nb + *len, tmp, (size_t)n);
		*buf = nb;
		*len += (size_t)n;
	}
	return 0;
}

/* The rotated files oldest first (the highest-numbered one there is is the
 * oldest), then "log", whose descriptor stays open in *log_fd (-1: none)
 * for following. */
static int read_files(int dirfd, char **buf, size_t *len, int *log_fd, struct rc_err *e)
{
	char name[32];
	int last = 0;

	for (int i = 1; i < 1000; i++) {
		snprintf(name, sizeof name, RC_FILE_LOG ".%d", i);
		if (faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			break;
		last = i;
	}
	for (int i = last; i >= 1; i--) {
		snprintf(name, sizeof name, RC_FILE_LOG ".%d", i);
		_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno != ENOENT) /* ENOENT: rotated away meanwhile */
			return rc_errf(e, errno, "reading %s", name);
		if (fd >= 0 && read_rest(fd, name, buf, len, e) < 0)
			return -1;
	}
	*log_fd = openat(dirfd, RC_FILE_LOG, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*log_fd < 0)
		return errno == ENOENT ? 0 : rc_errf(e, errno, "reading " RC_FILE_LOG);
	return read_rest(*log_fd, RC_FILE_LOG, buf, len, e);
}

/* The records of buf[0..len): whole lines, and the unterminated rest as a
 * last record too unless keep_rest (then *rest is where it starts). */
static int split(char *buf, size_t len, bool keep_rest, struct rc_log_record **ret, size_t *ret_n,
		 size_t *rest, struct rc_err *e)
{
	struct rc_log_record *r = NULL;
	size_t n = 0, cap = 0, pos = 0;

	while (pos < len) {
		char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		if (!nl && keep_rest)
			break;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			struct rc_log_record *nr = realloc(r, cap * sizeof *r);
			if (!nr) {
				free(r);
				return rc_errf(e, ENOMEM, "reading the log");
			}
			r = nr;
		}
		rc_log_parse(buf + pos, end - pos, &r[n]);
		if (!nl)
			r[n].partial = true; /* its newline is not written yet */
		n++;
		pos = nl ? end + 1 : len;
	}
	*ret = r;
	*ret_n = n;
	*rest = pos;
	return 0;
}

/* Mark in sel the records of the last tail lines among those already
 * selected: a line is a run of P records ended by the same stream's next
 * F one (or by the log's end). */
static int select_tail(const struct rc_log_record *r, size_t n, long tail, bool *sel,
		       struct rc_err *e)
{
	_cleanup_free_ size_t *group = malloc((n + 1) * sizeof *group);
	_cleanup_free_ size_t *end = malloc((n + 1) * sizeof *end);
	size_t open[3] = { SIZE_MAX, SIZE_MAX, SIZE_MAX }, groups = 0, first = SIZE_MAX;
	long lines = 0;

	if (!group || !end)
		return rc_errf(e, ENOMEM, "reading the log");
	for (size_t i = 0; i < n; i++) {
		if (!sel[i])
			continue;
		int s = r[i].stream;
		group[i] = open[s] != SIZE_MAX ? open[s] : groups++;
		end[group[i]] = i;
		open[s] = r[i].partial ? group[i] : SIZE_MAX;
	}
	/* From the end, the line ends: the tail-th one back is the first kept. */
	for (size_t i = n; i-- > 0 && lines < tail;) {
		if (sel[i] && end[group[i]] == i && ++lines == tail)
			first = i;
	}
	for (size_t i = 0; i < n; i++)
		if (sel[i] && (tail == 0 || (lines == tail && end[group[i]] < first)))
			sel[i] = false;
	return 0;
}

static int dump(int dirfd, const struct rc_log_query *q, struct out *o, int *log_fd,
		char **carry, size_t *carry_len, struct rc_err *e)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ struct rc_log_record *r = NULL;
	_cleanup_free_ bool *sel = NULL;
	size_t len = 0, n = 0, rest = 0;

	if (read_files(dirfd, &buf, &len, log_fd, e) < 0 ||
	    split(buf, len, q->alive != NULL, &r, &n, &rest, e) < 0)
		return -1;
	sel = calloc(n + 1, sizeof *sel);
	if (!sel)
		return rc_errf(e, ENOMEM, "reading the log");
	for (size_t i = 0; i < n; i++)
		sel[i] = in_window(q, &r[i]);
	if (q->tail >= 0 && select_tail(r, n, q->tail, sel, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (sel[i])
			emit(o, &r[i]);
	/* Following: a line still being written is finished from there. */
	if (rest < len) {
		*carry = malloc(len - rest);
		if (!*carry)
			return rc_errf(e, ENOMEM, "reading the log");
		memcpy(*carry, buf + rest, len - rest);
		*carry_len = len - rest;
	}
	return out_flush(o, e);
}

/* ---- following ---- */

struct follow {
	int fd;                 /* "log" as it was when last opened */
	char *carry;            /* an unterminated line read so far */
	size_t carry_len;
};

/* Longer than any record the monitor writes: an older rc's line of no end
 * is printed in parts rather than held. */
#define CARRY_MAX (1 << 20)

/* Read what fd has beyond its offset and print its whole lines. */
static int take_new(struct follow *f, const struct rc_log_query *q, struct out *o,
		    struct rc_err *e)
{
	struct rc_log_record r;
	size_t start = 0;

	if (f->fd < 0)
		return 0;
	if (read_rest(f->fd, RC_FILE_LOG, &f->carry, &f->carry_len, e) < 0)
		return -1;
	for (;;) {
		char *nl = f->carry_len > start ? memchr(f->carry + start, '\n', f->carry_len - start) : NULL;
		if (!nl)
			break;
		rc_log_parse(f->carry + start, (size_t)(nl - f->carry) - start, &r);
		if (in_window(q, &r))
			emit(o, &r);
		start = (size_t)(nl - f->carry) + 1;
	}
	if (f->carry_len - start > CARRY_MAX) {
		rc_log_parse(f->carry + start, f->carry_len - start, &r);
		r.partial = true;
		if (in_window(q, &r))
			emit(o, &r);
		start = f->carry_len;
	}
	if (start) {
		memmove(f->carry, f->carry + start, f->carry_len - start);
		f->carry_len -= start;
	}
	return 0;
}

/* The rest of an unterminated line, printed as it is (its file is done). */
static void take_carry(struct follow *f, const struct rc_log_query *q, struct out *o)
{
	struct rc_log_record r;

	if (!f->carry_len)
		return;
	rc_log_parse(f->carry, f->carry_len, &r);
	r.partial = true;
	if (in_window(q, &r))
		emit(o, &r);
	f->carry_len = 0;
}

static bool past(const struct timespec *until)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return until && !ts_le(&now, until);
}

static int follow(int dirfd, const struct rc_log_query *q, struct out *o, struct follow *f,
		  struct rc_err *e)
{
	struct stat st, cur;

	for (;;) {
		bool running = q->alive(q->arg);

		if (take_new(f, q, o, e) < 0)
			return -1;
		/* Rotated: a new file at "log". The old one is complete once the
		 * new one exists (the monitor writes one file at a time): read
		 * its rest, then go on with the new one. */
		if (fstatat(dirfd, RC_FILE_LOG, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (f->fd < 0 || fstat(f->fd, &cur) < 0 || cur.st_ino != st.st_ino)) {
			if (take_new(f, q, o, e) < 0)
				return -1;
			take_carry(f, q, o);
			if (f->fd >= 0)
				close(f->fd);
			f->fd = openat(dirfd, RC_FILE_LOG, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			continue;
		}
		/* Truncated (one file kept): from its start again. */
		if (f->fd >= 0 && fstat(f->fd, &cur) == 0 && lseek(f->fd, 0, SEEK_CUR) > cur.st_size) {
			lseek(f->fd, 0, SEEK_SET);
			f->carry_len = 0;
			continue;
		}
		if (out_flush(o, e) < 0)
			return -1;
		if (!running || past(q->until)) {
			take_carry(f, q, o);
			return out_flush(o, e);
		}
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
}

int rc_log_read(int dirfd, const struct rc_log_query *q, FILE *out, FILE *err, struct rc_err *e)
{
	struct out o = { .f = { NULL, out, err }, .timestamps = q->timestamps };
	struct follow f = { .fd = -1 };
	int r;

	r = dump(dirfd, q, &o, &f.fd, &f.carry, &f.carry_len, e);
	if (r == 0 && q->alive)
		r = follow(dirfd, q, &o, &f, e);
	if (f.fd >= 0)
		close(f.fd);
	free(f.carry);
	return r;
}
