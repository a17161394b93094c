/* log.c - rc-oci's error and warning messages; see log.h. */
#include "oci/log.h"
#include "base/cleanup.h"
#include "base/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_path;
static enum rc_oci_log_format log_format;
static bool log_debug;

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static void write_line(const char *level, const char *msg)
{
	_cleanup_close_ int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	_cleanup_free_ char *line = NULL;
	char when[64];

	if (fd < 0)
		return;
	now_rfc3339(when, sizeof when);
	if (log_format == RC_OCI_LOG_JSON) {
		json_t *j = json_pack("{s:s,s:s,s:s}", "level", level, "msg", msg, "time", when);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (text && asprintf(&line, "%s\n", text) < 0)
			line = NULL;
		free(text);
	} else {
		/* logrus's text: the message quoted, its quotes and backslashes escaped. */
		char q[2 * RC_ERR_MSG_MAX + 1];
		size_t n = 0;
		for (const char *p = msg; *p && n < sizeof q - 3; p++) {
			if (*p == '"' || *p == '\\')
				q[n++] = '\\';
			q[n++] = *p == '\n' ? ' ' : *p;
		}
		q[n] = '\0';
		if (asprintf(&line, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, q) < 0)
			line = NULL;
	}
	if (line)
		(void)rc_write_all(fd, line, strlen(line));
}

static void emit(const char *level, const char *msg)
{
	if (log_path)
		write_line(level, msg);
	else
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, msg);
}

static void warn_sink(const char *msg)
{
	emit("warning", msg);
}

void rc_oci_log_setup(const char *path, enum rc_oci_log_format fmt, bool debug)
{
	log_path = path && *path ? path : NULL;
	log_format = fmt;
	log_debug = debug;
	rc_warn_set_sink(warn_sink);
}

void rc_oci_log(const char *level, const char *fmt, ...)
{
	char msg[RC_ERR_MSG_MAX];
	va_list ap;

	if (!strcmp(level, "debug") && !log_debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	emit(level, msg);
}

void rc_oci_log_error(const struct rc_err *e)
{
	const char *msg = e && e->msg[0] ? e->msg : "unknown error";

	fprintf(stderr, "%s: %s\n", program_invocation_short_name, msg);
	if (log_path)
		write_line("error", msg);
}
