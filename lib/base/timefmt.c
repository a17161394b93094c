/* timefmt.c - RFC 3339 times, docker's --since forms, Go durations; see
 * timefmt.h. */
#include "base/timefmt.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar: whole
 * 400-year eras counted from 0000-03-01, so that February ends each year. */
static long long days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long long y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* The date of a day counted from 1970-01-01: the inverse of
 * days_from_civil. (Not gmtime_r: glibc's reads the time zone files and
 * keeps what it read, and the monitor stamps every record.) */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void rc_time_format(const struct timespec *t, char buf[static RC_TIME_LEN])
{
	long long s = t->tv_sec, days = s >= 0 ? s / 86400 : (s - 86399) / 86400, y;
	long long sod = s - days * 86400;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	/* Through a buffer the compiler can see is big enough for any value. */
	char tmp[96];
	snprintf(tmp, sizeof tmp, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%09ldZ", y % 10000, m, d,
		 sod / 3600, sod / 60 % 60, sod % 60, (long)t->tv_nsec);
	memcpy(buf, tmp, RC_TIME_LEN - 1);
	buf[RC_TIME_LEN - 1] = '\0';
}

/* n decimal digits at s, into *v. */
static bool digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* The broken-down parts of a date and time, and where parsing stopped. */
struct parts {
	int y, mo, d, h, mi, s;
	long nsec;
	bool has_time, has_zone;
	long zone_s;            /* east of UTC */
	size_t end;
};

/* YYYY-MM-DD[(T|t)HH:MM[:SS[.F...]]][Z|±HH:MM] from the start of s (len
 * bytes); what follows is the caller's to judge. */
static bool parse_parts(const char *s, size_t len, struct parts *p)
{
	size_t i = 10;

	memset(p, 0, sizeof *p);
	if (len < 10 || !digits(s, 4, &p->y) || s[4] != '-' || !digits(s + 5, 2, &p->mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &p->d))
		return false;
	if (p->mo < 1 || p->mo > 12 || p->d < 1 || p->d > month_days(p->y, p->mo))
		return false;
	if (i < len && (s[i] == 'T' || s[i] == 't')) {
		if (len < i + 6 || !digits(s + i + 1, 2, &p->h) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &p->mi))
			return false;
		i += 6;
		p->has_time = true;
		if (i < len && s[i] == ':') {
			if (len < i + 3 || !digits(s + i + 1, 2, &p->s))
				return false;
			i += 3;
			if (i < len && s[i] == '.') {
				long scale = 100000000;
				size_t k = ++i;
				for (; i < len && isdigit((unsigned char)s[i]) && i - k < 9; i++, scale /= 10)
					p->nsec += (s[i] - '0') * scale;
				if (i == k)
					return false;
			}
		}
		if (p->h > 23 || p->mi > 59 || p->s > 60)
			return false;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		p->has_zone = true;
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-') && p->has_time) {
		int zh, zm;
		if (len < i + 6 || !digits(s + i + 1, 2, &zh) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &zm) || zh > 23 || zm > 59)
			return false;
		p->has_zone = true;
		p->zone_s = (s[i] == '-' ? -1 : 1) * (zh * 3600L + zm * 60L);
		i += 6;
	}
	p->end = i;
	return true;
}

static time_t utc_seconds(const struct parts *p)
{
	return (time_t)(days_from_civil(p->y, p->mo, p->d) * 86400 + p->h * 3600LL + p->mi * 60LL +
			p->s - p->zone_s);
}

bool rc_time_parse_rfc3339(const char *s, size_t len, struct timespec *ret)
{
	struct parts p;

	if (!parse_parts(s, len, &p) || p.end != len || !p.has_time || !p.has_zone || len < 20 ||
	    s[16] != ':')
		return false;
	ret->tv_sec = utc_seconds(&p);
	ret->tv_nsec = p.nsec;
	return true;
}

/* Unix seconds, with an optional fraction. */
static bool parse_unix(const char *s, struct timespec *ret)
{
	char *end;
	long long sec;
	long nsec = 0, scale = 100000000;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	sec = strtoll(s, &end, 10);
	if (errno)
		return false;
	if (*end == '.') {
		const char *f = ++end;
		for (; isdigit((unsigned char)*end); end++, scale /= 10)
			if (scale)
				nsec += (*end - '0') * scale;
		if (end == f)
			return false;
	}
	if (*end)
		return false;
	ret->tv_sec = (time_t)sec;
	ret->tv_nsec = nsec;
	return true;
}

int rc_time_parse(const char *s, const struct timespec *now, struct timespec *ret,
		  struct rc_err *e)
{
	struct parts p;
	int64_t ns;
	size_t len = strlen(s);

	if (parse_parts(s, len, &p) && p.end == len) {
		if (p.has_zone) {
			ret->tv_sec = utc_seconds(&p);
		} else {
			struct tm tm = { .tm_year = p.y - 1900, .tm_mon = p.mo - 1, .tm_mday = p.d,
					 .tm_hour = p.h, .tm_min = p.mi, .tm_sec = p.s, .tm_isdst = -1 };
			ret->tv_sec = mktime(&tm);
		}
		ret->tv_nsec = p.nsec;
		return 0;
	}
	if (parse_unix(s, ret))
		return 0;
	if (*s && !isdigit((unsigned char)s[len - 1]) && rc_duration_parse(s, &ns, NULL) == 0) {
		long long t = (long long)now->tv_sec * 1000000000LL + now->tv_nsec - ns;
		ret->tv_sec = (time_t)(t / 1000000000LL);
		ret->tv_nsec = (long)(t % 1000000000LL);
		if (ret->tv_nsec < 0) {
			ret->tv_nsec += 1000000000L;
			ret->tv_sec--;
		}
		return 0;
	}
	return rc_errf(e, 0, "invalid time \"%s\" (an RFC 3339 time such as 2006-01-02T15:04:05Z, "
		       "a date, Unix seconds, or a duration before now such as 10m)", s);
}

/* The unit at s, its length into *n, in nanoseconds; 0 when none. */
static int64_t unit_at(const char *s, size_t *n)
{
	static const struct { const char *name; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000LL }, { "m", 60000000000LL },
		{ "h", 3600000000000LL },
	};

	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		size_t l = strlen(units[i].name);
		/* "m" must not take the "m" of "ms". */
		if (!strncmp(s, units[i].name, l) && !(l == 1 && s[0] == 'm' && s[1] == 's')) {
			*n = l;
			return units[i].ns;
		}
	}
	return 0;
}

int rc_duration_parse(const char *s, int64_t *ret_ns, struct rc_err *e)
{
	const char *p = s;
	int64_t total = 0;

	if (*p == '+')
		p++;
	if (!strcmp(p, "0")) {
		*ret_ns = 0;
		return 0;
	}
	if (!*p)
		goto bad;
	while (*p) {
		uint64_t whole = 0, frac = 0;
		double scale = 1;
		const char *start = p;
		size_t n;
		int64_t unit;

		for (; isdigit((unsigned char)*p); p++) {
			if (whole > (UINT64_MAX - 9) / 10)
				goto bad;
			whole = whole * 10 + (uint64_t)(*p - '0');
		}
		if (*p == '.') {
			for (p++; isdigit((unsigned char)*p); p++)
				if (scale < 1e18) {
					frac = frac * 10 + (uint64_t)(*p - '0');
					scale *= 10;
				}
		}
		if (p == start || (p == start + 1 && *start == '.'))
			goto bad;
		unit = unit_at(p, &n);
		if (!unit)
			goto bad;
		p += n;
		if (whole > (uint64_t)(INT64_MAX / unit))
			goto bad;
		double add = (double)whole * (double)unit + (double)frac * ((double)unit / scale);
		if (add >= (double)INT64_MAX - (double)total)
			goto bad;
		total += (int64_t)add;
	}
	*ret_ns = total;
	return 0;
bad:
	return rc_errf(e, 0, "invalid duration \"%s\" (a number and a unit: ms, s, m or h, "
		       "such as 30s or 1m30s)", s);
}

long long rc_mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
