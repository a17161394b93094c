/* signals.h - signal names as docker and kill(1) take them. */
#ifndef RC_SIGNALS_H
#define RC_SIGNALS_H

#include "base/err.h"

/* "TERM", "SIGTERM", "sigterm", "15", "SIGRTMIN+3" -> the signal number. */
int rc_signal_parse(const char *s, int *ret, struct rc_err *e);

#endif
