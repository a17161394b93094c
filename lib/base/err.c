/* err.c - error reporting; see err.h. */
#include "base/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int rc_errf(struct rc_err *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!e)
		return -1;
	e->code = errnum;
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	if (errnum && n >= 0 && (size_t)n < sizeof e->msg)
		snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s", strerror(errnum));
	return -1;
}

int rc_err_prefix(struct rc_err *e, const char *fmt, ...)
{
	char prefix[RC_ERR_MSG_MAX];
	size_t plen, mlen;
	va_list ap;
	int n;

	if (!e)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof prefix - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	plen = strlen(prefix);
	memcpy(prefix + plen, ": ", 3);
	plen += 2;
	mlen = strnlen(e->msg, sizeof e->msg - 1);
	if (plen + mlen >= sizeof e->msg)
		mlen = sizeof e->msg - 1 - plen;
	memmove(e->msg + plen, e->msg, mlen);
	memcpy(e->msg, prefix, plen);
	e->msg[plen + mlen] = '\0';
	return -1;
}

int rc_err_status(struct rc_err *e, int status)
{
	if (e)
		e->status = status;
	return -1;
}

void rc_err_print(const char *prog, const struct rc_err *e)
{
	fprintf(stderr, "%s: %s\n", prog, e && e->msg[0] ? e->msg : "unknown error");
}

static void (*warn_sink)(const char *msg);

void rc_warn_set_sink(void (*sink)(const char *msg))
{
	warn_sink = sink;
}

void rc_warn(const char *fmt, ...)
{
	va_list ap;

	if (warn_sink) {
		char msg[RC_ERR_MSG_MAX];
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		warn_sink(msg);
		return;
	}
	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void rc_err_warn(const struct rc_err *e)
{
	rc_warn("%s", e && e->msg[0] ? e->msg : "unknown error");
}
