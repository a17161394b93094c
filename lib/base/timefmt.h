/* timefmt.h - times as rc writes and reads them: RFC 3339 with nanoseconds
 * in UTC (each record of a container's log), the forms docker's --since
 * takes, and Go's durations (docker's --health-interval 30s). libc only:
 * the monitor links it. */
#ifndef RC_TIMEFMT_H
#define RC_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

/* "2006-01-02T15:04:05.000000000Z" and its NUL. */
#define RC_TIME_LEN 31

/* t as RFC 3339 in UTC with nine digits of nanoseconds. */
void rc_time_format(const struct timespec *t, char buf[static RC_TIME_LEN]);

/* An RFC 3339 time of exactly len bytes: YYYY-MM-DDTHH:MM:SS, an optional
 * fraction of up to nine digits, then Z or +HH:MM / -HH:MM. false when it
 * is anything else. (What the log's reader takes each record's time with:
 * no allocation, no time zone files.) */
bool rc_time_parse_rfc3339(const char *s, size_t len, struct timespec *ret);

/* docker's --since and --until: an RFC 3339 time (the zone may be left
 * out: local time), a date YYYY-MM-DD (local midnight), YYYY-MM-DDTHH:MM
 * or THH:MM:SS, Unix seconds with an optional fraction, or a Go duration
 * before now ("10m", "1h30m"). */
int rc_time_parse(const char *s, const struct timespec *now, struct timespec *ret,
		  struct rc_err *e);

/* A Go duration ("300ms", "1.5s", "1h30m"; units ns us µs ms s m h; "0"
 * alone needs none) in nanoseconds. Negative ones are refused. */
int rc_duration_parse(const char *s, int64_t *ret_ns, struct rc_err *e);

/* Milliseconds of CLOCK_MONOTONIC: what timers compare. */
long long rc_mono_ms(void);

#endif
