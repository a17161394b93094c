/* logread.h - rc-logs' side of a container's log (logfile.h): the records of
 * the log and its rotated files, oldest first, filtered by time, the last
 * lines, each printed to its own stream, and followed as the log grows and
 * rotates. */
#ifndef RC_LOGREAD_H
#define RC_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"
#include "lifecycle/logfile.h"

struct rc_log_record {
	enum rc_log_stream stream;
	bool partial;           /* the stream's next record continues the line */
	bool timed;             /* false: a line of an older rc's bare log */
	struct timespec time;
	const char *ts;         /* the time as written (ts_len bytes) */
	size_t ts_len;
	const char *text;       /* the content, without the record's newline */
	size_t len;
};

/* One line of the log, without its newline, as a record: a line that is
 * not a record is an older rc's stdout, of no known time. */
void rc_log_parse(const char *line, size_t len, struct rc_log_record *r);

struct rc_log_query {
	long tail;                      /* only the last lines (a line's parts count
					   once); < 0: all */
	bool timestamps;                /* each line led by its record's time */
	const struct timespec *since;   /* only records of that time or later */
	const struct timespec *until;   /* ... or earlier; NULL: no bound. Either
					   bound leaves out lines of no known time */
	bool (*alive)(void *arg);       /* set: then follow the log until it says
					   the container is gone for good */
	void *arg;
};

/* Print the log of the container directory dirfd: stdout's records to out,
 * stderr's to err (the order between the two is the order the monitor read
 * them in). */
int rc_log_read(int dirfd, const struct rc_log_query *q, FILE *out, FILE *err, struct rc_err *e);

#endif
