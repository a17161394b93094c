/* logfile.h - a detached container's output: containers/NAME/log, capped in
 * size and rotated (log -> log.1 -> log.2 ...). libc only: the monitor
 * links it. rc-logs reads it back (logread.h).
 *
 * The format is the CRI's (Kubernetes' container log): one record a line,
 *
 *   TIME STREAM TAG CONTENT\n
 *
 * TIME when the monitor read the output, RFC 3339 in UTC with nine digits
 * of nanoseconds; STREAM "stdout" or "stderr"; TAG "F" when CONTENT is a
 * whole line (the record's newline is the line's), "P" when it is part of
 * one that the stream's next record continues (the container wrote no
 * newline yet, or the line was longer than one read). Whatever the
 * container writes follows a record's header: it cannot make a record of
 * its own. An older rc wrote the bare output; its lines read as stdout of
 * no known time.
 */
#ifndef RC_LOGFILE_H
#define RC_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

#define RC_LOG_MAX_SIZE (10LL * 1024 * 1024) /* default cap of one file */
#define RC_LOG_MAX_FILES 3                    /* default: log, log.1, log.2 */

enum rc_log_stream { RC_LOG_STDOUT = 1, RC_LOG_STDERR = 2 };

struct rc_log {
	int dirfd;              /* the container directory */
	int fd;                 /* "log", appended to */
	off_t size;
	long long max_size;     /* <= 0: no cap */
	int max_files;          /* files kept, "log" included; 1: truncate at the cap */
};

/* Open (appending to) dirfd/log. */
int rc_log_open(struct rc_log *l, int dirfd, long long max_size, int max_files, struct rc_err *e);

/* Append n bytes that stream s wrote, as records stamped now, rotating
 * first when a record would pass the cap (records are never split across
 * files; one longer than the cap is split into parts). Write errors are
 * dropped: a full disk must not stop the container. */
void rc_log_append(struct rc_log *l, enum rc_log_stream s, const char *buf, size_t n);

void rc_log_close(struct rc_log *l);

#endif
