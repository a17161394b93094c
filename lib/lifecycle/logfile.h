/* logfile.h - a detached container's output: containers/NAME/log, capped in
 * size and rotated (log -> log.1 -> log.2 ...), and read back by rc-logs.
 * libc only: the monitor links it. */
#ifndef RC_LOGFILE_H
#define RC_LOGFILE_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"

#define RC_LOG_MAX_SIZE (10LL * 1024 * 1024) /* default cap of one file */
#define RC_LOG_MAX_FILES 3                    /* default: log, log.1, log.2 */

struct rc_log {
	int dirfd;              /* the container directory */
	int fd;                 /* "log", appended to */
	off_t size;
	long long max_size;     /* <= 0: no cap */
	int max_files;          /* files kept, "log" included; 1: truncate at the cap */
};

/* Open (appending to) dirfd/log. */
int rc_log_open(struct rc_log *l, int dirfd, long long max_size, int max_files, struct rc_err *e);

/* Append buf, rotating first when it would pass the cap (at line ends where
 * the chunk allows). Write errors are dropped: a full disk must not stop
 * the container. */
void rc_log_write(struct rc_log *l, const char *buf, size_t n);

void rc_log_close(struct rc_log *l);

/* Write the last tail lines (tail < 0: all) of the log and its rotated
 * files, oldest first, to out. */
int rc_log_dump(int dirfd, long tail, int out, struct rc_err *e);

/* Then follow the log as it grows and rotates, until alive(arg) says the
 * container is gone and everything it wrote has been copied. */
int rc_log_follow(int dirfd, int out, bool (*alive)(void *arg), void *arg, struct rc_err *e);

#endif
