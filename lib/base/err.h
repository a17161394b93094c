/* err.h - one way to report failures across rc.
 *
 * Every fallible function in lib/ takes a `struct rc_err *` as its last
 * argument and returns a negative value on failure after filling it in.
 * The message says what was being done, to what, and why; callers that add
 * context prepend it with rc_err_prefix(). Programs print it once, at the
 * top, as "prog: message".
 */
#ifndef RC_ERR_H
#define RC_ERR_H

#include <stdarg.h>

#define RC_ERR_MSG_MAX 1024

struct rc_err {
	int code;                 /* errno that caused it, 0 if none */
	int status;               /* exit status the program should use (0: default 1) */
	char msg[RC_ERR_MSG_MAX];
};

/* Set *e to "fmt...: strerror(errnum)" (or just "fmt..." when errnum is 0).
 * Always returns -1 so callers can write `return rc_errf(e, errno, ...)`. */
int rc_errf(struct rc_err *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend "fmt...: " to the message already in *e. Returns -1. */
int rc_err_prefix(struct rc_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set the exit status a program should use for this failure. Returns -1. */
int rc_err_status(struct rc_err *e, int status);

/* Print "prog: msg" to stderr. */
void rc_err_print(const char *prog, const struct rc_err *e);

/* Print "prog: fmt..." to stderr, prog being the running program's name:
 * the one way library code (which does not know which program it is in)
 * and programs report what is not a failure, or a failure they go on
 * from. */
void rc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Send every later rc_warn message to sink instead of stderr (rc-oci: its
 * --log file, since its stderr may be a container's). */
void rc_warn_set_sink(void (*sink)(const char *msg));

/* rc_warn of e's message. */
void rc_err_warn(const struct rc_err *e);

#endif
